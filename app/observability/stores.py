"""Session store and throttle, observed: the wrappers bootstrap/app.py puts around them when
metrics or tracing are on (the stores themselves stay as they are)."""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable, Sequence
from typing import Any, TypeVar

from opentelemetry.trace import StatusCode

from app.observability import metrics, tracing
from app.observability.names import throttle_rule
from app.session.store import SessionStore, SessionStoreUnavailable, StoredSession
from app.throttle import Attempt, AttemptThrottle

T = TypeVar("T")


class ObservedSessionStore:
    """A `SessionStore` that counts and times each call; calls to Redis get a span each. The
    cookie store only decrypts or encrypts in this process: a span per call would cost more
    than the call (about 40 µs of CPU each, docs/observability.md), its time shows in the
    metrics."""

    def __init__(self, store: SessionStore, kind: str) -> None:
        self._store = store
        self._kind = kind
        self._traced = kind != "cookie"

    def __getattr__(self, name: str) -> Any:
        # Whatever else the store offers (Redis's `ping`, used by readiness) stays reachable.
        return getattr(self._store, name)

    async def load(self, cookie_value: str) -> StoredSession | None:
        return await self._observe("load", lambda: self._store.load(cookie_value))

    async def save(self, session: StoredSession, *, replaces: str | None) -> str:
        return await self._observe("save", lambda: self._store.save(session, replaces=replaces))

    async def discard(self, session_id: str) -> None:
        await self._observe("discard", lambda: self._store.discard(session_id))

    async def _observe(self, operation: str, call: Callable[[], Awaitable[T]]) -> T:
        tracer = tracing.tracer() if self._traced else None
        span = (
            tracer.start_span(
                f"session_store {operation}",
                attributes={"ctp_bff.session_store": self._kind, "ctp_bff.operation": operation},
            )
            if tracer is not None and tracing.unsampled_parent() is None
            else None
        )
        started = time.perf_counter()
        failed = False
        try:
            return await call()
        except SessionStoreUnavailable:
            failed = True
            if span is not None:
                span.set_status(StatusCode.ERROR, "session store unavailable")
            raise
        finally:
            metrics.session_operation(self._kind, operation, time.perf_counter() - started, failed)
            if span is not None:
                span.end()


class ObservedThrottle:
    """An `AttemptThrottle` that counts refusals by rule (from the keys' prefixes)."""

    def __init__(self, throttle: AttemptThrottle) -> None:
        self._throttle = throttle

    async def reserve(self, attempts: Sequence[Attempt]) -> float | None:
        wait = await self._throttle.reserve(attempts)
        if wait is not None:
            # One reservation may hold several budgets (the account's and the address's):
            # the label names them all, sorted, so it stays one of a few values.
            rules = sorted({throttle_rule(attempt.key) for attempt in attempts})
            metrics.throttle_refused("+".join(rules) or "other")
        return wait

    async def refund(self, attempts: Sequence[Attempt]) -> None:
        await self._throttle.refund(attempts)

    async def clear(self, key: str) -> None:
        await self._throttle.clear(key)
