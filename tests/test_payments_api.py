"""Paying for the cart over HTTP, with PAYMENT_PROVIDER=stripe against the emulator's Stripe
stand-in: the browser confirms with the publishable key as Stripe.js would, and placeOrder
orders only a cart whose settled payment covers its current total."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from emulator.stripe_standin.state import PUBLISHABLE_KEY, SECRET_KEY
from tests.conftest import RunningService
from tests.support.browser import Browser
from tests.support.queries import ADD, CART, LAST_ORDER, PLACE_ORDER, USER_ERRORS
from tests.support.stripe_standin import RunningStandIn, browser_confirms
from tests.test_orders_api import TSHIRT, ready_cart

pytestmark = pytest.mark.anyio

PAYMENT_FIELDS = """id status method clientSecret publishableKey redirectUrl declineMessage
  amount { centAmount currencyCode }"""
CREATE_PAYMENT = f"""mutation($m: String!) {{ createPayment(input: {{method: $m}}) {{
  payment {{ {PAYMENT_FIELDS} }} {USER_ERRORS} }} }}"""
PAYMENT = f"query($id: ID!) {{ payment(id: $id) {{ {PAYMENT_FIELDS} }} }}"
METHODS = "{ paymentMethods }"


@pytest.fixture
def paying_service(
    start_service: Callable[..., RunningService], stand_in: RunningStandIn
) -> RunningService:
    return start_service(
        payment_provider="stripe",
        stripe_secret_key=SECRET_KEY,
        stripe_publishable_key=PUBLISHABLE_KEY,
        stripe_webhook_secret="whsec_test_api",
        stripe_api_base=stand_in.url,
    )


async def start_payment(shopper: Browser) -> dict[str, Any]:
    payment: dict[str, Any] = (await shopper.gql(CREATE_PAYMENT, {"m": "card"})).ok()[
        "createPayment"
    ]["payment"]
    return payment


async def pay(stand_in: RunningStandIn, payment: dict[str, Any], card: str) -> None:
    answer = await browser_confirms(stand_in.url, payment["clientSecret"], card)
    assert answer.status_code in (200, 402), answer.text


async def test_a_guest_pays_with_a_card_and_the_order_is_paid(
    paying_service: RunningService, stand_in: RunningStandIn
) -> None:
    async with paying_service.browser() as shopper:
        cart = await ready_cart(shopper, 2)
        assert (await shopper.gql(METHODS)).ok() == {"paymentMethods": ["card"]}
        payment = await start_payment(shopper)
        assert payment["status"] == "REQUIRES_PAYMENT_METHOD"
        assert payment["amount"] == cart["totalPrice"]
        assert payment["publishableKey"] == PUBLISHABLE_KEY and payment["clientSecret"]
        # Asked again for the unchanged cart: the same payment, not a second charge.
        assert (await start_payment(shopper))["id"] == payment["id"]
        await pay(stand_in, payment, "pm_card_visa")
        read = (await shopper.gql(PAYMENT, {"id": payment["id"]})).ok()["payment"]
        assert read["status"] == "SUCCEEDED" and read["clientSecret"] is None
        order = (await shopper.gql(PLACE_ORDER)).ok()["placeOrder"]["order"]
        assert order["paymentState"] == "PAID" and order["totalPrice"] == cart["totalPrice"]
        assert (await shopper.gql(LAST_ORDER)).ok()["lastOrder"]["paymentState"] == "PAID"
    stored = paying_service.emulator.payments[payment["id"]]
    assert stored["interfaceId"] == payment["clientSecret"].split("_secret_")[0]
    assert stored["paymentMethodInfo"] == {"paymentInterface": "stripe", "method": "card"}
    assert [(t["type"], t["state"]) for t in stored["transactions"]] == [("Charge", "Success")]
    ordered = paying_service.emulator.orders.get(order["id"])
    assert ordered is not None
    assert ordered["paymentInfo"]["payments"] == [{"typeId": "payment", "id": payment["id"]}]


async def test_without_a_payment_the_order_is_refused(paying_service: RunningService) -> None:
    async with paying_service.browser() as shopper:
        await ready_cart(shopper)
        refused = await shopper.gql(PLACE_ORDER)
        assert refused.refused() == ["PAYMENT_REQUIRED"]
        # Started but never confirmed is no payment either.
        await start_payment(shopper)
        assert (await shopper.gql(PLACE_ORDER)).refused() == ["PAYMENT_REQUIRED"]
        assert (await shopper.gql(CART)).ok()["cart"] is not None


async def test_a_declined_card_leaves_the_cart_and_another_card_pays(
    paying_service: RunningService, stand_in: RunningStandIn
) -> None:
    async with paying_service.browser() as shopper:
        cart = await ready_cart(shopper)
        payment = await start_payment(shopper)
        await pay(stand_in, payment, "pm_card_chargeDeclined")
        read = (await shopper.gql(PAYMENT, {"id": payment["id"]})).ok()["payment"]
        assert read["status"] == "REQUIRES_PAYMENT_METHOD" and read["declineMessage"]
        declined = await shopper.gql(PLACE_ORDER)
        assert declined.refused() == ["PAYMENT_DECLINED"]
        after = (await shopper.gql(CART)).ok()["cart"]
        assert after["id"] == cart["id"] and after["lineItems"] == cart["lineItems"]
        await pay(stand_in, payment, "pm_card_visa")
        assert (await shopper.gql(PLACE_ORDER)).ok()["placeOrder"]["order"]["paymentState"] == (
            "PAID"
        )


async def test_a_cart_changed_after_paying_is_never_ordered_for_less(
    paying_service: RunningService, stand_in: RunningStandIn
) -> None:
    async with paying_service.browser() as shopper:
        await ready_cart(shopper)
        paid = await start_payment(shopper)
        await pay(stand_in, paid, "pm_card_visa")
        # Another tab adds a line after the payment went through.
        bigger = (await shopper.gql(ADD, {"sku": TSHIRT, "q": 1})).ok()["addToCart"]["cart"]
        assert bigger["totalPrice"]["centAmount"] > paid["amount"]["centAmount"]
        assert (await shopper.gql(PLACE_ORDER)).refused() == ["PAYMENT_REQUIRED"]
        again = await start_payment(shopper)
        assert again["id"] != paid["id"] and again["amount"] == bigger["totalPrice"]
        await pay(stand_in, again, "pm_card_visa")
        order = (await shopper.gql(PLACE_ORDER)).ok()["placeOrder"]["order"]
        assert order["totalPrice"] == bigger["totalPrice"] and order["paymentState"] == "PAID"


async def test_the_payment_amount_never_comes_from_the_browser(
    paying_service: RunningService,
) -> None:
    async with paying_service.browser() as shopper:
        await ready_cart(shopper)
        bad = await shopper.gql(CREATE_PAYMENT, {"m": "bitcoin"})
        assert bad.refused() == ["INVALID"] and bad.user_error_fields == [["input", "method"]]
        smuggled = await shopper.gql(
            'mutation { createPayment(input: {method: "card", amount: 1}) { payment { id } } }'
        )
        assert smuggled.status_code == 400 and smuggled.errors
    async with paying_service.browser() as stranger:
        assert (await stranger.gql(CREATE_PAYMENT, {"m": "card"})).refused() == ["CART_EMPTY"]
        assert (await stranger.gql(PAYMENT, {"id": "no-such-id"})).error_codes == ["NOT_FOUND"]


async def test_without_a_provider_nothing_changes(service: RunningService) -> None:
    async with service.browser() as shopper:
        await ready_cart(shopper)
        assert (await shopper.gql(METHODS)).ok() == {"paymentMethods": []}
        assert (await shopper.gql(CREATE_PAYMENT, {"m": "card"})).refused() == [
            "PAYMENTS_UNAVAILABLE"
        ]
        order = (await shopper.gql(PLACE_ORDER)).ok()["placeOrder"]["order"]
        assert order["paymentState"] is None
