"""Customers: sign-up, the stored password, queries, address actions, password change/reset."""

from __future__ import annotations

import pytest

from emulator.state import Emulator
from tests.emulator.ctp import DEMO_EMAIL, DEMO_PASSWORD, Ctp, error_code
from tests.support.clock import FakeClock

pytestmark = pytest.mark.anyio


async def test_create_customer_returns_sign_in_result(ctp: Ctp, emulator: Emulator) -> None:
    backend = await ctp.client_token()
    result = await ctp.post(
        "/customers",
        backend,
        {
            "email": "ann@example.com",
            "password": "Very-Secret-1",
            "firstName": "Ann",
            "lastName": "Lee",
            "addresses": [{"country": "DE", "city": "Köln"}, {"country": "AT", "city": "Graz"}],
            "defaultShippingAddress": 0,
            "billingAddresses": [1],
        },
        expect=201,
    )
    assert "cart" not in result
    customer = result["customer"]
    assert customer["version"] == 1
    assert customer["email"] == "ann@example.com"
    assert customer["authenticationMode"] == "Password"
    assert customer["isEmailVerified"] is False
    first, second = customer["addresses"]
    assert customer["defaultShippingAddressId"] == first["id"]
    assert customer["shippingAddressIds"] == [first["id"]]
    assert customer["billingAddressIds"] == [second["id"]]
    assert "defaultBillingAddressId" not in customer
    # The password is never stored or shown in the clear.
    assert customer["password"].startswith("****")
    assert "Very-Secret-1" not in str(customer)
    assert "Very-Secret-1" not in str(emulator.password_hashes)
    assert (await ctp.get(f"/customers/{customer['id']}", backend)) == customer


async def test_duplicate_email(ctp: Ctp) -> None:
    body = await ctp.post(
        "/customers", await ctp.client_token(), {"email": "DEMO@example.com", "password": "x"}, 400
    )
    error = body["errors"][0]
    assert error["code"] == "DuplicateField"
    assert error["field"] == "email"
    assert error["duplicateValue"] == "DEMO@example.com"


async def test_query_customers_by_email(ctp: Ctp) -> None:
    backend = await ctp.client_token()
    await ctp.new_customer("zed@example.com")
    page = await ctp.get("/customers", backend, where='email = "zed@example.com"')
    assert page["count"] == page["total"] == 1
    assert page["results"][0]["email"] == "zed@example.com"
    # The two demo accounts (demo@, vip@) and zed@, by e-mail.
    everyone = await ctp.get("/customers", backend, limit=1, offset=2, sort="email asc")
    assert everyone["limit"] == 1 and everyone["offset"] == 2 and everyone["total"] == 3
    assert everyone["results"][0]["email"] == "zed@example.com"


async def test_unknown_customer(ctp: Ctp) -> None:
    body = await ctp.get("/customers/nope", await ctp.client_token(), expect=404)
    assert error_code(body) == "ResourceNotFound"


async def test_address_actions(ctp: Ctp) -> None:
    backend = await ctp.client_token()
    customer, _ = await ctp.new_customer("addr@example.com")
    path = f"/customers/{customer['id']}"

    customer = await ctp.update(
        path,
        backend,
        customer,
        {"action": "addAddress", "address": {"key": "home", "country": "DE", "city": "Bonn"}},
        {"action": "addAddress", "address": {"key": "work", "country": "DE", "city": "Essen"}},
        {"action": "setDefaultShippingAddress", "addressKey": "home"},
        {"action": "setDefaultBillingAddress", "addressKey": "work"},
        {"action": "setFirstName", "firstName": "Ada"},
        {"action": "setLastName", "lastName": "Byron"},
    )
    home, work = customer["addresses"]
    assert customer["defaultShippingAddressId"] == home["id"]
    assert customer["shippingAddressIds"] == [home["id"]]
    assert customer["defaultBillingAddressId"] == work["id"]
    assert (customer["firstName"], customer["lastName"]) == ("Ada", "Byron")
    customer = await ctp.update(
        path,
        backend,
        customer,
        {
            "action": "changeAddress",
            "addressId": home["id"],
            "address": {"country": "AT", "city": "Linz"},
        },
        {"action": "removeAddress", "addressId": work["id"]},
        {"action": "changeEmail", "email": "ada@example.com"},
        {"action": "setLastName"},
    )
    (changed,) = customer["addresses"]
    assert changed == {"id": home["id"], "country": "AT", "city": "Linz"}
    assert "defaultBillingAddressId" not in customer
    assert customer["billingAddressIds"] == []
    assert customer["email"] == "ada@example.com"
    assert "lastName" not in customer
    body = await ctp.update(
        path, backend, customer, {"action": "removeAddress", "addressId": "nope"}, expect=400
    )
    assert error_code(body) == "InvalidInput"
    body = await ctp.update(
        path, backend, customer, {"action": "changeEmail", "email": DEMO_EMAIL}, expect=400
    )
    assert error_code(body) == "DuplicateField"


