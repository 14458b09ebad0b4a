"""A payment the shopper no longer orders with is given back, over HTTP against the emulator's
Stripe stand-in: money taken is refunded, an authorisation cancelled, an open payment cancelled
(so an old tab cannot still pay it), each recorded once on the commercetools Payment, whether
a new payment replaced it or the cart was ordered with another. And a cart changed between
placeOrder's payment check and its order is not ordered for less."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any

import pytest

from emulator.stripe_standin.state import PUBLISHABLE_KEY, SECRET_KEY
from tests.conftest import RunningService
from tests.support.browser import Browser
from tests.support.queries import ADD, CART, PLACE_ORDER
from tests.support.stripe_standin import RunningStandIn, browser_confirms
from tests.test_orders_api import TSHIRT, ready_cart
from tests.test_payments_api import CREATE_PAYMENT, pay, start_payment

pytestmark = pytest.mark.anyio


@pytest.fixture
def start_paying_service(
    start_service: Callable[..., RunningService], stand_in: RunningStandIn
) -> Callable[..., RunningService]:
    def start(**overrides: Any) -> RunningService:
        return start_service(
            payment_provider="stripe",
            stripe_secret_key=SECRET_KEY,
            stripe_publishable_key=PUBLISHABLE_KEY,
            stripe_webhook_secret="whsec_test_superseded",
            stripe_api_base=stand_in.url,
            **overrides,
        )

    return start


def intent_of(payment: dict[str, Any]) -> str:
    return str(payment["clientSecret"]).split("_secret_")[0]


def transactions(service: RunningService, payment_id: str) -> list[tuple[str, str, int]]:
    stored = service.emulator.payments[payment_id]
    return [(t["type"], t["state"], t["amount"]["centAmount"]) for t in stored["transactions"]]


def refunds_of(stand_in: RunningStandIn, intent: str) -> list[int]:
    refunds = stand_in.stand_in.state.refunds.values()
    return [r["amount"] for r in refunds if r["payment_intent"] == intent]


async def grow_cart(shopper: Browser) -> dict[str, Any]:
    cart: dict[str, Any] = (await shopper.gql(ADD, {"sku": TSHIRT, "q": 1})).ok()["addToCart"][
        "cart"
    ]
    return cart


async def test_a_superseded_charge_is_refunded_once_and_recorded(
    start_paying_service: Callable[..., RunningService], stand_in: RunningStandIn
) -> None:
    service = start_paying_service()
    async with service.browser() as shopper:
        await ready_cart(shopper)
        first = await start_payment(shopper)
        await pay(stand_in, first, "pm_card_visa")
        bigger = await grow_cart(shopper)
        second = await start_payment(shopper)
        assert second["id"] != first["id"] and second["amount"] == bigger["totalPrice"]
        amount = first["amount"]["centAmount"]
        assert refunds_of(stand_in, intent_of(first)) == [amount]
        assert transactions(service, first["id"]) == [
            ("Charge", "Success", amount),
            ("Refund", "Success", amount),
        ]
        # Asked again (a reload): the same new payment, and nothing refunded twice.
        assert (await start_payment(shopper))["id"] == second["id"]
        assert refunds_of(stand_in, intent_of(first)) == [amount]
        await pay(stand_in, second, "pm_card_visa")
        order = (await shopper.gql(PLACE_ORDER)).ok()["placeOrder"]["order"]
        assert order["totalPrice"] == bigger["totalPrice"] and order["paymentState"] == "PAID"
    assert refunds_of(stand_in, intent_of(second)) == []
    assert transactions(service, second["id"]) == [
        ("Charge", "Success", second["amount"]["centAmount"])
    ]


async def test_a_superseded_authorisation_is_cancelled(
    start_paying_service: Callable[..., RunningService], stand_in: RunningStandIn
) -> None:
    service = start_paying_service(stripe_capture_method="manual")
    async with service.browser() as shopper:
        await ready_cart(shopper)
        first = await start_payment(shopper)
        await pay(stand_in, first, "pm_card_visa")
        assert stand_in.stand_in.state.intents[intent_of(first)]["status"] == "requires_capture"
        await grow_cart(shopper)
        await start_payment(shopper)
    assert stand_in.stand_in.state.intents[intent_of(first)]["status"] == "canceled"
    assert refunds_of(stand_in, intent_of(first)) == []
    amount = first["amount"]["centAmount"]
    assert transactions(service, first["id"]) == [
        ("Authorization", "Success", amount),
        ("CancelAuthorization", "Success", amount),
    ]


async def test_an_open_superseded_payment_is_cancelled_so_an_old_tab_cannot_pay_it(
    start_paying_service: Callable[..., RunningService], stand_in: RunningStandIn
) -> None:
    service = start_paying_service()
    async with service.browser() as shopper:
        await ready_cart(shopper)
        first = await start_payment(shopper)
        await grow_cart(shopper)
        await start_payment(shopper)
        late = await browser_confirms(stand_in.url, first["clientSecret"], "pm_card_visa")
        assert late.status_code == 400
        assert late.json()["error"]["code"] == "payment_intent_unexpected_state"
    assert stand_in.stand_in.state.intents[intent_of(first)]["status"] == "canceled"
    assert transactions(service, first["id"]) == [
        ("Charge", "Failure", first["amount"]["centAmount"])
    ]


async def test_a_cart_changed_between_the_payment_check_and_the_order_is_not_ordered(
    start_paying_service: Callable[..., RunningService], stand_in: RunningStandIn
) -> None:
    service = start_paying_service()
    async with service.browser() as shopper:
        cart = await ready_cart(shopper)
        paid = await start_payment(shopper)
        await pay(stand_in, paid, "pm_card_visa")
        # placeOrder has read the cart and now asks the provider about the payment: another
        # tab adds a line before it orders the cart at the version it checked.
        stand_in.gate.arm()
        placing = asyncio.create_task(shopper.gql(PLACE_ORDER))
        assert await asyncio.to_thread(stand_in.gate.reached.wait, 20)
        bigger = await grow_cart(shopper)
        stand_in.gate.release()
        refused = await placing
        assert refused.refused() == ["PAYMENT_REQUIRED"]
        assert "start a new payment" in refused.user_errors[0]["message"]
        assert not [o for o in service.emulator.orders.values() if o["cart"]["id"] == cart["id"]]
        now = (await shopper.gql(CART)).ok()["cart"]
        assert now["id"] == cart["id"] and now["lineItems"] == bigger["lineItems"]
        assert now["totalPrice"]["centAmount"] > paid["amount"]["centAmount"]
        # The payment of the old total is not lost: a new one replaces it and it is refunded.
        again = await start_payment(shopper)
        await pay(stand_in, again, "pm_card_visa")
        order = (await shopper.gql(PLACE_ORDER)).ok()["placeOrder"]["order"]
        assert order["totalPrice"] == now["totalPrice"]
    assert refunds_of(stand_in, intent_of(paid)) == [paid["amount"]["centAmount"]]


async def test_ordering_with_one_payment_refunds_the_carts_other_paid_one(
    start_paying_service: Callable[..., RunningService], stand_in: RunningStandIn
) -> None:
    service = start_paying_service()
    async with service.browser() as shopper:
        cart = await ready_cart(shopper)
        before = (await shopper.gql(CART)).ok()["cart"]["totalPrice"]
        # Two tabs: the first starts a payment for the cart as it is, and is slow to get it
        # created; meanwhile the second adds a line and starts (and finishes) its own.
        stand_in.gate.arm("POST", "/v1/payment_intents")
        slow = asyncio.create_task(shopper.gql(CREATE_PAYMENT, {"m": "card"}))
        assert await asyncio.to_thread(stand_in.gate.reached.wait, 20)
        bigger = await grow_cart(shopper)
        current = await start_payment(shopper)
        stand_in.gate.release()
        old = (await slow).ok()["createPayment"]["payment"]
        assert old["amount"]["centAmount"] == before["centAmount"]
        assert current["amount"] == bigger["totalPrice"]
        # Both are paid, and the cart lists both; the session names the old one (its answer
        # came last), which no longer covers the cart.
        await pay(stand_in, old, "pm_card_visa")
        await pay(stand_in, current, "pm_card_visa")
        listed = service.emulator.carts[str(cart["id"])]["paymentInfo"]["payments"]
        assert {p["id"] for p in listed} == {old["id"], current["id"]}
        session = await service.read_session(shopper)
        assert session is not None and session.data["pa"] == old["id"]
        order = (await shopper.gql(PLACE_ORDER)).ok()["placeOrder"]["order"]
        assert order["totalPrice"] == bigger["totalPrice"] and order["paymentState"] == "PAID"
    # Ordered with the payment that covers it; the other one's money goes back, once.
    old_amount = old["amount"]["centAmount"]
    assert refunds_of(stand_in, intent_of(old)) == [old_amount]
    assert refunds_of(stand_in, intent_of(current)) == []
    assert transactions(service, old["id"]) == [
        ("Charge", "Success", old_amount),
        ("Refund", "Success", old_amount),
    ]
