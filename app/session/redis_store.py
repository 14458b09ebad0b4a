"""Sessions kept in Redis behind an opaque id in the cookie: for several service instances.

The cookie holds only a random 256-bit id; the record lives under `{prefix}session:{id}` with a
TTL of the idle timeout (capped by what remains of the absolute one). A set per customer,
`{prefix}customer:{id}`, lists their session ids so that a password change can end them all.
"""

from __future__ import annotations

import json
import logging
import re
import time
from typing import Any

from redis.asyncio import Redis
from redis.exceptions import RedisError

from app.clock import Clock
from app.session.ctp_session import CtpSession
from app.session.store import SessionStoreUnavailable, StoredSession

log = logging.getLogger(__name__)

# Session ids are made by new_session_id(): url-safe base64 of 24 random bytes.
_SESSION_ID = re.compile(r"^[A-Za-z0-9_-]{32}$")
_CUSTOMER_KEY = CtpSession.customer_id.key


class RedisSessionStore:
    def __init__(
        self,
        redis: Redis,
        *,
        idle_timeout_seconds: int,
        absolute_timeout_seconds: int,
        prefix: str = "ctp-bff:",
        clock: Clock = time.time,
    ) -> None:
        self._redis = redis
        self._idle = idle_timeout_seconds
        self._absolute = absolute_timeout_seconds
        self._prefix = prefix
        self._clock = clock

    def _session_key(self, session_id: str) -> str:
        return f"{self._prefix}session:{session_id}"

    def _customer_key(self, customer_id: str) -> str:
        return f"{self._prefix}customer:{customer_id}"

    async def load(self, cookie_value: str) -> StoredSession | None:
        if not _SESSION_ID.match(cookie_value):
            return None
        try:
            raw = await self._redis.get(self._session_key(cookie_value))
        except RedisError as exc:
            raise SessionStoreUnavailable(str(exc)) from exc
        if raw is None:
            return None
        return _decode(cookie_value, raw)

    async def save(self, session: StoredSession, *, replaces: str | None) -> str:
        age = self._clock() - session.created_at
        ttl = max(1, int(min(self._idle, self._absolute - age)))
        record = json.dumps(
            {"c": session.created_at, "s": session.last_seen_at, "d": session.data},
            separators=(",", ":"),
        )
        customer_id = session.data.get(_CUSTOMER_KEY)
        try:
            async with self._redis.pipeline(transaction=True) as pipe:
                pipe.set(self._session_key(session.session_id), record, ex=ttl)
                if isinstance(customer_id, str):
                    index = self._customer_key(customer_id)
                    pipe.sadd(index, session.session_id)
                    pipe.expire(index, self._absolute)
                if replaces is not None and replaces != session.session_id:
                    pipe.delete(self._session_key(replaces))
                await pipe.execute()
        except RedisError as exc:
            raise SessionStoreUnavailable(str(exc)) from exc
        return session.session_id

    async def discard(self, session_id: str) -> None:
        try:
            await self._redis.delete(self._session_key(session_id))
        except RedisError as exc:
            raise SessionStoreUnavailable(str(exc)) from exc

    async def end_sessions_of(
        self, customer_id: str, *, signed_in_before: float | None = None
    ) -> int:
        """End the customer's sessions, on every instance at once. A session's creation time
        is its sign-in time (signing in starts a new session), so `signed_in_before` spares the
        browser that has just signed in again, e.g. with its new password."""
        index = self._customer_key(customer_id)
        ended = 0
        try:
            for member in await self._redis.smembers(index):
                session_id = member.decode() if isinstance(member, bytes) else str(member)
                raw = await self._redis.get(self._session_key(session_id))
                stored = _decode(session_id, raw) if raw is not None else None
                if stored is not None and stored.data.get(_CUSTOMER_KEY) != customer_id:
                    stored = None  # the browser signed in as someone else since
                if stored is not None and (
                    signed_in_before is not None and stored.created_at >= signed_in_before
                ):
                    continue
                if stored is not None:
                    await self._redis.delete(self._session_key(session_id))
                    ended += 1
                await self._redis.srem(index, session_id)
        except RedisError as exc:
            raise SessionStoreUnavailable(str(exc)) from exc
        log.info("ended %d session(s) of customer %s", ended, customer_id)
        return ended

    async def ping(self) -> bool:
        try:
            return bool(await self._redis.ping())
        except RedisError:
            return False


def _decode(session_id: str, raw: Any) -> StoredSession | None:
    try:
        record = json.loads(raw)
        created, seen, data = record["c"], record["s"], record["d"]
    except (ValueError, KeyError, TypeError):
        return None
    if not isinstance(data, dict) or not all(isinstance(v, int | float) for v in (created, seen)):
        return None
    return StoredSession(session_id, float(created), float(seen), data)
