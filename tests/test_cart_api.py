"""Cart operations of the storefront API: success and bad input, over HTTP."""

from __future__ import annotations

from typing import Any

import pytest

from tests.conftest import RunningService
from tests.support.browser import Browser
from tests.support.catalog import priced_skus
from tests.support.queries import (
    ADD,
    APPLY_CODE,
    BERLIN,
    CART,
    REMOVE_CODE,
    REMOVE_LINE,
    SET_BILLING_ADDRESS,
    SET_EMAIL,
    SET_SHIPPING_ADDRESS,
    SET_SHIPPING_METHOD,
    SHIPPING_METHODS,
    UPDATE_QUANTITY,
)

pytestmark = pytest.mark.anyio

TSHIRT = "TSHIRT-CLASSIC-BLUE-M"  # 19.99 EUR in DE (docs/emulator-catalog.md)


async def cart_with(browser: Browser, *lines: tuple[str, int]) -> dict[str, Any]:
    cart: dict[str, Any] = {}
    for sku, quantity in lines:
        cart = (await browser.gql(ADD, {"sku": sku, "q": quantity})).ok()["addToCart"]
    return cart


async def test_adding_shows_names_prices_and_totals(browser: Browser) -> None:
    cart = await cart_with(browser, (TSHIRT, 2))
    (line,) = cart["lineItems"]
    assert line["sku"] == TSHIRT and line["name"] == "Classic T-Shirt"
    assert line["unitPrice"] == {"centAmount": 1999, "currencyCode": "EUR"}
    assert line["totalPrice"]["centAmount"] == 3998
    assert cart["subtotal"] == {"centAmount": 3998, "currencyCode": "EUR"}
    assert cart["totalQuantity"] == 2
    assert cart["totalPrice"]["centAmount"] == 3998


async def test_the_same_sku_twice_adds_up_on_one_line(browser: Browser) -> None:
    cart = await cart_with(browser, (TSHIRT, 1), (TSHIRT, 2))
    assert [(li["sku"], li["quantity"]) for li in cart["lineItems"]] == [(TSHIRT, 3)]


async def test_accept_language_localizes_names(service: RunningService) -> None:
    async with service.browser(headers={"accept-language": "de-DE,de;q=0.9,en;q=0.5"}) as b:
        cart = await cart_with(b, (TSHIRT, 1))
    assert cart["lineItems"][0]["name"] == "Klassisches T-Shirt"


async def test_update_quantity_and_remove(browser: Browser, service: RunningService) -> None:
    other = priced_skus(service.emulator, 2)[1]
    cart = await cart_with(browser, (TSHIRT, 1), (other, 1))
    first = next(li for li in cart["lineItems"] if li["sku"] == TSHIRT)
    cart = (await browser.gql(UPDATE_QUANTITY, {"id": first["id"], "q": 5})).ok()[
        "updateLineItemQuantity"
    ]
    assert {li["sku"]: li["quantity"] for li in cart["lineItems"]} == {TSHIRT: 5, other: 1}
    cart = (await browser.gql(UPDATE_QUANTITY, {"id": first["id"], "q": 0})).ok()[
        "updateLineItemQuantity"
    ]
    assert [li["sku"] for li in cart["lineItems"]] == [other]
    second = cart["lineItems"][0]["id"]
    cart = (await browser.gql(REMOVE_LINE, {"id": second})).ok()["removeLineItem"]
    assert cart["lineItems"] == [] and cart["totalQuantity"] == 0


@pytest.mark.parametrize("quantity", [-1, 1000])
async def test_bad_quantities_leave_the_cart_unchanged(browser: Browser, quantity: int) -> None:
    cart = await cart_with(browser, (TSHIRT, 2))
    line_id = cart["lineItems"][0]["id"]
    result = await browser.gql(UPDATE_QUANTITY, {"id": line_id, "q": quantity})
    assert result.error_codes == ["BAD_USER_INPUT"]
    assert (await browser.gql(CART)).ok()["cart"] == cart


async def test_unknown_line_items_are_bad_input(browser: Browser) -> None:
    cart = await cart_with(browser, (TSHIRT, 2))
    attempts: list[tuple[str, dict[str, Any]]] = [
        (UPDATE_QUANTITY, {"id": "no-such-line", "q": 1}),
        (REMOVE_LINE, {"id": "no-such-line"}),
    ]
    for query, variables in attempts:
        assert (await browser.gql(query, variables)).error_codes == ["BAD_USER_INPUT"]
    assert (await browser.gql(CART)).ok()["cart"] == cart


async def test_changing_a_cart_that_does_not_exist_is_not_found(browser: Browser) -> None:
    attempts: list[tuple[str, dict[str, Any]]] = [
        (UPDATE_QUANTITY, {"id": "x", "q": 1}),
        (REMOVE_LINE, {"id": "x"}),
        (APPLY_CODE, {"code": "DEMO10"}),
        (SET_EMAIL, {"e": "a@example.com"}),
    ]
    for query, variables in attempts:
        result = await browser.gql(query, variables)
        assert result.error_codes == ["NOT_FOUND"], query
    assert browser.cookie() is None


