"""Failures a storefront can act on. Each has a code that reaches the client as-is.

Problems with what the shopper sent are `UserError`s: they name the input field (as the
storefront named it: GraphQL argument and input field names, e.g. ("address", "postalCode"))
and say what is wrong with a `UserErrorCode`. A mutation returns them in its payload's
`userErrors`, where a form can show them next to the field; anywhere else they are GraphQL
errors with their own `code`. Everything else (not signed in, throttled, commercetools
unavailable, another tab's change) stays a GraphQL error.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from enum import Enum, auto


class AppError(Exception):
    code = "INTERNAL_SERVER_ERROR"

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message

    @property
    def extensions(self) -> dict[str, object]:
        """Entries for the GraphQL error's `extensions` besides `code`."""
        return {}


class UserErrorCode(Enum):
    """What is wrong with an input value; the GraphQL enum `UserErrorCode` has these names."""

    BLANK = auto()
    INVALID = auto()
    TOO_LONG = auto()
    OUT_OF_RANGE = auto()
    NOT_FOUND = auto()
    CART_EMPTY = auto()
    SHIPPING_ADDRESS_MISSING = auto()
    DISCOUNT_CODE_NOT_APPLICABLE = auto()
    NOT_SOLD_IN_MARKET = auto()
    OUT_OF_STOCK = auto()
    SHIPPING_METHOD_NOT_APPLICABLE = auto()
    COUNTRY_NOT_SHIPPABLE = auto()
    REJECTED = auto()
    TAKEN = auto()
    INVALID_CREDENTIALS = auto()
    WRONG_CURRENT_PASSWORD = auto()
    PASSWORD_UNCHANGED = auto()
    TOKEN_INVALID = auto()
    TOKEN_EXPIRED = auto()
    PAYMENT_REQUIRED = auto()
    PAYMENT_DECLINED = auto()
    PAYMENTS_UNAVAILABLE = auto()
    COUNTRY_NOT_ALLOWED = auto()
    CURRENCY_NOT_ALLOWED = auto()
    LANGUAGE_NOT_ALLOWED = auto()
    STORE_NOT_ALLOWED = auto()


Field = tuple[str, ...]


class UserError(AppError):
    """A problem with what the shopper sent; `field` is the path to the input it is about
    (None when it is about the request as a whole, e.g. wrong credentials)."""

    default_reason = UserErrorCode.INVALID

    def __init__(
        self,
        message: str,
        *,
        field: Sequence[str] | None = None,
        code: UserErrorCode | None = None,
    ) -> None:
        super().__init__(message)
        self.field: Field | None = tuple(field) if field is not None else None
        self.reason = code if code is not None else self.default_reason

    @property
    def extensions(self) -> dict[str, object]:
        if self.field is None:
            return {}
        return {"field": list(self.field)}


class BadUserInput(UserError):
    code = "BAD_USER_INPUT"


class NotFound(UserError):
    code = "NOT_FOUND"
    default_reason = UserErrorCode.NOT_FOUND


class Unauthenticated(AppError):
    code = "UNAUTHENTICATED"


class Conflict(AppError):
    code = "CONFLICT"


class UpstreamUnavailable(AppError):
    code = "UPSTREAM_UNAVAILABLE"

    def __init__(self, message: str = "The shop is briefly unavailable; please try again.") -> None:
        super().__init__(message)


class TooManyRequests(AppError):
    """Too many failed attempts (sign-in, password reset) from this account or address."""

    code = "TOO_MANY_REQUESTS"

    def __init__(self, message: str, *, retry_after_seconds: float) -> None:
        super().__init__(message)
        self.retry_after_seconds = retry_after_seconds

    @property
    def extensions(self) -> dict[str, object]:
        # Whole seconds, rounded up: a client that waits this long is let in.
        return {"retryAfter": max(1, math.ceil(self.retry_after_seconds))}
