"""Placing orders and reading them back: whose order is visible to whom."""

from __future__ import annotations

import uuid

import pytest

from tests.conftest import RunningService
from tests.support.browser import Browser
from tests.support.queries import (
    ADD,
    BERLIN,
    CART,
    LAST_ORDER,
    MY_ORDERS,
    ORDER,
    PLACE_ORDER,
    SET_EMAIL,
    SET_SHIPPING_ADDRESS,
    SIGN_IN,
    SIGN_OUT,
    SIGN_UP,
)

pytestmark = pytest.mark.anyio

TSHIRT = "TSHIRT-CLASSIC-BLUE-M"
PASSWORD = "Correct-Horse-9"


async def ready_cart(browser: Browser, quantity: int = 1) -> dict[str, object]:
    (await browser.gql(ADD, {"sku": TSHIRT, "q": quantity})).ok()
    (await browser.gql(SET_EMAIL, {"e": "shopper@example.com"})).ok()
    cart: dict[str, object] = (await browser.gql(SET_SHIPPING_ADDRESS, {"a": BERLIN})).ok()[
        "setShippingAddress"
    ]["cart"]
    return cart


async def sign_up(browser: Browser) -> str:
    email = f"orders-{uuid.uuid4().hex[:10]}@example.com"
    (await browser.gql(SIGN_UP, {"input": {"email": email, "password": PASSWORD}})).ok()
    return email


async def test_a_guest_places_an_order_and_sees_it_as_last_order(
    service: RunningService, browser: Browser
) -> None:
    cart = await ready_cart(browser, 2)
    order = (await browser.gql(PLACE_ORDER)).ok()["placeOrder"]["order"]
    assert order["orderNumber"] and order["orderState"] == "OPEN"
    assert order["paymentState"] is None and order["shipmentState"] is None
    assert order["createdAt"].endswith("Z")
    assert [(li["sku"], li["quantity"]) for li in order["lineItems"]] == [(TSHIRT, 2)]
    assert order["totalPrice"] == cart["totalPrice"]
    assert order["shippingAddress"]["city"] == "Berlin"
    assert (await browser.gql(CART)).ok() == {"cart": None}
    assert (await browser.gql(LAST_ORDER)).ok()["lastOrder"]["id"] == order["id"]
    stored = await service.read_session(browser)
    assert stored is not None and stored.data["o"] == order["id"] and "ca" not in stored.data
    # A guest has no order history to browse; only the confirmation.
    assert (await browser.gql(MY_ORDERS)).error_codes == ["UNAUTHENTICATED"]
    assert (await browser.gql(ORDER, {"id": order["id"]})).error_codes == ["UNAUTHENTICATED"]


async def test_last_order_is_per_browser(service: RunningService, browser: Browser) -> None:
    await ready_cart(browser)
    (await browser.gql(PLACE_ORDER)).ok()
    async with service.browser() as stranger:
        assert (await stranger.gql(LAST_ORDER)).ok() == {"lastOrder": None}


async def test_ordering_an_empty_cart_or_one_without_address_fails_cleanly(
    browser: Browser,
) -> None:
    nothing = await browser.gql(PLACE_ORDER)
    assert nothing.refused() == ["CART_EMPTY"] and "empty" in nothing.user_errors[0]["message"]
    assert nothing.data == {"placeOrder": {"order": None, "userErrors": nothing.user_errors}}
    cart = (await browser.gql(ADD, {"sku": TSHIRT, "q": 1})).ok()["addToCart"]["cart"]
    no_address = await browser.gql(PLACE_ORDER)
    assert no_address.refused() == ["SHIPPING_ADDRESS_MISSING"]
    assert "shipping address" in no_address.user_errors[0]["message"]
    assert (await browser.gql(CART)).ok()["cart"]["id"] == cart["id"]


async def test_a_customer_sees_own_orders_newest_first_and_pages(browser: Browser) -> None:
    await sign_up(browser)
    placed = []
    for quantity in (1, 2, 3):
        await ready_cart(browser, quantity)
        placed.append((await browser.gql(PLACE_ORDER)).ok()["placeOrder"]["order"]["id"])
    page = (await browser.gql(MY_ORDERS, {"limit": 2, "offset": 0})).ok()["myOrders"]
    assert [o["id"] for o in page["results"]] == placed[::-1][:2]
    assert page["pageInfo"] == {
        "total": 3,
        "limit": 2,
        "offset": 0,
        "hasNextPage": True,
        "hasPreviousPage": False,
    }
    rest = (await browser.gql(MY_ORDERS, {"limit": 2, "offset": 2})).ok()["myOrders"]
    assert [o["id"] for o in rest["results"]] == [placed[0]]
    assert rest["pageInfo"]["hasNextPage"] is False and rest["pageInfo"]["hasPreviousPage"]
    one = (await browser.gql(ORDER, {"id": placed[1]})).ok()["order"]
    assert one["totalQuantity"] == 2


@pytest.mark.parametrize(
    ("limit", "offset", "field"), [(0, 0, "limit"), (101, 0, "limit"), (10, -1, "offset")]
)
async def test_my_orders_rejects_bad_paging(
    browser: Browser, limit: int, offset: int, field: str
) -> None:
    await sign_up(browser)
    result = await browser.gql(MY_ORDERS, {"limit": limit, "offset": offset})
    assert result.error_codes == ["BAD_USER_INPUT"]
    assert result.errors[0]["extensions"]["field"] == [field]


async def test_null_paging_arguments_mean_the_defaults(browser: Browser) -> None:
    await sign_up(browser)
    for query in (
        "{ myOrders(limit: null, offset: null) { pageInfo { limit offset total } } }",
        "{ myOrders { pageInfo { limit offset total } } }",
    ):
        page = (await browser.gql(query)).ok()["myOrders"]
        assert page["pageInfo"] == {"limit": 20, "offset": 0, "total": 0}
    by_variables = await browser.gql(MY_ORDERS, {"limit": None, "offset": None})
    assert by_variables.ok()["myOrders"]["pageInfo"]["limit"] == 20


async def test_another_customers_order_is_not_found(service: RunningService) -> None:
    async with service.browser() as alice, service.browser() as bob:
        await sign_up(alice)
        await ready_cart(alice)
        alices_order = (await alice.gql(PLACE_ORDER)).ok()["placeOrder"]["order"]["id"]
        await sign_up(bob)
        for order_id in (alices_order, "not-an-order", "../../orders"):
            result = await bob.gql(ORDER, {"id": order_id})
            assert result.error_codes == ["NOT_FOUND"], order_id
            assert alices_order not in result.response.text or order_id == alices_order
        assert (await bob.gql(MY_ORDERS)).ok()["myOrders"]["pageInfo"]["total"] == 0


async def test_orders_placed_as_guest_appear_after_sign_in(service: RunningService) -> None:
    async with service.browser() as setup, service.browser() as browser:
        email = await sign_up(setup)
        await ready_cart(browser)
        order = (await browser.gql(PLACE_ORDER)).ok()["placeOrder"]["order"]
        (await browser.gql(SIGN_IN, {"e": email, "p": PASSWORD})).ok()
        orders = (await browser.gql(MY_ORDERS)).ok()["myOrders"]
        assert [o["id"] for o in orders["results"]] == [order["id"]]
        (await browser.gql(SIGN_OUT)).ok()
        assert (await browser.gql(LAST_ORDER)).ok() == {"lastOrder": None}
