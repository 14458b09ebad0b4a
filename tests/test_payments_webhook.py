"""`POST /webhooks/payments/stripe` over HTTP: the stand-in's signed events for a payment whose
shopper closed the tab end as exactly one order and one confirmation mail, however often the
event is delivered; unsigned or tampered deliveries change nothing."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from bootstrap.app import create_app
from emulator.state import Emulator
from emulator.stripe_standin.events import signature_header
from emulator.stripe_standin.state import PUBLISHABLE_KEY, SECRET_KEY
from tests.conftest import RunningService, make_settings
from tests.support.browser import Browser
from tests.support.clock import FakeClock
from tests.support.outbox import read_outbox, wait_for_mail_to
from tests.support.queries import PLACE_ORDER
from tests.support.stripe_standin import RunningStandIn, browser_confirms
from tests.support.webhooks import OwnPortServer
from tests.test_orders_api import ready_cart
from tests.test_payments_api import start_payment

pytestmark = pytest.mark.anyio

WEBHOOK_SECRET = "whsec_test_webhook"
PATH = "/webhooks/payments/stripe"
LAST_ORDER_AND_CART = "{ lastOrder { id paymentState } cart { id } }"


@pytest.fixture
def outbox(tmp_path: Path) -> Path:
    return tmp_path / "outbox"


def paying_shop(
    clock: FakeClock, emulator: Emulator, outbox: Path, stand_in: RunningStandIn, **extra: str
) -> Iterator[RunningService]:
    server = OwnPortServer()
    settings = make_settings(
        **extra,
        port=server.port,
        demo_webhooks=True,
        mail_outbox_dir=outbox,
        payment_provider="stripe",
        stripe_secret_key=SECRET_KEY,
        stripe_publishable_key=PUBLISHABLE_KEY,
        stripe_webhook_secret=WEBHOOK_SECRET,
        stripe_api_base=stand_in.url,
    )
    app = create_app(settings, clock=clock, embedded_emulator=emulator)
    server.start(app)
    stand_in.stand_in.events.add_endpoint(server.url + PATH, secret=WEBHOOK_SECRET)
    try:
        yield RunningService(server.url, settings, emulator, clock, app)
    finally:
        server.stop()


@pytest.fixture
def shop(
    clock: FakeClock, emulator: Emulator, outbox: Path, stand_in: RunningStandIn
) -> Iterator[RunningService]:
    yield from paying_shop(clock, emulator, outbox, stand_in)


@pytest.fixture
def store_shop(
    clock: FakeClock, emulator: Emulator, outbox: Path, stand_in: RunningStandIn
) -> Iterator[RunningService]:
    yield from paying_shop(
        clock, emulator, outbox, stand_in, store_key="de-shop", store_currencies="de-shop:EUR"
    )


def orders_of(emulator: Emulator, cart_id: str) -> list[str]:
    return [o["id"] for o in emulator.orders.values() if o["cart"]["id"] == cart_id]


async def until(condition: object, seconds: float = 10.0) -> None:
    for _ in range(int(seconds / 0.02)):
        if callable(condition) and condition():
            return
        await asyncio.sleep(0.02)
    raise AssertionError("timed out")


async def paid_and_left(
    shopper: Browser, shop: RunningService, stand_in: RunningStandIn
) -> tuple[dict[str, Any], dict[str, Any]]:
    """The shopper pays and the tab is closed before placeOrder: (the payment, the one order
    the webhook placed for the cart)."""
    cart = await ready_cart(shopper)
    payment = await start_payment(shopper)
    (
        await browser_confirms(stand_in.url, payment["clientSecret"], "pm_card_visa")
    ).raise_for_status()
    await until(lambda: orders_of(shop.emulator, str(cart["id"])))
    [order_id] = orders_of(shop.emulator, str(cart["id"]))
    order = shop.emulator.orders.get(order_id)
    assert order is not None
    return payment, order


async def test_a_payment_that_succeeds_while_the_browser_is_gone_orders_once(
    shop: RunningService, stand_in: RunningStandIn, outbox: Path
) -> None:
    async with shop.browser() as shopper:
        payment, order = await paid_and_left(shopper, shop, stand_in)
        order_id, cart_id = order["id"], order["cart"]["id"]
        assert order["paymentState"] == "Paid"
        number = order["orderNumber"]
        await wait_for_mail_to(outbox, "shopper@example.com", f"Your order {number}")

        # Stripe delivers at least once: the same event again, several times, at once.
        events = stand_in.stand_in.events
        succeeded = [e for e in events.events if e["type"] == "payment_intent.succeeded"]
        assert succeeded
        for _ in range(3):
            assert events.resend(succeeded[0]["id"])
        await events.idle()
        # And a new event for the same payment (another instance's delivery, a replay).
        events.publish("payment_intent.succeeded", succeeded[0]["data"]["object"])
        await events.idle()
        await asyncio.sleep(0.3)
        assert orders_of(shop.emulator, cart_id) == [order_id]
        mails = [m for m in read_outbox(outbox) if m["Subject"] == f"Your order {number}"]
        assert len(mails) == 1
        # The browser, back later, is shown the order the webhook placed (found by the payment
        # its session started), in the same request as its cart, which is gone: nothing is
        # left to order twice.
        back = (await shopper.gql(LAST_ORDER_AND_CART)).ok()
        assert back == {"lastOrder": {"id": order_id, "paymentState": "PAID"}, "cart": None}
        assert (await shopper.gql(LAST_ORDER_AND_CART)).ok() == back
        assert (await shopper.gql(PLACE_ORDER)).refused() == ["CART_EMPTY"]
    stored = shop.emulator.payments[payment["id"]]
    assert [t["state"] for t in stored["transactions"]] == ["Success"]


async def test_the_webhook_orders_a_stores_cart_in_that_store(
    store_shop: RunningService, stand_in: RunningStandIn
) -> None:
    async with store_shop.browser() as shopper:
        _, order = await paid_and_left(shopper, store_shop, stand_in)
    assert order["store"]["key"] == "de-shop"
    assert ("POST", "/demo/in-store/key=de-shop/orders") in store_shop.emulator.request_log


async def test_deliveries_without_a_valid_signature_change_nothing(
    shop: RunningService, stand_in: RunningStandIn
) -> None:
    async with shop.browser() as shopper:
        cart = await ready_cart(shopper)
        payment = await start_payment(shopper)
    intent_id = payment["clientSecret"].split("_secret_")[0]
    event = {
        "id": "evt_forged",
        "object": "event",
        "type": "payment_intent.succeeded",
        "data": {"object": {"id": intent_id, "object": "payment_intent", "status": "succeeded"}},
    }
    body = json.dumps(event).encode()
    now = int(asyncio.get_running_loop().time())
    async with httpx.AsyncClient(base_url=shop.url) as client:
        for headers in (
            {},
            {"Stripe-Signature": "t=1,v1=00"},
            {"Stripe-Signature": signature_header(body, "whsec_wrong", now)},
        ):
            answer = await client.post(PATH, content=body, headers=headers)
            assert answer.status_code == 400, answer.text
        assert (await client.post(PATH, content=b"\xff" * 10)).status_code == 400
    assert orders_of(shop.emulator, str(cart["id"])) == []


async def test_without_a_provider_the_route_is_not_there(service: RunningService) -> None:
    async with httpx.AsyncClient(base_url=service.url) as client:
        answer = await client.post(PATH, content=b"{}", headers={"Stripe-Signature": "t=1,v1=0"})
    assert answer.status_code == 404
