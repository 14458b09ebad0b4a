"""What `CtpHttp` needs from an HTTP client: send one request, get status, body and correlation
id back, and say whether a failure happened before anything was sent.

Two implementations: `AiohttpTransport` (app/ctp/aiohttp_transport.py: sockets, a keep-alive
pool) for a real project, and `AsgiTransport` (app/ctp/asgi_transport.py: an ASGI app in this
process) for the demo's embedded emulator. Retries, the deadline and the circuit breaker stay in
`CtpHttp`, so both behave alike.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Protocol


@dataclass(frozen=True, slots=True)
class UpstreamRequest:
    method: str
    # Query string included, already encoded.
    url: str
    headers: Mapping[str, str]
    body: bytes | None = None


@dataclass(frozen=True, slots=True)
class UpstreamResponse:
    status: int
    body: bytes
    # commercetools names each request in X-Correlation-ID; its support finds it by that id.
    correlation_id: str | None = None

    @property
    def is_success(self) -> bool:
        return 200 <= self.status < 300


@dataclass(frozen=True, slots=True)
class AttemptLimits:
    """Seconds for one attempt's phases: getting a connection (pool wait and connect), and
    waiting for each read of the answer."""

    connect: float
    read: float


class TransportError(Exception):
    """No HTTP answer: the request may or may not have reached commercetools."""


class NotSent(TransportError):
    """No HTTP answer, and the request provably never left (no connection was made): a write
    can be sent again safely."""


class UpstreamTransport(Protocol):
    async def send(self, request: UpstreamRequest, limits: AttemptLimits) -> UpstreamResponse:
        """Raises `NotSent`, `TransportError` or `TimeoutError` when there is no answer."""
        ...

    async def aclose(self) -> None: ...
