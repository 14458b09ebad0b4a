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
from tests.support.upstream import Upstream

pytestmark = pytest.mark.anyio

TSHIRT = "TSHIRT-CLASSIC-BLUE-M"  # 19.99 EUR in DE (docs/emulator-catalog.md)


async def cart_with(browser: Browser, *lines: tuple[str, int]) -> dict[str, Any]:
    cart: dict[str, Any] = {}
    for sku, quantity in lines:
        cart = (await browser.gql(ADD, {"sku": sku, "q": quantity})).ok()["addToCart"]["cart"]
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


async def test_an_unchanged_cart_read_again_follows_each_requests_language(
    browser: Browser, service: RunningService
) -> None:
    """The service keeps a cart's mapping by its id, version and language
    (app/services/mapped_carts.py): the same cart read in German, English and German again
    names its line in each, and a change made elsewhere (here straight at commercetools, as
    another device of the customer would) shows on the next read."""
    cart = await cart_with(browser, (TSHIRT, 1))
    names = []
    for language in ("de", "en", "de"):
        browser.http.headers["accept-language"] = language
        read = (await browser.gql(CART)).ok()["cart"]
        assert read["version"] == cart["version"]
        names.append(read["lineItems"][0]["name"])
    assert names == ["Klassisches T-Shirt", "Classic T-Shirt", "Klassisches T-Shirt"]

    stored = await service.read_session(browser)
    assert stored is not None
    upstream = Upstream(service.emulator)
    try:
        await upstream.call(
            "POST",
            f"/me/carts/{cart['id']}",
            stored.data["t"]["a"],
            {
                "version": cart["version"],
                "actions": [
                    {
                        "action": "changeLineItemQuantity",
                        "lineItemId": cart["lineItems"][0]["lineItemId"],
                        "quantity": 4,
                    }
                ],
            },
        )
    finally:
        await upstream.aclose()
    read = (await browser.gql(CART)).ok()["cart"]
    assert read["version"] > cart["version"]
    assert read["lineItems"][0]["quantity"] == 4 and read["totalQuantity"] == 4
    assert read["lineItems"][0]["name"] == "Klassisches T-Shirt"


async def test_update_quantity_and_remove(browser: Browser, service: RunningService) -> None:
    other = priced_skus(service.emulator, 2)[1]
    cart = await cart_with(browser, (TSHIRT, 1), (other, 1))
    first = next(li for li in cart["lineItems"] if li["sku"] == TSHIRT)
    cart = (await browser.gql(UPDATE_QUANTITY, {"id": first["lineItemId"], "q": 5})).ok()[
        "updateLineItemQuantity"
    ]["cart"]
    assert {li["sku"]: li["quantity"] for li in cart["lineItems"]} == {TSHIRT: 5, other: 1}
    cart = (await browser.gql(UPDATE_QUANTITY, {"id": first["lineItemId"], "q": 0})).ok()[
        "updateLineItemQuantity"
    ]["cart"]
    assert [li["sku"] for li in cart["lineItems"]] == [other]
    second = cart["lineItems"][0]["lineItemId"]
    cart = (await browser.gql(REMOVE_LINE, {"id": second})).ok()["removeLineItem"]["cart"]
    assert cart["lineItems"] == [] and cart["totalQuantity"] == 0


@pytest.mark.parametrize("quantity", [-1, 1000])
async def test_bad_quantities_leave_the_cart_unchanged(browser: Browser, quantity: int) -> None:
    cart = await cart_with(browser, (TSHIRT, 2))
    line_id = cart["lineItems"][0]["lineItemId"]
    result = await browser.gql(UPDATE_QUANTITY, {"id": line_id, "q": quantity})
    assert result.refused() == ["OUT_OF_RANGE"]
    assert result.user_error_fields == [["quantity"]]
    assert result.data["updateLineItemQuantity"]["cart"] is None
    assert (await browser.gql(CART)).ok()["cart"] == cart


