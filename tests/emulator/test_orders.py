"""Orders: created from carts (which become Ordered), read and queried."""

from __future__ import annotations

import pytest

from emulator.jsonio import Json
from emulator.state import Emulator
from tests.emulator.ctp import TSHIRT_L, TSHIRT_M, Ctp, error_code
from tests.support.clock import FakeClock

pytestmark = pytest.mark.anyio
BERLIN = {"country": "DE", "city": "Berlin"}


async def _checkout_cart(ctp: Ctp, token: str, quantity: int = 1) -> Json:
    cart = await ctp.my_cart(token, [(TSHIRT_M, quantity)], shippingAddress=BERLIN)
    return await ctp.update_my_cart(
        token,
        cart,
        {"action": "setShippingMethod", "shippingMethod": {"key": "standard"}},
        {"action": "setCustomerEmail", "email": "buyer@example.com"},
        {"action": "addDiscountCode", "code": "DEMO10"},
    )


async def test_my_order_snapshots_the_cart(ctp: Ctp, emulator: Emulator) -> None:
    token = await ctp.anonymous_token()
    cart = await _checkout_cart(ctp, token, 2)
    order = await ctp.post(
        "/me/orders", token, {"id": cart["id"], "version": cart["version"]}, expect=201
    )
    assert order["type"] == "Order"
    assert order["version"] == 1
    assert order["orderState"] == "Open"
    assert order["cart"] == {"typeId": "cart", "id": cart["id"]}
    for field in (
        "anonymousId",
        "customerEmail",
        "lineItems",
        "totalPrice",
        "taxedPrice",
        "shippingInfo",
        "shippingAddress",
        "discountCodes",
        "country",
    ):
        assert order[field] == cart[field], field
    assert order["syncInfo"] == [] and order["returnInfo"] == []
    ordered = await ctp.get(f"/me/carts/{cart['id']}", token)
    assert ordered["cartState"] == "Ordered"
    assert ordered["version"] == cart["version"] + 1
    assert (await ctp.get(f"/me/orders/{order['id']}", token)) == order
    # An ordered cart is no longer active and cannot change or be ordered again.
    await ctp.get("/me/active-cart", token, expect=404)
    body = await ctp.update_my_cart(
        token, ordered, {"action": "addLineItem", "sku": TSHIRT_L}, expect=400
    )
    assert error_code(body) == "InvalidOperation"
    body = await ctp.post(
        "/me/orders", token, {"id": cart["id"], "version": ordered["version"]}, expect=400
    )
    assert error_code(body) == "InvalidOperation"
    assert emulator.orders[order["id"]]["anonymousId"] == cart["anonymousId"]


async def test_order_needs_current_cart_version(ctp: Ctp) -> None:
    token = await ctp.anonymous_token()
    cart = await _checkout_cart(ctp, token)
    body = await ctp.post("/me/orders", token, {"id": cart["id"], "version": 1}, expect=409)
    assert body["errors"][0]["currentVersion"] == cart["version"]


async def test_empty_cart_cannot_be_ordered(ctp: Ctp) -> None:
    token = await ctp.anonymous_token()
    cart = await ctp.my_cart(token, shippingAddress=BERLIN)
    body = await ctp.post("/me/orders", token, {"id": cart["id"], "version": 1}, expect=400)
    assert error_code(body) == "InvalidOperation"


async def test_cart_without_shipping_address_cannot_be_ordered(ctp: Ctp) -> None:
    token = await ctp.anonymous_token()
    cart = await ctp.my_cart(token, [(TSHIRT_M, 1)])
    body = await ctp.post("/me/orders", token, {"id": cart["id"], "version": 1}, expect=400)
    assert error_code(body) == "InvalidOperation"
    assert (await ctp.get(f"/me/carts/{cart['id']}", token))["cartState"] == "Active"


async def test_cart_shipped_where_there_is_no_tax_rate(ctp: Ctp) -> None:
    token = await ctp.anonymous_token()
    cart = await ctp.my_cart(token, [(TSHIRT_M, 1)], shippingAddress={"country": "FR"})
    assert "taxedPrice" not in cart
    body = await ctp.post("/me/orders", token, {"id": cart["id"], "version": 1}, expect=400)
    error = body["errors"][0]
    assert error["code"] == "MissingTaxRateForCountry"
    assert error["country"] == "FR"


async def test_backend_orders(ctp: Ctp, clock: FakeClock) -> None:
    backend = await ctp.client_token()
    customer, token = await ctp.new_customer("orders@example.com")
    created = []
    for number in ("A-1", "A-2", "A-3"):
        cart = await _checkout_cart(ctp, token)
        clock.advance(60)
        created.append(
            await ctp.post(
                "/orders",
                backend,
                {
                    "cart": {"typeId": "cart", "id": cart["id"]},
                    "version": cart["version"],
                    "orderNumber": number,
                },
                expect=201,
            )
        )
    by_customer = await ctp.get(
        "/orders", backend, where=f'customerId = "{customer["id"]}"', sort="createdAt desc"
    )
    assert [o["orderNumber"] for o in by_customer["results"]] == ["A-3", "A-2", "A-1"]
    assert by_customer["total"] == 3
    page = await ctp.get("/orders", backend, sort="createdAt desc", limit=2, offset=1)
    assert (page["limit"], page["offset"], page["count"], page["total"]) == (2, 1, 2, 3)
    assert [o["orderNumber"] for o in page["results"]] == ["A-2", "A-1"]
    both = await ctp.get(
        "/orders",
        backend,
        where='orderNumber = "A-2" and customerEmail = "buyer@example.com"',
    )
    assert [o["id"] for o in both["results"]] == [created[1]["id"]]
    by_id = await ctp.get("/orders", backend, where=f'id = "{created[0]["id"]}"')
    assert by_id["results"] == [created[0]]
    assert (await ctp.get("/orders/order-number=A-3", backend))["id"] == created[2]["id"]
    assert (await ctp.get(f"/orders/{created[0]['id']}", backend)) == created[0]
    assert (await ctp.get("/me/orders", token, sort="createdAt asc"))["results"] == created


async def test_duplicate_order_number(ctp: Ctp) -> None:
    backend = await ctp.client_token()
    token = await ctp.anonymous_token()
    first = await _checkout_cart(ctp, token)
    await ctp.post(
        "/orders",
        backend,
        {"id": first["id"], "version": first["version"], "orderNumber": "N-1"},
        201,
    )
    second = await _checkout_cart(ctp, token)
    body = await ctp.post(
        "/orders",
        backend,
        {"id": second["id"], "version": second["version"], "orderNumber": "N-1"},
        400,
    )
    assert error_code(body) == "DuplicateField"
    assert body["errors"][0]["field"] == "orderNumber"


async def test_order_from_unknown_cart(ctp: Ctp) -> None:
    body = await ctp.post("/orders", await ctp.client_token(), {"id": "nope", "version": 1}, 400)
    assert error_code(body) == "ReferencedResourceNotFound"
