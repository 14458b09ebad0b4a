"""Failures a storefront can act on. Each has a code that reaches the client as-is."""

from __future__ import annotations

import math


class AppError(Exception):
    code = "INTERNAL_SERVER_ERROR"

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message

    @property
    def extensions(self) -> dict[str, object]:
        """Entries for the GraphQL error's `extensions` besides `code`."""
        return {}


class BadUserInput(AppError):
    code = "BAD_USER_INPUT"


class Unauthenticated(AppError):
    code = "UNAUTHENTICATED"


class NotFound(AppError):
    code = "NOT_FOUND"


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
