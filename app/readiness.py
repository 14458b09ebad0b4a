"""Whether this instance can serve shoppers: does commercetools answer (and the session store,
when sessions live in Redis)?

`/readyz` asks this; `/healthz` only says the process lives. The check is one cheap call (the
project resource, with the app token; any answer below 500 counts, even 403 or 404: something
answered), without retries, bounded by a timeout, and its verdict is reused for a few seconds
so that probes from many load balancers cost one upstream call. While the circuit breaker is
open the check fails at once; once it is half-open the check is the trial call that closes it.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from app.ctp.errors import CtpError, CtpUnavailable
from app.ctp.http import CtpHttp
from app.ctp.tokens import TokenFlows
from app.observability import metrics

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class Verdict:
    ready: bool
    reason: str

    def as_json(self) -> dict[str, str]:
        return {"status": "ready" if self.ready else "unavailable", "reason": self.reason}


class Readiness:
    def __init__(
        self,
        http: CtpHttp,
        flows: TokenFlows,
        *,
        api_url: str,
        project_key: str,
        cache_seconds: float,
        timeout_seconds: float,
        session_store: object = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._http = http
        self._flows = flows
        # Only a server-side store can be down; it then offers `ping()`.
        self._store_ping: Callable[[], Awaitable[bool]] | None = getattr(
            session_store, "ping", None
        )
        self._project_url = f"{api_url}/{project_key}"
        self._cache_seconds = cache_seconds
        self._timeout = timeout_seconds
        self._clock = clock
        self._last: tuple[float, Verdict] | None = None
        self._lock = asyncio.Lock()

    async def check(self) -> Verdict:
        cached = self._fresh()
        if cached is not None:
            return cached
        # One check at a time; whoever waited gets its verdict.
        async with self._lock:
            cached = self._fresh()
            if cached is not None:
                return cached
            verdict = await self._probe()
            self._last = (self._clock(), verdict)
            if not verdict.ready:
                log.warning("not ready: %s", verdict.reason)
            return verdict

    def _fresh(self) -> Verdict | None:
        if self._last is None:
            return None
        checked_at, verdict = self._last
        return verdict if self._clock() - checked_at < self._cache_seconds else None

    async def _probe(self) -> Verdict:
        try:
            async with asyncio.timeout(self._timeout):
                try:
                    token = await self._flows.app_token()
                except CtpError as exc:
                    # Answering, but nothing would work: a bad client id, secret or scope.
                    status = exc.status_code
                    metrics.readiness("commercetools", False)
                    return Verdict(False, f"commercetools refused the API client ({status})")
                # An error answer (e.g. 403 without project scopes) is an answer.
                with contextlib.suppress(CtpError):
                    await self._http.send(
                        "GET",
                        self._project_url,
                        headers={"Authorization": f"Bearer {token}"},
                        idempotent=True,
                        retries=0,
                    )
        except TimeoutError:
            metrics.readiness("commercetools", False)
            return Verdict(False, f"commercetools did not answer within {self._timeout:g} s")
        except CtpUnavailable as exc:
            metrics.readiness("commercetools", False)
            return Verdict(False, f"commercetools unavailable ({exc.detail})")
        # Per check, for the metrics: why /readyz fails (docs/observability.md).
        metrics.readiness("commercetools", True)
        if self._store_ping is not None:
            try:
                async with asyncio.timeout(self._timeout):
                    store_answers = await self._store_ping()
            except TimeoutError:
                store_answers = False
            metrics.readiness("session_store", store_answers)
            if not store_answers:
                return Verdict(False, "the session store (Redis) does not answer")
            return Verdict(True, "commercetools and the session store answer")
        return Verdict(True, "commercetools answers")
