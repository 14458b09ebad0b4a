"""The in-store endpoints (`/in-store/key={storeKey}/...`), the in-store password flow and the
Store-based scopes: a Store sees its own carts, orders, lists and customers only."""

from __future__ import annotations

import copy

import httpx
import pytest

from emulator.app import create_emulator_app
from emulator.catalog import Catalog, builders
from emulator.markets.demo import demo_markets
from emulator.state import Emulator
from tests.emulator.ctp import DEMO_EMAIL, DEMO_PASSWORD, TSHIRT_M, Ctp, error_code
from tests.support.clock import FakeClock

pytestmark = pytest.mark.anyio

DE = "/in-store/key=de-shop"
US = "/in-store/key=us-shop"
BERLIN = {"country": "DE", "city": "Berlin"}
SWEATER = "SWEATER-CASHMERE-GREY-M"


def store_scope(store: str) -> str:
    """A storefront's session scopes for one Store only."""
    names = ("manage_my_orders", "manage_my_profile", "manage_my_shopping_lists")
    return " ".join(
        [
            "create_anonymous_token:demo",
            "view_published_products:demo",
            *(f"{name}:demo:{store}" for name in names),
        ]
    )


async def anonymous(ctp: Ctp, store: str = "de-shop") -> str:
    return str((await ctp.anonymous(scope=store_scope(store)))["access_token"])


async def in_store_password(
    ctp: Ctp, store: str, email: str, password: str, expect: int = 200
) -> dict[str, object]:
    return await ctp.oauth(
        f"/oauth/demo/in-store/key={store}/customers/token",
        {
            "grant_type": "password",
            "username": email,
            "password": password,
            "scope": store_scope(store),
        },
        expect=expect,
    )


async def test_a_cart_created_in_a_store_carries_it(ctp: Ctp, emulator: Emulator) -> None:
    token = await anonymous(ctp)
    cart = await ctp.post(
        DE + "/me/carts",
        token,
        {"currency": "EUR", "country": "AT", "lineItems": [{"sku": TSHIRT_M}]},
        expect=201,
    )
    assert cart["store"] == {"typeId": "store", "key": "de-shop"}
    assert cart["lineItems"][0]["price"]["value"]["centAmount"] == 2099
    assert (await ctp.get(DE + f"/me/carts/{cart['id']}", token))["id"] == cart["id"]
    assert (await ctp.get(DE + "/me/active-cart", token))["id"] == cart["id"]
    assert (await ctp.get(DE + "/me/carts", token))["total"] == 1
    # The request log shows the in-store paths (a test of the service can rely on them).
    assert ("POST", "/demo/in-store/key=de-shop/me/carts") in emulator.request_log
    # The Store-based scopes are for that Store only: not the project's /me, nor another Store.
    denied = await ctp.get("/me/carts", token, expect=403)
    assert error_code(denied) == "insufficient_scope"
    await ctp.get(US + "/me/carts", token, expect=403)


async def test_a_cart_of_another_store_or_of_none_is_not_found(ctp: Ctp) -> None:
    admin = await ctp.client_token()
    de_cart = await ctp.post(DE + "/carts", admin, {"currency": "EUR"}, expect=201)
    plain = await ctp.post("/carts", admin, {"currency": "EUR"}, expect=201)
    for cart in (de_cart, plain):
        body = await ctp.get(US + f"/carts/{cart['id']}", admin, expect=404)
        assert error_code(body) == "ResourceNotFound"
    await ctp.get(DE + f"/carts/{plain['id']}", admin, expect=404)
    assert (await ctp.get(DE + f"/carts/{de_cart['id']}", admin))["store"]["key"] == "de-shop"
    # The project endpoint sees every cart.
    assert (await ctp.get(f"/carts/{de_cart['id']}", admin))["id"] == de_cart["id"]
    listed = await ctp.get(DE + "/carts", admin)
    assert [c["id"] for c in listed["results"]] == [de_cart["id"]]
    # A store-scoped backend token works in its Store only.
    scoped = await ctp.client_token("manage_orders:demo:de-shop")
    assert (await ctp.get(DE + f"/carts/{de_cart['id']}", scoped))["id"] == de_cart["id"]
    await ctp.get(f"/carts/{de_cart['id']}", scoped, expect=403)
    await ctp.get("/in-store/key=nowhere/carts", admin, expect=404)


