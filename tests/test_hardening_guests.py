"""Guest carts cost commercetools an anonymous token and a cart each: a client address may
start only so many new guest sessions per window, over HTTP."""

from __future__ import annotations

import asyncio
from collections.abc import Callable

import pytest

from tests.conftest import RunningService
from tests.support.browser import GraphQLResult

pytestmark = pytest.mark.anyio

ADD = """mutation {
  addToCart(sku: "TSHIRT-CLASSIC-BLUE-M") { cart { id } userErrors { field code message } } }"""
WINDOW = 600


async def test_new_guest_sessions_are_budgeted_per_client_address(
    start_service: Callable[..., RunningService],
) -> None:
    service = start_service(
        anonymous_sessions_per_address=5,
        anonymous_sessions_window_seconds=WINDOW,
        trusted_proxies="127.0.0.1",
    )

    async def new_guest(address: str) -> GraphQLResult:
        async with service.browser(headers={"x-forwarded-for": address}) as browser:
            return await browser.gql(ADD)

    async with service.browser(headers={"x-forwarded-for": "198.51.100.20"}) as regular:
        (await regular.gql(ADD)).ok()  # a shopper who started before the flood
        service.emulator.clear_request_log()
        flood = await asyncio.gather(*(new_guest("198.51.100.20") for _ in range(20)))

        assert sum(not result.errors for result in flood) == 4
        refused = [result for result in flood if result.errors]
        assert [result.error_codes for result in refused] == [["TOO_MANY_REQUESTS"]] * 16
        assert all(0 < r.errors[0]["extensions"]["retryAfter"] <= WINDOW for r in refused)
        tokens = [path for _, path in service.emulator.request_log if "anonymous/token" in path]
        assert len(tokens) == 4
        # The shopper who has a session goes on; so does everyone at other addresses.
        (await regular.gql(ADD)).ok()
        (await new_guest("198.51.100.21")).ok()
        service.clock.advance(WINDOW + 1)
        (await new_guest("198.51.100.20")).ok()
