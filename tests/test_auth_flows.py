"""The seed's authentication flows, over HTTP against the emulator."""

from __future__ import annotations

import asyncio
import uuid
from typing import Any

import pytest

from tests.conftest import RunningService
from tests.support.browser import Browser
from tests.support.catalog import priced_skus
from tests.support.upstream import Upstream

pytestmark = pytest.mark.anyio

ADD = """mutation($sku: String!, $q: Int!) { addToCart(sku: $sku, quantity: $q) {
  cart { id totalQuantity lineItems { sku quantity } } userErrors { field code message } } }"""
CART = "{ cart { id totalQuantity lineItems { sku quantity } } }"
SIGN_UP = """mutation($input: SignUpInput!) { signUp(input: $input) {
  customer { id email firstName lastName } userErrors { field code message } } }"""
SIGN_IN = """mutation($e: String!, $p: String!) { signIn(email: $e, password: $p) {
  customer { id email } userErrors { field code message } } }"""
ME = "{ me { id email firstName } }"
PASSWORD = "Correct-Horse-9"
HOURS = 3600.0


def new_email() -> str:
    return f"shopper-{uuid.uuid4().hex[:12]}@example.com"


def lines(cart: dict[str, Any]) -> dict[str, int]:
    return {line["sku"]: line["quantity"] for line in cart["lineItems"]}


async def test_a_guests_first_cart_write_creates_the_anonymous_token(
    service: RunningService, browser: Browser
) -> None:
    sku = priced_skus(service.emulator, 1)[0]
    service.emulator.clear_request_log()
    cart = (await browser.gql(ADD, {"sku": sku, "q": 2})).ok()["addToCart"]["cart"]
    assert lines(cart) == {sku: 2}
    assert service.emulator.request_log == [
        ("POST", "/oauth/demo/anonymous/token"),
        ("POST", "/demo/me/carts"),
    ]
    stored = await service.read_session(browser)
    assert stored is not None
    token = service.emulator.lookup_token(stored.data["t"]["a"])
    assert token is not None and token.anonymous_id is not None and token.customer_id is None
    assert stored.data["ca"] == cart["id"]
    assert "c" not in stored.data


async def test_sign_up_moves_the_guest_cart_to_the_new_customer(
    service: RunningService, browser: Browser
) -> None:
    sku = priced_skus(service.emulator, 1)[0]
    guest_cart = (await browser.gql(ADD, {"sku": sku, "q": 1})).ok()["addToCart"]["cart"]
    email = new_email()
    customer = (
        await browser.gql(
            SIGN_UP,
            {"input": {"email": email, "password": PASSWORD, "firstName": "Ada", "lastName": "L"}},
        )
    ).ok()["signUp"]["customer"]
    assert customer["email"] == email and customer["firstName"] == "Ada"
    cart = (await browser.gql(CART)).ok()["cart"]
    assert cart["id"] == guest_cart["id"] and lines(cart) == {sku: 1}
    assert (await browser.gql(ME)).ok()["me"]["id"] == customer["id"]
    assert service.emulator.carts[cart["id"]]["customerId"] == customer["id"]


async def test_sign_in_merges_the_guest_cart_and_moves_guest_orders(
    service: RunningService,
) -> None:
    first, second, third = priced_skus(service.emulator, 3)
    email = new_email()
    upstream = Upstream(service.emulator)
    async with service.browser() as customer_tab, service.browser() as guest:
        signup = {"input": {"email": email, "password": PASSWORD}}
        customer_id = (await customer_tab.gql(SIGN_UP, signup)).ok()["signUp"]["customer"]["id"]
        customer_cart = (await customer_tab.gql(ADD, {"sku": first, "q": 1})).ok()["addToCart"][
            "cart"
        ]

        # As a guest: one order placed, then a new cart.
        ordered_cart = (await guest.gql(ADD, {"sku": third, "q": 1})).ok()["addToCart"]["cart"]
        stored = await service.read_session(guest)
        assert stored is not None
        anonymous_token = stored.data["t"]["a"]
        address = {"country": "DE", "firstName": "G", "lastName": "Uest", "city": "Berlin"}
        updated = await upstream.call(
            "POST",
            f"/me/carts/{ordered_cart['id']}",
            anonymous_token,
            {
                "version": service.emulator.carts[ordered_cart["id"]]["version"],
                "actions": [{"action": "setShippingAddress", "address": address}],
            },
        )
        order = await upstream.call(
            "POST",
            "/me/orders",
            anonymous_token,
            {"id": updated["id"], "version": updated["version"]},
        )
        (await guest.gql(ADD, {"sku": first, "q": 3})).ok()
        guest_cart = (await guest.gql(ADD, {"sku": second, "q": 1})).ok()["addToCart"]["cart"]
        assert guest_cart["id"] != ordered_cart["id"]

        signed_in = (await guest.gql(SIGN_IN, {"e": email, "p": PASSWORD})).ok()["signIn"][
            "customer"
        ]
        assert signed_in["id"] == customer_id

        merged = (await guest.gql(CART)).ok()["cart"]
        # commercetools keeps the larger quantity of a line present in both carts.
        assert lines(merged) == {first: 3, second: 1}
        assert merged["id"] == customer_cart["id"]
        assert (await customer_tab.gql(CART)).ok()["cart"]["id"] == merged["id"]
        assert service.emulator.carts[guest_cart["id"]]["cartState"] == "Merged"
        assert service.emulator.orders[order["id"]]["customerId"] == customer_id
    await upstream.aclose()