async def test_a_country_outside_the_store_is_refused(ctp: Ctp) -> None:
    token = await anonymous(ctp)
    body = await ctp.post(DE + "/me/carts", token, {"currency": "USD", "country": "US"}, expect=400)
    assert error_code(body) == "CountryNotConfiguredInStore"
    assert body["errors"][0]["storeCountries"] == ["DE", "AT"]
    assert body["errors"][0]["country"] == "US"
    cart = await ctp.post(DE + "/me/carts", token, {"currency": "EUR", "country": "DE"}, expect=201)
    refused = await ctp.post(
        DE + f"/me/carts/{cart['id']}",
        token,
        {"version": cart["version"], "actions": [{"action": "setCountry", "country": "US"}]},
        expect=400,
    )
    assert error_code(refused) == "CountryNotConfiguredInStore"


async def test_ordering_in_a_store(ctp: Ctp) -> None:
    token = await anonymous(ctp, "us-shop")
    cart = await ctp.post(
        US + "/me/carts",
        token,
        {
            "currency": "USD",
            "country": "US",
            "lineItems": [{"sku": TSHIRT_M}],
            "shippingAddress": {"country": "US", "city": "New York"},
        },
        expect=201,
    )
    assert cart["lineItems"][0]["price"]["value"]["centAmount"] == 2199
    order = await ctp.post(
        US + "/me/orders", token, {"id": cart["id"], "version": cart["version"]}, expect=201
    )
    assert order["store"] == {"typeId": "store", "key": "us-shop"}
    assert (await ctp.get(US + f"/me/orders/{order['id']}", token))["id"] == order["id"]
    assert (await ctp.get(US + "/me/orders", token))["total"] == 1
    admin = await ctp.client_token()
    await ctp.get(DE + f"/orders/{order['id']}", admin, expect=404)
    assert (await ctp.get(US + f"/orders/{order['id']}", admin))["id"] == order["id"]


async def test_a_store_customer_signs_in_only_in_its_store(ctp: Ctp) -> None:
    token = await anonymous(ctp)
    signed_up = await ctp.post(
        DE + "/me/signup",
        token,
        {"email": "hans@example.com", "password": "Secret-123"},
        expect=201,
    )
    assert signed_up["customer"]["stores"] == [{"typeId": "store", "key": "de-shop"}]
    session = await in_store_password(ctp, "de-shop", "hans@example.com", "Secret-123")
    me = await ctp.get(DE + "/me", str(session["access_token"]))
    assert me["email"] == "hans@example.com"
    # Nowhere else: the global password flow, /me/login, another Store's sign-in.
    await ctp.oauth(
        "/oauth/demo/customers/token",
        {"grant_type": "password", "username": "hans@example.com", "password": "Secret-123"},
        expect=400,
    )
    await in_store_password(ctp, "us-shop", "hans@example.com", "Secret-123", expect=400)
    global_anonymous = await ctp.anonymous_token()
    refused = await ctp.post(
        "/me/login",
        global_anonymous,
        {"email": "hans@example.com", "password": "Secret-123"},
        expect=400,
    )
    assert error_code(refused) == "InvalidCredentials"
    admin = await ctp.client_token()
    elsewhere = await ctp.post(
        US + "/login", admin, {"email": "hans@example.com", "password": "Secret-123"}, expect=400
    )
    assert error_code(elsewhere) == "InvalidCredentials"
    signed_in = await ctp.post(
        DE + "/login", admin, {"email": "hans@example.com", "password": "Secret-123"}
    )
    assert signed_in["customer"]["id"] == me["id"]
    # The same e-mail may sign up in another Store: e-mails are unique per Store.
    other = await anonymous(ctp, "us-shop")
    await ctp.post(
        US + "/me/signup", other, {"email": "hans@example.com", "password": "Other-123"}, expect=201
    )
    await ctp.post(
        DE + "/me/signup", other, {"email": "hans@example.com", "password": "x"}, expect=403
    )
    duplicate = await ctp.post(
        DE + "/customers", admin, {"email": "HANS@example.com", "password": "x"}, expect=400
    )
    assert error_code(duplicate) == "DuplicateField"


async def test_a_global_customer_signs_in_in_any_store(ctp: Ctp) -> None:
    for store in ("de-shop", "us-shop"):
        session = await in_store_password(ctp, store, DEMO_EMAIL, DEMO_PASSWORD)
        me = await ctp.get(f"/in-store/key={store}/me", str(session["access_token"]))
        assert me["email"] == DEMO_EMAIL


