"""Counting attempts per key (an e-mail address, a client address, a budget's name) and refusing
for a while once there were too many: the brake on password guessing, credential stuffing and
other floods.

An attempt is *reserved before* the work it stands for (the upstream call that checks a
password): `reserve` counts one attempt against every key it is given, or, when one of them is
locked, refuses without counting anything, in one atomic step. Checks still in flight therefore
count already: 40 guesses sent at once get `max_attempts` of them tried, not 40. What the work
then shows decides what becomes of the reservation:

- a failure keeps it (it was a counted failure);
- `refund` gives it back when its outcome told nothing (an upstream fault) or must not count
  (a success against the client address's budget);
- `clear` forgets a key (its rightful owner proved who they are).

The rule per key: its count starts with its first attempt and lives `window_seconds`; the attempt
that brings it to `max_attempts` is still tried but locks the key for `lockout_seconds`; when the
lock ends, counting starts afresh. A refund that takes the count below the limit lifts the lock
again (the attempt that set it was not a failure after all).

`AttemptThrottle` is the interface; `InMemoryThrottle` keeps the counts in this process (one
instance); `app/throttle_redis.py` keeps them in Redis with the same rule, for several
instances that must count together.
"""

from __future__ import annotations

import hashlib
import math
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Protocol


@dataclass(frozen=True, slots=True)
class ThrottleRule:
    max_attempts: int
    window_seconds: float
    lockout_seconds: float

    def __post_init__(self) -> None:
        if self.max_attempts < 1 or self.window_seconds <= 0 or self.lockout_seconds <= 0:
            raise ValueError("a throttle rule needs max_attempts >= 1 and positive durations")


@dataclass(frozen=True, slots=True)
class Attempt:
    """One attempt against one key, under that key's rule."""

    key: str
    rule: ThrottleRule


class AttemptThrottle(Protocol):
    async def reserve(self, attempts: Sequence[Attempt]) -> float | None:
        """Count each attempt and return None; or, when any of their keys is locked, count none
        and return the seconds until all of them are free again."""
        ...

    async def refund(self, attempts: Sequence[Attempt]) -> None:
        """Give back one reserved attempt per key."""
        ...

    async def clear(self, key: str) -> None:
        """Forget a key's attempts and lock, e.g. after the rightful owner signed in."""
        ...


@dataclass(slots=True)
class _Count:
    attempts: int = 0
    window_ends: float = 0.0
    locked_until: float = 0.0


class InMemoryThrottle:
    """Per-process counts, bounded in memory: past `max_keys` the least recently used keys are
    forgotten (a flood of made-up e-mail addresses cannot grow the process without limit; the
    client-address key still catches such a flood from one address)."""

    def __init__(
        self,
        *,
        clock: Callable[[], float] = time.time,
        max_keys: int = 100_000,
    ) -> None:
        self._clock = clock
        self._max_keys = max_keys
        self._counts: OrderedDict[str, _Count] = OrderedDict()
        # Plain lock, never held across an await: each method is atomic from any thread or loop.
        self._lock = threading.Lock()

    async def reserve(self, attempts: Sequence[Attempt]) -> float | None:
        now = self._clock()
        with self._lock:
            waits = [
                count.locked_until - now
                for count in (self._counts.get(digest(a.key)) for a in attempts)
                if count is not None and count.locked_until > now
            ]
            if waits:
                return max(waits)
            for attempt in attempts:
                key = digest(attempt.key)
                count = self._counts.get(key)
                if count is None or count.window_ends <= now or 0 < count.locked_until <= now:
                    count = self._counts[key] = _Count(
                        window_ends=now + attempt.rule.window_seconds
                    )
                self._counts.move_to_end(key)
                count.attempts += 1
                if count.attempts >= attempt.rule.max_attempts:
                    count.locked_until = now + attempt.rule.lockout_seconds
            while len(self._counts) > self._max_keys:
                self._counts.popitem(last=False)
        return None

    async def refund(self, attempts: Sequence[Attempt]) -> None:
        now = self._clock()
        with self._lock:
            for attempt in attempts:
                count = self._counts.get(digest(attempt.key))
                if count is None or count.window_ends <= now:
                    continue
                count.attempts = max(0, count.attempts - 1)
                if count.attempts < attempt.rule.max_attempts and count.locked_until > now:
                    count.locked_until = 0.0

    async def clear(self, key: str) -> None:
        with self._lock:
            self._counts.pop(digest(key), None)


def digest(key: str) -> str:
    # Keys hold e-mail addresses: keep only a hash, so neither a memory dump nor the shared
    # store lists who tried to sign in.
    return hashlib.sha256(key.encode()).hexdigest()[:32]


def whole_minutes(seconds: float) -> int:
    """For messages: a wait of 61 s is "2 minutes", never "0 minutes"."""
    return max(1, math.ceil(seconds / 60))


def wait_message(seconds: float) -> str:
    """How long a refused client should wait: "in 1 minute", "in 5 minutes"."""
    minutes = whole_minutes(seconds)
    return "in 1 minute" if minutes == 1 else f"in {minutes} minutes"
