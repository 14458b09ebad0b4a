"""CORS for the GraphQL endpoint: only the storefront origins in `CORS_ALLOWED_ORIGINS` may
call it from a browser, with cookies; everyone else gets no CORS headers at all.

Written here rather than taken from Starlette's CORSMiddleware, which sends
`Access-Control-Allow-Credentials: true` to any origin and lists the allowed methods in its
refusals: harmless to browsers, but the rule here is simpler to check — an origin not on the
list learns nothing and is allowed nothing. `*` is never sent (and refused in the setting):
with credentials it would hand every site the shopper's session.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable

from app.asgi import ASGIApp, Message, Receive, Scope, Send
from app.asgi.responses import header
from app.web.csrf import PREFLIGHT_HEADERS

ALLOWED_METHODS = ("GET", "POST")
# Content-Type (JSON needs a preflight), the CSRF headers, and the request id header; the
# settings add more (CORS_ALLOWED_HEADERS: tracing and monitoring headers by default).
ALLOWED_HEADERS = (
    "content-type",
    *(name.decode() for name in PREFLIGHT_HEADERS),
    "x-request-id",
    "accept",
    "accept-language",
)
EXPOSED_HEADERS = ("x-request-id",)
MAX_AGE_SECONDS = 600
_PREFLIGHT_VARY = b"Origin, Access-Control-Request-Method, Access-Control-Request-Headers"


class CorsMiddleware:
    def __init__(
        self,
        app: ASGIApp,
        *,
        allowed_origins: Collection[str],
        paths: Collection[str],
        extra_headers: Collection[str] = (),
    ) -> None:
        self._app = app
        self._origins = frozenset(allowed_origins)
        self._paths = frozenset(paths)
        self._headers = tuple(
            dict.fromkeys((*ALLOWED_HEADERS, *(h.lower() for h in extra_headers)))
        )
        self._allow_headers = ", ".join(self._headers).encode()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope.get("path") not in self._paths:
            await self._app(scope, receive, send)
            return
        origin = header(scope, b"origin")
        if scope.get("method") == "OPTIONS" and header(scope, b"access-control-request-method"):
            await self._preflight(scope, origin, send)
            return
        allowed = origin is not None and origin in self._origins

        async def send_with_cors(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                # Caches must not hand one origin's answer (with or without CORS headers) to
                # another.
                headers.append((b"vary", b"Origin"))
                if allowed and origin is not None:
                    headers.extend(_grant(origin))
                    headers.append(
                        (b"access-control-expose-headers", ", ".join(EXPOSED_HEADERS).encode())
                    )
                message = {**message, "headers": headers}
            await send(message)

        await self._app(scope, receive, send_with_cors)

    async def _preflight(self, scope: Scope, origin: str | None, send: Send) -> None:
        method = header(scope, b"access-control-request-method") or ""
        requested = header(scope, b"access-control-request-headers") or ""
        wanted = {part.strip().lower() for part in requested.split(",") if part.strip()}
        ok = (
            origin is not None
            and origin in self._origins
            and method in ALLOWED_METHODS
            and wanted <= set(self._headers)
            # Private Network Access asks to reach a private address from a public page: no.
            and header(scope, b"access-control-request-private-network") is None
        )
        headers: list[tuple[bytes, bytes]] = [(b"vary", _PREFLIGHT_VARY)]
        if ok and origin is not None:
            headers.extend(_grant(origin))
            headers += [
                (b"access-control-allow-methods", ", ".join(ALLOWED_METHODS).encode()),
                (b"access-control-allow-headers", self._allow_headers),
                (b"access-control-max-age", str(MAX_AGE_SECONDS).encode()),
            ]
        # 204 with the grant, or 403 with nothing: the browser then blocks the real request.
        status = 204 if ok else 403
        await send({"type": "http.response.start", "status": status, "headers": headers})
        await send({"type": "http.response.body", "body": b""})


def _grant(origin: str) -> Iterable[tuple[bytes, bytes]]:
    return (
        (b"access-control-allow-origin", origin.encode("latin-1")),
        (b"access-control-allow-credentials", b"true"),
    )
