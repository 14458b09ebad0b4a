"""What the emulator keeps and for how long: expired tokens and carts past
`deleteDaysAfterLastModification` are deleted (a little on every request, with the test's
clock), and the caps drop the oldest first, so a long run stays within its memory budget."""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any

import httpx
import pytest

from emulator.app import create_emulator_app
from emulator.config import EmulatorConfig
from emulator.customers import DEMO_CUSTOMER_ID
from emulator.state import PURGE_BUDGET, Emulator
from tests.emulator.ctp import DEMO_EMAIL, TEST_PASSWORD, TSHIRT_M, Ctp, error_code
from tests.support.clock import FakeClock

pytestmark = pytest.mark.anyio

Json = dict[str, Any]
DAY = 86_400
Make = Callable[..., Awaitable[tuple[Emulator, Ctp]]]


@pytest.fixture
async def make(clock: FakeClock) -> AsyncIterator[Make]:
    """An emulator with the given EmulatorConfig fields, on the test's clock."""
    clients: list[httpx.AsyncClient] = []

    async def build(**settings: Any) -> tuple[Emulator, Ctp]:
        emulator = Emulator(EmulatorConfig(**settings), clock=clock)
        transport = httpx.ASGITransport(app=create_emulator_app(emulator))
        client = httpx.AsyncClient(transport=transport, base_url="http://emulator")
        clients.append(client)
        return emulator, Ctp(client)

    yield build
    for client in clients:
        await client.aclose()


async def any_request(ctp: Ctp) -> None:
    """Purging happens on requests; this one changes nothing."""
    assert (await ctp.http.get("/")).status_code == 200


# -- tokens -------------------------------------------------------------------------------------


async def test_expired_access_tokens_are_gone_from_memory(make: Make, clock: FakeClock) -> None:
    emulator, ctp = await make(access_token_ttl_seconds=60)
    backend = await ctp.client_token()
    guest = await ctp.anonymous()
    shopper = await ctp.password(DEMO_EMAIL, "Demo-Passw0rd!")
    issued = {backend, guest["access_token"], shopper["access_token"]}
    assert issued <= set(emulator.tokens)

    clock.advance(61)
    await any_request(ctp)

    assert not issued & set(emulator.tokens)
    assert len(emulator.tokens) == 0
    # The sessions' refresh tokens live on (200 days since last use) and mint new tokens.
    assert {guest["refresh_token"], shopper["refresh_token"]} <= set(emulator.refresh_tokens)
    await ctp.oauth(
        "/oauth/token", {"grant_type": "refresh_token", "refresh_token": guest["refresh_token"]}
    )


async def test_refresh_tokens_expire_unless_used(make: Make, clock: FakeClock) -> None:
    emulator, ctp = await make()
    kept = await ctp.anonymous()
    unused = await ctp.anonymous()
    clock.advance(150 * DAY)
    await ctp.oauth(
        "/oauth/token", {"grant_type": "refresh_token", "refresh_token": kept["refresh_token"]}
    )
    clock.advance(60 * DAY)  # 210 days after issue, 60 after the last use
    await any_request(ctp)

    assert unused["refresh_token"] not in emulator.refresh_tokens
    assert kept["refresh_token"] in emulator.refresh_tokens
    body = await ctp.oauth(
        "/oauth/token",
        {"grant_type": "refresh_token", "refresh_token": unused["refresh_token"]},
        expect=400,
    )
    assert body["error"] == "invalid_grant"


async def test_purging_is_a_bounded_amount_per_request(make: Make, clock: FakeClock) -> None:
    emulator, ctp = await make(access_token_ttl_seconds=60)
    for _ in range(3 * PURGE_BUDGET):
        await ctp.client_token()
    clock.advance(61)

    await any_request(ctp)
    assert len(emulator.tokens) == 2 * PURGE_BUDGET
    await any_request(ctp)
    await any_request(ctp)
    assert len(emulator.tokens) == 0


