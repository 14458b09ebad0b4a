"""CSRF protection for a cookie-authenticated GraphQL endpoint.

A browser sends a cross-site "simple request" (form-encoded, multipart, text/plain, or no body
type; GET) without asking the server first, cookies included. Such a request may not run an
operation unless it carries a non-empty custom header, which no cross-site page can add without
a CORS preflight — the rule Apollo Server's `csrfPrevention` applies. JSON POSTs already force a
preflight and pass. A GET without a query (the explorer page) runs nothing and passes.

Whether a GET carries a query is read from the parsed query string, percent-decoded as the
GraphQL layer reads it (`?%71uery=` is `?query=`), never from its raw bytes.
"""

from __future__ import annotations

from urllib.parse import parse_qsl

from app.asgi import ASGIApp, Receive, Scope, Send
from app.asgi.responses import header, send_error

SIMPLE_CONTENT_TYPES = frozenset(
    {"application/x-www-form-urlencoded", "multipart/form-data", "text/plain"}
)
PREFLIGHT_HEADERS = (b"x-apollo-operation-name", b"apollo-require-preflight", b"x-csrf-protection")


def _media_type(value: str | None) -> str | None:
    if value is None:
        return None
    return value.split(";", 1)[0].strip().lower() or None


class CsrfGuard:
    def __init__(self, app: ASGIApp) -> None:
        self._app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and self._is_unprotected_operation(scope):
            await send_error(
                send,
                400,
                "CSRF_PREVENTED",
                "This request could be a cross-site request forgery: send it as "
                "application/json, or add a non-empty 'x-csrf-protection' header.",
            )
            return
        await self._app(scope, receive, send)

    @staticmethod
    def _is_unprotected_operation(scope: Scope) -> bool:
        if any(header(scope, name) for name in PREFLIGHT_HEADERS):
            return False
        method = scope.get("method")
        if method == "GET":
            return _has_query_parameter(scope.get("query_string", b""))
        if method != "POST":
            return False
        media_type = _media_type(header(scope, b"content-type"))
        return media_type is None or media_type in SIMPLE_CONTENT_TYPES


def _has_query_parameter(query_string: bytes) -> bool:
    # Decoded as Starlette decodes it for the GraphQL layer: latin-1, then percent-escapes.
    pairs = parse_qsl(query_string.decode("latin-1"), keep_blank_values=True)
    return any(name == "query" for name, _ in pairs)
