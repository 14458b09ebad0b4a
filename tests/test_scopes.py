"""docs/configuration.md lists the scopes each flow needs: every flow runs on the emulator, which
enforces scopes as commercetools' API reference declares them, with exactly its row's scopes
(it works) and with each of them left out (it does not)."""

from __future__ import annotations

import asyncio
import re
import uuid
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import httpx
import pytest

from app.settings.commercetools import CUSTOMER_SCOPE_NAMES
from emulator import carts
from emulator.state import Emulator
from emulator.stripe_standin.state import PUBLISHABLE_KEY, SECRET_KEY
from tests.support.browser import Browser
from tests.support.project_service import ProjectService, project_service
from tests.support.queries import (
    ADD,
    BERLIN,
    PLACE_ORDER,
    RESET,
    SET_EMAIL,
    SET_SHIPPING_ADDRESS,
    SET_SHIPPING_METHOD,
    SHIPPING_METHODS,
    SIGN_UP,
)
from tests.support.stripe_standin import RunningStandIn, browser_confirms
from tests.support.webhooks import SECRET, bearer

pytestmark = pytest.mark.anyio

DOC = Path(__file__).resolve().parent.parent / "docs" / "configuration.md"
UPDATE_EMAIL = """mutation($input: ProfileInput!) {
  updateProfile(input: $input) { customer { email } userErrors { code } } }"""
CREATE_PAYMENT = """mutation { createPayment(input: {method: "card"}) {
  payment { id clientSecret } userErrors { code } } }"""
STRIPE_WEBHOOK_SECRET = "whsec_test_scopes"
PAYMENT_WEBHOOK = "/webhooks/payments/stripe"

Flow = Callable[[ProjectService, RunningStandIn], Awaitable[bool]]


def documented_flows() -> dict[str, list[str]]:
    """flow -> the app token's scopes, from the table headed `| flow | ... |`."""
    flows: dict[str, list[str]] = {}
    in_table = False
    for line in DOC.read_text(encoding="utf-8").splitlines():
        if not line.startswith("|"):
            in_table = False
            continue
        cells = [cell.strip() for cell in line.strip("|").split("|")]
        if cells[0] == "flow":
            in_table = True
        elif in_table and not set(cells[0]) <= {"-"}:
            flows[cells[0]] = re.findall(r"`([a-z_]+)`", cells[-1])
    return flows


async def browsing(service: ProjectService, _stand_in: RunningStandIn) -> bool:
    async with Browser(service.url) as browser:
        answers = [
            await browser.gql("{ categories { id } }"),
            await browser.gql("{ products(limit: 3) { results { id } facets { name } } }"),
            await browser.gql('{ predictiveSearch(query: "shirt") { products { id } } }'),
            await browser.gql('{ product(by: {slug: "tshirt-classic"}) { id } }'),
        ]
    return all(answer.status_code == 200 and not answer.errors for answer in answers)


async def checkout(service: ProjectService, _stand_in: RunningStandIn) -> bool:
    async with Browser(service.url) as browser:
        (await browser.gql(ADD, {"sku": "TSHIRT-CLASSIC-BLUE-M"})).ok()
        (await browser.gql(SET_SHIPPING_ADDRESS, {"a": BERLIN})).ok()
        methods = await browser.gql(SHIPPING_METHODS)
        if methods.errors or not methods.data["shippingMethods"]:
            return False
        chosen = methods.data["shippingMethods"][0]["shippingMethodId"]
        (await browser.gql(SET_SHIPPING_METHOD, {"id": chosen})).ok()
        ordered = await browser.gql(PLACE_ORDER)
        return not ordered.codes and ordered.data["placeOrder"]["order"] is not None


async def accounts(service: ProjectService, _stand_in: RunningStandIn) -> bool:
    email = f"scopes-{uuid.uuid4().hex[:8]}@example.com"
    password = "Scopes-Passw0rd"
    async with Browser(service.url) as browser:
        signed_up = await browser.gql(SIGN_UP, {"input": {"email": email, "password": password}})
        if signed_up.codes:
            return False
        new_email = {"email": f"new-{email}", "currentPassword": password}
        changed = await browser.gql(UPDATE_EMAIL, {"input": new_email})
        reset = await browser.gql(RESET, {"t": "no-such-token", "n": "Another-Passw0rd"})
    return not changed.codes and reset.codes == ["TOKEN_INVALID"]


async def cart_api_extension(service: ProjectService, _stand_in: RunningStandIn) -> bool:
    with service.emulator.lock:
        cart = carts.build_cart(
            service.emulator,
            {
                "currency": "EUR",
                "lineItems": [{"sku": "TSHIRT-CLASSIC-BLUE-M"}],
                "shippingAddress": {"country": "DE"},
            },
        )
    body = {"action": "Create", "resource": {"typeId": "cart", "id": cart["id"], "obj": cart}}
    async with httpx.AsyncClient(base_url=service.url, headers=bearer(SECRET)) as client:
        answer = await client.post("/webhooks/extensions", json=body)
    actions = answer.json().get("actions", []) if answer.status_code == 200 else []
    return any(action["action"] == "setShippingMethod" for action in actions)


async def paid_for_cart(browser: Browser, stand_in: RunningStandIn) -> bool:
    """A guest's cart, paid with a card at the stand-in; False when the service refuses."""
    (await browser.gql(ADD, {"sku": "TSHIRT-CLASSIC-BLUE-M"})).ok()
    (await browser.gql(SET_EMAIL, {"e": "scopes@example.com"})).ok()
    (await browser.gql(SET_SHIPPING_ADDRESS, {"a": BERLIN})).ok()
    started = await browser.gql(CREATE_PAYMENT)
    if started.errors or started.codes:
        return False
    payment = started.data["createPayment"]["payment"]
    confirmed = await browser_confirms(stand_in.url, payment["clientSecret"], "pm_card_visa")
    return confirmed.status_code == 200


