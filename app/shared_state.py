"""What several instances must count together, in Redis when REDIS_URL is set, else in this
process: the attempt throttle behind credential checks, password reset requests and new guest
sessions (app/throttle.py). Sessions and their revocations are built in app/session/stores.py,
the webhook message ledger in webhooks/factories.py, by the same rule."""

from __future__ import annotations

from typing import Any

from app.clock import Clock
from app.throttle import AttemptThrottle, InMemoryThrottle


def build_throttle(redis: Any, clock: Clock) -> AttemptThrottle:
    if redis is None:
        return InMemoryThrottle(clock=clock)
    # Imported only when used: the Redis client library adds ~0.1 s to every start-up.
    from app.throttle_redis import RedisThrottle

    return RedisThrottle(redis, clock=clock)


class RedisHealth:
    """For readiness: an instance whose Redis does not answer can neither count attempts nor
    check sessions."""

    def __init__(self, redis: Any) -> None:
        self._redis = redis

    async def ping(self) -> bool:
        from redis.exceptions import RedisError

        try:
            return bool(await self._redis.ping())
        except RedisError:
            return False


def redis_health(redis: Any) -> RedisHealth | None:
    return None if redis is None else RedisHealth(redis)
