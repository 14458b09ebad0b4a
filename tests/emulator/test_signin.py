"""Sign-in and sign-up: anonymous carts and orders move to the customer; both cart modes."""

from __future__ import annotations

import pytest

from emulator.jsonio import Json
from emulator.state import Emulator
from tests.emulator.ctp import (
    DEMO_EMAIL,
    DEMO_PASSWORD,
    STOREFRONT_SCOPE,
    TSHIRT_L,
    TSHIRT_M,
    Ctp,
    error_code,
    quantities,
)

pytestmark = pytest.mark.anyio
BERLIN = {"country": "DE", "city": "Berlin"}
HOODIE = "HOODIE-FLEECE-GREY-M"


async def _guest_with_order_and_cart(
    ctp: Ctp, lines: list[tuple[str, int]]
) -> tuple[str, str, Json, Json]:
    anonymous = await ctp.anonymous(scope=STOREFRONT_SCOPE)
    token = anonymous["access_token"]
    anonymous_id = next(s for s in anonymous["scope"].split() if s.startswith("anonymous_id:"))
    ordered_cart = await ctp.my_cart(token, [(TSHIRT_M, 1)], shippingAddress=BERLIN)
    order = await ctp.post(
        "/me/orders", token, {"id": ordered_cart["id"], "version": 1}, expect=201
    )
    cart = await ctp.my_cart(token, lines)
    return token, anonymous_id.split(":", 1)[1], cart, order


async def test_merge_keeps_the_larger_quantity(ctp: Ctp, emulator: Emulator) -> None:
    customer_token = await ctp.customer_token()
    customer_cart = await ctp.my_cart(customer_token, [(TSHIRT_M, 1), (TSHIRT_L, 5)])
    guest, anonymous_id, guest_cart, order = await _guest_with_order_and_cart(
        ctp, [(TSHIRT_M, 3), (TSHIRT_L, 2), (HOODIE, 1)]
    )
    result = await ctp.post("/me/login", guest, {"email": DEMO_EMAIL, "password": DEMO_PASSWORD})
    customer = result["customer"]
    assert customer["email"] == DEMO_EMAIL
    assert result["cart"]["id"] == customer_cart["id"]
    # Same product+variant keeps the larger quantity, not the sum; new variants are copied.
    assert quantities(result["cart"]) == {TSHIRT_M: 3, TSHIRT_L: 5, HOODIE: 1}
    assert result["cart"]["version"] > customer_cart["version"]
    merged = emulator.carts[guest_cart["id"]]
    assert merged["cartState"] == "Merged"
    assert merged["customerId"] == customer["id"]
    assert merged["anonymousId"] == anonymous_id
    assert emulator.orders[order["id"]]["customerId"] == customer["id"]
    # The customer now sees the guest's order; the customer's cart is the active one.
    me = await ctp.customer_token()
    assert [o["id"] for o in (await ctp.get("/me/orders", me))["results"]] == [order["id"]]
    assert (await ctp.get("/me/active-cart", me))["id"] == customer_cart["id"]
    # The anonymous token no longer sees what now belongs to the customer.
    assert (await ctp.get("/me/carts", guest))["results"] == []
    assert (await ctp.get("/me/orders", guest))["results"] == []


async def test_merge_is_the_default_and_explicit_mode_works_too(ctp: Ctp) -> None:
    customer_token = await ctp.customer_token()
    await ctp.my_cart(customer_token, [(TSHIRT_M, 2)])
    guest = await ctp.anonymous_token()
    await ctp.my_cart(guest, [(TSHIRT_M, 1)])
    result = await ctp.post(
        "/me/login",
        guest,
        {
            "email": DEMO_EMAIL,
            "password": DEMO_PASSWORD,
            "activeCartSignInMode": "MergeWithExistingCustomerCart",
        },
    )
    assert quantities(result["cart"]) == {TSHIRT_M: 2}


async def test_use_as_new_active_customer_cart(ctp: Ctp, emulator: Emulator) -> None:
    customer_token = await ctp.customer_token()
    customer_cart = await ctp.my_cart(customer_token, [(TSHIRT_L, 5)])
    guest, _, guest_cart, _ = await _guest_with_order_and_cart(ctp, [(TSHIRT_M, 3)])
    result = await ctp.post(
        "/me/login",
        guest,
        {
            "email": DEMO_EMAIL,
            "password": DEMO_PASSWORD,
            "activeCartSignInMode": "UseAsNewActiveCustomerCart",
        },
    )
    assert result["cart"]["id"] == guest_cart["id"]
    assert result["cart"]["cartState"] == "Active"
    assert quantities(result["cart"]) == {TSHIRT_M: 3}  # nothing merged in
    assert emulator.carts[customer_cart["id"]]["lineItems"] == customer_cart["lineItems"]
    me = await ctp.customer_token()
    assert (await ctp.get("/me/active-cart", me))["id"] == guest_cart["id"]


