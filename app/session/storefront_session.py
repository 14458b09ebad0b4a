"""The storefront's session: the seed's CtpSession plus the values this storefront adds,
declared the documented way (docs/session.md, "Extending the session")."""

from __future__ import annotations

from app.session.ctp_session import CtpSession, SessionField


def _version(record: object) -> int:
    if not isinstance(record, int) or isinstance(record, bool) or record < 1:
        raise ValueError("a cart version is a positive integer")
    return record


class StorefrontSession(CtpSession):
    # The cart's last known version: lets a cart update go straight to commercetools without
    # reading the cart first. A stale value costs one 409 that carries the current version.
    cart_version = SessionField[int]("cv", from_record=_version)
    # The shopper's wishlist (a commercetools shopping list), created on the first add.
    wishlist_id = SessionField[str]("w")
    # The commercetools Payment the shopper started for the cart (createPayment); placeOrder
    # checks it with the provider. Not a proof of payment: the cart must still list it.
    payment_id = SessionField[str]("pa")