async def test_sign_in_without_a_customer_cart_keeps_the_guest_cart(
    service: RunningService,
) -> None:
    sku = priced_skus(service.emulator, 1)[0]
    email = new_email()
    async with service.browser() as signup_tab, service.browser() as guest:
        (await signup_tab.gql(SIGN_UP, {"input": {"email": email, "password": PASSWORD}})).ok()
        guest_cart = (await guest.gql(ADD, {"sku": sku, "q": 2})).ok()["addToCart"]["cart"]
        (await guest.gql(SIGN_IN, {"e": email, "p": PASSWORD})).ok()
        cart = (await guest.gql(CART)).ok()["cart"]
        assert cart["id"] == guest_cart["id"] and lines(cart) == {sku: 2}


async def test_wrong_credentials_leave_the_guest_cart_untouched(
    service: RunningService, browser: Browser
) -> None:
    sku = priced_skus(service.emulator, 1)[0]
    cart = (await browser.gql(ADD, {"sku": sku, "q": 2})).ok()["addToCart"]["cart"]
    before = await service.read_session(browser)
    for email, password in [("demo@example.com", "wrong-password"), (new_email(), PASSWORD)]:
        result = await browser.gql(SIGN_IN, {"e": email, "p": password})
        # Which of the two was wrong is not told: no field.
        assert result.refused() == ["INVALID_CREDENTIALS"]
        assert result.user_errors == [
            {
                "field": None,
                "code": "INVALID_CREDENTIALS",
                "message": "The e-mail address or password is wrong.",
            }
        ]
        assert result.data["signIn"]["customer"] is None
    after = await service.read_session(browser)
    assert before is not None and after is not None
    assert after.data == before.data
    assert (await browser.gql(CART)).ok()["cart"] == cart


async def test_sign_out_clears_the_whole_session(service: RunningService, browser: Browser) -> None:
    sku = priced_skus(service.emulator, 1)[0]
    (await browser.gql(ADD, {"sku": sku, "q": 1})).ok()
    (await browser.gql(SIGN_IN, {"e": "demo@example.com", "p": "Demo-Passw0rd!"})).ok()
    assert (await browser.gql(ME)).ok()["me"]["email"] == "demo@example.com"
    signed_out = await browser.gql("mutation { signOut { userErrors { code } } }")
    assert signed_out.ok() == {"signOut": {"userErrors": []}}
    assert browser.cookie() is None
    assert (await browser.gql("{ me { id } cart { id } }")).ok() == {"me": None, "cart": None}


async def test_an_expired_token_is_refreshed_before_the_call(
    service: RunningService, browser: Browser
) -> None:
    sku = priced_skus(service.emulator, 1)[0]
    cart = (await browser.gql(ADD, {"sku": sku, "q": 1})).ok()["addToCart"]["cart"]
    before = await service.read_session(browser)
    service.clock.advance(49 * HOURS)
    service.emulator.clear_request_log()
    assert (await browser.gql(CART)).ok()["cart"]["id"] == cart["id"]
    log = service.emulator.request_log
    assert log[0] == ("POST", "/oauth/token")
    assert all(path != "/oauth/token" for _, path in log[1:])
    after = await service.read_session(browser)
    assert before is not None and after is not None
    assert after.data["t"]["a"] != before.data["t"]["a"]
    assert after.data["t"]["r"] == before.data["t"]["r"]
    assert after.data["t"]["e"] > service.clock()


async def test_parallel_requests_of_one_session_refresh_once(
    service: RunningService, browser: Browser
) -> None:
    sku = priced_skus(service.emulator, 1)[0]
    cart = (await browser.gql(ADD, {"sku": sku, "q": 1})).ok()["addToCart"]["cart"]
    service.clock.advance(49 * HOURS)
    service.emulator.clear_request_log()
    results = await asyncio.gather(*(browser.gql(CART) for _ in range(12)))
    assert all(r.ok()["cart"]["id"] == cart["id"] for r in results)
    refreshes = [entry for entry in service.emulator.request_log if entry[1] == "/oauth/token"]
    assert refreshes == [("POST", "/oauth/token")]


async def test_a_failed_refresh_continues_as_a_guest_without_error(
    service: RunningService, browser: Browser
) -> None:
    sku = priced_skus(service.emulator, 1)[0]
    (await browser.gql(ADD, {"sku": sku, "q": 1})).ok()
    (await browser.gql(SIGN_IN, {"e": "demo@example.com", "p": "Demo-Passw0rd!"})).ok()
    with service.emulator.lock:
        service.emulator.refresh_tokens.clear()  # revoked upstream
    service.clock.advance(49 * HOURS)
    result = await browser.gql("{ me { id } cart { id } }")
    assert result.ok() == {"me": None, "cart": None}
    assert browser.cookie() is None
    # and the browser can shop on as a guest
    assert (await browser.gql(ADD, {"sku": sku, "q": 1})).ok()["addToCart"]["cart"][
        "totalQuantity"
    ] == 1


async def test_a_token_rejected_before_its_expiry_is_refreshed_and_the_call_retried(
    service: RunningService, browser: Browser
) -> None:
    sku = priced_skus(service.emulator, 1)[0]
    cart = (await browser.gql(ADD, {"sku": sku, "q": 1})).ok()["addToCart"]["cart"]
    service.emulator.expire_tokens()
    again = (await browser.gql(ADD, {"sku": sku, "q": 2})).ok()["addToCart"]["cart"]
    assert again["id"] == cart["id"] and lines(again) == {sku: 3}
