"""Fault injection, switchable at run time: latency, a share of 503s, forced 409s.

Decisions come from a seeded `random.Random`, so a test that sets a seed sees the same
sequence of failures on every run. (Forced token expiry is `Emulator.expire_tokens()`.)
"""

from __future__ import annotations

import random
import threading
from typing import Any


class Faults:
    def __init__(self, seed: int = 0) -> None:
        self._lock = threading.Lock()
        self._initial_seed = seed
        self.seed = seed
        self.latency_ms = 0
        self.error_rate = 0.0
        self.conflict_rate = 0.0
        self._rng = random.Random(seed)

    def configure(
        self,
        *,
        latency_ms: int | None = None,
        error_rate: float | None = None,
        conflict_rate: float | None = None,
        seed: int | None = None,
    ) -> None:
        """Change only the given settings; a new seed restarts the decision sequence."""
        with self._lock:
            if latency_ms is not None:
                if latency_ms < 0:
                    raise ValueError("latency_ms must be >= 0")
                self.latency_ms = latency_ms
            if error_rate is not None:
                self.error_rate = _rate(error_rate, "error_rate")
            if conflict_rate is not None:
                self.conflict_rate = _rate(conflict_rate, "conflict_rate")
            if seed is not None:
                self.seed = seed
                self._rng = random.Random(seed)

    def reset(self) -> None:
        with self._lock:
            self.latency_ms = 0
            self.error_rate = 0.0
            self.conflict_rate = 0.0
            self.seed = self._initial_seed
            self._rng = random.Random(self._initial_seed)

    def should_fail(self) -> bool:
        """Whether this request gets a 503 instead of an answer."""
        return self._draw(self.error_rate)

    def should_conflict(self) -> bool:
        """Whether this update gets a 409 ConcurrentModification despite a correct version."""
        return self._draw(self.conflict_rate)

    def _draw(self, rate: float) -> bool:
        # No draw at rate 0: switching one fault on must not shift the other's sequence.
        if rate <= 0.0:
            return False
        with self._lock:
            return self._rng.random() < rate

    def snapshot(self) -> dict[str, Any]:
        with self._lock:
            return {
                "latencyMs": self.latency_ms,
                "errorRate": self.error_rate,
                "conflictRate": self.conflict_rate,
                "seed": self.seed,
            }


def _rate(value: float, name: str) -> float:
    if not 0.0 <= value <= 1.0:
        raise ValueError(f"{name} must be between 0 and 1")
    return float(value)