async def test_the_refresh_token_cap_drops_the_least_recently_used(
    make: Make, clock: FakeClock
) -> None:
    emulator, ctp = await make(max_refresh_tokens=2)
    first = await ctp.anonymous()
    second = await ctp.anonymous()
    clock.advance(10)
    await ctp.oauth(
        "/oauth/token", {"grant_type": "refresh_token", "refresh_token": first["refresh_token"]}
    )
    third = await ctp.anonymous()

    assert set(emulator.refresh_tokens) == {first["refresh_token"], third["refresh_token"]}
    assert emulator.stats()["refreshTokens"]["evicted"] == 1
    await ctp.oauth(
        "/oauth/token",
        {"grant_type": "refresh_token", "refresh_token": second["refresh_token"]},
        expect=400,
    )


# -- carts --------------------------------------------------------------------------------------


async def test_carts_are_deleted_after_their_delete_days(make: Make, clock: FakeClock) -> None:
    emulator, ctp = await make()
    guest = await ctp.anonymous_token()
    short = await ctp.my_cart(guest, [(TSHIRT_M, 1)], deleteDaysAfterLastModification=1)
    default = await ctp.my_cart(guest, [(TSHIRT_M, 1)])
    touched = await ctp.my_cart(guest, [(TSHIRT_M, 1)], deleteDaysAfterLastModification=1)
    assert default["deleteDaysAfterLastModification"] == 90

    clock.advance(DAY / 2)
    await ctp.update_my_cart(guest, touched, {"action": "setLocale", "locale": "de"})
    clock.advance(DAY / 2 + 1)
    await any_request(ctp)

    assert short["id"] not in emulator.carts
    await ctp.get(f"/me/carts/{short['id']}", guest, expect=404)
    # A change starts the count again.
    await ctp.get(f"/me/carts/{touched['id']}", guest)
    clock.advance(88 * DAY)
    await any_request(ctp)
    assert set(emulator.carts) == {default["id"]}
    clock.advance(DAY)
    await any_request(ctp)
    assert len(emulator.carts) == 0


async def test_the_project_setting_gives_the_default_delete_days(
    make: Make, clock: FakeClock
) -> None:
    emulator, ctp = await make(cart_delete_days=3)
    guest = await ctp.anonymous_token()
    cart = await ctp.my_cart(guest, [(TSHIRT_M, 1)], deleteDaysAfterLastModification=10)
    assert cart["deleteDaysAfterLastModification"] == 10
    # Setting no value falls back to the project's CartsConfiguration.
    cart = await ctp.update_my_cart(guest, cart, {"action": "setDeleteDaysAfterLastModification"})
    assert cart["deleteDaysAfterLastModification"] == 3

    clock.advance(3 * DAY + 1)
    await any_request(ctp)
    assert cart["id"] not in emulator.carts


async def test_the_cart_cap_drops_the_cart_closest_to_deletion(
    make: Make, clock: FakeClock
) -> None:
    emulator, ctp = await make(max_carts=3)
    guest = await ctp.anonymous_token()
    oldest = await ctp.my_cart(guest, [(TSHIRT_M, 1)])
    clock.advance(60)
    soon = await ctp.my_cart(guest, [(TSHIRT_M, 1)], deleteDaysAfterLastModification=1)
    clock.advance(60)
    await ctp.my_cart(guest, [(TSHIRT_M, 1)])
    await ctp.update_my_cart(guest, oldest, {"action": "setLocale", "locale": "de"})
    clock.advance(60)
    newest = await ctp.my_cart(guest, [(TSHIRT_M, 1)])

    assert len(emulator.carts) == 3
    assert soon["id"] not in emulator.carts
    assert {oldest["id"], newest["id"]} <= set(emulator.carts)
    # Now the least recently modified 90-day cart is the closest to deletion.
    await ctp.my_cart(guest, [(TSHIRT_M, 1)])
    assert oldest["id"] in emulator.carts and len(emulator.carts) == 3


# -- customers, orders and customer tokens -------------------------------------------------------


