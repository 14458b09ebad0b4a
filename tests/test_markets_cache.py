"""What the project and stores allow is read once per process and TTL (app/services/markets.py),
however many requests ask, and again after the TTL (docs/upstream-calls.md)."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from app.services.markets import MARKETS_TTL_SECONDS
from tests.conftest import RunningService
from tests.test_markets import CONTEXT

pytestmark = pytest.mark.anyio


def project_reads(service: RunningService) -> list[str]:
    return [p for m, p in service.emulator.request_log if m == "GET" and p in ("/demo", "/demo/")]


def store_reads(service: RunningService) -> list[str]:
    return [p for m, p in service.emulator.request_log if "/stores/key=" in p]


async def test_the_project_is_read_once_per_ttl(
    start_service: Callable[..., RunningService],
) -> None:
    service = start_service()
    service.emulator.clear_request_log()
    async with service.browser() as a, service.browser() as b:
        for browser in (a, b, a):
            (await browser.gql(CONTEXT)).ok()
        assert len(project_reads(service)) == 1, service.emulator.request_log
        service.clock.advance(MARKETS_TTL_SECONDS + 1)
        (await b.gql(CONTEXT)).ok()
    assert len(project_reads(service)) == 2


async def test_with_a_store_the_project_and_stores_are_read_at_start_up(
    start_service: Callable[..., RunningService],
) -> None:
    service = start_service(store_key="de-shop", store_keys="de-shop,us-shop")
    assert len(project_reads(service)) == 1
    assert sorted(store_reads(service)) == [
        "/demo/stores/key=de-shop",
        "/demo/stores/key=us-shop",
    ]
    service.emulator.clear_request_log()
    async with service.browser() as browser:
        context = (await browser.gql(CONTEXT)).ok()["shopperContext"]
    assert context["storeKey"] == "de-shop" and context["currency"] == "EUR"
    assert project_reads(service) == [] and store_reads(service) == []
