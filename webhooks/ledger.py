"""What the event endpoint remembers between deliveries: which message ids were handled (at-
least-once delivery repeats them) and, per resource, the newest `sequenceNumber` applied for
effects that a newer message replaces (delivery is unordered).

`MessageLedger` is the interface; `InMemoryMessageLedger` keeps both per process, bounded (LRU)
and expiring (TTL), which is right for one instance. Several instances share
`RedisMessageLedger` (webhooks/ledger_redis.py, used when REDIS_URL is set), so a message
delivered to two of them is handled once.
"""

from __future__ import annotations

import enum
import time
from collections import OrderedDict
from collections.abc import Callable
from typing import Protocol


class Claim(enum.Enum):
    NEW = "new"  # nobody has it: the caller handles it now
    DONE = "done"  # handled before: acknowledge, do nothing
    BUSY = "busy"  # another delivery of it is being handled right now


class LedgerUnavailable(Exception):
    """The shared ledger did not answer: the delivery is refused, and Pub/Sub retries it."""


class MessageLedger(Protocol):
    async def claim(self, message_id: str) -> Claim: ...

    async def complete(self, message_id: str) -> None: ...

    async def release(self, message_id: str) -> None:
        """Give a claim back after a failure, so a redelivery handles the message."""
        ...

    async def watermark(self, key: str) -> int:
        """The highest sequenceNumber applied for `key` (0 when none)."""
        ...

    async def raise_watermark(self, key: str, sequence_number: int) -> None: ...


# Pub/Sub keeps unacknowledged messages for at most 7 days: a duplicate older than that
# cannot arrive.
DEFAULT_TTL_SECONDS = 7 * 86_400.0
DEFAULT_MAX_ENTRIES = 100_000
# A claim not completed or released within this time (a handler that hung) lapses.
DEFAULT_LEASE_SECONDS = 120.0


class _Expiring:
    """An LRU map whose entries also expire; the oldest go first when it is full."""

    def __init__(self, max_entries: int, clock: Callable[[], float]) -> None:
        self._entries: OrderedDict[str, tuple[float, int]] = OrderedDict()
        self._max = max_entries
        self._clock = clock

    def get(self, key: str) -> int | None:
        found = self._entries.get(key)
        if found is None:
            return None
        expires_at, value = found
        if expires_at <= self._clock():
            del self._entries[key]
            return None
        self._entries.move_to_end(key)
        return value

    def put(self, key: str, value: int, ttl: float) -> None:
        self._entries[key] = (self._clock() + ttl, value)
        self._entries.move_to_end(key)
        while len(self._entries) > self._max:
            self._entries.popitem(last=False)

    def pop(self, key: str) -> None:
        self._entries.pop(key, None)

    def __len__(self) -> int:
        return len(self._entries)


class InMemoryMessageLedger:
    """Per process. No lock: every method runs to completion without awaiting, and the
    service runs one event loop."""

    def __init__(
        self,
        *,
        max_entries: int = DEFAULT_MAX_ENTRIES,
        ttl_seconds: float = DEFAULT_TTL_SECONDS,
        lease_seconds: float = DEFAULT_LEASE_SECONDS,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._done = _Expiring(max_entries, clock)
        self._busy = _Expiring(max_entries, clock)
        self._watermarks = _Expiring(max_entries, clock)
        self._ttl = ttl_seconds
        self._lease = lease_seconds

    async def claim(self, message_id: str) -> Claim:
        if self._done.get(message_id) is not None:
            return Claim.DONE
        if self._busy.get(message_id) is not None:
            return Claim.BUSY
        self._busy.put(message_id, 1, self._lease)
        return Claim.NEW

    async def complete(self, message_id: str) -> None:
        self._busy.pop(message_id)
        self._done.put(message_id, 1, self._ttl)

    async def release(self, message_id: str) -> None:
        self._busy.pop(message_id)

    async def watermark(self, key: str) -> int:
        return self._watermarks.get(key) or 0

    async def raise_watermark(self, key: str, sequence_number: int) -> None:
        if sequence_number > (self._watermarks.get(key) or 0):
            self._watermarks.put(key, sequence_number, self._ttl)

    def __len__(self) -> int:
        return len(self._done)
