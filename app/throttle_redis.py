"""The attempt throttle of app/throttle.py kept in Redis, so that every instance counts against
the same numbers: N replicas allow no more guesses than one.

Each key is a hash `{prefix}throttle:{digest}` with the count (`n`), the end of its window
(`w`) and the end of its lock (`l`), expiring when neither matters any more. `reserve` and
`refund` are Lua scripts: Redis runs a script alone, so checking every key and counting against
all of them is one atomic step however many instances ask at once. Times come from the calling
instance's clock (the same clock the in-process throttle uses; instances are assumed to keep
NTP time). All keys of one call go to one Redis: this is not written for Redis Cluster.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Sequence
from typing import Any

from redis.asyncio import Redis
from redis.exceptions import RedisError

from app.errors import UpstreamUnavailable
from app.throttle import Attempt, digest

log = logging.getLogger(__name__)

# KEYS: one hash per attempt. ARGV: now, then max_attempts, window and lockout per key.
_RESERVE = """
local now = tonumber(ARGV[1])
local longest = 0
for i, key in ipairs(KEYS) do
  local locked = tonumber(redis.call('HGET', key, 'l') or '0')
  if locked - now > longest then longest = locked - now end
end
if longest > 0 then return tostring(longest) end
for i, key in ipairs(KEYS) do
  local base = 1 + (i - 1) * 3
  local limit = tonumber(ARGV[base + 1])
  local window = tonumber(ARGV[base + 2])
  local lockout = tonumber(ARGV[base + 3])
  local state = redis.call('HMGET', key, 'n', 'w', 'l')
  local n = tonumber(state[1] or '0')
  local w = tonumber(state[2] or '0')
  local l = tonumber(state[3] or '0')
  if w <= now or (l > 0 and l <= now) then
    n, w, l = 0, now + window, 0
  end
  n = n + 1
  if n >= limit then l = now + lockout end
  redis.call('HSET', key, 'n', tostring(n), 'w', tostring(w), 'l', tostring(l))
  redis.call('PEXPIRE', key, math.ceil((math.max(w, l) - now) * 1000))
end
return '0'
"""

# KEYS: one hash per attempt. ARGV: now, then max_attempts per key.
_REFUND = """
local now = tonumber(ARGV[1])
for i, key in ipairs(KEYS) do
  local state = redis.call('HMGET', key, 'n', 'w', 'l')
  if state[2] and tonumber(state[2]) > now then
    local n = math.max(0, tonumber(state[1]) - 1)
    local l = tonumber(state[3])
    if n < tonumber(ARGV[i + 1]) and l > now then l = 0 end
    redis.call('HSET', key, 'n', tostring(n), 'l', tostring(l))
  end
end
return 0
"""


class ThrottleUnavailable(UpstreamUnavailable):
    """Redis did not answer: nothing can be counted, so nothing may be tried (the shopper is
    asked to try again, as when commercetools is down)."""


class RedisThrottle:
    def __init__(
        self,
        redis: Redis,
        *,
        prefix: str = "ctp-bff:",
        clock: Callable[[], float] = time.time,
    ) -> None:
        self._redis = redis
        self._prefix = prefix
        self._clock = clock
        self._reserve = redis.register_script(_RESERVE)
        self._refund = redis.register_script(_REFUND)

    def _key(self, key: str) -> str:
        return f"{self._prefix}throttle:{digest(key)}"

    async def reserve(self, attempts: Sequence[Attempt]) -> float | None:
        args: list[Any] = [repr(self._clock())]
        for attempt in attempts:
            rule = attempt.rule
            args += [rule.max_attempts, repr(rule.window_seconds), repr(rule.lockout_seconds)]
        wait = float(await self._run(self._reserve, [self._key(a.key) for a in attempts], args))
        return wait if wait > 0 else None

    async def refund(self, attempts: Sequence[Attempt]) -> None:
        args: list[Any] = [repr(self._clock())]
        args += [attempt.rule.max_attempts for attempt in attempts]
        await self._run(self._refund, [self._key(a.key) for a in attempts], args)

    async def clear(self, key: str) -> None:
        try:
            await self._redis.delete(self._key(key))
        except RedisError as exc:
            raise _unavailable(exc) from exc

    async def _run(self, script: Any, keys: list[str], args: list[Any]) -> Any:
        if not keys:
            return 0
        try:
            return await script(keys=keys, args=args)
        except RedisError as exc:
            raise _unavailable(exc) from exc


def _unavailable(exc: RedisError) -> ThrottleUnavailable:
    log.error("throttle store (Redis) unavailable: %s", exc)
    return ThrottleUnavailable()
