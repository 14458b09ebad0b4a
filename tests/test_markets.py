"""Markets (issue 14) over HTTP: the shopper context, carts that follow it, price selection by
customer group, and bad input. One service on one emulator for the module: every test uses
browsers of its own (and accounts with fresh addresses), so they do not see each other."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator, Iterator
from typing import Any

import httpx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bootstrap.app import create_app
from emulator.catalog.catalog import all_variants
from emulator.markets.routes import project as project_resource
from emulator.state import Emulator
from tests.conftest import make_settings
from tests.support.browser import Browser
from tests.support.queries import (
    ADD,
    PLACE_ORDER,
    SET_EMAIL,
    SET_SHIPPING_ADDRESS,
    SIGN_IN,
    SIGN_OUT,
)
from tests.support.servers import ServerThread

pytestmark = pytest.mark.anyio

CONTEXT_FIELDS = "country currency language storeKey"
CART_FIELDS = (
    "id currencyCode country lineItems { sku quantity unitPrice { currencyCode centAmount } }"
)
SET_CONTEXT = f"""mutation($input: ShopperContextInput!) {{
  setShopperContext(input: $input) {{
    shopperContext {{ {CONTEXT_FIELDS} }}
    cart {{ {CART_FIELDS} }}
    leftOutLines {{ sku quantity name }}
    userErrors {{ field code message }} }} }}"""
CONTEXT = f"{{ shopperContext {{ {CONTEXT_FIELDS} }} }}"
CART = f"{{ cart {{ {CART_FIELDS} }} }}"
LISTING = """query($text: String) { products(text: $text, limit: 50) { results {
  slug masterVariant { sku price { centAmount currencyCode } } } } }"""
PRODUCT = """query($slug: String!) { product(by: {slug: $slug}) {
  masterVariant { sku price { centAmount currencyCode } } } }"""
PASSWORD = "Markets-Passw0rd!"
SIGN_UP = (
    "mutation($i: SignUpInput!) { signUp(input: $i) { leftOutLines { sku } userErrors { code } } }"
)
US = {
    "firstName": "Ada",
    "lastName": "Lovelace",
    "streetName": "Broadway",
    "streetNumber": "1",
    "postalCode": "10004",
    "city": "New York",
    "country": "US",
}
VIP_EMAIL = "vip@example.com"
VIP_PASSWORD = "Demo-Passw0rd!"
# A product with a `vip` price (emulator/catalog/demo_data.py, VIP_PRICES_EUR).
VIP_PRODUCT = "sweater-cashmere"


@pytest.fixture(scope="module")
def anyio_backend() -> str:
    return "asyncio"


@pytest.fixture(scope="module")
def emulator() -> Emulator:
    return Emulator()


@pytest.fixture(scope="module")
def url(emulator: Emulator) -> Iterator[str]:
    settings = make_settings(credential_failure_min_seconds=0, demo_webhooks=False)
    with ServerThread(create_app(settings, embedded_emulator=emulator)) as server:
        yield server.url


@pytest.fixture
async def browser(url: str) -> AsyncIterator[Browser]:
    async with Browser(url) as b:
        yield b


async def set_context(browser: Browser, **fields: Any) -> dict[str, Any]:
    answer = await browser.gql(SET_CONTEXT, {"input": fields})
    assert answer.status_code == 200 and not answer.errors, answer.body
    payload: dict[str, Any] = answer.data["setShopperContext"]
    return payload


async def sign_up_new_customer(browser: Browser) -> str:
    """Signs the browser up as a customer of its own; the customer's e-mail."""
    email = f"markets-{uuid.uuid4().hex[:8]}@example.com"
    (await browser.gql(SIGN_UP, {"i": {"email": email, "password": PASSWORD}})).ok()
    return email


def listed_prices(answer: Any) -> dict[str, dict[str, Any]]:
    return {
        p["slug"]: p["masterVariant"]["price"]
        for p in answer.ok()["products"]["results"]
        if p["masterVariant"]["price"]
    }


async def test_without_stores_the_context_offers_the_projects_countries_currencies_languages(
    browser: Browser, emulator: Emulator
) -> None:
    offered = "{ shopperContext { availableCountries availableCurrencies availableLanguages } }"
    context = (await browser.gql(offered)).ok()["shopperContext"]
    project = project_resource(emulator)
    assert context == {
        "availableCountries": project["countries"],
        "availableCurrencies": project["currencies"],
        "availableLanguages": project["languages"],
    }
    assert "US" in context["availableCountries"] and "USD" in context["availableCurrencies"]


