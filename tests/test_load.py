"""Load and soak: 200 concurrent browsers doing whole journeys against the emulator with faults
switched on. Zero 5xx, no answer holding another browser's data, no lost line item, every
placed order found again in its customer's myOrders.

Short by default (one journey per browser); `pytest tests/test_load.py --soak-seconds=600`
keeps every browser shopping for that long.
"""

from __future__ import annotations

import asyncio
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import pytest

from tests.conftest import RunningService
from tests.support.browser import Browser, GraphQLResult
from tests.support.catalog import priced_skus
from tests.support.queries import (
    ADD,
    BERLIN,
    CART,
    MY_ORDERS,
    PLACE_ORDER,
    SET_SHIPPING_ADDRESS,
    SIGN_OUT,
    SIGN_UP,
)

pytestmark = pytest.mark.anyio

BROWSERS = 200
ME = "{ me { id email } }"
# A storefront retries what the service says is worth retrying.
RETRYABLE = {"UPSTREAM_UNAVAILABLE", "CONFLICT"}


@dataclass
class Tally:
    requests: int = 0
    retries: int = 0
    server_errors: list[str] = field(default_factory=list)
    foreign: list[str] = field(default_factory=list)
    lost: list[str] = field(default_factory=list)
    missing_orders: list[str] = field(default_factory=list)
    journeys: int = 0


async def call(
    browser: Browser, tally: Tally, query: str, variables: dict[str, Any] | None = None
) -> Any:
    for _ in range(8):
        tally.requests += 1
        result: GraphQLResult = await browser.gql(query, variables)
        if result.status_code >= 500:
            tally.server_errors.append(f"{result.status_code}: {result.body}")
            return None
        if result.errors and set(result.error_codes) <= RETRYABLE:
            tally.retries += 1
            await asyncio.sleep(0.01)
            continue
        return result.ok()
    raise AssertionError(f"still failing after retries: {query[:60]}")


async def journey(browser: Browser, index: int, skus: list[str], tally: Tally) -> None:
    email = f"load-{index}-{uuid.uuid4().hex[:8]}@example.com"
    # Quantities unique to this browser make any foreign cart recognisable.
    wanted = {skus[index % len(skus)]: 1 + index % 7, skus[(index + 3) % len(skus)]: 8 + index % 5}
    cart_id = None
    for sku, quantity in wanted.items():
        data = await call(browser, tally, ADD, {"sku": sku, "q": quantity})
        if data is None:
            return
        cart = data["addToCart"]["cart"]
        if cart_id not in (None, cart["id"]):
            tally.foreign.append(f"browser {index} saw cart {cart['id']} after {cart_id}")
        cart_id = cart["id"]
    signup = {"input": {"email": email, "password": "Load-Test-Passw0rd"}}
    me = await call(browser, tally, SIGN_UP, signup)
    if me is None:
        return
    customer = me["signUp"]["customer"]
    if customer["email"] != email:
        tally.foreign.append(f"browser {index} signed up as {customer['email']}")
    cart = (await call(browser, tally, CART))["cart"]
    lines = {li["sku"]: li["quantity"] for li in cart["lineItems"]}
    if cart["id"] != cart_id:
        tally.foreign.append(f"browser {index}: cart {cart['id']} instead of {cart_id}")
    if lines != wanted:
        tally.lost.append(f"browser {index}: {lines} instead of {wanted}")
    await call(browser, tally, SET_SHIPPING_ADDRESS, {"a": BERLIN})
    order = (await call(browser, tally, PLACE_ORDER))["placeOrder"]["order"]
    ordered = {li["sku"]: li["quantity"] for li in order["lineItems"]}
    if ordered != wanted:
        tally.lost.append(f"browser {index}: ordered {ordered} instead of {wanted}")
    mine = (await call(browser, tally, MY_ORDERS, {"limit": 100}))["myOrders"]["results"]
    if order["id"] not in {o["id"] for o in mine}:
        tally.missing_orders.append(f"browser {index}: order {order['id']} not in myOrders")
    who = (await call(browser, tally, ME))["me"]
    if who["email"] != email:
        tally.foreign.append(f"browser {index} is {who['email']} instead of {email}")
    await call(browser, tally, SIGN_OUT)
    tally.journeys += 1


async def test_200_browsers_shop_at_once_with_faults_on(
    start_service: Callable[..., RunningService], request: pytest.FixtureRequest
) -> None:
    soak_seconds: float = request.config.getoption("--soak-seconds")
    # 200 browsers on one loopback address stand for shoppers at many: the per-address budgets
    # (new guest sessions; credential checks in flight, sign-ups included) are no part of this.
    service = start_service(
        anonymous_sessions_per_address=1_000_000, throttle_max_failures_per_address=1_000_000
    )
    skus = priced_skus(service.emulator, 12)
    service.emulator.faults.configure(latency_ms=2, error_rate=0.03, conflict_rate=0.05, seed=11)
    tally = Tally()
    deadline = time.monotonic() + soak_seconds
    browsers = [service.browser() for _ in range(BROWSERS)]

    async def shop(index: int, browser: Browser) -> None:
        while True:
            await journey(browser, index, skus, tally)
            if time.monotonic() >= deadline:
                return

    started = time.monotonic()
    try:
        await asyncio.gather(*(shop(i, b) for i, b in enumerate(browsers)))
    finally:
        service.emulator.faults.reset()
        await asyncio.gather(*(b.aclose() for b in browsers))
    elapsed = time.monotonic() - started
    print(
        f"\n{tally.journeys} journeys, {tally.requests} requests ({tally.retries} retried) "
        f"in {elapsed:.1f} s"
    )
    assert tally.server_errors == []
    assert tally.foreign == []
    assert tally.lost == []
    assert tally.missing_orders == []
    assert tally.journeys >= BROWSERS