async def test_change_my_password(ctp: Ctp) -> None:
    token = await ctp.customer_token()
    me = await ctp.get("/me", token)
    body = await ctp.post(
        "/me/password",
        token,
        {"version": me["version"], "currentPassword": "wrong", "newPassword": "New-Pw-1"},
        expect=400,
    )
    assert error_code(body) == "InvalidCurrentPassword"
    updated = await ctp.post(
        "/me/password",
        token,
        {"version": me["version"], "currentPassword": DEMO_PASSWORD, "newPassword": "New-Pw-1"},
    )
    assert updated["version"] == me["version"] + 1
    await ctp.password(DEMO_EMAIL, "New-Pw-1")
    await ctp.oauth(
        "/oauth/demo/customers/token",
        {"grant_type": "password", "username": DEMO_EMAIL, "password": DEMO_PASSWORD},
        expect=400,
    )


async def test_password_reset(ctp: Ctp, emulator: Emulator) -> None:
    backend = await ctp.client_token()
    old_session = await ctp.password(DEMO_EMAIL, DEMO_PASSWORD)
    body = await ctp.post(
        "/customers/password-token", backend, {"email": "nobody@example.com"}, expect=404
    )
    assert error_code(body) == "ResourceNotFound"
    token = await ctp.post("/customers/password-token", backend, {"email": DEMO_EMAIL})
    customer = emulator.customer_by_email(DEMO_EMAIL)
    assert customer is not None
    assert token["customerId"] == customer["id"]
    assert token["value"] and token["expiresAt"] > token["createdAt"]
    reset = await ctp.post(
        "/customers/password/reset",
        backend,
        {"tokenValue": token["value"], "newPassword": "Reset-Pw-1"},
    )
    assert reset["version"] == customer["version"] + 1
    await ctp.password(DEMO_EMAIL, "Reset-Pw-1")
    # The token is used up, and the customer's earlier sessions are gone.
    again = await ctp.post(
        "/customers/password/reset",
        backend,
        {"tokenValue": token["value"], "newPassword": "x"},
        expect=404,
    )
    assert error_code(again) == "ResourceNotFound"
    await ctp.get("/me", old_session["access_token"], expect=401)
    await ctp.oauth(
        "/oauth/token",
        {"grant_type": "refresh_token", "refresh_token": old_session["refresh_token"]},
        expect=400,
    )


async def test_expired_password_token(ctp: Ctp, clock: FakeClock) -> None:
    backend = await ctp.client_token()
    token = await ctp.post(
        "/customers/password-token", backend, {"email": DEMO_EMAIL, "ttlMinutes": 10}
    )
    clock.advance(11 * 60)
    body = await ctp.post(
        "/customers/password/reset",
        backend,
        {"tokenValue": token["value"], "newPassword": "Too-Late-1"},
        expect=400,
    )
    assert error_code(body) == "ExpiredCustomerPasswordToken"


async def test_demo_customer_is_seeded(emulator: Emulator) -> None:
    customer = emulator.customer_by_email(DEMO_EMAIL)
    assert customer is not None
    assert customer["firstName"] == "Jane" and customer["lastName"] == "Doe"
    assert customer["addresses"][0]["country"] == "DE"
    assert customer["defaultShippingAddressId"] == customer["addresses"][0]["id"]
