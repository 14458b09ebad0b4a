"""What commercetools (or the way to it) answered, as exceptions the services can tell apart."""

from __future__ import annotations

from typing import Any

from app.ctp.json import Json
from app.errors import UpstreamUnavailable


class CtpError(Exception):
    """commercetools answered with an error status."""

    def __init__(self, status_code: int, body: Any, correlation_id: str | None = None) -> None:
        self.status_code = status_code
        self.correlation_id = correlation_id
        self.body = body if isinstance(body, dict) else {}
        # commercetools' own words: for the log only, never for a shopper (app/services/
        # upstream_errors.py words what shoppers see).
        self.message = str(self.body.get("message") or f"commercetools answered {status_code}")
        errors = self.body.get("errors")
        self.errors: list[Json] = (
            [e for e in errors if isinstance(e, dict)] if isinstance(errors, list) else []
        )
        super().__init__(f"{status_code}: {self.message}")

    @property
    def codes(self) -> set[str]:
        codes = {str(e.get("code")) for e in self.errors if e.get("code")}
        if isinstance(self.body.get("error"), str):
            codes.add(self.body["error"])
        return codes


class CtpBadRequest(CtpError):
    """400: the request was wrong; `codes` says how (e.g. InvalidInput, DuplicateField)."""


class CtpInvalidToken(CtpError):
    """401: the bearer token is expired, revoked or unknown."""


class CtpForbidden(CtpError):
    """403: the token lacks a scope."""


class CtpNotFound(CtpError):
    """404: no such resource, or not visible to this token."""


class CtpConcurrentModification(CtpError):
    """409: the version sent is stale."""

    @property
    def current_version(self) -> int | None:
        for error in self.errors:
            version = error.get("currentVersion")
            if isinstance(version, int):
                return version
        return None


class CtpUnavailable(UpstreamUnavailable):
    """commercetools could not be reached in time, or answered 5xx."""

    def __init__(self, detail: str) -> None:
        super().__init__()
        self.detail = detail


class MalformedUpstreamData(CtpUnavailable):
    """commercetools answered with a resource that breaks its API reference (a price without
    centAmount, a version that is not a number). To the shopper this is an outage like any
    other: nothing they do fixes it, and a made-up value (a price of 0) would be worse than no
    answer. `detail` says what was wrong, for the log."""


def error_for(status_code: int, body: Any, correlation_id: str | None = None) -> CtpError:
    kind: type[CtpError]
    if status_code == 400:
        kind = CtpBadRequest
    elif status_code == 401:
        kind = CtpInvalidToken
    elif status_code == 403:
        kind = CtpForbidden
    elif status_code == 404:
        kind = CtpNotFound
    elif status_code == 409:
        kind = CtpConcurrentModification
    else:
        kind = CtpError
    return kind(status_code, body, correlation_id)
