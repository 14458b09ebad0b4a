"""One value read from upstream on demand and kept for a while, per process.

For data that changes rarely and is the same for every shopper (the category tree): at most one
read per `ttl_seconds`, however many requests ask at once. The cache holds exactly one value, so
its memory is bounded by that value. When a refresh fails because commercetools is unavailable,
the last value is served for up to `stale_seconds` more, rather than failing every page.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from typing import Generic, TypeVar

from app.errors import UpstreamUnavailable

T = TypeVar("T")
log = logging.getLogger(__name__)


class CachedValue(Generic[T]):
    def __init__(
        self,
        load: Callable[[], Awaitable[T]],
        *,
        ttl_seconds: float,
        stale_seconds: float,
        clock: Callable[[], float],
    ) -> None:
        self._load = load
        self._ttl = ttl_seconds
        self._stale = stale_seconds
        self._clock = clock
        self._value: T | None = None
        self._loaded_at = 0.0
        self._has_value = False
        self._lock = asyncio.Lock()

    async def get(self) -> T:
        if self._fresh():
            return self._current()
        async with self._lock:
            # Whoever waited on the lock finds the value the first caller just loaded.
            if self._fresh():
                return self._current()
            try:
                value = await self._load()
            except UpstreamUnavailable:
                if self._has_value and self._clock() - self._loaded_at < self._ttl + self._stale:
                    log.warning("serving a stale cached value: commercetools is unavailable")
                    return self._current()
                raise
            self._value, self._loaded_at, self._has_value = value, self._clock(), True
            return value

    def last(self) -> T | None:
        """The value last loaded, fresh or not, without waiting (None before the first)."""
        return self._value

    def invalidate(self) -> None:
        self._has_value = False
        self._value = None

    def _fresh(self) -> bool:
        return self._has_value and self._clock() - self._loaded_at < self._ttl

    def _current(self) -> T:
        value = self._value
        assert value is not None
        return value