async def test_in_store_login_merges_the_anonymous_store_cart(ctp: Ctp) -> None:
    customer_session = await in_store_password(ctp, "de-shop", DEMO_EMAIL, DEMO_PASSWORD)
    customer_token = str(customer_session["access_token"])
    existing = await ctp.post(
        DE + "/me/carts",
        customer_token,
        {"currency": "EUR", "country": "DE", "lineItems": [{"sku": TSHIRT_M, "quantity": 1}]},
        expect=201,
    )
    token = await anonymous(ctp)
    await ctp.post(
        DE + "/me/carts",
        token,
        {"currency": "EUR", "country": "DE", "lineItems": [{"sku": TSHIRT_M, "quantity": 3}]},
        expect=201,
    )
    result = await ctp.post(
        DE + "/me/login", token, {"email": DEMO_EMAIL, "password": DEMO_PASSWORD}
    )
    assert result["cart"]["id"] == existing["id"]
    assert result["cart"]["lineItems"][0]["quantity"] == 3
    assert result["cart"]["store"]["key"] == "de-shop"


async def test_vip_prices_in_the_vip_customers_cart(ctp: Ctp) -> None:
    session = await in_store_password(ctp, "de-shop", "vip@example.com", DEMO_PASSWORD)
    token = str(session["access_token"])
    cart = await ctp.post(
        DE + "/me/carts",
        token,
        {"currency": "EUR", "country": "DE", "lineItems": [{"sku": SWEATER}, {"sku": TSHIRT_M}]},
        expect=201,
    )
    prices = {line["variant"]["sku"]: line["price"] for line in cart["lineItems"]}
    assert prices[SWEATER]["value"]["centAmount"] == 10999
    assert "customerGroup" in prices[SWEATER]
    assert prices[TSHIRT_M]["value"]["centAmount"] == 1999
    assert cart["customerGroup"]["typeId"] == "customer-group"
    # Anyone else pays the list price.
    other = await anonymous(ctp)
    plain = await ctp.post(
        DE + "/me/carts",
        other,
        {"currency": "EUR", "country": "DE", "lineItems": [{"sku": SWEATER}]},
        expect=201,
    )
    assert plain["lineItems"][0]["price"]["value"]["centAmount"] == 12999
    assert "customerGroup" not in plain


async def test_line_item_channels_must_suit_the_store(ctp: Ctp) -> None:
    token = await anonymous(ctp)
    cart = await ctp.post(DE + "/me/carts", token, {"currency": "EUR", "country": "DE"}, expect=201)

    refused = await ctp.post(
        DE + f"/me/carts/{cart['id']}",
        token,
        {
            "version": cart["version"],
            "actions": [
                {
                    "action": "addLineItem",
                    "sku": TSHIRT_M,
                    "distributionChannel": {"key": "us-distribution"},
                }
            ],
        },
        expect=400,
    )
    assert error_code(refused) == "InvalidInput"
    accepted = await ctp.post(
        DE + f"/me/carts/{cart['id']}",
        token,
        {
            "version": cart["version"],
            "actions": [
                {
                    "action": "addLineItem",
                    "sku": TSHIRT_M,
                    "distributionChannel": {"key": "de-distribution"},
                    "supplyChannel": {"key": "de-warehouse"},
                }
            ],
        },
    )
    line = accepted["lineItems"][0]
    assert line["distributionChannel"]["typeId"] == "channel"
    assert line["supplyChannel"]["typeId"] == "channel"
    # No channel Prices in the demo: the Price without Channel is selected.
    assert line["price"]["value"]["centAmount"] == 1999


async def test_shopping_lists_in_a_store(ctp: Ctp) -> None:
    token = await anonymous(ctp)
    created = await ctp.post(DE + "/me/shopping-lists", token, {"name": {"en": "Wish"}}, expect=201)
    assert created["store"] == {"typeId": "store", "key": "de-shop"}
    assert (await ctp.get(DE + f"/me/shopping-lists/{created['id']}", token))["id"] == created["id"]
    us_token = await anonymous(ctp, "us-shop")
    await ctp.get(US + "/me/shopping-lists", us_token)
    listed = await ctp.get(DE + "/me/shopping-lists", token)
    assert listed["total"] == 1


def _channel_catalog() -> Catalog:
    """The tote bag alone, with EUR Prices for both distribution channels (the demo has none)."""
    demo = Catalog.demo()
    product = copy.deepcopy(demo.product_projection_by_key("tote-canvas"))
    assert product is not None
    channels = {
        key: demo.markets.channel_by_key(key) for key in ("de-distribution", "us-distribution")
    }
    for variant in [product["masterVariant"], *product["variants"]]:
        for cents, key in ((2222, "de-distribution"), (1111, "us-distribution")):
            channel = channels[key]
            assert channel is not None
            variant["prices"].append(
                {
                    "id": f"{variant['sku']}-{key}",
                    "value": {
                        "type": "centPrecision",
                        "currencyCode": "EUR",
                        "centAmount": cents,
                        "fractionDigits": 2,
                    },
                    "channel": {"typeId": "channel", "id": channel["id"]},
                }
            )
    return Catalog(
        products=[product],
        tax_categories=[builders.build_tax_category()],
        zones=builders.build_zones(),
        shipping_methods=builders.build_shipping_methods(),
        markets=demo_markets([product]),
    )