async def paid_checkout(service: ProjectService, stand_in: RunningStandIn) -> bool:
    async with Browser(service.url) as browser:
        if not await paid_for_cart(browser, stand_in):
            return False
        ordered = await browser.gql(PLACE_ORDER)
    order = None if ordered.errors or ordered.codes else ordered.data["placeOrder"]["order"]
    return order is not None and order["paymentState"] == "PAID"


async def payment_webhook(service: ProjectService, stand_in: RunningStandIn) -> bool:
    """The shopper pays and closes the tab: the provider's event orders the cart."""
    events = stand_in.stand_in.events
    endpoint = events.add_endpoint(
        service.url + PAYMENT_WEBHOOK,
        secret=STRIPE_WEBHOOK_SECRET,
        enabled_events=("payment_intent.succeeded",),
    )
    try:
        async with Browser(service.url) as browser:
            if not await paid_for_cart(browser, stand_in):
                return False
        for _ in range(500):
            answers = [d.status for d in events.deliveries if d.endpoint_id == endpoint.id]
            if answers:
                # The first answer says it: 200 once ordered, 503 (retry later) when refused.
                return answers[0] == 200 and bool(service.emulator.orders)
            await asyncio.sleep(0.01)
        return False
    finally:
        del events.endpoints[endpoint.id]


async def shopper_context(service: ProjectService, stand_in: RunningStandIn) -> bool:
    async with Browser(service.url) as browser:
        shown = await browser.gql("{ shopperContext { country currency language } }")
        chosen = await browser.gql(
            'mutation { setShopperContext(input: {country: "AT"}) { '
            "shopperContext { country } userErrors { code } } }"
        )
    return (
        not shown.errors
        and not chosen.codes
        and chosen.data["setShopperContext"]["shopperContext"]["country"] == "AT"
    )


async def stores(service: ProjectService, stand_in: RunningStandIn) -> bool:
    async with Browser(service.url) as browser:
        listed = await browser.gql("{ stores { key countries } }")
        switched = await browser.gql(
            'mutation { setShopperContext(input: {storeKey: "us-shop"}) { '
            "shopperContext { storeKey } userErrors { code } } }"
        )
    return (
        not listed.errors
        and {s["key"] for s in listed.data["stores"]} == {"de-shop", "us-shop"}
        and not switched.codes
    )


FLOWS: dict[str, Flow] = {
    "browsing": browsing,
    "checkout": checkout,
    "accounts": accounts,
    "cart API Extension": cart_api_extension,
    "paid checkout": paid_checkout,
    "payment webhook": payment_webhook,
    "shopper context": shopper_context,
    "stores": stores,
}


def flow_settings(flow: str, stand_in: RunningStandIn) -> dict[str, Any]:
    """Settings a flow needs besides the scopes: PAYMENT_PROVIDER=stripe at the stand-in for the
    flows of a shop that takes payments, the demo's stores for the stores flow."""
    if flow == "stores":
        return {"store_key": "de-shop", "store_keys": "de-shop,us-shop"}
    if flow not in ("paid checkout", "payment webhook"):
        return {}
    return {
        "payment_provider": "stripe",
        "stripe_secret_key": SECRET_KEY,
        "stripe_publishable_key": PUBLISHABLE_KEY,
        "stripe_webhook_secret": STRIPE_WEBHOOK_SECRET,
        "stripe_api_base": stand_in.url,
    }


def scopes(names: list[str]) -> str:
    # An empty CTP_SCOPES means the default, manage_project: ask for an unrelated scope instead.
    return " ".join(f"{name}:demo" for name in names or ["view_zones"])


def test_every_flow_of_the_table_is_tested() -> None:
    assert set(documented_flows()) == set(FLOWS)


@pytest.mark.parametrize("flow", sorted(FLOWS))
async def test_each_flow_works_with_its_documented_scopes_and_needs_each(
    flow: str, stand_in: RunningStandIn
) -> None:
    needed = documented_flows()[flow]
    assert needed, flow
    settings = flow_settings(flow, stand_in)
    with project_service(Emulator(), scopes(needed), webhook_secret=SECRET, **settings) as service:
        assert await FLOWS[flow](service, stand_in), f"{flow} fails with {needed}"
    for left_out in needed:
        fewer = [name for name in needed if name != left_out]
        with project_service(
            Emulator(), scopes(fewer), webhook_secret=SECRET, **settings
        ) as service:
            assert not await FLOWS[flow](service, stand_in), f"{flow} works without {left_out}"


def test_the_narrow_client_holds_every_flows_scopes_and_the_shoppers() -> None:
    prose = DOC.read_text(encoding="utf-8").split("## The API client's scopes")[1]
    prose = " ".join(prose.split("## ")[0].split())
    holds = prose.split("a narrow client holds", 1)[1].split(", and `CTP_SCOPES` asks for")
    client = set(re.findall(r"([a-z_]+):KEY", holds[0]))
    app_token = set(re.findall(r"([a-z_]+):KEY", holds[1].split(".", 1)[0]))
    flows = {name for names in documented_flows().values() for name in names}
    shopper = {*CUSTOMER_SCOPE_NAMES, "create_anonymous_token"}
    assert app_token == flows
    assert client == flows | shopper