async def test_a_us_shopper_sees_usd_gets_a_usd_cart_and_orders_in_usd(browser: Browser) -> None:
    chosen = await set_context(browser, country="US", currency="USD")
    assert chosen["userErrors"] == []
    assert chosen["shopperContext"]["country"] == "US"
    assert chosen["shopperContext"]["currency"] == "USD"
    prices = listed_prices(await browser.gql(LISTING))
    assert prices and {p["currencyCode"] for p in prices.values()} == {"USD"}

    sku = (await browser.gql(PRODUCT, {"slug": VIP_PRODUCT})).ok()["product"]["masterVariant"][
        "sku"
    ]
    cart = (await browser.gql(ADD, {"sku": sku, "q": 2})).ok()["addToCart"]["cart"]
    assert cart["currencyCode"] == "USD"
    (await browser.gql(SET_SHIPPING_ADDRESS, {"a": US})).ok()
    order = (await browser.gql(PLACE_ORDER)).ok()["placeOrder"]["order"]
    assert order["totalPrice"]["currencyCode"] == "USD"


async def test_switching_to_germany_replaces_the_cart_by_a_eur_one_with_the_same_lines(
    browser: Browser,
) -> None:
    await set_context(browser, country="US", currency="USD")
    skus = [
        p["masterVariant"]["sku"]
        for p in (await browser.gql(LISTING)).ok()["products"]["results"]
        if p["masterVariant"]["price"]
    ][:2]
    for quantity, sku in enumerate(skus, start=1):
        (await browser.gql(ADD, {"sku": sku, "q": quantity})).ok()
    (await browser.gql(SET_EMAIL, {"e": "keep-me@example.com"})).ok()
    (await browser.gql(SET_SHIPPING_ADDRESS, {"a": US})).ok()
    usd_cart = (await browser.gql(CART)).ok()["cart"]
    assert usd_cart["currencyCode"] == "USD"

    switched = await set_context(browser, country="DE", currency="EUR")
    assert switched["userErrors"] == [] and switched["leftOutLines"] == []
    eur_cart = switched["cart"]
    assert eur_cart["id"] != usd_cart["id"]
    assert eur_cart["currencyCode"] == "EUR" and eur_cart["country"] == "DE"
    lines = {(line["sku"], line["quantity"]) for line in eur_cart["lineItems"]}
    assert lines == {(line["sku"], line["quantity"]) for line in usd_cart["lineItems"]}
    assert {line["unitPrice"]["currencyCode"] for line in eur_cart["lineItems"]} == {"EUR"}
    kept = (await browser.gql("{ cart { id email shippingAddress { city country } } }")).ok()
    assert kept["cart"]["id"] == eur_cart["id"]
    assert kept["cart"]["email"] == "keep-me@example.com"
    assert kept["cart"]["shippingAddress"] == {"city": "New York", "country": "US"}


async def test_another_country_in_the_same_currency_reprices_the_same_cart(
    browser: Browser,
) -> None:
    await set_context(browser, country="DE", currency="EUR")
    sku = (await browser.gql(PRODUCT, {"slug": VIP_PRODUCT})).ok()["product"]["masterVariant"][
        "sku"
    ]
    cart = (await browser.gql(ADD, {"sku": sku})).ok()["addToCart"]["cart"]
    moved = await set_context(browser, country="AT")
    assert moved["userErrors"] == []
    assert moved["cart"]["id"] == cart["id"] and moved["cart"]["country"] == "AT"
    assert moved["shopperContext"]["currency"] == "EUR"
    german = await set_context(browser, language="de")
    assert german["userErrors"] == [] and german["shopperContext"]["language"] == "de"
    assert german["cart"]["id"] == cart["id"]
    names = (await browser.gql("{ cart { lineItems { name } } }")).ok()["cart"]["lineItems"]
    assert names[0]["name"] == "Kaschmirpullover"


