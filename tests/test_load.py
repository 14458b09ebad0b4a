"""Load and soak: 200 concurrent browsers doing whole journeys against the emulator with faults
switched on. Zero 5xx, no answer holding another browser's data, no lost line item, every
placed order found again in its customer's myOrders. One browser in four shops where the shop
takes card payments (a second instance on the same emulator, paying at its Stripe stand-in,
whose events reach that instance's webhook): its order is paid, for exactly its total.

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

from emulator.app import create_emulator_app
from emulator.stripe_standin.state import PUBLISHABLE_KEY, SECRET_KEY
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
from tests.support.servers import ServerThread
from tests.support.service_process import ServiceProcess
from tests.support.stripe_standin import RunningStandIn, browser_confirms

pytestmark = pytest.mark.anyio

BROWSERS = 200
PAYING_EVERY = 4
ME = "{ me { id email } }"
CREATE_PAYMENT = """mutation { createPayment(input: {method: "card"}) {
  payment { id status clientSecret amount { centAmount currencyCode } } userErrors { code } } }"""
STRIPE_WEBHOOK_SECRET = "whsec_test_load"
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
    unpaid: list[str] = field(default_factory=list)
    journeys: int = 0
    paid_journeys: int = 0


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


async def pay(
    browser: Browser, index: int, stand_in: RunningStandIn, tally: Tally
) -> dict[str, Any] | None:
    """Pays for the cart with a card at the stand-in, as the storefront's page would."""
    started = await call(browser, tally, CREATE_PAYMENT)
    if started is None:
        return None
    payload = started["createPayment"]
    if payload["userErrors"]:
        tally.unpaid.append(f"browser {index}: createPayment {payload['userErrors']}")
        return None
    payment: dict[str, Any] = payload["payment"]
    if payment["status"] != "SUCCEEDED":
        confirmed = await browser_confirms(stand_in.url, payment["clientSecret"], "pm_card_visa")
        if confirmed.status_code != 200:
            tally.unpaid.append(f"browser {index}: confirm {confirmed.status_code}")
            return None
    return payment


async def journey(
    browser: Browser,
    index: int,
    skus: list[str],
    tally: Tally,
    stand_in: RunningStandIn | None = None,
) -> None:
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
    payment = await pay(browser, index, stand_in, tally) if stand_in is not None else None
    if stand_in is not None and payment is None:
        return
    order = (await call(browser, tally, PLACE_ORDER))["placeOrder"]["order"]
    if payment is not None:
        tally.paid_journeys += 1
        if order["paymentState"] != "PAID" or order["totalPrice"] != payment["amount"]:
            tally.unpaid.append(f"browser {index}: {order['paymentState']} {order['totalPrice']}")
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
    budgets = {
        "anonymous_sessions_per_address": 1_000_000,
        "throttle_max_failures_per_address": 1_000_000,
    }
    service = start_service(**budgets)
    # The paying shop is its own process (one process wires one service), on the same
    # emulator, served over HTTP: the faults below hit both.
    stand_in = RunningStandIn().start()
    request.addfinalizer(stand_in.stop)
    upstream = ServerThread(create_emulator_app(service.emulator)).start()
    request.addfinalizer(upstream.stop)
    paying = ServiceProcess(
        {
            "APP_ENV": "test",
            "CTP_PROJECT_KEY": "demo",
            "CTP_CLIENT_ID": "demo-client",
            "CTP_CLIENT_SECRET": "demo-secret",
            "CTP_SCOPES": "manage_project:demo",
            "CTP_API_URL": upstream.url,
            "CTP_AUTH_URL": upstream.url,
            "UPSTREAM_MAX_RETRIES": "2",
            **{name.upper(): str(value) for name, value in budgets.items()},
            "PAYMENT_PROVIDER": "stripe",
            "STRIPE_SECRET_KEY": SECRET_KEY,
            "STRIPE_PUBLISHABLE_KEY": PUBLISHABLE_KEY,
            "STRIPE_WEBHOOK_SECRET": STRIPE_WEBHOOK_SECRET,
            "STRIPE_API_BASE": stand_in.url,
        }
    ).start()
    request.addfinalizer(paying.stop)
    stand_in.stand_in.events.add_endpoint(
        paying.url + "/webhooks/payments/stripe", secret=STRIPE_WEBHOOK_SECRET
    )
    skus = priced_skus(service.emulator, 12)
    service.emulator.faults.configure(latency_ms=2, error_rate=0.03, conflict_rate=0.05, seed=11)
    tally = Tally()
    deadline = time.monotonic() + soak_seconds
    browsers = [
        Browser(paying.url) if i % PAYING_EVERY == 0 else service.browser() for i in range(BROWSERS)
    ]

    async def shop(index: int, browser: Browser) -> None:
        pays = stand_in if index % PAYING_EVERY == 0 else None
        while True:
            await journey(browser, index, skus, tally, pays)
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
        f"\n{tally.journeys} journeys ({tally.paid_journeys} paid), {tally.requests} requests "
        f"({tally.retries} retried) in {elapsed:.1f} s"
    )
    assert tally.server_errors == []
    assert tally.foreign == []
    assert tally.lost == []
    assert tally.missing_orders == []
    assert tally.unpaid == []
    assert tally.journeys >= BROWSERS
    assert tally.paid_journeys >= BROWSERS // PAYING_EVERY
