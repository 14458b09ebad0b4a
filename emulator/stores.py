"""The stores of one emulator instance: for each kind of resource, the indexes its lookups use
and how long it is kept (expiry and caps, retention.py).

Indexes, and the requests they serve:
- carts: `owner` (`/me/carts`, sign-in moving a session's carts), `active` (`/me/active-cart`,
  sign-in, `/carts/customer-id=`), `key`;
- orders: `owner` (`/me/orders`, sign-in), `orderNumber`;
- customers: `email`, lower-cased and per store (sign-in, sign-up, password tokens), and
  `anyEmail` (`GET /customers?where=email="..."`);
- shopping lists: `owner`; access and refresh tokens, password-reset and e-mail tokens:
  `customer` (a password reset revokes them), refresh tokens also `anonymous`
  (whether an anonymous_id is in use); extensions and subscriptions: `key`.

An owner is ("customer", id), or ("anonymous", id) for a resource no customer owns yet: the
same rule as the `/me` endpoints' scoping (me.py).
"""

from __future__ import annotations

from collections import deque
from collections.abc import Hashable, Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from emulator.config import EmulatorConfig
from emulator.indexed import IndexedStore
from emulator.jsonio import Json
from emulator.query import IndexHints
from emulator.retention import RetentionPolicy, Schedule
from emulator.tokens import CustomerToken, RefreshTokenInfo, TokenInfo

Owner = tuple[str, str]
DAY_SECONDS = 86_400


def owner_key(customer_id: str | None, anonymous_id: str | None) -> Owner | None:
    if customer_id:
        return ("customer", customer_id)
    if anonymous_id:
        return ("anonymous", anonymous_id)
    return None


def epoch(timestamp: str) -> float:
    """Seconds since the epoch of a commercetools DateTime (e.g. 2024-05-01T10:00:00.000Z)."""
    return datetime.fromisoformat(timestamp).timestamp()


# -- index keys ---------------------------------------------------------------------------------


def _one(value: Hashable | None) -> tuple[Hashable, ...]:
    return () if value is None or value == "" else (value,)


def _owner(resource: Json) -> tuple[Hashable, ...]:
    return _one(owner_key(resource.get("customerId"), resource.get("anonymousId")))


def _active_owner(cart: Json) -> tuple[Hashable, ...]:
    if cart.get("cartState") != "Active" or cart.get("origin", "Customer") != "Customer":
        return ()
    return _owner(cart)


def _key(resource: Json) -> tuple[Hashable, ...]:
    return _one(resource.get("key"))


def _order_number(order: Json) -> tuple[Hashable, ...]:
    return _one(order.get("orderNumber"))


def email_key(email: str, store_key: str | None = None) -> tuple[str | None, str]:
    return (store_key, email.lower())


def _emails(customer: Json) -> Iterable[Hashable]:
    """E-mails are unique case-insensitively: project-wide for a customer of no store, per
    store for one that belongs to stores."""
    email = customer.get("email")
    if not isinstance(email, str):
        return ()
    stores = [s.get("key") for s in customer.get("stores") or [] if isinstance(s, dict)]
    if not stores:
        return (email_key(email),)
    return tuple(email_key(email, key) for key in stores)


def _any_email(customer: Json) -> tuple[Hashable, ...]:
    email = customer.get("email")
    return (email.lower(),) if isinstance(email, str) else ()


def _list_owner(shopping_list: Json) -> tuple[Hashable, ...]:
    customer = shopping_list.get("customer") or {}
    return _one(owner_key(customer.get("id"), shopping_list.get("anonymousId")))


def _token_customer(token: TokenInfo | RefreshTokenInfo | CustomerToken) -> tuple[Hashable, ...]:
    return _one(token.customer_id)


def _token_anonymous(token: RefreshTokenInfo) -> tuple[Hashable, ...]:
    return _one(token.anonymous_id)


# -- retention ----------------------------------------------------------------------------------


def _deleted_after_days(default_days: int) -> Schedule[Json]:
    """Carts and shopping lists: deleted `deleteDaysAfterLastModification` days after their last
    change; the lane is that number of days."""

    def schedule(key: str, resource: Json) -> tuple[Hashable, float] | None:
        modified = resource.get("lastModifiedAt")
        if not isinstance(modified, str):
            return None
        days = int(resource.get("deleteDaysAfterLastModification") or default_days)
        return days, epoch(modified) + days * DAY_SECONDS

    return schedule


def _by_creation(key: str, resource: Json) -> tuple[Hashable, float] | None:
    created = resource.get("createdAt")
    return None if not isinstance(created, str) else (None, epoch(created))


def _token_expiry(key: str, token: TokenInfo | RefreshTokenInfo) -> tuple[Hashable, float] | None:
    # One lane: every token of a store is given the same lifetime.
    return None, token.expires_at


def _customer_token_expiry(grace_seconds: int) -> Schedule[CustomerToken]:
    def schedule(key: str, token: CustomerToken) -> tuple[Hashable, float] | None:
        return token.ttl_seconds, token.expires_at + grace_seconds

    return schedule


# -- queries that an index narrows down (`where=field="value"`, query.py) ----------------------

