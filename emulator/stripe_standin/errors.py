"""Stripe's error answers: `{"error": {"type", "code", "message", "param", ...}}` with the HTTP
status Stripe documents (400 invalid request, 401 bad key, 402 card declined, 404 no such
object)."""

from __future__ import annotations

from typing import Any


class StripeApiError(Exception):
    def __init__(
        self,
        status_code: int,
        error_type: str,
        message: str,
        *,
        code: str | None = None,
        param: str | None = None,
        extra: dict[str, Any] | None = None,
    ) -> None:
        super().__init__(message)
        self.status_code = status_code
        self.error = {"type": error_type, "message": message}
        if code is not None:
            self.error["code"] = code
        if param is not None:
            self.error["param"] = param
        self.error.update(extra or {})

    def body(self) -> dict[str, Any]:
        return {"error": self.error}


def invalid_request(
    message: str, *, code: str | None = None, param: str | None = None
) -> StripeApiError:
    return StripeApiError(400, "invalid_request_error", message, code=code, param=param)


def missing(param: str) -> StripeApiError:
    return invalid_request(
        f"Missing required param: {param}.", code="parameter_missing", param=param
    )


def no_such(kind: str, object_id: str, param: str = "id") -> StripeApiError:
    return StripeApiError(
        404,
        "invalid_request_error",
        f"No such {kind}: '{object_id}'",
        code="resource_missing",
        param=param,
    )
