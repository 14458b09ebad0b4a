"""Stolen sessions, over HTTP: a password change ends the customer's other sessions at once, and
a signed-out cookie is worth nothing afterwards; with cookie sessions (alone, or with Redis for
what instances share) and with Redis sessions."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any

import pytest

from tests.conftest import RunningService
from tests.support.browser import Browser

pytestmark = pytest.mark.anyio

PASSWORD, NEW_PASSWORD = "Correct-Horse-9", "Battery-Staple-7"
SIGN_UP = """mutation($i: SignUpInput!) {
  signUp(input: $i) { customer { id } userErrors { field code message } } }"""
SIGN_IN = """mutation($e: String!, $p: String!) {
  signIn(email: $e, password: $p) { customer { id } userErrors { field code message } } }"""
CHANGE_PASSWORD = """mutation($c: String!, $n: String!) {
  changePassword(currentPassword: $c, newPassword: $n) {
    customer { id } userErrors { field code message } } }"""
ME = "{ me { email } }"


@pytest.fixture(params=["cookie", "cookie+redis", "redis"])
def any_store(
    request: pytest.FixtureRequest, start_service: Callable[..., RunningService]
) -> RunningService:
    overrides: dict[str, Any] = {"credential_failure_min_seconds": 0}
    if request.param != "cookie":
        overrides["redis_url"] = request.getfixturevalue("redis_url")
    if request.param == "redis":
        overrides["session_store"] = "redis"
    return start_service(**overrides)


async def me(browser: Browser) -> Any:
    return (await browser.gql(ME)).ok()["me"]


def copy_cookie(source: Browser, target: Browser) -> None:
    stolen = source.cookie()
    assert stolen is not None
    target.http.cookies.set("ctp_session", stolen, domain="127.0.0.1")


async def test_a_password_change_ends_the_other_devices_sessions(any_store: RunningService) -> None:
    email = f"owner-{uuid.uuid4().hex[:8]}@example.com"
    async with any_store.browser() as laptop, any_store.browser() as phone:
        (await laptop.gql(SIGN_UP, {"i": {"email": email, "password": PASSWORD}})).ok()
        (await phone.gql(SIGN_IN, {"e": email, "p": PASSWORD})).ok()
        assert await me(phone) == {"email": email}
        any_store.clock.advance(1)  # the change comes after the phone signed in

        (await laptop.gql(CHANGE_PASSWORD, {"c": PASSWORD, "n": NEW_PASSWORD})).ok()
        assert await me(laptop) == {"email": email}
        assert await me(phone) is None
        # Signing in afresh, with the new password, works as ever.
        (await phone.gql(SIGN_IN, {"e": email, "p": NEW_PASSWORD})).ok()
        assert await me(phone) == {"email": email}


async def test_a_signed_out_cookie_is_worth_nothing(any_store: RunningService) -> None:
    async with any_store.browser() as browser, any_store.browser() as thief:
        (await browser.gql(SIGN_IN, {"e": "demo@example.com", "p": "Demo-Passw0rd!"})).ok()
        copy_cookie(browser, thief)
        assert await me(thief) == {"email": "demo@example.com"}

        (await browser.gql("mutation { signOut { userErrors { field code message } } }")).ok()
        assert await me(thief) is None
        # The customer's other sessions are not touched by signing out of one.
        async with any_store.browser() as other:
            (await other.gql(SIGN_IN, {"e": "demo@example.com", "p": "Demo-Passw0rd!"})).ok()
            (await browser.gql(SIGN_IN, {"e": "demo@example.com", "p": "Demo-Passw0rd!"})).ok()
            (await browser.gql("mutation { signOut { userErrors { field code message } } }")).ok()
            assert await me(other) == {"email": "demo@example.com"}