async def test_demo10_takes_ten_percent_and_can_be_removed(browser: Browser) -> None:
    await cart_with(browser, (TSHIRT, 2))
    cart = (await browser.gql(APPLY_CODE, {"code": "DEMO10"})).ok()["applyDiscountCode"]
    (code,) = cart["discountCodes"]
    assert code["code"] == "DEMO10" and code["state"] == "MatchesCart"
    assert cart["subtotal"]["centAmount"] == 3998
    assert cart["discount"]["centAmount"] == 400
    assert cart["totalPrice"]["centAmount"] == 3598
    cart = (await browser.gql(REMOVE_CODE, {"id": code["id"]})).ok()["removeDiscountCode"]
    assert cart["discountCodes"] == [] and cart["totalPrice"]["centAmount"] == 3998


@pytest.mark.parametrize("code", ["NOPE", "", "x" * 65])
async def test_unknown_discount_codes_are_bad_input(browser: Browser, code: str) -> None:
    cart = await cart_with(browser, (TSHIRT, 1))
    result = await browser.gql(APPLY_CODE, {"code": code})
    assert result.error_codes == ["BAD_USER_INPUT"]
    assert (await browser.gql(CART)).ok()["cart"] == cart


async def test_addresses_email_and_shipping_method(browser: Browser) -> None:
    await cart_with(browser, (TSHIRT, 1))
    before_address = (await browser.gql(SHIPPING_METHODS)).ok()["shippingMethods"]
    assert {m["key"] for m in before_address} == {"standard", "express"}
    cart = (await browser.gql(SET_SHIPPING_ADDRESS, {"a": BERLIN})).ok()["setShippingAddress"]
    assert cart["shippingAddress"]["city"] == "Berlin"
    assert cart["taxedPrice"]["totalTax"]["centAmount"] > 0
    billing = {**BERLIN, "city": "Potsdam"}
    cart = (await browser.gql(SET_BILLING_ADDRESS, {"a": billing})).ok()["setBillingAddress"]
    assert cart["billingAddress"]["city"] == "Potsdam"
    cart = (await browser.gql(SET_EMAIL, {"e": "erika@example.com"})).ok()["setCartEmail"]
    assert cart["email"] == "erika@example.com"
    methods = (await browser.gql(SHIPPING_METHODS)).ok()["shippingMethods"]
    standard = next(m for m in methods if m["key"] == "standard")
    assert standard["isDefault"] and standard["price"] == {"centAmount": 495, "currencyCode": "EUR"}
    cart = (await browser.gql(SET_SHIPPING_METHOD, {"id": standard["id"]})).ok()[
        "setShippingMethod"
    ]
    assert cart["shippingMethod"]["name"] == "Standard"
    assert cart["shippingPrice"]["centAmount"] == 495
    assert cart["totalPrice"]["centAmount"] == 1999 + 495


async def test_shipping_is_free_above_the_threshold(browser: Browser) -> None:
    await cart_with(browser, (TSHIRT, 3))
    await browser.gql(SET_SHIPPING_ADDRESS, {"a": BERLIN})
    methods = (await browser.gql(SHIPPING_METHODS)).ok()["shippingMethods"]
    standard = next(m for m in methods if m["key"] == "standard")
    assert standard["price"]["centAmount"] == 0 and standard["freeAbove"]["centAmount"] == 5000


@pytest.mark.parametrize(
    "address",
    [
        {**BERLIN, "country": "XX"},
        {**BERLIN, "country": "Germany"},
        {**BERLIN, "city": "B" * 500},
        {**BERLIN, "streetName": "line\nbreak"},
    ],
)
async def test_malformed_addresses_are_bad_input(browser: Browser, address: dict[str, str]) -> None:
    cart = await cart_with(browser, (TSHIRT, 1))
    for query in (SET_SHIPPING_ADDRESS, SET_BILLING_ADDRESS):
        assert (await browser.gql(query, {"a": address})).error_codes == ["BAD_USER_INPUT"]
    assert (await browser.gql(CART)).ok()["cart"] == cart


async def test_address_without_country_is_rejected_by_the_schema(browser: Browser) -> None:
    await cart_with(browser, (TSHIRT, 1))
    address = {k: v for k, v in BERLIN.items() if k != "country"}
    result = await browser.gql(SET_SHIPPING_ADDRESS, {"a": address})
    assert result.status_code == 400 and result.error_codes == ["BAD_USER_INPUT"]


@pytest.mark.parametrize("email", ["not-an-email", "a@b", "x" * 300 + "@example.com"])
async def test_malformed_cart_emails_are_bad_input(browser: Browser, email: str) -> None:
    cart = await cart_with(browser, (TSHIRT, 1))
    assert (await browser.gql(SET_EMAIL, {"e": email})).error_codes == ["BAD_USER_INPUT"]
    assert (await browser.gql(CART)).ok()["cart"] == cart


async def test_an_unknown_shipping_method_is_bad_input(browser: Browser) -> None:
    await cart_with(browser, (TSHIRT, 1))
    cart = (await browser.gql(SET_SHIPPING_ADDRESS, {"a": BERLIN})).ok()["setShippingAddress"]
    result = await browser.gql(SET_SHIPPING_METHOD, {"id": "no-such-method"})
    assert result.error_codes == ["BAD_USER_INPUT"]
    assert (await browser.gql(CART)).ok()["cart"] == cart


async def test_shipping_methods_without_a_cart_are_those_of_the_shop_country(
    browser: Browser,
) -> None:
    methods = (await browser.gql(SHIPPING_METHODS)).ok()["shippingMethods"]
    assert {m["price"]["currencyCode"] for m in methods} == {"EUR"}
    assert browser.cookie() is None
