"""Makes failed credential checks take about as long whatever the reason they failed.

commercetools (and the emulator) answer a sign-in for an unknown e-mail faster than one with a
wrong password, which has a password hash to check: measured through this service on the
emulator, 2 ms against 17 ms. That difference tells an attacker which addresses have accounts.
Padding every failure to a common duration hides it: the duration is at least `floor_seconds`
and follows the slowest recent failures (a decaying maximum), so a slow upstream hash check
raises it for the fast failures too. It never pads beyond `ceiling_seconds`: a stalled upstream
must not make every failure wait for it.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable

# Each failure lets the learned duration sink by 2%: an outlier is forgotten after ~100 failures.
_DECAY = 0.98


class UniformFailureTiming:
    def __init__(
        self,
        floor_seconds: float,
        *,
        ceiling_seconds: float = 2.0,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    ) -> None:
        self._floor = floor_seconds
        self._ceiling = max(ceiling_seconds, floor_seconds)
        self._target = floor_seconds
        self._clock = clock
        self._sleep = sleep

    def start(self) -> float:
        return self._clock()

    async def pad(self, started: float) -> None:
        """Wait until the common duration has passed since `started`."""
        elapsed = self._clock() - started
        self._target = min(self._ceiling, max(self._floor, self._target * _DECAY, elapsed))
        remaining = self._target - elapsed
        if remaining > 0:
            await self._sleep(remaining)