async def test_without_customer_cart_the_anonymous_cart_becomes_active(ctp: Ctp) -> None:
    _, customer_token = await ctp.new_customer("new@example.com", "Pw-123456")
    guest, _, guest_cart, _ = await _guest_with_order_and_cart(ctp, [(TSHIRT_M, 2)])
    result = await ctp.post(
        "/me/login", guest, {"email": "new@example.com", "password": "Pw-123456"}
    )
    assert result["cart"]["id"] == guest_cart["id"]
    assert result["cart"]["cartState"] == "Active"
    assert result["cart"]["customerId"] == result["customer"]["id"]
    active = await ctp.get("/me/active-cart", customer_token)
    assert active["id"] == guest_cart["id"] and quantities(active) == {TSHIRT_M: 2}


async def test_login_without_any_cart_has_no_cart_in_result(ctp: Ctp) -> None:
    result = await ctp.post(
        "/me/login", await ctp.anonymous_token(), {"email": DEMO_EMAIL, "password": DEMO_PASSWORD}
    )
    assert "cart" not in result
    assert result["customer"]["password"].startswith("****")


async def test_wrong_password_leaves_guest_data_untouched(ctp: Ctp, emulator: Emulator) -> None:
    guest, _, guest_cart, order = await _guest_with_order_and_cart(ctp, [(TSHIRT_M, 2)])
    body = await ctp.post(
        "/me/login", guest, {"email": DEMO_EMAIL, "password": "wrong"}, expect=400
    )
    assert error_code(body) == "InvalidCredentials"
    assert body["message"] == "Account with the given credentials not found."
    await ctp.post("/me/login", guest, {"email": "nobody@example.com", "password": "x"}, expect=400)
    assert (await ctp.get(f"/me/carts/{guest_cart['id']}", guest)) == guest_cart
    assert "customerId" not in emulator.orders[order["id"]]
    assert (await ctp.get("/me/active-cart", guest))["id"] == guest_cart["id"]


async def test_unknown_sign_in_mode_is_bad_request(ctp: Ctp) -> None:
    body = await ctp.post(
        "/me/login",
        await ctp.anonymous_token(),
        {"email": DEMO_EMAIL, "password": DEMO_PASSWORD, "activeCartSignInMode": "Sum"},
        expect=400,
    )
    assert error_code(body) == "InvalidJsonInput"


async def test_signup_moves_the_sessions_carts_and_orders(ctp: Ctp, emulator: Emulator) -> None:
    guest, _, guest_cart, order = await _guest_with_order_and_cart(ctp, [(TSHIRT_L, 1)])
    result = await ctp.signup(guest, "fresh@example.com", firstName="Fred")
    customer = result["customer"]
    assert customer["firstName"] == "Fred"
    assert customer["isEmailVerified"] is False
    assert result["cart"]["id"] == guest_cart["id"]
    assert result["cart"]["customerId"] == customer["id"]
    assert emulator.orders[order["id"]]["customerId"] == customer["id"]
    token = await ctp.customer_token("fresh@example.com", "Secret-123")
    assert (await ctp.get("/me/orders", token))["total"] == 1
    assert (await ctp.get("/me/carts", token))["total"] == 2


async def test_signup_with_taken_email(ctp: Ctp) -> None:
    body = await ctp.post(
        "/me/signup",
        await ctp.anonymous_token(),
        {"email": "Demo@Example.com", "password": "x1"},
        expect=400,
    )
    assert error_code(body) == "DuplicateField"
    assert body["errors"][0]["field"] == "email"


async def test_server_side_login_with_anonymous_id_and_cart(ctp: Ctp, emulator: Emulator) -> None:
    backend = await ctp.client_token()
    customer_token = await ctp.customer_token()
    customer_cart = await ctp.my_cart(customer_token, [(TSHIRT_M, 4)])
    _, anonymous_id, guest_cart, order = await _guest_with_order_and_cart(
        ctp, [(TSHIRT_M, 1), (TSHIRT_L, 1)]
    )
    result = await ctp.post(
        "/login",
        backend,
        {
            "email": DEMO_EMAIL,
            "password": DEMO_PASSWORD,
            "anonymousId": anonymous_id,
            "anonymousCart": {"typeId": "cart", "id": guest_cart["id"]},
            "anonymousCartSignInMode": "MergeWithExistingCustomerCart",
        },
    )
    assert result["cart"]["id"] == customer_cart["id"]
    assert quantities(result["cart"]) == {TSHIRT_M: 4, TSHIRT_L: 1}
    assert emulator.carts[guest_cart["id"]]["cartState"] == "Merged"
    assert emulator.orders[order["id"]]["customerId"] == result["customer"]["id"]
    body = await ctp.post("/login", backend, {"email": DEMO_EMAIL, "password": "no"}, expect=400)
    assert error_code(body) == "InvalidCredentials"


async def test_backend_sign_up_with_anonymous_cart(ctp: Ctp) -> None:
    backend = await ctp.client_token()
    guest = await ctp.anonymous_token()
    guest_cart = await ctp.my_cart(guest, [(TSHIRT_M, 1)])
    result = await ctp.post(
        "/customers",
        backend,
        {
            "email": "back@example.com",
            "password": "Pw-1",
            "anonymousCart": {"typeId": "cart", "id": guest_cart["id"]},
        },
        expect=201,
    )
    assert result["cart"]["id"] == guest_cart["id"]
    assert result["cart"]["customerId"] == result["customer"]["id"]