async def test_channel_prices_in_a_store_cart(clock: FakeClock) -> None:
    emulator = Emulator(catalog=_channel_catalog(), clock=clock)
    transport = httpx.ASGITransport(app=create_emulator_app(emulator))
    async with httpx.AsyncClient(transport=transport, base_url="http://emulator") as http:
        ctp = Ctp(http)
        token = await anonymous(ctp)
        cart = await ctp.post(
            DE + "/me/carts",
            token,
            {
                "currency": "EUR",
                "country": "DE",
                "lineItems": [
                    {"sku": "TOTE-CANVAS-BEIGE"},
                    {"sku": "TOTE-CANVAS-BEIGE", "distributionChannel": {"key": "de-distribution"}},
                ],
            },
            expect=201,
        )
        plain, channelled = cart["lineItems"]
        # Without a channel, the Price without Channel; with one, that Channel's Price.
        assert plain["price"]["value"]["centAmount"] == 2499
        assert channelled["price"]["value"]["centAmount"] == 2222
        # The variant in a de-shop cart shows no us-distribution Price.
        amounts = {p["value"]["centAmount"] for p in channelled["variant"]["prices"]}
        assert 2222 in amounts and 1111 not in amounts
        # A project cart keeps every Price of the variant, and any channel may be named.
        admin = await ctp.client_token()
        project_cart = await ctp.post(
            "/carts",
            admin,
            {
                "currency": "EUR",
                "lineItems": [
                    {"sku": "TOTE-CANVAS-BEIGE", "distributionChannel": {"key": "us-distribution"}}
                ],
            },
            expect=201,
        )
        line = project_cart["lineItems"][0]
        assert line["price"]["value"]["centAmount"] == 1111
        assert {1111, 2222} <= {p["value"]["centAmount"] for p in line["variant"]["prices"]}
        # priceChannel on a projection selects the same way.
        projected = await ctp.get(
            "/product-projections/key=tote-canvas",
            admin,
            priceCurrency="EUR",
            priceChannel=channelled["distributionChannel"]["id"],
        )
        assert projected["masterVariant"]["price"]["value"]["centAmount"] == 2222


async def test_a_backend_cart_with_a_store_and_a_group_of_its_own(ctp: Ctp) -> None:
    admin = await ctp.client_token()
    cart = await ctp.post(
        "/carts",
        admin,
        {
            "currency": "USD",
            "country": "US",
            "store": {"key": "us-shop"},
            "customerGroup": {"key": "vip"},
            "lineItems": [{"sku": "BOOTS-CHELSEA-BROWN-42"}],
        },
        expect=201,
    )
    assert cart["store"] == {"typeId": "store", "key": "us-shop"}
    assert cart["lineItems"][0]["price"]["value"]["centAmount"] == 13199
    updated = await ctp.post(
        f"/carts/{cart['id']}",
        admin,
        {"version": cart["version"], "actions": [{"action": "setCustomerGroup"}]},
    )
    assert "customerGroup" not in updated
    assert updated["lineItems"][0]["price"]["value"]["centAmount"] == 15399
    # With a customer, the cart's group is the customer's.
    vip = await ctp.get("/customers", admin, where='email = "vip@example.com"')
    owned = await ctp.post(
        "/carts",
        admin,
        {"currency": "EUR", "customerId": vip["results"][0]["id"], "lineItems": [{"sku": SWEATER}]},
        expect=201,
    )
    assert owned["lineItems"][0]["price"]["value"]["centAmount"] == 10999
    refused = await ctp.post(
        f"/carts/{owned['id']}",
        admin,
        {"version": owned["version"], "actions": [{"action": "setCustomerGroup"}]},
        expect=400,
    )
    assert error_code(refused) == "InvalidOperation"


async def test_matching_shipping_methods_for_a_store_cart(ctp: Ctp) -> None:
    token = await anonymous(ctp)
    cart = await ctp.post(
        DE + "/me/carts",
        token,
        {"currency": "EUR", "country": "DE", "shippingAddress": BERLIN},
        expect=201,
    )
    found = await ctp.get(DE + "/shipping-methods/matching-cart", token, cartId=cart["id"])
    assert [m["key"] for m in found["results"]] == ["standard", "express"]
    # The project endpoint needs the project scope; another Store does not see the cart.
    await ctp.get("/shipping-methods/matching-cart", token, expect=403, cartId=cart["id"])
    admin = await ctp.client_token()
    await ctp.get(US + "/shipping-methods/matching-cart", admin, expect=404, cartId=cart["id"])
