"""The storefront's session: the seed's CtpSession plus the values this storefront adds,
declared the documented way (docs/session.md, "Extending the session")."""

from __future__ import annotations

import re
from collections.abc import Callable

from app.session.ctp_session import CtpSession, SessionField

_COUNTRY = re.compile(r"^[A-Z]{2}$")
_CURRENCY = re.compile(r"^[A-Z]{3}$")
# A language tag as commercetools' Locale: "de", "en-US".
_LANGUAGE = re.compile(r"^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$")
_STORE_KEY = re.compile(r"^[A-Za-z0-9_-]{2,256}$")
_MAX_GROUPS = 20


def _version(record: object) -> int:
    if not isinstance(record, int) or isinstance(record, bool) or record < 1:
        raise ValueError("a cart version is a positive integer")
    return record


def _matching(pattern: re.Pattern[str], what: str) -> Callable[[object], str]:
    def read(record: object) -> str:
        if not isinstance(record, str) or not pattern.match(record):
            raise ValueError(f"not {what}")
        return record

    return read


_country = _matching(_COUNTRY, "a country code")
_currency = _matching(_CURRENCY, "a currency code")
_language = _matching(_LANGUAGE, "a language tag")
_store_key = _matching(_STORE_KEY, "a store key")


def _ids(record: object) -> tuple[str, ...]:
    if not isinstance(record, list) or len(record) > _MAX_GROUPS:
        raise ValueError("customer groups are a short list of ids")
    if not all(isinstance(item, str) and 0 < len(item) <= 64 for item in record):
        raise ValueError("a customer group id is a short string")
    return tuple(record)


class StorefrontSession(CtpSession):
    # The cart's last known version: lets a cart update go straight to commercetools without
    # reading the cart first. A stale value costs one 409 that carries the current version.
    cart_version = SessionField[int]("cv", from_record=_version)
    # The shopper's wishlist (a commercetools shopping list), created on the first add.
    wishlist_id = SessionField[str]("w")
    # The commercetools Payment the shopper started for the cart (createPayment); placeOrder
    # checks it with the provider. Not a proof of payment: the cart must still list it.
    payment_id = SessionField[str]("pa")

    # The shopper context (docs/storefront-api.md, "Shopper context"): what setShopperContext
    # chose and checked against the project and the store. Unset values take the defaults.
    # It is not private, so it survives sign-out (`clear()` below).
    country = SessionField[str]("mc", from_record=_country)
    currency = SessionField[str]("my", from_record=_currency)
    language = SessionField[str]("ml", from_record=_language)
    store_key = SessionField[str]("ms", from_record=_store_key)
    # The signed-in customer's Customer Groups, read once at sign-in: price selection for
    # every answer (catalog and cart) uses them. Cleared with the rest on sign-out.
    customer_groups = SessionField[tuple[str, ...]]("cg", to_record=list, from_record=_ids)
    # The cart left behind by a currency change that could not carry every line: switching
    # back to its currency brings those lines back (docs/storefront-api.md).
    previous_cart_id = SessionField[str]("pc")

    def clear(self) -> None:
        """Forgets everything private; the shopper context stays (it names a market, not a
        person), so a shopper who signs out keeps their country, currency and language."""
        kept = {field.key: getattr(self, field.name) for field in _SURVIVES_CLEAR}
        super().clear()
        for key, value in kept.items():
            if value is not None:
                self._values[key] = value
        if kept and any(value is not None for value in kept.values()):
            self.changed = True


_SURVIVES_CLEAR = (
    StorefrontSession.country,
    StorefrontSession.currency,
    StorefrontSession.language,
    StorefrontSession.store_key,
)
