"""Label values that stay few and say nothing about a shopper: commercetools endpoint
*templates* (ids, keys, tokens and e-mail addresses replaced) and GraphQL operation names (the
parsed document's, capped).

A metric label that held an id would create one time series per cart, and one that held an
e-mail address would put personal data in the monitoring system; both are folded here, before
any metric or span sees them.
"""

from __future__ import annotations

import functools
import re
import threading
from urllib.parse import urlsplit

# Path segments commercetools uses as words (resource types, actions). Anything else in a path
# is a value (a project key, an id, a slug, a token) and becomes a placeholder: an endpoint
# this list lacks is still counted, only less precisely ("/{id}").
_WORDS = frozenset(
    {
        "active-cart",
        "anonymous",
        "approval-flows",
        "as-associate",
        "associate-roles",
        "business-units",
        "cart-discounts",
        "carts",
        "categories",
        "channels",
        "confirm",
        "custom-objects",
        "customer-groups",
        "customers",
        "discount-codes",
        "email",
        "email-token",
        "extensions",
        "graphql",
        "in-store",
        "introspect",
        "inventory",
        "login",
        "matching-cart",
        "matching-location",
        "me",
        "oauth",
        "orders",
        "password",
        "password-token",
        "payments",
        "product-discounts",
        "product-projections",
        "product-selections",
        "product-types",
        "products",
        "quote-requests",
        "quotes",
        "replicate",
        "reset",
        "search",
        "shipping-methods",
        "shopping-lists",
        "signup",
        "standalone-prices",
        "states",
        "stores",
        "subscriptions",
        "suggest",
        "tax-categories",
        "token",
        "types",
        "zones",
    }
)
# `name=value` segments whose name is kept: /in-store/key={key}, /carts/key={key}.
_VALUE_NAMES = {
    "key": "key={key}",
    "password-token": "password-token={token}",
    "email-token": "email-token={token}",
    "customer-id": "customer-id={id}",
}
UNKNOWN_OPERATION = "unknown"
ANONYMOUS_OPERATION = "anonymous"
OTHER_OPERATION = "other"
_MAX_NAME_LENGTH = 64


@functools.lru_cache(maxsize=2048)
def endpoint_template(url: str) -> str:
    """`https://api.../shop/me/carts/8f1c…` -> `/me/carts/{id}`; auth URLs keep their path with
    the project key replaced: `/oauth/{projectKey}/anonymous/token`, `/oauth/token`.

    API paths always start with the project key, which is dropped (one project per service);
    the query string never counts."""
    segments = [part for part in urlsplit(url).path.split("/") if part]
    if not segments:
        return "/"
    if segments[0] == "oauth":
        rest = segments[1:]
        if rest and rest[0] not in _WORDS:
            rest = ["{projectKey}", *rest[1:]]
        return "/" + "/".join(["oauth", *(_segment(part) for part in rest)])
    templated = [_segment(part) for part in segments[1:]]
    return "/" + "/".join(templated)


def _segment(part: str) -> str:
    if part in _WORDS or part == "{projectKey}":
        return part
    name, equals, _ = part.partition("=")
    if equals:
        return _VALUE_NAMES.get(name, "{id}")
    return "{id}"


_OPERATION_NAME = re.compile(r"[_A-Za-z][_0-9A-Za-z]*")


class OperationNames:
    """At most `limit` distinct operation names per process; later new ones count as `other`.

    Names come from the parsed document (GraphQL names: letters, digits, underscores), never
    from text the client sends beside it; an operation without a name is `anonymous`, a request
    whose document did not parse or name an operation it holds is `unknown`."""

    def __init__(self, limit: int) -> None:
        self._limit = limit
        self._seen: set[str] = set()
        self._lock = threading.Lock()

    def set_limit(self, limit: int) -> None:
        self._limit = limit

    def label(self, name: str | None) -> str:
        if name is None:
            return ANONYMOUS_OPERATION
        if name in self._seen:
            return name
        if len(name) > _MAX_NAME_LENGTH or not _OPERATION_NAME.fullmatch(name):
            return OTHER_OPERATION
        with self._lock:
            if name in self._seen:
                return name
            if len(self._seen) >= self._limit:
                return OTHER_OPERATION
            self._seen.add(name)
        return name


# Per process; bootstrap/app.py sets the limit (METRICS_MAX_OPERATION_NAMES).
operation_names = OperationNames(200)

_CODE = re.compile(r"[A-Z][A-Z0-9_]{0,47}")


def error_code(code: object) -> str:
    """A GraphQL error's `extensions.code` as a label: the service's codes are upper-case words;
    anything else is `OTHER`."""
    return code if isinstance(code, str) and _CODE.fullmatch(code) else "OTHER"


_THROTTLE_RULES = {
    "email": "account",
    "customer": "account",
    "addr": "client_address",
    "reset": "password_reset_requests",
    "guest": "guest_sessions",
}


def throttle_rule(key: str) -> str:
    """The budget a throttle key belongs to, from its prefix (`email:…`, `addr:…`,
    `reset-mail:…`); the rest of the key (an address, an e-mail) never leaves here."""
    prefix = key.partition(":")[0]
    if prefix in _THROTTLE_RULES:
        return _THROTTLE_RULES[prefix]
    if prefix.endswith("-mail") and prefix[:-5].isalpha() and len(prefix) <= 24:
        return f"{prefix[:-5]}_mail_interval"
    return "other"
