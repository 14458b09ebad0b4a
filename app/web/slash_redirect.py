"""`/graphql/` answers 308 to `/graphql` with a relative `Location`.

Starlette's own trailing-slash redirect builds an absolute URL from the request's Host header,
so whatever host a client sent came back in `Location` (and in caches keyed on the URL). Here
the location is the known path and the query string, and nothing of the Host header.
"""

from __future__ import annotations

from collections.abc import Collection

from app.asgi import ASGIApp, Receive, Scope, Send


def _printable(query: bytes) -> bool:
    return all(0x21 <= byte <= 0x7E for byte in query)


class TrailingSlashRedirect:
    def __init__(self, app: ASGIApp, *, paths: Collection[str]) -> None:
        self._app = app
        self._paths = frozenset(paths)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        path: str = scope.get("path", "")
        target = path.rstrip("/")
        if scope["type"] != "http" or target == path or target not in self._paths:
            await self._app(scope, receive, send)
            return
        query: bytes = scope.get("query_string", b"")
        # A query string that would not be a valid header value is left behind, not sent.
        location = target.encode() + (b"?" + query if query and _printable(query) else b"")
        await send(
            {
                "type": "http.response.start",
                "status": 308,
                "headers": [(b"location", location), (b"content-length", b"0")],
            }
        )
        await send({"type": "http.response.body", "body": b""})
