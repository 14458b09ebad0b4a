"""Markets (issue 14) over HTTP, in commercetools Stores: with STORE_KEY=us-shop every cart,
order and customer call goes through `/in-store/key=us-shop/…` (the emulator's request log
shows it), a customer of one store signs in there and not in another, and the context's
storeKey switches between the stores of STORE_KEYS. One service for the module; every test has
its own browsers and accounts."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from typing import Any

import pytest

from bootstrap.app import create_app
from emulator.state import Emulator
from tests.conftest import make_settings
from tests.support.browser import Browser
from tests.support.queries import (
    ADD,
    ADD_TO_WISHLIST,
    ME,
    MY_ORDERS,
    PLACE_ORDER,
    SET_SHIPPING_ADDRESS,
    SHIPPING_METHODS,
    SIGN_IN,
    SIGN_OUT,
)
from tests.test_markets import CART, CONTEXT, LISTING, PASSWORD, US, set_context

pytestmark = pytest.mark.anyio

SIGN_UP = "mutation($i: SignUpInput!) { signUp(input: $i) { userErrors { code } } }"
PRODUCT_BY_SLUG = """query($slug: String!) { product(by: {slug: $slug}) {
  slug masterVariant { sku price { centAmount currencyCode } } } }"""
STORES = "{ stores { key name countries currencies languages } }"
# Paths of store-scoped resources: carts, orders, customers, shopping lists, sign-in.
SCOPED = (
    "/carts",
    "/orders",
    "/me",
    "/customers",
    "/login",
    "/shopping-lists",
    "/shipping-methods/matching-cart",
)


@pytest.fixture(scope="module")
def anyio_backend() -> str:
    return "asyncio"


# A product with a price of the US store's distribution channel, below its price without
# channel (the demo catalog has none): test data added to this module's own emulator.
CHANNEL_PRICED = "sweater-cashmere"
CHANNEL_PRICE_USD = 9999


@pytest.fixture(scope="module")
def emulator() -> Emulator:
    emulator = Emulator()
    us_channel = next(
        store["distributionChannels"][0]["id"]
        for store in emulator.catalog.markets.stores.values()
        if store["key"] == "us-shop"
    )
    product = emulator.catalog.product_projection_by_key(CHANNEL_PRICED)
    assert product is not None
    product["masterVariant"]["prices"].append(
        {
            "id": str(uuid.uuid4()),
            "value": {
                "type": "centPrecision",
                "currencyCode": "USD",
                "centAmount": CHANNEL_PRICE_USD,
                "fractionDigits": 2,
            },
            "country": "US",
            "channel": {"typeId": "channel", "id": us_channel},
        }
    )
    return emulator


@pytest.fixture(scope="module")
def url(emulator: Emulator) -> Iterator[str]:
    settings = make_settings(
        credential_failure_min_seconds=0,
        demo_webhooks=False,
        store_key="us-shop",
        store_keys="us-shop,de-shop",
        store_currencies="us-shop:USD,de-shop:EUR",
    )
    from tests.support.servers import ServerThread

    with ServerThread(create_app(settings, embedded_emulator=emulator)) as server:
        yield server.url


def scoped_calls(emulator: Emulator) -> list[tuple[str, str]]:
    return [
        (method, path)
        for method, path in emulator.request_log
        if any(part in path for part in SCOPED) and not path.startswith("/oauth/token")
    ]


async def first_priced_sku(browser: Browser) -> str:
    for product in (await browser.gql(LISTING)).ok()["products"]["results"]:
        if product["masterVariant"]["price"]:
            sku: str = product["masterVariant"]["sku"]
            return sku
    raise AssertionError("no priced product in the listing")


async def test_the_store_is_the_default_context(url: str) -> None:
    async with Browser(url) as browser:
        context = (await browser.gql(CONTEXT)).ok()["shopperContext"]
        prices = (await browser.gql(LISTING)).ok()["products"]["results"]
    assert context == {"country": "US", "currency": "USD", "language": "en", "storeKey": "us-shop"}
    assert {
        p["masterVariant"]["price"]["currencyCode"] for p in prices if p["masterVariant"]["price"]
    } == {"USD"}


async def test_the_context_offers_what_the_store_allows_and_the_other_store_its_own(
    url: str,
) -> None:
    offered = "{ shopperContext { availableCountries availableCurrencies availableLanguages } }"
    async with Browser(url) as browser:
        in_us = (await browser.gql(offered)).ok()["shopperContext"]
        await set_context_ok(browser, storeKey="de-shop")
        in_de = (await browser.gql(offered)).ok()["shopperContext"]
    assert in_us == {
        "availableCountries": ["US"],
        "availableCurrencies": ["USD"],
        "availableLanguages": ["en"],
    }
    assert sorted(in_de["availableCountries"]) == ["AT", "DE"]
    assert in_de["availableCurrencies"] == ["EUR"]
    assert sorted(in_de["availableLanguages"]) == ["de", "en"]


async def test_stores_lists_the_allowed_stores(url: str) -> None:
    async with Browser(url) as browser:
        stores = {s["key"]: s for s in (await browser.gql(STORES)).ok()["stores"]}
    assert set(stores) == {"us-shop", "de-shop"}
    assert stores["de-shop"]["countries"] == ["DE", "AT"]
    assert stores["de-shop"]["currencies"] == ["EUR"]
    assert stores["us-shop"]["languages"] == ["en"]
    assert stores["us-shop"]["name"] == "United States"
    async with Browser(url, headers={"accept-language": "de"}) as german:
        await set_context_ok(german, storeKey="de-shop")
        names = {s["key"]: s["name"] for s in (await german.gql(STORES)).ok()["stores"]}
    assert names["us-shop"] == "Vereinigte Staaten"


async def test_every_cart_order_and_customer_call_goes_through_the_store(
    url: str, emulator: Emulator
) -> None:
    email = f"us-{uuid.uuid4().hex[:8]}@example.com"
    emulator.clear_request_log()
    async with Browser(url) as browser:
        sku = await first_priced_sku(browser)
        (await browser.gql(ADD, {"sku": sku})).ok()
        (await browser.gql(SIGN_UP, {"i": {"email": email, "password": PASSWORD}})).ok()
        (await browser.gql(ME)).ok()
        (await browser.gql(SET_SHIPPING_ADDRESS, {"a": US})).ok()
        (await browser.gql(SHIPPING_METHODS)).ok()
        order = (await browser.gql(PLACE_ORDER)).ok()["placeOrder"]["order"]
        assert order["totalPrice"]["currencyCode"] == "USD"
        assert (await browser.gql(MY_ORDERS)).ok()["myOrders"]["results"][0]["id"] == order["id"]
        (await browser.gql(ADD_TO_WISHLIST, {"sku": sku})).ok()
        (await browser.gql(SIGN_OUT)).ok()
        # A guest with a cart signs in through the store's /me/login.
        (await browser.gql(ADD, {"sku": sku})).ok()
        (await browser.gql(SIGN_IN, {"e": email, "p": PASSWORD})).ok()
    async with Browser(url) as fresh:
        (await fresh.gql(SIGN_UP, {"i": {"email": f"x{email}", "password": PASSWORD}})).ok()
    calls = scoped_calls(emulator)
    assert calls, emulator.request_log
    outside = [(m, p) for m, p in calls if "/in-store/key=us-shop/" not in p]
    assert outside == []
    seen = " ".join(p for _, p in calls)
    for path in (
        "/in-store/key=us-shop/me/carts",
        "/in-store/key=us-shop/me/signup",
        "/in-store/key=us-shop/customers",
        "/in-store/key=us-shop/me/login",
        "/in-store/key=us-shop/orders",
        "/in-store/key=us-shop/me/orders",
        "/in-store/key=us-shop/me/shopping-lists",
        "/oauth/demo/in-store/key=us-shop/customers/token",
        "/in-store/key=us-shop/shipping-methods/matching-cart",
    ):
        assert path in seen, (path, calls)


async def test_a_customer_of_one_store_signs_in_there_and_not_in_another(url: str) -> None:
    email = f"us-only-{uuid.uuid4().hex[:8]}@example.com"
    async with Browser(url) as browser:
        (await browser.gql(SIGN_UP, {"i": {"email": email, "password": PASSWORD}})).ok()
    async with Browser(url) as elsewhere:
        (await set_context_ok(elsewhere, storeKey="de-shop"))
        refused = await elsewhere.gql(SIGN_IN, {"e": email, "p": PASSWORD})
        assert refused.refused() == ["INVALID_CREDENTIALS"]
    async with Browser(url) as here:
        (await here.gql(SIGN_IN, {"e": email, "p": PASSWORD})).ok()
        assert (await here.gql(ME)).ok()["me"]["email"] == email


async def test_switching_store_replaces_the_cart_in_the_other_store(url: str) -> None:
    async with Browser(url) as browser:
        sku = await first_priced_sku(browser)
        (await browser.gql(ADD, {"sku": sku, "q": 2})).ok()
        switched = await set_context_ok(browser, storeKey="de-shop")
        assert switched["shopperContext"]["storeKey"] == "de-shop"
        assert switched["shopperContext"]["currency"] == "EUR"
        assert switched["shopperContext"]["country"] == "DE"
        assert switched["cart"]["currencyCode"] == "EUR"
        assert [(li["sku"], li["quantity"]) for li in switched["cart"]["lineItems"]] == [(sku, 2)]
        assert (await browser.gql(CART)).ok()["cart"]["id"] == switched["cart"]["id"]


async def test_a_currency_the_store_does_not_sell_in_is_refused(url: str) -> None:
    async with Browser(url) as browser:
        refused = await set_context(browser, currency="EUR")
        assert [(e["field"], e["code"]) for e in refused["userErrors"]] == [
            (["input", "currency"], "CURRENCY_NOT_ALLOWED")
        ]
        wrong_country = await set_context(browser, storeKey="us-shop", country="DE")
        assert [e["code"] for e in wrong_country["userErrors"]] == ["COUNTRY_NOT_ALLOWED"]


async def set_context_ok(browser: Browser, **fields: Any) -> dict[str, Any]:
    payload = await set_context(browser, **fields)
    assert payload["userErrors"] == [], payload
    return payload


NOT_IN_US_SHOP = "keyring-brass"
PREDICTIVE = '{ predictiveSearch(query: "brass key") { products { slug } } }'


async def test_the_store_sells_its_assortment_only(url: str) -> None:
    async with Browser(url) as us, Browser(url) as de:
        await set_context_ok(de, storeKey="de-shop")
        us_slugs = {p["slug"] for p in (await us.gql(LISTING)).ok()["products"]["results"]}
        de_slugs = {p["slug"] for p in (await de.gql(LISTING)).ok()["products"]["results"]}
        us_found = (await us.gql(PREDICTIVE)).ok()["predictiveSearch"]["products"]
        de_found = (await de.gql(PREDICTIVE)).ok()["predictiveSearch"]["products"]
        us_page = (await us.gql(PRODUCT_BY_SLUG, {"slug": NOT_IN_US_SHOP})).ok()["product"]
    assert NOT_IN_US_SHOP in de_slugs and NOT_IN_US_SHOP not in us_slugs
    assert [p["slug"] for p in de_found] == [NOT_IN_US_SHOP] and us_found == []
    assert us_page is None


async def test_a_line_the_other_store_does_not_sell_is_reported_and_comes_back(url: str) -> None:
    async with Browser(url) as browser:
        await set_context_ok(browser, storeKey="de-shop")
        keyring = (await browser.gql(PRODUCT_BY_SLUG, {"slug": NOT_IN_US_SHOP})).ok()["product"]
        keyring_sku = keyring["masterVariant"]["sku"]
        other_sku = await first_priced_sku(browser)
        (await browser.gql(ADD, {"sku": keyring_sku, "q": 2})).ok()
        (await browser.gql(ADD, {"sku": other_sku})).ok()
        de_cart = (await browser.gql(CART)).ok()["cart"]

        moved = await set_context(browser, storeKey="us-shop")
        assert moved["shopperContext"]["storeKey"] == "us-shop"
        assert [e["code"] for e in moved["userErrors"]] == ["NOT_SOLD_IN_MARKET"]
        assert [(li["sku"], li["quantity"]) for li in moved["leftOutLines"]] == [(keyring_sku, 2)]
        assert [li["sku"] for li in moved["cart"]["lineItems"]] == [other_sku]
        assert moved["cart"]["currencyCode"] == "USD"

        back = await set_context_ok(browser, storeKey="de-shop")
        lines = {(li["sku"], li["quantity"]) for li in back["cart"]["lineItems"]}
        assert lines == {(keyring_sku, 2), (other_sku, 1)}
        assert back["cart"]["id"] != de_cart["id"]


async def test_in_a_store_listing_product_page_and_cart_show_the_channels_price(url: str) -> None:
    """Prices come from the store's distribution channel (priceChannel; the cart's lines name
    it, since commercetools picks no channel by itself)."""
    async with Browser(url) as browser:
        listed = {
            p["slug"]: p["masterVariant"]
            for p in (await browser.gql(LISTING)).ok()["products"]["results"]
            if p["masterVariant"]["price"]
        }
        assert listed[CHANNEL_PRICED]["price"]["centAmount"] == CHANNEL_PRICE_USD
        for slug, variant in [(CHANNEL_PRICED, listed[CHANNEL_PRICED]), *list(listed.items())[:2]]:
            page = (await browser.gql(PRODUCT_BY_SLUG, {"slug": slug})).ok()["product"]
            assert page["masterVariant"]["price"] == variant["price"]
            cart = (await browser.gql(ADD, {"sku": variant["sku"]})).ok()["addToCart"]["cart"]
            line = next(li for li in cart["lineItems"] if li["sku"] == variant["sku"])
            assert line["unitPrice"] == variant["price"], slug
