"""The message ledger of webhooks/ledger.py in Redis, shared by every instance: a message that
Pub/Sub delivers to two replicas (at-least-once delivery, or a retry landing elsewhere) is
handled by one of them, and watermarks hold across replicas.

Keys, each expiring: `{prefix}msg-done:{id}` (handled, kept as long as a duplicate can arrive),
`{prefix}msg-busy:{id}` (claimed, for the lease) and `{prefix}msg-seq:{type}:{resource}` (the
newest sequence number applied). Claiming and raising a watermark are Lua scripts, so each is
one atomic step however many replicas race.
"""

from __future__ import annotations

from redis.asyncio import Redis
from redis.exceptions import RedisError

from webhooks.ledger import DEFAULT_LEASE_SECONDS, DEFAULT_TTL_SECONDS, Claim, LedgerUnavailable

_CLAIM = """
if redis.call('EXISTS', KEYS[1]) == 1 then return 'done' end
if redis.call('SET', KEYS[2], '1', 'NX', 'PX', ARGV[1]) then return 'new' end
return 'busy'
"""

_RAISE = """
local current = tonumber(redis.call('GET', KEYS[1]) or '0')
if tonumber(ARGV[1]) > current then
  redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
end
return 0
"""


class RedisMessageLedger:
    def __init__(
        self,
        redis: Redis,
        *,
        ttl_seconds: float = DEFAULT_TTL_SECONDS,
        lease_seconds: float = DEFAULT_LEASE_SECONDS,
        prefix: str = "ctp-bff:",
    ) -> None:
        self._redis = redis
        self._ttl_ms = int(ttl_seconds * 1000)
        self._lease_ms = int(lease_seconds * 1000)
        self._prefix = prefix
        self._claim = redis.register_script(_CLAIM)
        self._raise = redis.register_script(_RAISE)

    def _done(self, message_id: str) -> str:
        return f"{self._prefix}msg-done:{message_id}"

    def _busy(self, message_id: str) -> str:
        return f"{self._prefix}msg-busy:{message_id}"

    async def claim(self, message_id: str) -> Claim:
        try:
            answer = await self._claim(
                keys=[self._done(message_id), self._busy(message_id)], args=[self._lease_ms]
            )
        except RedisError as exc:
            raise LedgerUnavailable(str(exc)) from exc
        return Claim(answer.decode() if isinstance(answer, bytes) else str(answer))

    async def complete(self, message_id: str) -> None:
        try:
            async with self._redis.pipeline(transaction=True) as pipe:
                pipe.set(self._done(message_id), b"1", px=self._ttl_ms)
                pipe.delete(self._busy(message_id))
                await pipe.execute()
        except RedisError as exc:
            raise LedgerUnavailable(str(exc)) from exc

    async def release(self, message_id: str) -> None:
        try:
            await self._redis.delete(self._busy(message_id))
        except RedisError as exc:
            raise LedgerUnavailable(str(exc)) from exc

    async def watermark(self, key: str) -> int:
        try:
            value = await self._redis.get(f"{self._prefix}msg-seq:{key}")
        except RedisError as exc:
            raise LedgerUnavailable(str(exc)) from exc
        return int(value) if value is not None else 0

    async def raise_watermark(self, key: str, sequence_number: int) -> None:
        try:
            await self._raise(
                keys=[f"{self._prefix}msg-seq:{key}"], args=[sequence_number, self._ttl_ms]
            )
        except RedisError as exc:
            raise LedgerUnavailable(str(exc)) from exc
