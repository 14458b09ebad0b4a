"""`/me` endpoints see only the token's own session: two anonymous sessions, two customers."""

from __future__ import annotations

import pytest

from tests.emulator.ctp import DEMO_EMAIL, TSHIRT_L, TSHIRT_M, Ctp, error_code

pytestmark = pytest.mark.anyio
BERLIN = {"country": "DE", "city": "Berlin"}


async def _ordered(ctp: Ctp, token: str) -> tuple[dict[str, object], dict[str, object]]:
    cart = await ctp.my_cart(token, [(TSHIRT_M, 1)], shippingAddress=BERLIN)
    order = await ctp.post(
        "/me/orders", token, {"id": cart["id"], "version": cart["version"]}, expect=201
    )
    return cart, order


async def _assert_isolated(ctp: Ctp, owner: str, stranger: str) -> None:
    cart, order = await _ordered(ctp, owner)
    active = await ctp.my_cart(owner, [(TSHIRT_L, 2)])
    # The owner sees everything...
    assert (await ctp.get(f"/me/carts/{cart['id']}", owner))["id"] == cart["id"]
    assert (await ctp.get(f"/me/orders/{order['id']}", owner))["id"] == order["id"]
    assert (await ctp.get("/me/active-cart", owner))["id"] == active["id"]
    assert (await ctp.get("/me/carts", owner))["total"] == 2
    assert (await ctp.get("/me/orders", owner))["total"] == 1
    # ... the stranger nothing, as if it did not exist.
    for path in (
        f"/me/carts/{cart['id']}",
        f"/me/carts/{active['id']}",
        f"/me/orders/{order['id']}",
    ):
        body = await ctp.get(path, stranger, expect=404)
        assert error_code(body) == "ResourceNotFound"
    await ctp.get("/me/active-cart", stranger, expect=404)
    assert (await ctp.get("/me/carts", stranger))["results"] == []
    assert (await ctp.get("/me/orders", stranger))["results"] == []
    await ctp.update_my_cart(
        stranger, active, {"action": "addLineItem", "sku": TSHIRT_M}, expect=404
    )
    await ctp.call(
        "DELETE", f"/me/carts/{active['id']}", stranger, params={"version": 1}, expect=404
    )
    await ctp.post(
        "/me/orders", stranger, {"id": active["id"], "version": active["version"]}, expect=404
    )
    await ctp.get("/shipping-methods/matching-cart", stranger, expect=404, cartId=active["id"])
    # Nothing the stranger tried changed the owner's cart.
    assert (await ctp.get(f"/me/carts/{active['id']}", owner)) == active


async def test_two_anonymous_sessions_are_isolated(ctp: Ctp) -> None:
    await _assert_isolated(ctp, await ctp.anonymous_token(), await ctp.anonymous_token())


async def test_two_customers_are_isolated(ctp: Ctp) -> None:
    _, alice = await ctp.new_customer("alice@example.com")
    _, bob = await ctp.new_customer("bob@example.com")
    await _assert_isolated(ctp, alice, bob)


async def test_customer_and_anonymous_session_are_isolated(ctp: Ctp) -> None:
    _, alice = await ctp.new_customer("alice@example.com")
    await _assert_isolated(ctp, alice, await ctp.anonymous_token())
    _, bob = await ctp.new_customer("bob@example.com")
    await _assert_isolated(ctp, await ctp.anonymous_token(), bob)


async def test_my_cart_gets_the_tokens_owner(ctp: Ctp) -> None:
    customer, token = await ctp.new_customer("carol@example.com")
    cart = await ctp.my_cart(token)
    assert cart["customerId"] == customer["id"]
    assert "anonymousId" not in cart
    # MyCartDraft has no customerId/anonymousId: a value in the body is not taken over.
    other = await ctp.post(
        "/me/carts", token, {"currency": "EUR", "customerId": "someone-else"}, expect=201
    )
    assert other["customerId"] == customer["id"]


async def test_my_profile(ctp: Ctp) -> None:
    token = await ctp.customer_token()
    me = await ctp.get("/me", token)
    assert me["email"] == DEMO_EMAIL
    assert me["firstName"] == "Jane" and me["lastName"] == "Doe"
    updated = await ctp.post(
        "/me",
        token,
        {
            "version": me["version"],
            "actions": [
                {"action": "setFirstName", "firstName": "Janet"},
                {
                    "action": "addAddress",
                    "address": {"country": "AT", "city": "Wien", "key": "work"},
                },
            ],
        },
    )
    assert updated["firstName"] == "Janet"
    assert updated["version"] == me["version"] + 1
    work = next(a for a in updated["addresses"] if a.get("key") == "work")
    assert len(work["id"]) == 8
    stale = await ctp.post("/me", token, {"version": me["version"], "actions": []}, expect=409)
    assert stale["errors"][0]["currentVersion"] == updated["version"]
    # Backend-only actions are not MyCustomerUpdateActions.
    body = await ctp.post(
        "/me",
        token,
        {"version": updated["version"], "actions": [{"action": "setKey", "key": "k"}]},
        400,
    )
    assert error_code(body) == "InvalidJsonInput"