@pytest.mark.parametrize(
    ("fields", "field", "code"),
    [
        ({"country": "FR"}, ["input", "country"], "COUNTRY_NOT_ALLOWED"),
        ({"currency": "GBP"}, ["input", "currency"], "CURRENCY_NOT_ALLOWED"),
        ({"language": "fr"}, ["input", "language"], "LANGUAGE_NOT_ALLOWED"),
        ({"storeKey": "no-such-store"}, ["input", "storeKey"], "STORE_NOT_ALLOWED"),
        ({"country": "Deutschland"}, ["input", "country"], "INVALID"),
        ({"currency": "€"}, ["input", "currency"], "INVALID"),
        ({"language": "<script>"}, ["input", "language"], "INVALID"),
        ({"storeKey": "../../x"}, ["input", "storeKey"], "INVALID"),
        ({"country": ""}, ["input", "country"], "INVALID"),
    ],
)
async def test_bad_context_input_is_a_user_error_and_changes_nothing(
    browser: Browser, fields: dict[str, str], field: list[str], code: str
) -> None:
    before = (await browser.gql(CONTEXT)).ok()["shopperContext"]
    refused = await set_context(browser, **fields)
    assert refused["shopperContext"] is None
    assert [(e["field"], e["code"]) for e in refused["userErrors"]] == [(field, code)]
    assert (await browser.gql(CONTEXT)).ok()["shopperContext"] == before


async def test_the_default_language_is_the_browsers_first_the_project_has(url: str) -> None:
    async with Browser(url, headers={"accept-language": "fr-FR, de-AT;q=0.8, en;q=0.5"}) as b:
        context = (await b.gql(CONTEXT)).ok()["shopperContext"]
    # The project has de-AT (emulator/markets/demo.py); fr-FR it has not.
    assert context["language"] == "de-AT"
    assert (context["country"], context["currency"], context["storeKey"]) == ("DE", "EUR", None)


async def test_the_context_survives_sign_out(browser: Browser) -> None:
    await set_context(browser, country="US", currency="USD", language="en")
    await sign_up_new_customer(browser)
    (await browser.gql(SIGN_OUT)).ok()
    context = (await browser.gql(CONTEXT)).ok()["shopperContext"]
    assert (context["country"], context["currency"], context["language"]) == ("US", "USD", "en")


async def test_sign_in_after_a_currency_switch_keeps_the_lines(url: str) -> None:
    async with Browser(url) as first:
        email = await sign_up_new_customer(first)
    async with Browser(url) as guest:
        sku = (await guest.gql(PRODUCT, {"slug": VIP_PRODUCT})).ok()["product"]["masterVariant"][
            "sku"
        ]
        (await guest.gql(ADD, {"sku": sku, "q": 3})).ok()
        switched = await set_context(guest, country="US", currency="USD")
        assert switched["cart"]["currencyCode"] == "USD"
        (await guest.gql(SIGN_IN, {"e": email, "p": PASSWORD})).ok()
        cart = (await guest.gql(CART)).ok()["cart"]
        assert cart["currencyCode"] == "USD"
        assert [(line["sku"], line["quantity"]) for line in cart["lineItems"]] == [(sku, 3)]
        context = (await guest.gql(CONTEXT)).ok()["shopperContext"]
        assert context["currency"] == "USD"


async def test_vip_sees_the_same_group_price_on_listing_product_page_and_cart(url: str) -> None:
    async with Browser(url) as guest, Browser(url) as vip:
        guest_before = listed_prices(await guest.gql(LISTING))[VIP_PRODUCT]
        (await vip.gql(SIGN_IN, {"e": VIP_EMAIL, "p": VIP_PASSWORD})).ok()
        # The guest's listing is in the product cache now: the vip must not get it, nor the
        # guest the vip's afterwards.
        vip_listed = listed_prices(await vip.gql(LISTING))[VIP_PRODUCT]
        page = (await vip.gql(PRODUCT, {"slug": VIP_PRODUCT})).ok()["product"]["masterVariant"]
        cart = (await vip.gql(ADD, {"sku": page["sku"]})).ok()["addToCart"]["cart"]
        guest_after = listed_prices(await guest.gql(LISTING))[VIP_PRODUCT]
        # The customer's groups are private: signed out, the browser sees a guest's prices.
        (await vip.gql(SIGN_OUT)).ok()
        signed_out = listed_prices(await vip.gql(LISTING))[VIP_PRODUCT]
    assert vip_listed["centAmount"] < guest_before["centAmount"]
    assert page["price"] == vip_listed
    line = next(li for li in cart["lineItems"] if li["sku"] == page["sku"])
    assert line["unitPrice"] == vip_listed
    assert guest_after == guest_before
    assert signed_out == guest_before


