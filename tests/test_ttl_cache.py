"""The per-process cache behind the category tree: one load per TTL, stale only when upstream is
down."""

from __future__ import annotations

import asyncio

import pytest

from app.errors import UpstreamUnavailable
from app.services.ttl_cache import CachedValue
from tests.support.clock import FakeClock

pytestmark = pytest.mark.anyio


class Loader:
    def __init__(self) -> None:
        self.calls = 0
        self.fail = False

    async def __call__(self) -> list[int]:
        self.calls += 1
        await asyncio.sleep(0.01)  # long enough for concurrent callers to pile up
        if self.fail:
            raise UpstreamUnavailable()
        return [self.calls]


def cache(loader: Loader, clock: FakeClock) -> CachedValue[list[int]]:
    return CachedValue(loader, ttl_seconds=60, stale_seconds=600, clock=clock)


async def test_concurrent_callers_share_one_load_until_the_ttl_ends() -> None:
    loader, clock = Loader(), FakeClock()
    cached = cache(loader, clock)
    assert await asyncio.gather(*(cached.get() for _ in range(20))) == [[1]] * 20
    clock.advance(59)
    assert await cached.get() == [1]
    clock.advance(2)
    assert await cached.get() == [2]
    assert loader.calls == 2


async def test_the_last_value_stands_in_while_upstream_is_unavailable() -> None:
    loader, clock = Loader(), FakeClock()
    cached = cache(loader, clock)
    await cached.get()
    loader.fail = True
    clock.advance(300)
    assert await cached.get() == [1]
    clock.advance(400)  # 700 s old: beyond TTL + stale allowance
    with pytest.raises(UpstreamUnavailable):
        await cached.get()


async def test_nothing_to_stand_in_means_the_failure_shows() -> None:
    loader = Loader()
    loader.fail = True
    with pytest.raises(UpstreamUnavailable):
        await cache(loader, FakeClock()).get()