async def test_unknown_line_items_are_not_found(browser: Browser) -> None:
    cart = await cart_with(browser, (TSHIRT, 2))
    attempts: list[tuple[str, dict[str, Any]]] = [
        (UPDATE_QUANTITY, {"id": "no-such-line", "q": 1}),
        (REMOVE_LINE, {"id": "no-such-line"}),
    ]
    for query, variables in attempts:
        result = await browser.gql(query, variables)
        assert result.refused() == ["NOT_FOUND"]
        assert result.user_error_fields == [["lineItemId"]]
    assert (await browser.gql(CART)).ok()["cart"] == cart


async def test_changing_a_cart_that_does_not_exist_is_cart_empty(browser: Browser) -> None:
    attempts: list[tuple[str, dict[str, Any]]] = [
        (UPDATE_QUANTITY, {"id": "x", "q": 1}),
        (REMOVE_LINE, {"id": "x"}),
        (APPLY_CODE, {"code": "DEMO10"}),
        (SET_EMAIL, {"e": "a@example.com"}),
    ]
    for query, variables in attempts:
        result = await browser.gql(query, variables)
        assert result.refused() == ["CART_EMPTY"], query
        assert result.user_error_fields == [None]
    assert browser.cookie() is None


async def test_demo10_takes_ten_percent_and_can_be_removed(browser: Browser) -> None:
    await cart_with(browser, (TSHIRT, 2))
    cart = (await browser.gql(APPLY_CODE, {"code": "DEMO10"})).ok()["applyDiscountCode"]["cart"]
    (code,) = cart["discountCodes"]
    assert code["code"] == "DEMO10" and code["state"] == "MATCHES_CART"
    assert cart["subtotal"]["centAmount"] == 3998
    assert cart["discount"]["centAmount"] == 400
    assert cart["totalPrice"]["centAmount"] == 3598
    removed = await browser.gql(REMOVE_CODE, {"id": code["discountCodeId"]})
    cart = removed.ok()["removeDiscountCode"]["cart"]
    assert cart["discountCodes"] == [] and cart["totalPrice"]["centAmount"] == 3998


@pytest.mark.parametrize(
    ("code", "problem"),
    [("NOPE", "DISCOUNT_CODE_NOT_APPLICABLE"), ("", "BLANK"), ("x" * 65, "TOO_LONG")],
)
async def test_unknown_discount_codes_are_refused(
    browser: Browser, code: str, problem: str
) -> None:
    cart = await cart_with(browser, (TSHIRT, 1))
    result = await browser.gql(APPLY_CODE, {"code": code})
    assert result.refused() == [problem]
    assert result.user_error_fields == [["code"]]
    assert (await browser.gql(CART)).ok()["cart"] == cart


async def test_removing_a_code_the_cart_does_not_have_is_not_found(browser: Browser) -> None:
    cart = await cart_with(browser, (TSHIRT, 1))
    result = await browser.gql(REMOVE_CODE, {"id": "no-such-code"})
    assert result.refused() == ["NOT_FOUND"]
    assert result.user_error_fields == [["discountCodeId"]]
    assert (await browser.gql(CART)).ok()["cart"] == cart


async def test_addresses_email_and_shipping_method(browser: Browser) -> None:
    await cart_with(browser, (TSHIRT, 1))
    before_address = (await browser.gql(SHIPPING_METHODS)).ok()["shippingMethods"]
    assert {m["key"] for m in before_address} == {"standard", "express"}
    cart = (await browser.gql(SET_SHIPPING_ADDRESS, {"a": BERLIN})).ok()["setShippingAddress"][
        "cart"
    ]
    assert cart["shippingAddress"]["city"] == "Berlin"
    assert cart["taxedPrice"]["totalTax"]["centAmount"] > 0
    billing = {**BERLIN, "city": "Potsdam"}
    cart = (await browser.gql(SET_BILLING_ADDRESS, {"a": billing})).ok()["setBillingAddress"][
        "cart"
    ]
    assert cart["billingAddress"]["city"] == "Potsdam"
    cart = (await browser.gql(SET_EMAIL, {"e": "erika@example.com"})).ok()["setCartEmail"]["cart"]
    assert cart["email"] == "erika@example.com"
    methods = (await browser.gql(SHIPPING_METHODS)).ok()["shippingMethods"]
    standard = next(m for m in methods if m["key"] == "standard")
    assert standard["isDefault"] and standard["price"] == {"centAmount": 495, "currencyCode": "EUR"}
    chosen = await browser.gql(SET_SHIPPING_METHOD, {"id": standard["shippingMethodId"]})
    cart = chosen.ok()["setShippingMethod"]["cart"]
    assert cart["shippingInfo"]["name"] == "Standard"
    assert cart["shippingInfo"]["shippingMethodId"] == standard["shippingMethodId"]
    assert cart["shippingPrice"]["centAmount"] == 495
    assert cart["totalPrice"]["centAmount"] == 1999 + 495


