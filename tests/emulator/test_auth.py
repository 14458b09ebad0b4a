"""OAuth flows of the auth URL and the bearer check of the API URL."""

from __future__ import annotations

import pytest

from emulator.state import Emulator
from tests.emulator.ctp import DEMO_EMAIL, DEMO_PASSWORD, Ctp, bearer, error_code
from tests.support.clock import FakeClock

pytestmark = pytest.mark.anyio


async def test_client_credentials_grants_requested_scopes_without_refresh_token(ctp: Ctp) -> None:
    body = await ctp.oauth(
        "/oauth/token",
        {"grant_type": "client_credentials", "scope": "view_products:demo manage_orders:demo"},
    )
    assert body["token_type"] == "Bearer"
    assert body["scope"] == "view_products:demo manage_orders:demo"
    assert body["expires_in"] == 172_800
    assert "refresh_token" not in body


async def test_client_credentials_without_scope_gets_the_clients_scope(ctp: Ctp) -> None:
    body = await ctp.oauth("/oauth/token", {"grant_type": "client_credentials"})
    assert body["scope"] == "manage_project:demo"


async def test_wrong_client_secret_is_invalid_client(ctp: Ctp) -> None:
    body = await ctp.oauth(
        "/oauth/token", {"grant_type": "client_credentials"}, expect=401, auth=("demo-client", "x")
    )
    assert body["error"] == "invalid_client"
    assert error_code(body) == "invalid_client"


async def test_scope_of_another_project_is_invalid_scope(ctp: Ctp) -> None:
    body = await ctp.oauth(
        "/oauth/token", {"grant_type": "client_credentials", "scope": "manage_project:other"}, 400
    )
    assert body["error"] == "invalid_scope"


async def test_unknown_grant_type(ctp: Ctp) -> None:
    body = await ctp.oauth("/oauth/token", {"grant_type": "authorization_code"}, expect=400)
    assert body["error"] == "unsupported_grant_type"


async def test_anonymous_token_carries_anonymous_id_and_refresh_token(ctp: Ctp) -> None:
    body = await ctp.anonymous(scope="manage_my_orders:demo create_anonymous_token:demo")
    scopes = body["scope"].split()
    anonymous = [s for s in scopes if s.startswith("anonymous_id:")]
    assert len(anonymous) == 1 and len(anonymous[0]) > len("anonymous_id:")
    assert "manage_my_orders:demo" in scopes
    assert body["refresh_token"].startswith("demo:")


async def test_anonymous_token_uses_given_unused_anonymous_id_once(ctp: Ctp) -> None:
    body = await ctp.anonymous(anonymous_id="guest-42")
    assert "anonymous_id:guest-42" in body["scope"].split()
    again = await ctp.oauth(
        "/oauth/demo/anonymous/token",
        {"grant_type": "client_credentials", "anonymous_id": "guest-42"},
        expect=400,
    )
    assert error_code(again) == "AnonymousIdAlreadyInUse"


async def test_anonymous_token_needs_create_anonymous_token_scope(ctp: Ctp) -> None:
    body = await ctp.oauth(
        "/oauth/demo/anonymous/token",
        {"grant_type": "client_credentials", "scope": "view_products:demo"},
        expect=400,
    )
    assert body["error"] == "invalid_scope"


async def test_password_flow_carries_customer_id(ctp: Ctp, emulator: Emulator) -> None:
    body = await ctp.password(DEMO_EMAIL, DEMO_PASSWORD)
    customer = emulator.customer_by_email(DEMO_EMAIL)
    assert customer is not None
    assert f"customer_id:{customer['id']}" in body["scope"].split()
    assert body["refresh_token"]


async def test_password_flow_matches_email_case_insensitively(ctp: Ctp) -> None:
    await ctp.password("DEMO@example.com", DEMO_PASSWORD)


async def test_password_flow_wrong_password(ctp: Ctp) -> None:
    body = await ctp.oauth(
        "/oauth/demo/customers/token",
        {"grant_type": "password", "username": DEMO_EMAIL, "password": "wrong"},
        expect=400,
    )
    assert body["error"] == "invalid_customer_account_credentials"
    assert error_code(body) == "invalid_customer_account_credentials"
    assert body["statusCode"] == 400


async def test_refresh_keeps_scope_and_refresh_token_stays_valid(ctp: Ctp) -> None:
    first = await ctp.anonymous(anonymous_id="refresh-me")
    for _ in range(2):  # the same refresh token works again and again
        refreshed = await ctp.oauth(
            "/oauth/token",
            {"grant_type": "refresh_token", "refresh_token": first["refresh_token"]},
        )
        assert refreshed["scope"] == first["scope"]
        assert refreshed["access_token"] != first["access_token"]
        assert "refresh_token" not in refreshed
    cart = await ctp.my_cart(refreshed["access_token"])
    assert cart["anonymousId"] == "refresh-me"


