"""Failures a storefront can act on. Each has a code that reaches the client as-is."""

from __future__ import annotations


class AppError(Exception):
    code = "INTERNAL_SERVER_ERROR"

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


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
