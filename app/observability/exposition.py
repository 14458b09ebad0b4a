"""The metrics endpoint: `GET /metrics` on a port of its own (METRICS_HOST, METRICS_PORT).

Every worker listens on the same port (SO_REUSEPORT) and any of them answers a scrape with the
values of all (multiprocess mode, app/observability/multiprocess.py). A few lines of asyncio
instead of prometheus_client's server thread: nothing more to start after the fork, and no
thread in a process that forks.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import socket

from prometheus_client import CONTENT_TYPE_LATEST, REGISTRY, CollectorRegistry, generate_latest

from app.observability import multiprocess

log = logging.getLogger(__name__)

PATH = "/metrics"
_READ_SECONDS = 5.0
_MAX_HEAD = 8192


def _registry() -> CollectorRegistry:
    if not multiprocess.active():
        return REGISTRY
    from prometheus_client import multiprocess as prometheus_multiprocess

    registry = CollectorRegistry()
    prometheus_multiprocess.MultiProcessCollector(registry)  # type: ignore[no-untyped-call]
    return registry


def render() -> bytes:
    """The exposition text of this process, or of every worker in multiprocess mode."""
    return generate_latest(_registry())


class MetricsServer:
    def __init__(self, host: str, port: int) -> None:
        self._host = host
        self._port = port
        self._server: asyncio.Server | None = None

    @property
    def port(self) -> int:
        """The bound port (METRICS_PORT=0 binds any free one)."""
        if self._server is None:
            return self._port
        return int(self._server.sockets[0].getsockname()[1])

    async def start(self) -> None:
        family, kind, proto, _, address = socket.getaddrinfo(
            self._host, self._port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE
        )[0]
        sock = socket.socket(family, kind, proto)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
        sock.bind(address)
        self._server = await asyncio.start_server(self._answer, sock=sock)
        log.info("Metrics on http://%s:%s%s", self._host, self.port, PATH)

    async def stop(self) -> None:
        if self._server is not None:
            self._server.close()
            with contextlib.suppress(Exception):
                await self._server.wait_closed()
            self._server = None

    async def _answer(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            async with asyncio.timeout(_READ_SECONDS):
                head = await reader.readuntil(b"\r\n\r\n")
            request_line = head[: min(len(head), _MAX_HEAD)].split(b"\r\n", 1)[0]
            parts = request_line.split(b" ")
            method = parts[0] if parts else b""
            target = parts[1].split(b"?", 1)[0] if len(parts) > 1 else b""
            if method not in (b"GET", b"HEAD"):
                status, content_type, body = b"405 Method Not Allowed", b"text/plain", b""
            elif target != PATH.encode():
                status, content_type, body = b"404 Not Found", b"text/plain", b"not found\n"
            else:
                # Reading every worker's files is blocking I/O: not on the event loop.
                body = await asyncio.to_thread(render)
                status, content_type = b"200 OK", CONTENT_TYPE_LATEST.encode()
            writer.write(
                b"HTTP/1.1 "
                + status
                + b"\r\nContent-Type: "
                + content_type
                + b"\r\nContent-Length: "
                + str(len(body)).encode()
                + b"\r\nConnection: close\r\n\r\n"
                + (b"" if method == b"HEAD" else body)
            )
            await writer.drain()
        except (TimeoutError, asyncio.IncompleteReadError, asyncio.LimitOverrunError, OSError):
            pass
        finally:
            writer.close()
            with contextlib.suppress(OSError):
                await writer.wait_closed()
