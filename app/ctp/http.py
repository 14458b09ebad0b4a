"""One pooled, keep-alive HTTP client to commercetools, with bounded retries.

Retries: idempotent requests (reads, token calls) are retried on transport faults and 502/503/504
with exponential backoff and full jitter. Non-idempotent writes are retried only when the request
provably never left (connect failures), because a lost answer may hide an applied write.

Time: one call, retries included, ends within `deadline_seconds`; each attempt gets what is
left (capped by the client's connect/read timeouts), and no retry starts that could not finish.
A circuit breaker per host (app/ctp/breaker.py) makes calls fail at once while commercetools
is down, instead of each one waiting out the deadline.
"""

from __future__ import annotations

import asyncio
import logging
import random
import time
from collections.abc import Awaitable, Callable, Mapping
from typing import Any

import httpx

from app.ctp.breaker import CircuitBreakers
from app.ctp.errors import CtpError, CtpUnavailable, error_for

log = logging.getLogger(__name__)

_RETRYABLE_STATUS = frozenset({502, 503, 504})
_NEVER_SENT = (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout)
_BACKOFF_BASE_SECONDS = 0.05
_BACKOFF_CAP_SECONDS = 1.0
# A retry with less time than this left before the deadline would only fail later.
_MIN_ATTEMPT_SECONDS = 0.05
_NO_DEADLINE = 3600.0


class CtpHttp:
    def __init__(
        self,
        client: httpx.AsyncClient,
        *,
        max_retries: int,
        deadline_seconds: float = _NO_DEADLINE,
        breakers: CircuitBreakers | None = None,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
        jitter: Callable[[], float] = random.random,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._client = client
        self._max_retries = max_retries
        self._deadline_seconds = deadline_seconds
        self._breakers = breakers
        self._sleep = sleep
        self._jitter = jitter
        self._clock = clock

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
        retries: int | None = None,
    ) -> Any:
        """`retries` overrides the configured number (e.g. 0 for a health check)."""
        breaker = self._breakers.for_url(url) if self._breakers is not None else None
        if breaker is not None and not breaker.allow():
            raise CtpUnavailable(f"circuit open on {method}")
        answered: bool | None = None
        try:
            result = await self._attempts(
                method,
                url,
                headers=headers,
                idempotent=idempotent,
                json=json,
                data=data,
                params=params,
                retries=self._max_retries if retries is None else retries,
            )
            answered = True
            return result
        except CtpUnavailable:
            answered = False
            raise
        except CtpError:
            answered = True
            raise
        finally:
            if breaker is not None:
                if answered is None:
                    breaker.release()
                elif answered:
                    breaker.record_success()
                else:
                    breaker.record_failure()

    async def _attempts(
        self,
        method: str,
        url: str,
        *,
        headers: Mapping[str, str],
        idempotent: bool,
        json: Any,
        data: Mapping[str, str] | None,
        params: Mapping[str, Any] | None,
        retries: int,
    ) -> Any:
        deadline = self._clock() + self._deadline_seconds
        attempt = 0
        while True:
            remaining = deadline - self._clock()
            try:
                # The client's timeouts bound each phase; this bounds the whole attempt (also
                # for transports that ignore httpx timeouts, like the embedded emulator's).
                async with asyncio.timeout(remaining):
                    response = await self._client.request(
                        method,
                        url,
                        headers=headers,
                        json=json,
                        data=data,
                        params=params,
                        timeout=self._attempt_timeout(remaining),
                    )
            except (httpx.TransportError, TimeoutError) as exc:
                retry = idempotent or isinstance(exc, _NEVER_SENT)
                if retry and attempt < retries and await self._backoff(attempt + 1, deadline):
                    attempt += 1
                    continue
                log.warning("commercetools unreachable: %s %s: %r", method, url, exc)
                raise CtpUnavailable(f"{type(exc).__name__} on {method}") from exc
            if response.status_code in _RETRYABLE_STATUS or response.status_code >= 500:
                if idempotent and attempt < retries and await self._backoff(attempt + 1, deadline):
                    attempt += 1
                    continue
                log.warning("commercetools answered %s to %s %s", response.status_code, method, url)
                raise CtpUnavailable(f"status {response.status_code} on {method}")
            return _decode(response)

    def _attempt_timeout(self, remaining: float) -> httpx.Timeout:
        configured = self._client.timeout
        left = max(remaining, 0.001)

        def capped(value: float | None) -> float:
            return left if value is None else min(value, left)

        return httpx.Timeout(
            connect=capped(configured.connect),
            read=capped(configured.read),
            write=capped(configured.write),
            pool=capped(configured.pool),
        )

    async def _backoff(self, attempt: int, deadline: float) -> bool:
        """Sleep before retry number `attempt`; False when no time is left for it."""
        ceiling = min(_BACKOFF_CAP_SECONDS, _BACKOFF_BASE_SECONDS * 2 ** (attempt - 1))
        delay = ceiling * self._jitter()
        if deadline - self._clock() - delay < _MIN_ATTEMPT_SECONDS:
            return False
        await self._sleep(delay)
        return True

    async def aclose(self) -> None:
        await self._client.aclose()


def _decode(response: httpx.Response) -> Any:
    try:
        body = response.json() if response.content else None
    except ValueError:
        body = None
    if response.is_success:
        return body
    # commercetools names each request in X-Correlation-ID; its support finds it by that id.
    raise error_for(response.status_code, body, response.headers.get("x-correlation-id"))


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
