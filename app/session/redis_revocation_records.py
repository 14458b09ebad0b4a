"""Ended sessions recorded in Redis (app/session/revocation.py), which every instance reads.

Keys: `{prefix}valid-after:{customer id}` (epoch seconds; raised, never lowered, by a Lua
script, so a late event about an older change cannot revive sessions a newer one ended) and
`{prefix}ended:{session id}`, both expiring when no session they could refuse is left.
"""

from __future__ import annotations

from redis.asyncio import Redis
from redis.exceptions import RedisError

from app.session.store import SessionStoreUnavailable

_RAISE = """
local current = tonumber(redis.call('GET', KEYS[1]) or '0')
if tonumber(ARGV[1]) > current then
  redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
end
return 0
"""


class RedisRevocationRecords:
    def __init__(self, redis: Redis, *, prefix: str = "ctp-bff:") -> None:
        self._redis = redis
        self._prefix = prefix
        self._raise = redis.register_script(_RAISE)

    async def lookup(self, customer_id: str, session_id: str) -> tuple[float | None, bool]:
        try:
            valid_after, ended = await self._redis.mget(
                f"{self._prefix}valid-after:{customer_id}", f"{self._prefix}ended:{session_id}"
            )
        except RedisError as exc:
            raise SessionStoreUnavailable(str(exc)) from exc
        return (float(valid_after) if valid_after is not None else None), ended is not None

    async def end_customer(self, customer_id: str, before: float, ttl_seconds: float) -> None:
        key = f"{self._prefix}valid-after:{customer_id}"
        try:
            await self._raise(keys=[key], args=[repr(before), _milliseconds(ttl_seconds)])
        except RedisError as exc:
            raise SessionStoreUnavailable(str(exc)) from exc

    async def end_session(self, session_id: str, ttl_seconds: float) -> None:
        key = f"{self._prefix}ended:{session_id}"
        try:
            await self._redis.set(key, b"1", px=_milliseconds(ttl_seconds))
        except RedisError as exc:
            raise SessionStoreUnavailable(str(exc)) from exc


def _milliseconds(seconds: float) -> int:
    return max(1, int(seconds * 1000))
