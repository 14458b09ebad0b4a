"""Response headers for an API that browsers call with cookies.

- Every response: `X-Content-Type-Options: nosniff` (JSON is never run as script),
  `Referrer-Policy: no-referrer`, `X-Frame-Options: DENY` plus CSP `frame-ancestors 'none'`
  (nothing here is meant to be framed), and a CSP that lets a response load nothing at all.
- The GraphiQL explorer page (development only) gets a CSP that allows exactly what it loads:
  its two inline scripts by hash, modules and styles from the CDN it names, workers from blob:
  URLs (how its editor starts them), and requests to this origin.
- `Cache-Control: no-store` on everything, except GET /graphql answers for a request without a
  session cookie that set none: those carry no one's data, so a CDN may cache them (`Vary`
  keeps answers for other cookies or languages apart).
- `Strict-Transport-Security` in production.
"""

from __future__ import annotations

import base64
import hashlib
import re
from collections.abc import Iterable
from urllib.parse import urlsplit

from app.asgi import ASGIApp, Message, Receive, Scope, Send
from app.asgi.cookies import read_cookie

API_CSP = "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'"
HSTS = "max-age=31536000; includeSubDomains"
_ALWAYS = (
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"no-referrer"),
    (b"x-frame-options", b"DENY"),
)
_INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)[^>]*>(.*?)</script>", re.DOTALL)
_EXTERNAL_URL = re.compile(r"""https://[^\s"'`<>]+""")
_COMMENT = re.compile(r"<!--.*?-->", re.DOTALL)


def explorer_csp(page: str) -> str:
    """The CSP for one explorer page: its inline scripts by hash, and the origins of the URLs
    it names (the CDN), for scripts, styles, fonts and images. Built from the page itself, so
    an Ariadne upgrade that changes the page keeps a matching policy."""
    hashes = [
        "'sha256-" + base64.b64encode(hashlib.sha256(body.encode()).digest()).decode() + "'"
        for body in _INLINE_SCRIPT.findall(page)
    ]
    code = _COMMENT.sub("", page)  # links in comments are not loaded
    origins = sorted(_origins(_EXTERNAL_URL.findall(code)))
    # Its import map stubs a module out with an empty data: URL module.
    if '"data:text/javascript,' in code:
        origins.append("data:")
    cdn = " ".join(origins)
    styles = " ".join(origin for origin in origins if origin != "data:")
    return "; ".join(
        [
            "default-src 'none'",
            f"script-src {' '.join(hashes)} {cdn}".strip(),
            # GraphiQL's components set inline styles at run time.
            f"style-src 'unsafe-inline' {styles}".strip(),
            f"font-src data: {styles}".strip(),
            f"img-src 'self' data: {styles}".strip(),
            "connect-src 'self'",
            "worker-src blob:",
            "frame-ancestors 'none'",
            "base-uri 'none'",
            "form-action 'none'",
        ]
    )


def _origins(urls: Iterable[str]) -> set[str]:
    found = set()
    for url in urls:
        parts = urlsplit(url)
        if parts.netloc:
            found.add(f"{parts.scheme}://{parts.netloc}")
    return found


class SecurityHeadersMiddleware:
    def __init__(
        self,
        app: ASGIApp,
        *,
        session_cookie: str,
        graphql_path: str = "/graphql",
        explorer_page: str | None = None,
        hsts: bool = False,
    ) -> None:
        self._app = app
        self._session_cookie = session_cookie
        self._graphql_path = graphql_path
        self._explorer_csp = explorer_csp(explorer_page).encode() if explorer_page else None
        self._hsts = hsts

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self._app(scope, receive, send)
            return
        is_graphql = scope.get("path") == self._graphql_path
        may_cache = (
            is_graphql
            and scope.get("method") == "GET"
            and read_cookie(scope, self._session_cookie) is None
        )

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                message = {**message, "headers": self._headers(message, is_graphql, may_cache)}
            await send(message)

        await self._app(scope, receive, send_with_headers)

    def _headers(
        self, message: Message, is_graphql: bool, may_cache: bool
    ) -> list[tuple[bytes, bytes]]:
        headers: list[tuple[bytes, bytes]] = list(message.get("headers", []))
        names = {name.lower() for name, _ in headers}
        html = any(
            name.lower() == b"content-type" and value.startswith(b"text/html")
            for name, value in headers
        )
        headers.extend(pair for pair in _ALWAYS if pair[0] not in names)
        if b"content-security-policy" not in names:
            explorer = is_graphql and html and self._explorer_csp is not None
            csp = self._explorer_csp if explorer and self._explorer_csp else API_CSP.encode()
            headers.append((b"content-security-policy", csp))
        cacheable = may_cache and message.get("status") == 200 and b"set-cookie" not in names
        if not cacheable:
            headers = [(n, v) for n, v in headers if n.lower() != b"cache-control"]
            headers.append((b"cache-control", b"no-store"))
        if is_graphql:
            headers = _add_vary(headers, (b"Cookie", b"Accept-Language"))
        if self._hsts:
            headers.append((b"strict-transport-security", HSTS.encode()))
        return headers


def _add_vary(
    headers: list[tuple[bytes, bytes]], names: Iterable[bytes]
) -> list[tuple[bytes, bytes]]:
    present: list[bytes] = []
    kept: list[tuple[bytes, bytes]] = []
    for name, value in headers:
        if name.lower() == b"vary":
            present.extend(part.strip() for part in value.split(b",") if part.strip())
        else:
            kept.append((name, value))
    lower = {part.lower() for part in present}
    present.extend(name for name in names if name.lower() not in lower)
    kept.append((b"vary", b", ".join(present)))
    return kept
