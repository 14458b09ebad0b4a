"""commercetools' error responses: {"statusCode", "message", "errors": [{"code", "message", ...}]}.

The error codes and messages follow the API reference's error types (api-specs/api/types/error);
the helpers below build the ones several modules raise, so their wording stays in one place.
"""

from __future__ import annotations

from typing import Any

# Codes answered in the OAuth 2.0 form (AuthErrorResponse): they also carry `error` and
# `error_description` at the top level.
OAUTH_ERROR_CODES = frozenset(
    {
        "invalid_token",
        "invalid_client",
        "invalid_scope",
        "invalid_customer_account_credentials",
        "unsupported_grant_type",
        "invalid_request",
        "invalid_grant",
        "insufficient_scope",
        "access_denied",
    }
)


class CtpApiError(Exception):
    """Raised anywhere in a handler; the app turns it into commercetools' error JSON."""

    def __init__(
        self,
        status_code: int,
        code: str,
        message: str,
        **extra: Any,
    ) -> None:
        super().__init__(message)
        self.status_code = status_code
        self.code = code
        self.message = message
        self.extra = extra

    def body(self) -> dict[str, Any]:
        error: dict[str, Any] = {"code": self.code, "message": self.message, **self.extra}
        body: dict[str, Any] = {
            "statusCode": self.status_code,
            "message": self.message,
            "errors": [error],
        }
        if self.code in OAUTH_ERROR_CODES:
            body["error"] = self.code
            body["error_description"] = self.message
        return body


# -- the errors raised from more than one place ------------------------------------------------


def invalid_json(detail: str) -> CtpApiError:
    """Syntactically bad JSON, or JSON of the wrong shape (missing field, wrong type)."""
    return CtpApiError(
        400,
        "InvalidJsonInput",
        "Request body does not contain valid JSON.",
        detailedErrorMessage=detail,
    )


def invalid_input(message: str) -> CtpApiError:
    return CtpApiError(400, "InvalidInput", message)


def invalid_operation(message: str) -> CtpApiError:
    return CtpApiError(400, "InvalidOperation", message)


def invalid_field(field: str, value: Any, allowed: list[Any] | None = None) -> CtpApiError:
    extra: dict[str, Any] = {"field": field, "invalidValue": value}
    if allowed is not None:
        extra["allowedValues"] = allowed
    return CtpApiError(
        400, "InvalidField", f"The value {value!r} is not valid for field '{field}'.", **extra
    )


def required_field(field: str) -> CtpApiError:
    return CtpApiError(400, "RequiredField", f"A value is required for field {field}.", field=field)


def duplicate_field(field: str, value: Any) -> CtpApiError:
    return CtpApiError(
        400,
        "DuplicateField",
        f"There is already an existing customer with the provided {field} '{value}'."
        if field == "email"
        else f"A duplicate value {value!r} exists for field '{field}'.",
        field=field,
        duplicateValue=value,
    )


def not_found(resource_id: str) -> CtpApiError:
    return CtpApiError(
        404, "ResourceNotFound", f"The Resource with ID '{resource_id}' was not found."
    )


def referenced_resource_not_found(type_id: str, **identifier: str) -> CtpApiError:
    """A reference (by `id=` or `key=`) to a resource that does not exist."""
    [(kind, value)] = identifier.items()
    return CtpApiError(
        400,
        "ReferencedResourceNotFound",
        f"The referenced object of type '{type_id}' with identifier '{value}' was not found.",
        typeId=type_id,
        **{kind: value},
    )


def concurrent_modification(resource_id: str, expected: int, current: int) -> CtpApiError:
    return CtpApiError(
        409,
        "ConcurrentModification",
        f"Object {resource_id} has a different version than expected. "
        f"Expected: {expected} - Actual: {current}.",
        currentVersion=current,
    )


def invalid_token(message: str = "invalid_token") -> CtpApiError:
    return CtpApiError(401, "invalid_token", message)


def insufficient_scope(*scopes: str) -> CtpApiError:
    return CtpApiError(
        403,
        "insufficient_scope",
        "Insufficient scope. One of the following scopes is missing: " + ", ".join(scopes),
    )