CART_QUERY_HINTS: IndexHints = {
    "customerId": lambda value: ("owner", ("customer", value)),
    "key": lambda value: ("key", value),
}
ORDER_QUERY_HINTS: IndexHints = {
    "customerId": lambda value: ("owner", ("customer", value)),
    "orderNumber": lambda value: ("orderNumber", value),
}
# The index is case-insensitive; the predicate then compares exactly.
CUSTOMER_QUERY_HINTS: IndexHints = {"email": lambda value: ("anyEmail", value.lower())}
KEY_QUERY_HINTS: IndexHints = {"key": lambda value: ("key", value)}


# -- the stores ---------------------------------------------------------------------------------


@dataclass
class Stores:
    """Everything `Emulator.reset()` throws away."""

    config: EmulatorConfig
    tokens: IndexedStore[TokenInfo] = field(init=False)
    refresh_tokens: IndexedStore[RefreshTokenInfo] = field(init=False)
    customers: IndexedStore[Json] = field(init=False)
    # Password hashes live apart from the Customer JSON so no response can leak them.
    password_hashes: dict[str, str] = field(default_factory=dict)
    carts: IndexedStore[Json] = field(init=False)
    orders: IndexedStore[Json] = field(init=False)
    shopping_lists: IndexedStore[Json] = field(init=False)
    payments: IndexedStore[Json] = field(init=False)
    password_reset_tokens: IndexedStore[CustomerToken] = field(init=False)
    email_tokens: IndexedStore[CustomerToken] = field(init=False)
    extensions: IndexedStore[Json] = field(init=False)
    # Authentication secrets of extension destinations; the resources show them masked.
    extension_secrets: dict[str, Json] = field(default_factory=dict)
    subscriptions: IndexedStore[Json] = field(init=False)
    # The last Message sequenceNumber per resource id (dropped with the resource).
    message_sequence: dict[str, int] = field(default_factory=dict)
    request_log: deque[tuple[str, str]] = field(init=False)

    def __post_init__(self) -> None:
        config = self.config
        self.request_log = deque(maxlen=config.request_log_limit)
        self.tokens = IndexedStore(
            {"customer": _token_customer},
            retention=RetentionPolicy(_token_expiry, expires=True, limit=config.max_access_tokens),
        )
        self.refresh_tokens = IndexedStore(
            {"customer": _token_customer, "anonymous": _token_anonymous},
            retention=RetentionPolicy(_token_expiry, expires=True, limit=config.max_refresh_tokens),
        )
        self.customers = IndexedStore(
            {"email": _emails, "anyEmail": _any_email},
            retention=RetentionPolicy(_by_creation, expires=False, limit=config.max_customers),
            on_remove=self._customer_removed,
        )
        self.carts = IndexedStore(
            {"owner": _owner, "active": _active_owner, "key": _key},
            retention=RetentionPolicy(
                _deleted_after_days(config.cart_delete_days), expires=True, limit=config.max_carts
            ),
            on_remove=self._resource_removed,
        )
        self.orders = IndexedStore(
            {"owner": _owner, "orderNumber": _order_number},
            retention=RetentionPolicy(_by_creation, expires=False, limit=config.max_orders),
            on_remove=self._resource_removed,
        )
        self.shopping_lists = IndexedStore(
            {"owner": _list_owner, "key": _key},
            retention=RetentionPolicy(
                _deleted_after_days(config.shopping_list_delete_days),
                expires=True,
                limit=config.max_shopping_lists,
            ),
            on_remove=self._resource_removed,
        )
        # Payments reference their customer as shopping lists do; kept as long as orders.
        self.payments = IndexedStore(
            {"owner": _list_owner},
            retention=RetentionPolicy(_by_creation, expires=False, limit=config.max_orders),
            on_remove=self._resource_removed,
        )
        grace = config.expired_customer_token_seconds
        self.password_reset_tokens = IndexedStore(
            {"customer": _token_customer},
            retention=RetentionPolicy(_customer_token_expiry(grace), expires=True),
        )
        self.email_tokens = IndexedStore(
            {"customer": _token_customer},
            retention=RetentionPolicy(_customer_token_expiry(grace), expires=True),
        )
        self.extensions = IndexedStore({"key": _key})
        self.subscriptions = IndexedStore({"key": _key})

    def _resource_removed(self, key: str, resource: Json) -> None:
        self.message_sequence.pop(key, None)

    def _customer_removed(self, key: str, customer: Json) -> None:
        self.password_hashes.pop(key, None)
        self.message_sequence.pop(key, None)

    def indexed(self) -> dict[str, IndexedStore[Any]]:
        """The indexed stores by name, for housekeeping and statistics."""
        return {
            "tokens": self.tokens,
            "refreshTokens": self.refresh_tokens,
            "customers": self.customers,
            "carts": self.carts,
            "orders": self.orders,
            "shoppingLists": self.shopping_lists,
            "payments": self.payments,
            "passwordResetTokens": self.password_reset_tokens,
            "emailTokens": self.email_tokens,
            "extensions": self.extensions,
            "subscriptions": self.subscriptions,
        }
