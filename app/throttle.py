"""Counting attempts per key (an e-mail address, a client address) and refusing for a while
once there were too many: the brake on password guessing and credential stuffing.

`AttemptThrottle` is the interface the services use. `InMemoryThrottle` keeps its counts in
this process, which is right for one instance; several instances need a shared store (Redis)
behind the same interface, or an attacker simply spreads attempts over them.

The rule is a sliding window with a lockout: `max_attempts` hits within `window_seconds` lock
the key for `lockout_seconds`, after which it starts from zero. A short lockout (minutes) keeps
a real customer's wait short, while still capping a guesser at a few tries per lockout period.
"""

from __future__ import annotations

import hashlib
import math
import threading
import time
from collections import OrderedDict, deque
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Protocol


@dataclass(frozen=True, slots=True)
class ThrottleRule:
    max_attempts: int
    window_seconds: float
    lockout_seconds: float

    def __post_init__(self) -> None:
        if self.max_attempts < 1 or self.window_seconds <= 0 or self.lockout_seconds <= 0:
            raise ValueError("a throttle rule needs max_attempts >= 1 and positive durations")


class AttemptThrottle(Protocol):
    async def retry_after(self, keys: Sequence[str]) -> float | None:
        """Seconds until every key is free again, or None when none is locked."""
        ...

    async def hit(self, keys: Sequence[str]) -> None:
        """Count one attempt against each key (locking those that reach the limit)."""
        ...

    async def clear(self, key: str) -> None:
        """Forget a key's attempts, e.g. after the rightful owner signed in."""
        ...


@dataclass(slots=True)
class _Entry:
    hits: deque[float] = field(default_factory=deque)
    locked_until: float = 0.0


class InMemoryThrottle:
    """Per-process counts, bounded in memory: past `max_keys` the least recently used keys are
    forgotten (a flood of made-up e-mail addresses cannot grow the process without limit; the
    client-address key still catches such a flood from one address)."""

    def __init__(
        self,
        rule: ThrottleRule,
        *,
        clock: Callable[[], float] = time.time,
        max_keys: int = 100_000,
    ) -> None:
        self._rule = rule
        self._clock = clock
        self._max_keys = max_keys
        self._entries: OrderedDict[str, _Entry] = OrderedDict()
        # Plain lock, never held across an await: safe from any thread or event loop.
        self._lock = threading.Lock()

    async def retry_after(self, keys: Sequence[str]) -> float | None:
        now = self._clock()
        waits: list[float] = []
        with self._lock:
            for key in keys:
                entry = self._entries.get(_digest(key))
                if entry is not None and entry.locked_until > now:
                    waits.append(entry.locked_until - now)
        return max(waits) if waits else None

    async def hit(self, keys: Sequence[str]) -> None:
        now = self._clock()
        rule = self._rule
        with self._lock:
            for key in keys:
                digest = _digest(key)
                entry = self._entries.get(digest)
                if entry is None:
                    entry = self._entries[digest] = _Entry()
                self._entries.move_to_end(digest)
                if entry.locked_until > now:
                    continue
                while entry.hits and entry.hits[0] <= now - rule.window_seconds:
                    entry.hits.popleft()
                entry.hits.append(now)
                if len(entry.hits) >= rule.max_attempts:
                    entry.locked_until = now + rule.lockout_seconds
                    entry.hits.clear()
            while len(self._entries) > self._max_keys:
                self._entries.popitem(last=False)

    async def clear(self, key: str) -> None:
        with self._lock:
            self._entries.pop(_digest(key), None)


def _digest(key: str) -> str:
    # Keys hold e-mail addresses: keep only a hash, so a memory dump (or, later, a shared
    # store) does not list who tried to sign in.
    return hashlib.sha256(key.encode()).hexdigest()[:32]


def whole_minutes(seconds: float) -> int:
    """For messages: a wait of 61 s is "2 minutes", never "0 minutes"."""
    return max(1, math.ceil(seconds / 60))