async def test_shipping_is_free_above_the_threshold(browser: Browser) -> None:
    await cart_with(browser, (TSHIRT, 3))
    await browser.gql(SET_SHIPPING_ADDRESS, {"a": BERLIN})
    methods = (await browser.gql(SHIPPING_METHODS)).ok()["shippingMethods"]
    standard = next(m for m in methods if m["key"] == "standard")
    assert standard["price"]["centAmount"] == 0 and standard["freeAbove"]["centAmount"] == 5000


@pytest.mark.parametrize(
    ("address", "field", "problem"),
    [
        ({**BERLIN, "city": "B" * 500}, "city", "TOO_LONG"),
        ({**BERLIN, "streetName": "line\nbreak"}, "streetName", "INVALID"),
        ({**BERLIN, "email": "not-an-email"}, "email", "INVALID"),
    ],
)
async def test_malformed_addresses_name_the_field(
    browser: Browser, address: dict[str, str], field: str, problem: str
) -> None:
    cart = await cart_with(browser, (TSHIRT, 1))
    for query in (SET_SHIPPING_ADDRESS, SET_BILLING_ADDRESS):
        result = await browser.gql(query, {"a": address})
        assert result.refused() == [problem]
        assert result.user_error_fields == [["address", field]]
    assert (await browser.gql(CART)).ok()["cart"] == cart


@pytest.mark.parametrize("country", ["XX", "Germany", "de", None])
async def test_an_address_without_a_country_code_is_refused_by_the_schema(
    browser: Browser, country: str | None
) -> None:
    cart = await cart_with(browser, (TSHIRT, 1))
    address = {**BERLIN, "country": country}
    result = await browser.gql(SET_SHIPPING_ADDRESS, {"a": address})
    assert result.status_code == 400 and result.error_codes == ["BAD_USER_INPUT"]
    assert (await browser.gql(CART)).ok()["cart"] == cart


@pytest.mark.parametrize(
    ("email", "problem"),
    [
        ("not-an-email", "INVALID"),
        ("a@b", "INVALID"),
        ("  ", "BLANK"),
        ("x" * 300 + "@example.com", "TOO_LONG"),
    ],
)
async def test_malformed_cart_emails_are_refused(
    browser: Browser, email: str, problem: str
) -> None:
    cart = await cart_with(browser, (TSHIRT, 1))
    result = await browser.gql(SET_EMAIL, {"e": email})
    assert result.refused() == [problem]
    assert result.user_error_fields == [["email"]]
    assert (await browser.gql(CART)).ok()["cart"] == cart


async def test_an_unknown_shipping_method_is_not_found(browser: Browser) -> None:
    await cart_with(browser, (TSHIRT, 1))
    set_address = await browser.gql(SET_SHIPPING_ADDRESS, {"a": BERLIN})
    cart = set_address.ok()["setShippingAddress"]["cart"]
    result = await browser.gql(SET_SHIPPING_METHOD, {"id": "no-such-method"})
    assert result.refused() == ["NOT_FOUND"]
    assert result.user_error_fields == [["shippingMethodId"]]
    assert (await browser.gql(CART)).ok()["cart"] == cart


async def test_shipping_methods_without_a_cart_are_those_of_the_shop_country(
    browser: Browser,
) -> None:
    methods = (await browser.gql(SHIPPING_METHODS)).ok()["shippingMethods"]
    assert {m["price"]["currencyCode"] for m in methods} == {"EUR"}
    assert browser.cookie() is None
