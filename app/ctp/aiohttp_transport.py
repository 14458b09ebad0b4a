"""The upstream transport for a real commercetools project: one aiohttp session, one keep-alive
pool of `max_connections` sockets shared by every request of the process.

aiohttp over httpx: httpx (httpcore, anyio) spent 1.5-2.3 ms of CPU per call here, and more as
the pool grew (it polls every pooled socket on every request); aiohttp spends about 0.14 ms at
32 or 256 connections (docs/performance.md).
"""

from __future__ import annotations

import urllib.request

import aiohttp

from app.ctp.transport import (
    AttemptLimits,
    NotSent,
    TransportError,
    UpstreamRequest,
    UpstreamResponse,
)

USER_AGENT = "ctp-bff"


class AiohttpTransport:
    def __init__(self, *, max_connections: int) -> None:
        self._max_connections = max_connections
        # Created on first use: an aiohttp session belongs to the event loop it was made in.
        self._session: aiohttp.ClientSession | None = None
        self._timeouts: dict[AttemptLimits, aiohttp.ClientTimeout] = {}

    def _open(self) -> aiohttp.ClientSession:
        connector = aiohttp.TCPConnector(limit=self._max_connections, limit_per_host=0)
        self._session = aiohttp.ClientSession(
            connector=connector,
            headers={"User-Agent": USER_AGENT},
            # Egress proxies from HTTP(S)_PROXY/NO_PROXY, as httpx honoured them; aiohttp reads
            # the environment on every request when asked to, so only when one is set.
            trust_env=bool(urllib.request.getproxies()),
            timeout=aiohttp.ClientTimeout(total=None),
        )
        return self._session

    def _client_timeout(self, limits: AttemptLimits) -> aiohttp.ClientTimeout:
        # Almost every attempt has the configured timeouts; only attempts near the deadline
        # get smaller ones, so the cache stays small.
        found = self._timeouts.get(limits)
        if found is None:
            # `connect` covers waiting for a pooled connection and opening a new one.
            found = aiohttp.ClientTimeout(total=None, connect=limits.connect, sock_read=limits.read)
            if len(self._timeouts) < 64:
                self._timeouts[limits] = found
        return found

    async def send(self, request: UpstreamRequest, limits: AttemptLimits) -> UpstreamResponse:
        session = self._session or self._open()
        try:
            # aiohttp resends a GET, PUT or DELETE once by itself when a kept-alive socket turns
            # out closed by the server; writes to commercetools are POSTs, which it never resends.
            async with session.request(
                request.method,
                request.url,
                headers=request.headers,
                data=request.body,
                timeout=self._client_timeout(limits),
                allow_redirects=False,
            ) as response:
                body = await response.read()
                return UpstreamResponse(
                    response.status, body, response.headers.get("X-Correlation-ID")
                )
        except aiohttp.ConnectionTimeoutError as exc:
            raise NotSent("connect timeout") from exc
        except aiohttp.ClientConnectorError as exc:
            raise NotSent(f"connect failed ({exc.os_error.strerror or exc.os_error})") from exc
        except aiohttp.SocketTimeoutError as exc:
            raise TransportError("read timeout") from exc
        except aiohttp.ClientError as exc:
            raise TransportError(type(exc).__name__) from exc

    async def aclose(self) -> None:
        if self._session is not None:
            await self._session.close()
            self._session = None
