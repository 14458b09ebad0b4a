"""A circuit breaker per commercetools host: when it is down, fail at once instead of making
every request wait out the timeouts.

Closed: calls go through; `failure_threshold` failed calls in a row (transport faults,
timeouts, 5xx after retries) open it. Open: calls fail at once with UPSTREAM_UNAVAILABLE for
`reset_seconds`. Then half-open: one call goes through as a trial (the others still fail at
once); its success closes the breaker, its failure opens it again. Any HTTP answer below 500,
errors included, is a success: commercetools answered.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from enum import Enum
from urllib.parse import urlsplit

from app.observability import metrics

log = logging.getLogger(__name__)


class BreakerState(Enum):
    CLOSED = "closed"
    OPEN = "open"
    HALF_OPEN = "half-open"


class CircuitBreaker:
    def __init__(
        self,
        name: str,
        *,
        failure_threshold: int,
        reset_seconds: float,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.name = name
        self._threshold = failure_threshold
        self._reset_seconds = reset_seconds
        self._clock = clock
        self._failures = 0
        self._opened_at: float | None = None
        self._trial_in_flight = False
        self._lock = threading.Lock()

    @property
    def state(self) -> BreakerState:
        with self._lock:
            return self._state()

    def _state(self) -> BreakerState:
        if self._opened_at is None:
            return BreakerState.CLOSED
        if self._clock() - self._opened_at < self._reset_seconds:
            return BreakerState.OPEN
        return BreakerState.HALF_OPEN

    def allow(self) -> bool:
        """Whether a call may go now. In half-open state only one caller gets True until it
        reports back (`record_success`, `record_failure` or `release`)."""
        with self._lock:
            state = self._state()
            if state is BreakerState.CLOSED:
                return True
            if state is BreakerState.HALF_OPEN and not self._trial_in_flight:
                self._trial_in_flight = True
                metrics.breaker_changed(self.name, BreakerState.HALF_OPEN.value)
                return True
            return False

    def record_success(self) -> None:
        with self._lock:
            recovered = self._opened_at is not None
            self._failures = 0
            self._opened_at = None
            self._trial_in_flight = False
        if recovered:
            metrics.breaker_changed(self.name, BreakerState.CLOSED.value)
            log.warning("commercetools (%s) answers again: circuit closed", self.name)

    def record_failure(self) -> None:
        with self._lock:
            self._trial_in_flight = False
            self._failures += 1
            if self._opened_at is not None or self._failures >= self._threshold:
                # A failed trial restarts the wait; so does the call that crosses the threshold.
                self._opened_at = self._clock()
                opened = True
            else:
                opened = False
        if opened:
            metrics.breaker_changed(self.name, BreakerState.OPEN.value)
            log.warning(
                "commercetools (%s) failing: circuit open, calls fail at once for %.1f s",
                self.name,
                self._reset_seconds,
            )

    def release(self) -> None:
        """The call ended without a verdict (e.g. cancelled): let another trial go."""
        with self._lock:
            self._trial_in_flight = False


class CircuitBreakers:
    """One breaker per host: the auth and the API host can fail separately."""

    def __init__(
        self,
        *,
        failure_threshold: int,
        reset_seconds: float,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._threshold = failure_threshold
        self._reset_seconds = reset_seconds
        self._clock = clock
        self._breakers: dict[str, CircuitBreaker] = {}
        self._lock = threading.Lock()

    def for_url(self, url: str) -> CircuitBreaker | None:
        """The host's breaker, or None when breakers are off (threshold 0)."""
        if self._threshold <= 0:
            return None
        host = urlsplit(url).netloc
        with self._lock:
            breaker = self._breakers.get(host)
            if breaker is None:
                breaker = self._breakers[host] = CircuitBreaker(
                    host,
                    failure_threshold=self._threshold,
                    reset_seconds=self._reset_seconds,
                    clock=self._clock,
                )
            return breaker

    def states(self) -> dict[str, BreakerState]:
        with self._lock:
            breakers = list(self._breakers.values())
        return {breaker.name: breaker.state for breaker in breakers}