async def test_the_product_cache_never_serves_one_customer_groups_price_to_a_guest(
    url: str, emulator: Emulator
) -> None:
    """The vip lists first this time (a cold cache for the vip's key), then a guest."""
    async with Browser(url) as vip, Browser(url) as guest:
        (await vip.gql(SIGN_IN, {"e": VIP_EMAIL, "p": VIP_PASSWORD})).ok()
        vip_price = listed_prices(await vip.gql(LISTING, {"text": "cashmere"}))[VIP_PRODUCT]
        guest_price = listed_prices(await guest.gql(LISTING, {"text": "cashmere"}))[VIP_PRODUCT]
    assert guest_price["centAmount"] > vip_price["centAmount"]


WISHLIST_ADD = """mutation($sku: String!) { addToWishlist(sku: $sku) {
  wishlist { lineItems { sku price { centAmount currencyCode } } } userErrors { code } } }"""


async def test_the_wishlist_follows_the_context_and_the_customer_group(url: str) -> None:
    async with Browser(url) as guest, Browser(url) as vip:
        await set_context(guest, country="US", currency="USD")
        usd_page = (await guest.gql(PRODUCT, {"slug": VIP_PRODUCT})).ok()["product"]
        sku = usd_page["masterVariant"]["sku"]
        guest_list = (await guest.gql(WISHLIST_ADD, {"sku": sku})).ok()["addToWishlist"]
        (await vip.gql(SIGN_IN, {"e": VIP_EMAIL, "p": VIP_PASSWORD})).ok()
        vip_page = (await vip.gql(PRODUCT, {"slug": VIP_PRODUCT})).ok()["product"]
        vip_list = (await vip.gql(WISHLIST_ADD, {"sku": sku})).ok()["addToWishlist"]
    assert guest_list["wishlist"]["lineItems"][0]["price"] == usd_page["masterVariant"]["price"]
    assert vip_list["wishlist"]["lineItems"][0]["price"] == vip_page["masterVariant"]["price"]


async def test_signing_in_to_an_account_with_a_eur_cart_after_switching_to_usd(url: str) -> None:
    """commercetools merges the guest's USD cart into the customer's EUR cart; the cart then
    follows the context: one USD cart with the lines of both."""
    async with Browser(url) as customer:
        email = await sign_up_new_customer(customer)
        page = (await customer.gql(PRODUCT, {"slug": VIP_PRODUCT})).ok()["product"]
        (await customer.gql(ADD, {"sku": page["masterVariant"]["sku"]})).ok()
    async with Browser(url) as guest:
        await set_context(guest, country="US", currency="USD")
        skus = [
            p["masterVariant"]["sku"]
            for p in (await guest.gql(LISTING)).ok()["products"]["results"]
            if p["masterVariant"]["price"] and p["slug"] != VIP_PRODUCT
        ]
        (await guest.gql(ADD, {"sku": skus[0], "q": 2})).ok()
        (await guest.gql(SIGN_IN, {"e": email, "p": PASSWORD})).ok()
        cart = (await guest.gql(CART)).ok()["cart"]
    assert cart["currencyCode"] == "USD"
    assert {(li["sku"], li["quantity"]) for li in cart["lineItems"]} == {
        (page["masterVariant"]["sku"], 1),
        (skus[0], 2),
    }
    assert {li["unitPrice"]["currencyCode"] for li in cart["lineItems"]} == {"USD"}


