"""Ending sessions before their time: after sign-out (that one session), and after a password
change or reset (every session of the customer begun before it).

A store that keeps sessions server-side (Redis) can delete them; a session that lives in its
browser's encrypted cookie cannot be deleted, only refused. So every store also answers to
`SessionRevocations`, which the session middleware asks about each signed-in session it loads:

- per customer, a "valid after" instant: a session begun (signed in) before it is over;
- per session id, an "ended" mark, kept until the session would have expired anyway.

Both live in `RevocationRecords` (app/session/revocation_records.py): in Redis when REDIS_URL is
set, so every instance sees them; else in this process, so only this instance does. An instance
asks the records about a given customer and session at most every `check_every_seconds`
(SESSION_REVOCATION_CHECK_SECONDS) and remembers the answer that long; what it ended itself it
knows at once. A session ended on one instance therefore ends on the others within that bound.
"""

from __future__ import annotations

import logging
import time
from collections import OrderedDict
from collections.abc import Callable
from typing import Generic, Protocol, TypeVar

from app.session.ctp_session import CtpSession
from app.session.store import StoredSession

log = logging.getLogger(__name__)

T = TypeVar("T")
_CUSTOMER_KEY = CtpSession.customer_id.key


class CustomerSessionRevoker(Protocol):
    async def end_sessions_of(
        self, customer_id: str, *, signed_in_before: float | None = None
    ) -> int:
        """End the customer's sessions (those signed in before `signed_in_before`, epoch
        seconds; before now when not given) and return how many a server-side store ended."""
        ...


class RevocationRecords(Protocol):
    async def lookup(self, customer_id: str, session_id: str) -> tuple[float | None, bool]:
        """(the customer's "valid after" instant or None, whether this session was ended)."""
        ...

    async def end_customer(self, customer_id: str, before: float, ttl_seconds: float) -> None:
        """Sessions of the customer begun before `before` are over (a later instant wins)."""
        ...

    async def end_session(self, session_id: str, ttl_seconds: float) -> None: ...


class _Recent(Generic[T]):
    """What was last learned per key, and when; bounded, the least recently used go first."""

    def __init__(self, max_entries: int) -> None:
        self._entries: OrderedDict[str, tuple[float, T]] = OrderedDict()
        self._max = max_entries

    def get(self, key: str, *, since: float) -> tuple[bool, T | None]:
        found = self._entries.get(key)
        if found is None or found[0] < since:
            return False, None
        self._entries.move_to_end(key)
        return True, found[1]

    def put(self, key: str, learned_at: float, value: T) -> None:
        self._entries[key] = (learned_at, value)
        self._entries.move_to_end(key)
        while len(self._entries) > self._max:
            self._entries.popitem(last=False)


class SessionRevocations:
    def __init__(
        self,
        records: RevocationRecords,
        *,
        check_every_seconds: float,
        longest_session_seconds: float,
        clock: Callable[[], float] = time.time,
        max_remembered: int = 50_000,
    ) -> None:
        self._records = records
        self._check_every = check_every_seconds
        # No session outlives this (the absolute timeout): nothing need be kept longer.
        self._longest = longest_session_seconds
        self._clock = clock
        self._valid_after: _Recent[float | None] = _Recent(max_remembered)
        self._ended: _Recent[bool] = _Recent(max_remembered)

    async def ended(self, stored: StoredSession) -> bool:
        """Whether a signed-in session was ended early; guest sessions never are."""
        customer_id = stored.data.get(_CUSTOMER_KEY)
        if not isinstance(customer_id, str):
            return False
        now = self._clock()
        since = now - self._check_every
        known_customer, valid_after = self._valid_after.get(customer_id, since=since)
        known_session, ended = self._ended.get(stored.session_id, since=since)
        if not (known_customer and known_session):
            valid_after, ended = await self._records.lookup(customer_id, stored.session_id)
            self._valid_after.put(customer_id, now, valid_after)
            self._ended.put(stored.session_id, now, ended)
        return bool(ended) or (valid_after is not None and stored.created_at < valid_after)

    async def end_session(self, session_id: str, *, expires_at: float) -> None:
        now = self._clock()
        if expires_at <= now:
            return
        await self._records.end_session(session_id, expires_at - now)
        self._ended.put(session_id, now, True)

    async def end_sessions_of(
        self, customer_id: str, *, signed_in_before: float | None = None
    ) -> int:
        now = self._clock()
        before = now if signed_in_before is None else signed_in_before
        await self._records.end_customer(customer_id, before, self._longest)
        # Remembered as unknown: the next load asks the records, which hold the latest instant.
        self._valid_after.put(customer_id, float("-inf"), None)
        log.info("sessions of customer %s begun before %.3f end", customer_id, before)
        return 0


class EndStoredSessionsToo:
    """For a store that keeps sessions server-side (Redis): they are deleted at once, and the
    revocation records refuse any copy that a request in flight might write back."""

    def __init__(self, revocations: SessionRevocations, store: CustomerSessionRevoker) -> None:
        self._revocations = revocations
        self._store = store

    async def end_sessions_of(
        self, customer_id: str, *, signed_in_before: float | None = None
    ) -> int:
        await self._revocations.end_sessions_of(customer_id, signed_in_before=signed_in_before)
        return await self._store.end_sessions_of(customer_id, signed_in_before=signed_in_before)
