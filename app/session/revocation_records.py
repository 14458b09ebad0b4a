"""Ended sessions recorded in this process (app/session/revocation.py): right for one instance
without Redis; with several, each knows only what it ended itself (use REDIS_URL:
app/session/redis_revocation_records.py)."""

from __future__ import annotations

import time
from collections import OrderedDict
from collections.abc import Callable
from typing import Any


class InMemoryRevocationRecords:
    """Per process, bounded: past `max_entries` of a kind the oldest are forgotten, which
    revives what they ended (docs/security.md states the bound)."""

    def __init__(
        self, *, clock: Callable[[], float] = time.time, max_entries: int = 100_000
    ) -> None:
        self._clock = clock
        self._max = max_entries
        # key -> (expires at, value)
        self._valid_after: OrderedDict[str, tuple[float, float]] = OrderedDict()
        self._ended: OrderedDict[str, float] = OrderedDict()

    async def lookup(self, customer_id: str, session_id: str) -> tuple[float | None, bool]:
        now = self._clock()
        found = self._valid_after.get(customer_id)
        valid_after = found[1] if found is not None and found[0] > now else None
        ended_until = self._ended.get(session_id)
        return valid_after, ended_until is not None and ended_until > now

    async def end_customer(self, customer_id: str, before: float, ttl_seconds: float) -> None:
        now = self._clock()
        found = self._valid_after.get(customer_id)
        if found is not None and found[0] > now and found[1] >= before:
            return
        self._valid_after[customer_id] = (now + ttl_seconds, before)
        self._valid_after.move_to_end(customer_id)
        _bound(self._valid_after, self._max)

    async def end_session(self, session_id: str, ttl_seconds: float) -> None:
        self._ended[session_id] = self._clock() + ttl_seconds
        self._ended.move_to_end(session_id)
        _bound(self._ended, self._max)


def _bound(entries: OrderedDict[str, Any], max_entries: int) -> None:
    while len(entries) > max_entries:
        entries.popitem(last=False)
