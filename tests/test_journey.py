"""A whole storefront journey through real HTTP with one cookie jar, against the emulator and
its Stripe stand-in: the done-when of the storefront issue, step by step, paying by card."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
import pytest

from emulator.stripe_standin.state import PUBLISHABLE_KEY, SECRET_KEY
from tests.conftest import RunningService
from tests.support.browser import Browser
from tests.support.outbox import link_token, wait_for_mail_to
from tests.support.queries import (
    ADD,
    APPLY_CODE,
    BERLIN,
    CART,
    LAST_ORDER,
    MY_ORDERS,
    PLACE_ORDER,
    REQUEST_RESET,
    RESET,
    SET_BILLING_ADDRESS,
    SET_SHIPPING_ADDRESS,
    SET_SHIPPING_METHOD,
    SHIPPING_METHODS,
    SIGN_IN,
    SIGN_OUT,
    SIGN_UP,
)
from tests.support.stripe_standin import RunningStandIn, browser_confirms

pytestmark = pytest.mark.anyio

CATEGORIES = "{ categories { id slug name children { id slug name } } }"
SEARCH = """query($text: String, $category: ID, $filters: [FacetFilterInput!]) {
  products(text: $text, category: $category, filters: $filters, limit: 50) {
    pageInfo { total }
    results { id slug name masterVariant { sku } variants { sku attributes { name value } } }
    facets { name terms { term count } }
  }
}"""
PRODUCT = """query($slug: String!) { product(by: {slug: $slug}) {
  id slug name description categories { id name }
  masterVariant { sku price { centAmount currencyCode } images { url } }
  variants { sku price { centAmount } attributes { name value } } } }"""
STOREFRONT = "https://shop.example.com"
PAYMENT_FIELDS = "id status clientSecret declineMessage amount { centAmount currencyCode }"
CREATE_PAYMENT = f"""mutation {{ createPayment(input: {{method: "card"}}) {{
  payment {{ {PAYMENT_FIELDS} }} userErrors {{ code }} }} }}"""
PAYMENT = f"query($id: ID!) {{ payment(id: $id) {{ {PAYMENT_FIELDS} }} }}"
STRIPE_WEBHOOK_SECRET = "whsec_test_journey"


def lines(cart: dict[str, Any]) -> dict[str, int]:
    return {li["sku"]: li["quantity"] for li in cart["lineItems"]}


@pytest.fixture
def outbox(tmp_path: Path) -> Path:
    return tmp_path / "outbox"


@pytest.fixture
def shop(
    start_service: Callable[..., RunningService], outbox: Path, stand_in: RunningStandIn
) -> RunningService:
    """A shop that takes card payments (the emulator's Stripe stand-in), whose events come
    back to its webhook as Stripe's would: it may order a paid cart before the browser does."""
    service = start_service(
        mail_outbox_dir=outbox,
        storefront_url=STOREFRONT,
        payment_provider="stripe",
        stripe_secret_key=SECRET_KEY,
        stripe_publishable_key=PUBLISHABLE_KEY,
        stripe_webhook_secret=STRIPE_WEBHOOK_SECRET,
        stripe_api_base=stand_in.url,
    )
    stand_in.stand_in.events.add_endpoint(
        service.url + "/webhooks/payments/stripe", secret=STRIPE_WEBHOOK_SECRET
    )
    return service


async def pay(browser: Browser, stand_in: RunningStandIn, card: str = "pm_card_visa") -> str:
    """Starts a payment for the cart and confirms it at the provider as Stripe.js would."""
    started = (await browser.gql(CREATE_PAYMENT)).ok()["createPayment"]
    assert started["userErrors"] == []
    payment = started["payment"]
    (await browser_confirms(stand_in.url, payment["clientSecret"], card)).raise_for_status()
    return str(payment["id"])


async def test_a_shoppers_whole_journey(
    shop: RunningService, outbox: Path, stand_in: RunningStandIn
) -> None:
    email = f"journey-{uuid.uuid4().hex[:10]}@example.com"
    password, new_password = "First-Passw0rd", "Second-Passw0rd"
    async with shop.browser() as browser:
        # Browse categories: a tree, and no session yet.
        tree = (await browser.gql(CATEGORIES)).ok()["categories"]
        women = next(c for c in tree if c["slug"] == "women")
        assert {c["slug"] for c in women["children"]} >= {"women-tops", "women-dresses"}
        assert browser.cookie() is None

        # Search within a category, then narrow by a facet.
        found = (await browser.gql(SEARCH, {"category": women["id"]})).ok()["products"]
        colors = next(f for f in found["facets"] if f["name"] == "color")
        color = max(colors["terms"], key=lambda t: t["count"])
        narrowed = (
            await browser.gql(
                SEARCH,
                {
                    "category": women["id"],
                    "filters": [{"name": "color", "values": [color["term"]]}],
                },
            )
        ).ok()["products"]
        assert 0 < narrowed["pageInfo"]["total"] < found["pageInfo"]["total"]
        assert narrowed["pageInfo"]["total"] == color["count"]

        # Open a product and add two products.
        slug = narrowed["results"][0]["slug"]
        product = (await browser.gql(PRODUCT, {"slug": slug})).ok()["product"]
        first_sku = product["masterVariant"]["sku"]
        tshirt = "TSHIRT-CLASSIC-BLUE-M"
        (await browser.gql(ADD, {"sku": first_sku, "q": 1})).ok()
        guest_cart = (await browser.gql(ADD, {"sku": tshirt, "q": 2})).ok()["addToCart"]["cart"]
        assert lines(guest_cart) == {first_sku: 1, tshirt: 2}

        # Sign up: the cart comes along. Sign out: the browser forgets everything.
        signup = {"input": {"email": email, "password": password, "firstName": "Jo"}}
        (await browser.gql(SIGN_UP, signup)).ok()
        assert lines((await browser.gql(CART)).ok()["cart"]) == {first_sku: 1, tshirt: 2}
        (await browser.gql(SIGN_OUT)).ok()
        assert (await browser.gql(CART)).ok() == {"cart": None}

        # Shop on as a guest, then sign in: the carts merge and nothing is lost.
        tote = "TOTE-CANVAS-BEIGE"
        (await browser.gql(ADD, {"sku": tote, "q": 1})).ok()
        (await browser.gql(ADD, {"sku": tshirt, "q": 1})).ok()
        (await browser.gql(SIGN_IN, {"e": email, "p": password})).ok()
        merged = (await browser.gql(CART)).ok()["cart"]
        assert lines(merged) == {first_sku: 1, tshirt: 2, tote: 1}

        # Checkout: addresses, shipping method, the demo discount code.
        (await browser.gql(SET_SHIPPING_ADDRESS, {"a": BERLIN})).ok()
        (await browser.gql(SET_BILLING_ADDRESS, {"a": {**BERLIN, "city": "Potsdam"}})).ok()
        methods = (await browser.gql(SHIPPING_METHODS)).ok()["shippingMethods"]
        express = next(m for m in methods if m["key"] == "express")
        (await browser.gql(SET_SHIPPING_METHOD, {"id": express["shippingMethodId"]})).ok()
        applied = await browser.gql(APPLY_CODE, {"code": "DEMO10"})
        cart = applied.ok()["applyDiscountCode"]["cart"]
        assert cart["discount"]["centAmount"] == round(cart["subtotal"]["centAmount"] * 0.1)
        assert cart["shippingInfo"]["name"] == "Express"

        # Pay: a declined card first (nothing to order yet), then a card whose bank asks for
        # 3-D Secure, passed on the bank's page.
        started = (await browser.gql(CREATE_PAYMENT)).ok()["createPayment"]["payment"]
        assert started["amount"] == {
            "centAmount": cart["totalPrice"]["centAmount"],
            "currencyCode": cart["totalPrice"]["currencyCode"],
        }
        declined = await browser_confirms(
            stand_in.url, started["clientSecret"], "pm_card_chargeDeclined"
        )
        assert declined.status_code == 402
        assert (await browser.gql(PLACE_ORDER)).refused() == ["PAYMENT_DECLINED"]
        payment_id = await pay(browser, stand_in, "pm_card_authenticationRequired")
        assert payment_id == started["id"]
        waiting = (await browser.gql(PAYMENT, {"id": payment_id})).ok()["payment"]
        assert waiting["status"] == "REQUIRES_ACTION"
        assert (await browser.gql(PLACE_ORDER)).refused() == ["PAYMENT_REQUIRED"]
        intent = started["clientSecret"].split("_secret_")[0]
        async with httpx.AsyncClient() as bank:
            authenticated = await bank.post(
                f"{stand_in.url}/_stand-in/authenticate/{intent}",
                data={"client_secret": started["clientSecret"]},
            )
        assert authenticated.json()["status"] == "succeeded"
        paid = (await browser.gql(PAYMENT, {"id": payment_id})).ok()["payment"]
        assert paid["status"] == "SUCCEEDED" and paid["clientSecret"] is None

        # Order (or find the order the payment's webhook placed a moment earlier), and find
        # it again both ways.
        order = (await browser.gql(PLACE_ORDER)).ok()["placeOrder"]["order"]
        assert order["totalPrice"] == cart["totalPrice"]
        assert order["paymentState"] == "PAID"
        assert {li["sku"]: li["quantity"] for li in order["lineItems"]} == lines(merged)
        history = (await browser.gql(MY_ORDERS)).ok()["myOrders"]
        assert [o["id"] for o in history["results"]] == [order["id"]]
        assert (await browser.gql(LAST_ORDER)).ok()["lastOrder"]["id"] == order["id"]
        assert (await browser.gql(CART)).ok() == {"cart": None}

        # Forgot the password: reset it through the e-mailed link, sign in with the new one.
        (await browser.gql(SIGN_OUT)).ok()
        assert (await browser.gql(REQUEST_RESET, {"e": email})).ok() == {
            "requestPasswordReset": {"userErrors": []}
        }
        mail = await wait_for_mail_to(outbox, email, "Reset your password")
        token = link_token(mail, f"{STOREFRONT}/reset-password")
        assert (await browser.gql(RESET, {"t": token, "n": new_password})).ok() == {
            "resetPassword": {"userErrors": []}
        }
        old = await browser.gql(SIGN_IN, {"e": email, "p": password})
        assert old.refused() == ["INVALID_CREDENTIALS"]
        signed_in = (await browser.gql(SIGN_IN, {"e": email, "p": new_password})).ok()
        assert signed_in["signIn"]["customer"]["email"] == email
        assert (await browser.gql(MY_ORDERS)).ok()["myOrders"]["pageInfo"]["total"] == 1


async def test_two_journeys_at_once_never_see_each_others_data(
    shop: RunningService, stand_in: RunningStandIn
) -> None:
    async def journey(browser: Browser, sku: str, quantity: int) -> dict[str, Any]:
        email = f"parallel-{uuid.uuid4().hex[:10]}@example.com"
        signup = {"input": {"email": email, "password": "Parallel-Passw0rd"}}
        (await browser.gql(ADD, {"sku": sku, "q": quantity})).ok()
        (await browser.gql(SIGN_UP, signup)).ok()
        (await browser.gql(SET_SHIPPING_ADDRESS, {"a": BERLIN})).ok()
        await pay(browser, stand_in)
        order: dict[str, Any] = (await browser.gql(PLACE_ORDER)).ok()["placeOrder"]["order"]
        return order

    async with shop.browser() as a, shop.browser() as b:
        order_a, order_b = await asyncio.gather(
            journey(a, "TSHIRT-CLASSIC-BLUE-M", 1), journey(b, "TOTE-CANVAS-BEIGE", 2)
        )
        mine_a = (await a.gql(MY_ORDERS)).ok()["myOrders"]["results"]
        mine_b = (await b.gql(MY_ORDERS)).ok()["myOrders"]["results"]
        assert [o["id"] for o in mine_a] == [order_a["id"]]
        assert [o["id"] for o in mine_b] == [order_b["id"]]