async def test_caps_on_customers_and_orders_drop_the_oldest_but_never_the_demo_customer(
    make: Make, clock: FakeClock
) -> None:
    emulator, ctp = await make(max_customers=2, max_orders=1)
    first, _ = await ctp.new_customer("first@example.com")
    clock.advance(1)
    second, token = await ctp.new_customer("second@example.com")

    assert DEMO_CUSTOMER_ID in emulator.customers
    assert first["id"] not in emulator.customers and second["id"] in emulator.customers
    assert emulator.customer_by_email("first@example.com") is None
    assert first["id"] not in emulator.password_hashes

    orders = []
    for _ in range(2):
        cart = await ctp.my_cart(token, [(TSHIRT_M, 1)], shippingAddress={"country": "DE"})
        body = {"id": cart["id"], "version": cart["version"]}
        orders.append(await ctp.post("/me/orders", token, body, expect=201))
    assert set(emulator.orders) == {orders[1]["id"]}


async def test_expired_password_tokens_answer_expired_then_are_deleted(
    make: Make, clock: FakeClock
) -> None:
    emulator, ctp = await make(expired_customer_token_seconds=3600)
    backend = await ctp.client_token()
    token = await ctp.post(
        "/customers/password-token", backend, {"email": DEMO_EMAIL, "ttlMinutes": 10}
    )
    reset = {"tokenValue": token["value"], "newPassword": "Too-Late-1"}
    clock.advance(11 * 60)
    body = await ctp.post("/customers/password/reset", backend, reset, expect=400)
    assert error_code(body) == "ExpiredCustomerPasswordToken"

    clock.advance(3600)
    await any_request(ctp)
    assert token["value"] not in emulator.password_reset_tokens
    body = await ctp.post("/customers/password/reset", backend, reset, expect=404)
    assert error_code(body) == "ResourceNotFound"


async def test_invalidate_older_tokens_deletes_them(make: Make) -> None:
    emulator, ctp = await make()
    backend = await ctp.client_token()
    older = await ctp.post("/customers/password-token", backend, {"email": DEMO_EMAIL})
    newer = await ctp.post(
        "/customers/password-token",
        backend,
        {"email": DEMO_EMAIL, "invalidateOlderTokens": True},
    )
    assert newer["invalidateOlderTokens"] is True
    assert set(emulator.password_reset_tokens) == {newer["value"]}
    await ctp.post(
        "/customers/password/reset",
        backend,
        {"tokenValue": older["value"], "newPassword": "Pw-Older-1"},
        expect=404,
    )


async def test_email_verification_tokens(make: Make, clock: FakeClock) -> None:
    emulator, ctp = await make()
    backend = await ctp.client_token()
    customer, _ = await ctp.new_customer("verify@example.com", TEST_PASSWORD)
    assert customer["isEmailVerified"] is False
    body = await ctp.post("/customers/email-token", backend, {"id": customer["id"]}, expect=400)
    assert error_code(body) == "InvalidJsonInput"  # ttlMinutes is required

    token = await ctp.post(
        "/customers/email-token", backend, {"id": customer["id"], "ttlMinutes": 30}
    )
    assert token["customerId"] == customer["id"] and token["expiresAt"] > token["createdAt"]
    verified = await ctp.post("/customers/email/confirm", backend, {"tokenValue": token["value"]})
    assert verified["isEmailVerified"] is True
    assert verified["version"] == customer["version"] + 1
    again = await ctp.post(
        "/customers/email/confirm", backend, {"tokenValue": token["value"]}, expect=404
    )
    assert error_code(again) == "ResourceNotFound"

    late = await ctp.post(
        "/customers/email-token", backend, {"id": customer["id"], "ttlMinutes": 1}
    )
    clock.advance(61)
    body = await ctp.post(
        "/customers/email/confirm", backend, {"tokenValue": late["value"]}, expect=400
    )
    assert error_code(body) == "ExpiredCustomerEmailToken"
    clock.advance(DAY)
    await any_request(ctp)
    assert len(emulator.email_tokens) == 0
