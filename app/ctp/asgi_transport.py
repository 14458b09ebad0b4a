"""An upstream transport that calls an ASGI app in this process: the demo's embedded emulator
gets the same HTTP-shaped requests as commercetools, without a socket.

Chosen over serving the emulator on a loopback port for aiohttp to reach: no port to bind, no
server to start, and about half the CPU per upstream call (docs/performance.md, Demo mode).
Exceptions of the app propagate, as they would show up as 500s from a server.
"""

from __future__ import annotations

import asyncio
from urllib.parse import unquote, urlsplit

from app.asgi import ASGIApp, Message
from app.ctp.transport import AttemptLimits, TransportError, UpstreamRequest, UpstreamResponse


class AsgiTransport:
    def __init__(self, app: ASGIApp) -> None:
        self._app = app

    async def send(self, request: UpstreamRequest, limits: AttemptLimits) -> UpstreamResponse:
        try:
            # Nothing to connect to: the read timeout bounds the whole call, as a server's
            # silence would be bounded over a socket.
            async with asyncio.timeout(limits.read):
                return await self._call(request)
        except TimeoutError as exc:
            raise TransportError("read timeout") from exc

    async def _call(self, request: UpstreamRequest) -> UpstreamResponse:
        url = urlsplit(request.url)
        body = request.body or b""
        headers = [(b"host", url.netloc.encode("latin-1"))]
        headers += [
            (name.lower().encode("latin-1"), value.encode("latin-1"))
            for name, value in request.headers.items()
        ]
        if body:
            headers.append((b"content-length", str(len(body)).encode("latin-1")))
        scope = {
            "type": "http",
            "asgi": {"version": "3.0"},
            "http_version": "1.1",
            "method": request.method,
            "scheme": url.scheme,
            "path": unquote(url.path),
            "raw_path": url.path.encode("latin-1"),
            "query_string": url.query.encode("latin-1"),
            "root_path": "",
            "headers": headers,
            "server": (url.hostname or "", url.port or 80),
            "client": ("127.0.0.1", 0),
        }
        received = False
        answered: asyncio.Event | None = None
        status = 500
        correlation_id: str | None = None
        chunks: list[bytes] = []

        async def receive() -> Message:
            nonlocal received, answered
            if not received:
                received = True
                return {"type": "http.request", "body": body, "more_body": False}
            # Asked again (an app watching for a disconnect): the client leaves once answered.
            answered = answered or asyncio.Event()
            await answered.wait()
            return {"type": "http.disconnect"}

        async def send(message: Message) -> None:
            nonlocal status, correlation_id
            if message["type"] == "http.response.start":
                status = message["status"]
                for name, value in message.get("headers", ()):
                    if name.lower() == b"x-correlation-id":
                        correlation_id = value.decode("latin-1")
            elif message["type"] == "http.response.body":
                chunks.append(message.get("body", b""))
                if not message.get("more_body", False) and answered is not None:
                    answered.set()

        await self._app(scope, receive, send)
        return UpstreamResponse(status, b"".join(chunks), correlation_id)

    async def aclose(self) -> None:
        return None
