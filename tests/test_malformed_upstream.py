"""commercetools answering with data that breaks its API reference, over HTTP: the shopper gets
UPSTREAM_UNAVAILABLE and no made-up value (a price of 0), the log says what was wrong, and the
service goes on answering."""

from __future__ import annotations

import logging
from collections.abc import Callable

import pytest

from emulator.catalog.catalog import all_variants
from emulator.jsonio import Json
from tests.conftest import RunningService
from tests.support.browser import Browser, GraphQLResult
from tests.support.queries import ADD, CART

pytestmark = pytest.mark.anyio

TSHIRT = "TSHIRT-CLASSIC-BLUE-M"
TSHIRT_ID = "949b4333-8d03-5c59-b2ae-0f4d22220872"
UNAVAILABLE = "The shop is briefly unavailable; please try again."
PRODUCT = """query($id: ID!) {
  product(by: {id: $id}, currency: EUR, country: DE) {
    id masterVariant { price { centAmount currencyCode } prices { value { centAmount } } }
  }
}"""
SEARCH = """{ products(limit: 50) {
  pageInfo { total } results { id masterVariant { price { centAmount } } } } }"""


def _without_cent_amount(cart: Json) -> None:
    del cart["lineItems"][0]["price"]["value"]["centAmount"]


def _amount_as_text(cart: Json) -> None:
    total = cart["totalPrice"]
    total["centAmount"] = str(total["centAmount"])


def _fractional_quantity(cart: Json) -> None:
    cart["lineItems"][0]["quantity"] = 1.5


def _without_currency(cart: Json) -> None:
    del cart["lineItems"][0]["totalPrice"]["currencyCode"]


def _without_line_items(cart: Json) -> None:
    del cart["lineItems"]


def assert_unavailable(result: GraphQLResult, field: str) -> None:
    assert result.status_code == 200
    assert result.error_codes == ["UPSTREAM_UNAVAILABLE"]
    assert result.errors[0]["message"] == UNAVAILABLE
    # Null where the field is nullable, else the whole answer: never a value made up.
    assert result.data in ({field: None}, None)


@pytest.mark.parametrize(
    ("corrupt", "logged"),
    [
        (_without_cent_amount, "'centAmount' is missing"),
        (_amount_as_text, "centAmount is '1999', not an integer"),
        (_fractional_quantity, "LineItem.quantity is 1.5, not an integer"),
        (_without_currency, "'currencyCode' is missing"),
        (_without_line_items, "'lineItems' is missing"),
    ],
)
async def test_a_malformed_cart_is_an_error_not_a_zero(
    service: RunningService,
    browser: Browser,
    caplog: pytest.LogCaptureFixture,
    corrupt: Callable[[Json], None],
    logged: str,
) -> None:
    cart_id = (await browser.gql(ADD, {"sku": TSHIRT})).ok()["addToCart"]["cart"]["id"]
    with service.emulator.lock:
        corrupt(service.emulator.carts[cart_id])
        # commercetools answers another cart only with another version (the service keeps
        # a cart's mapping per version: app/services/mapped_carts.py).
        service.emulator.carts[cart_id]["version"] += 1

    with caplog.at_level(logging.ERROR, logger="app.services.mapping"):
        result = await browser.gql(CART)

    assert_unavailable(result, "cart")
    assert f"commercetools sent a malformed Cart: {logged}" in caplog.text
    # Nothing crashed: the same browser is served what is not broken.
    assert (await browser.gql("{ categories { id } }")).ok()["categories"]


async def test_a_malformed_product_price_is_an_error_not_a_zero(
    service: RunningService, browser: Browser, caplog: pytest.LogCaptureFixture
) -> None:
    product = service.emulator.catalog.product_projection(TSHIRT_ID)
    assert product is not None
    with service.emulator.lock:
        for variant in all_variants(product):
            for price in variant["prices"]:
                price["value"]["centAmount"] = None

    with caplog.at_level(logging.ERROR, logger="app.services.mapping"):
        by_id = await browser.gql(PRODUCT, {"id": TSHIRT_ID})
        search = await browser.gql(SEARCH)

    assert_unavailable(by_id, "product")
    assert_unavailable(search, "products")
    assert "malformed ProductProjection: centAmount is None, not an integer" in caplog.text
    assert "malformed ProductPagedSearchResponse" in caplog.text


async def test_the_cart_is_back_once_commercetools_sends_it_whole_again(
    service: RunningService, browser: Browser
) -> None:
    cart_id = (await browser.gql(ADD, {"sku": TSHIRT})).ok()["addToCart"]["cart"]["id"]
    stored = service.emulator.carts[cart_id]
    line = stored["lineItems"][0]
    # Each answer with its own version, as commercetools would send them.
    with service.emulator.lock:
        name = line.pop("name")
        stored["version"] += 1

    assert_unavailable(await browser.gql(CART), "cart")

    with service.emulator.lock:
        line["name"] = name
        stored["version"] += 1
    cart = (await browser.gql(CART)).ok()["cart"]
    assert cart["id"] == cart_id and cart["totalPrice"]["centAmount"] == 1999
