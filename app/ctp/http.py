"""One pooled, keep-alive HTTP client to commercetools, with bounded retries.

Retries: idempotent requests (reads, token calls) are retried on transport faults and 502/503/504
with exponential backoff and full jitter. Non-idempotent writes are retried only when the request
provably never left (connect failures), because a lost answer may hide an applied write.
"""

from __future__ import annotations

import asyncio
import logging
import random
from collections.abc import Awaitable, Callable, Mapping
from typing import Any

import httpx

from app.ctp.errors import CtpUnavailable, error_for

log = logging.getLogger(__name__)

_RETRYABLE_STATUS = frozenset({502, 503, 504})
_NEVER_SENT = (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout)
_BACKOFF_BASE_SECONDS = 0.05
_BACKOFF_CAP_SECONDS = 1.0


class CtpHttp:
    def __init__(
        self,
        client: httpx.AsyncClient,
        *,
        max_retries: int,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
        jitter: Callable[[], float] = random.random,
    ) -> None:
        self._client = client
        self._max_retries = max_retries
        self._sleep = sleep
        self._jitter = jitter

    async def send(
        self,
        method: str,
        url: str,
        *,
        headers: Mapping[str, str],
        idempotent: bool,
        json: Any = None,
        data: Mapping[str, str] | None = None,
        params: Mapping[str, Any] | None = None,
    ) -> Any:
        attempt = 0
        while True:
            try:
                response = await self._client.request(
                    method, url, headers=headers, json=json, data=data, params=params
                )
            except httpx.TransportError as exc:
                retry = idempotent or isinstance(exc, _NEVER_SENT)
                if retry and attempt < self._max_retries:
                    attempt += 1
                    await self._backoff(attempt)
                    continue
                log.warning("commercetools unreachable: %s %s: %r", method, url, exc)
                raise CtpUnavailable(f"{type(exc).__name__} on {method}") from exc
            if response.status_code in _RETRYABLE_STATUS or response.status_code >= 500:
                if idempotent and attempt < self._max_retries:
                    attempt += 1
                    await self._backoff(attempt)
                    continue
                log.warning("commercetools answered %s to %s %s", response.status_code, method, url)
                raise CtpUnavailable(f"status {response.status_code} on {method}")
            return _decode(response)

    async def _backoff(self, attempt: int) -> None:
        ceiling = min(_BACKOFF_CAP_SECONDS, _BACKOFF_BASE_SECONDS * 2 ** (attempt - 1))
        await self._sleep(ceiling * self._jitter())

    async def aclose(self) -> None:
        await self._client.aclose()


def _decode(response: httpx.Response) -> Any:
    try:
        body = response.json() if response.content else None
    except ValueError:
        body = None
    if response.is_success:
        return body
    raise error_for(response.status_code, body)


def build_http_client(
    *,
    connect_timeout: float,
    read_timeout: float,
    max_connections: int,
    transport: httpx.AsyncBaseTransport | None = None,
) -> httpx.AsyncClient:
    limits = httpx.Limits(
        max_connections=max_connections, max_keepalive_connections=max_connections
    )
    timeout = httpx.Timeout(read_timeout, connect=connect_timeout, pool=connect_timeout)
    return httpx.AsyncClient(
        transport=transport or httpx.AsyncHTTPTransport(limits=limits),
        timeout=timeout,
        limits=limits,
        headers={"User-Agent": "ctp-bff"},
    )