async def test_upstream_calls_of_a_context_change(browser: Browser, emulator: Emulator) -> None:
    """docs/upstream-calls.md, "Shopper context and stores": 2 for another country (the cart,
    setCountry), 3 for another currency (the cart, which lines the new market prices, the new
    cart), 0 for refused input; the project is cached."""
    await set_context(browser, country="DE", currency="EUR")
    sku = (await browser.gql(PRODUCT, {"slug": VIP_PRODUCT})).ok()["product"]["masterVariant"][
        "sku"
    ]
    (await browser.gql(ADD, {"sku": sku})).ok()

    def calls() -> list[tuple[str, str]]:
        return [(m, p) for m, p in emulator.request_log if not p.startswith("/oauth")]

    emulator.clear_request_log()
    await set_context(browser, country="AT")
    assert [m for m, _ in calls()] == ["GET", "POST"], calls()
    emulator.clear_request_log()
    await set_context(browser, country="US", currency="USD")
    assert [(m, p.split("?")[0].rsplit("/", 1)[-1]) for m, p in calls()][1:] == [
        ("GET", "product-projections"),
        ("POST", "carts"),
    ], calls()
    assert len(calls()) == 3
    emulator.clear_request_log()
    await set_context(browser, country="FR")
    assert calls() == []


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    fields=st.fixed_dictionaries(
        {},
        optional={
            name: st.one_of(
                st.text(max_size=40),
                st.sampled_from(["DE", "AT", "US", "EUR", "USD", "de", "en", "de-shop"]),
            )
            for name in ("country", "currency", "language", "storeKey")
        },
    )
)
def test_any_context_input_is_a_context_or_user_errors_never_an_error(
    url: str, fields: dict[str, str]
) -> None:
    with httpx.Client(base_url=url, timeout=30) as http:
        answer = http.post("/graphql", json={"query": SET_CONTEXT, "variables": {"input": fields}})
    assert answer.status_code == 200, answer.text
    body = answer.json()
    assert "errors" not in body, body
    payload = body["data"]["setShopperContext"]
    if payload["shopperContext"] is None:
        assert payload["userErrors"], payload
        assert all(e["field"][0] == "input" for e in payload["userErrors"]), payload
    else:
        context = payload["shopperContext"]
        assert (context["country"], context["currency"]) in {
            ("DE", "EUR"),
            ("AT", "EUR"),
            ("US", "EUR"),
            ("DE", "USD"),
            ("AT", "USD"),
            ("US", "USD"),
        }


async def test_a_line_the_market_cannot_price_at_sign_in_is_named_in_the_payload() -> None:
    """The customer's EUR cart holds a product without a USD price (taken out of a service of
    its own, so that the shared one keeps its catalog); a guest shopping in USD signs in:
    commercetools merges both carts, the merged cart moves to USD without that line, and
    signIn names it. Switching back to EUR brings it back."""
    emulator = Emulator()
    settings = make_settings(credential_failure_min_seconds=0, demo_webhooks=False)
    with ServerThread(create_app(settings, embedded_emulator=emulator)) as server:
        async with Browser(server.url) as customer:
            email = await sign_up_new_customer(customer)
            page = (await customer.gql(PRODUCT, {"slug": VIP_PRODUCT})).ok()["product"]
            euro_only = page["masterVariant"]["sku"]
            (await customer.gql(ADD, {"sku": euro_only, "q": 2})).ok()
        product, _ = emulator.catalog.find_variant_by_sku(euro_only) or (None, None)
        assert product is not None
        with emulator.lock:
            for variant in all_variants(product):
                variant["prices"] = [
                    p for p in variant["prices"] if p["value"]["currencyCode"] != "USD"
                ]
        async with Browser(server.url) as guest:
            await set_context(guest, country="US", currency="USD")
            other = next(
                p["masterVariant"]["sku"]
                for p in (await guest.gql(LISTING)).ok()["products"]["results"]
                if p["masterVariant"]["price"] and p["slug"] != VIP_PRODUCT
            )
            (await guest.gql(ADD, {"sku": other})).ok()
            signed_in = (await guest.gql(SIGN_IN_LINES, {"e": email, "p": PASSWORD})).ok()
            cart = (await guest.gql(CART)).ok()["cart"]
            back = await set_context(guest, currency="EUR", country="DE")

    payload = signed_in["signIn"]
    assert payload["userErrors"] == [] and payload["customer"]["email"] == email
    assert [(line["sku"], line["quantity"]) for line in payload["leftOutLines"]] == [(euro_only, 2)]
    assert cart["currencyCode"] == "USD"
    assert [(li["sku"], li["quantity"]) for li in cart["lineItems"]] == [(other, 1)]
    assert {(li["sku"], li["quantity"]) for li in back["cart"]["lineItems"]} == {
        (euro_only, 2),
        (other, 1),
    }


SIGN_IN_LINES = """mutation($e: String!, $p: String!) { signIn(email: $e, password: $p) {
  customer { email } leftOutLines { sku quantity name } userErrors { code message } } }"""