async def test_refresh_of_customer_token_keeps_customer_id(ctp: Ctp) -> None:
    first = await ctp.password(DEMO_EMAIL, DEMO_PASSWORD)
    refreshed = await ctp.oauth(
        "/oauth/token", {"grant_type": "refresh_token", "refresh_token": first["refresh_token"]}
    )
    assert refreshed["scope"] == first["scope"]
    me = await ctp.get("/me", refreshed["access_token"])
    assert me["email"] == DEMO_EMAIL


async def test_unknown_refresh_token_is_invalid_grant(ctp: Ctp) -> None:
    body = await ctp.oauth(
        "/oauth/token", {"grant_type": "refresh_token", "refresh_token": "demo:nope"}, expect=400
    )
    assert body["error"] == "invalid_grant"


async def test_refresh_token_expires_after_inactivity(
    ctp: Ctp, emulator: Emulator, clock: FakeClock
) -> None:
    first = await ctp.anonymous()
    clock.advance(emulator.config.refresh_token_ttl_seconds + 1)
    body = await ctp.oauth(
        "/oauth/token",
        {"grant_type": "refresh_token", "refresh_token": first["refresh_token"]},
        expect=400,
    )
    assert body["error"] == "invalid_grant"


async def test_introspect(ctp: Ctp, emulator: Emulator) -> None:
    token = await ctp.client_token("view_products:demo")
    active = await ctp.oauth("/oauth/introspect", {"token": token})
    assert active["active"] is True
    assert active["scope"] == "view_products:demo"
    assert active["exp"] > emulator.now() * 1000
    emulator.expire_tokens()
    assert (await ctp.oauth("/oauth/introspect", {"token": token})) == {"active": False}


async def test_missing_bearer_is_invalid_token(ctp: Ctp) -> None:
    response = await ctp.http.get("/demo/carts")
    assert response.status_code == 401
    assert response.json()["error"] == "invalid_token"
    assert error_code(response.json()) == "invalid_token"


async def test_unknown_bearer_is_invalid_token(ctp: Ctp) -> None:
    body = await ctp.get("/carts", "not-a-token", expect=401)
    assert error_code(body) == "invalid_token"


async def test_expire_tokens_makes_every_token_invalid(ctp: Ctp, emulator: Emulator) -> None:
    token = await ctp.anonymous_token()
    await ctp.my_cart(token)
    emulator.expire_tokens()
    body = await ctp.get("/me/carts", token, expect=401)
    assert error_code(body) == "invalid_token"


async def test_token_expires_after_its_lifetime(ctp: Ctp, clock: FakeClock) -> None:
    token = await ctp.client_token()
    clock.advance(172_800 - 1)
    await ctp.get("/carts", token)
    clock.advance(2)
    body = await ctp.get("/carts", token, expect=401)
    assert body["error"] == "invalid_token"


async def test_token_is_for_its_project_only(ctp: Ctp) -> None:
    token = await ctp.client_token()
    response = await ctp.http.get("/other/carts", headers=bearer(token))
    assert response.status_code == 403
    assert error_code(response.json()) == "insufficient_scope"


async def test_missing_scope_is_insufficient_scope(ctp: Ctp) -> None:
    token = await ctp.client_token("view_products:demo")
    body = await ctp.post("/carts", token, {"currency": "EUR"}, expect=403)
    assert error_code(body) == "insufficient_scope"
    assert "manage_orders:demo" in body["message"]


async def test_view_scope_reads_but_does_not_write(ctp: Ctp) -> None:
    token = await ctp.client_token("view_orders:demo")
    await ctp.get("/carts", token)
    await ctp.post("/carts", token, {"currency": "EUR"}, expect=403)


async def test_me_endpoints_need_a_session_token(ctp: Ctp) -> None:
    token = await ctp.client_token()
    body = await ctp.get("/me/active-cart", token, expect=403)
    assert error_code(body) == "insufficient_scope"
    body = await ctp.get("/me", await ctp.anonymous_token(), expect=403)
    assert error_code(body) == "insufficient_scope"


async def test_manage_my_orders_is_needed_for_my_carts(ctp: Ctp) -> None:
    body = await ctp.anonymous(scope="create_anonymous_token:demo view_products:demo")
    response = await ctp.post("/me/carts", body["access_token"], {"currency": "EUR"}, expect=403)
    assert error_code(response) == "insufficient_scope"
