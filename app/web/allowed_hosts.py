"""Answers only for the host names the service is configured for (Settings.allowed_hosts).

A `Host` header the service does not expect comes from a misrouted request, a DNS rebinding
page (a foreign name resolved to a loopback or internal address, which then reads the answers
as same-origin), or someone hoping the host ends up in a link, a redirect or a cache key. Such
requests get a 400 naming no host. The probes (`/healthz`, `/readyz`) are exempt: orchestrators
call them by address, and they answer nothing but a status.
"""

from __future__ import annotations

from collections.abc import Collection

from app.asgi import ASGIApp, Receive, Scope, Send
from app.asgi.responses import header, send_error


def host_name(value: str) -> str:
    """The host of a Host header (`example.com:8000`, `[::1]:8000`), as the settings compare
    it: lower case, no port, no brackets, no trailing dot."""
    value = value.strip().lower()
    if value.startswith("["):
        value = value[1:].split("]", 1)[0]
    elif value.count(":") == 1:
        value = value.split(":", 1)[0]
    return value.rstrip(".")


class AllowedHosts:
    def __init__(
        self, app: ASGIApp, *, hosts: Collection[str] | None, exempt_paths: Collection[str]
    ) -> None:
        """`hosts` None answers for any host (ALLOWED_HOSTS=*)."""
        self._app = app
        self._hosts = None if hosts is None else frozenset(hosts)
        self._exempt = frozenset(exempt_paths)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if (
            scope["type"] != "http"
            or self._hosts is None
            or scope.get("path") in self._exempt
            or host_name(header(scope, b"host") or "") in self._hosts
        ):
            await self._app(scope, receive, send)
            return
        await send_error(
            send,
            400,
            "HOST_NOT_ALLOWED",
            "This service does not answer for the host this request names. Call it by its "
            "public address (PUBLIC_URL), or add the host to ALLOWED_HOSTS.",
        )
