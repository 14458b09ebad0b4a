"""The session cookie: encrypted, well flagged, renewed on privilege change, and harmless when
tampered with."""

from __future__ import annotations

import base64
import binascii

import pytest

from app.session.cookie_store import EncryptedCookieStore
from app.session.store import StoredSession
from tests.conftest import RunningService
from tests.support.browser import Browser
from tests.support.catalog import priced_skus

pytestmark = pytest.mark.anyio

ADD = """mutation($sku: String!) { addToCart(sku: $sku, quantity: 2) {
  cart { id totalQuantity } userErrors { code } } }"""
CART = "{ cart { id totalQuantity } }"
DEMO_EMAIL = "demo@example.com"
DEMO_PASSWORD = "Demo-Passw0rd!"
SIGN_IN = """mutation($e: String!, $p: String!) { signIn(email: $e, password: $p) {
  customer { id email } userErrors { code } } }"""


def readable_forms(cookie: str) -> list[bytes]:
    """The cookie as sent and every way someone without the key might decode it."""
    forms = [cookie.encode()]
    padded = cookie + "=" * (-len(cookie) % 4)
    for decode in (base64.urlsafe_b64decode, base64.b64decode):
        try:
            forms.append(decode(padded))
        except (binascii.Error, ValueError):
            continue
    return forms


async def test_browsing_sets_no_cookie_and_calls_no_token_endpoint(
    service: RunningService, browser: Browser
) -> None:
    service.emulator.clear_request_log()
    result = await browser.gql("{ cart { id } me { id } }")
    assert result.ok() == {"cart": None, "me": None}
    assert "set-cookie" not in result.response.headers
    assert service.emulator.request_log == []


async def test_the_cookie_reveals_nothing_without_the_key(
    service: RunningService, browser: Browser
) -> None:
    sku = priced_skus(service.emulator, 1)[0]
    cart_id = (await browser.gql(ADD, {"sku": sku})).ok()["addToCart"]["cart"]["id"]
    signed_in = (await browser.gql(SIGN_IN, {"e": DEMO_EMAIL, "p": DEMO_PASSWORD})).ok()
    stored = await service.read_session(browser)
    assert stored is not None
    secrets = [
        stored.data["t"]["a"],
        stored.data["t"]["r"],
        signed_in["signIn"]["customer"]["id"],
        DEMO_EMAIL,
        stored.data["ca"],
        cart_id,
        sku,
    ]
    cookie = browser.cookie()
    assert cookie is not None
    for form in readable_forms(cookie):
        for secret in secrets:
            assert secret.encode() not in form


async def test_cookie_flags_outside_production(service: RunningService, browser: Browser) -> None:
    sku = priced_skus(service.emulator, 1)[0]
    result = await browser.gql(ADD, {"sku": sku})
    header = result.response.headers["set-cookie"]
    attributes = {part.strip().split("=")[0].lower() for part in header.split(";")}
    assert {"httponly", "path", "samesite", "max-age"} <= attributes
    assert "SameSite=Lax" in header
    assert "secure" not in attributes


async def test_a_new_session_id_on_sign_in_and_after_clear(
    service: RunningService, browser: Browser
) -> None:
    sku = priced_skus(service.emulator, 1)[0]
    (await browser.gql(ADD, {"sku": sku})).ok()
    guest = await service.read_session(browser)
    (await browser.gql(SIGN_IN, {"e": DEMO_EMAIL, "p": DEMO_PASSWORD})).ok()
    customer = await service.read_session(browser)
    assert guest is not None and customer is not None
    assert customer.session_id != guest.session_id

    signed_out = await browser.gql("mutation { signOut { userErrors { code } } }")
    assert signed_out.ok() == {"signOut": {"userErrors": []}}
    assert "Max-Age=0" in signed_out.response.headers["set-cookie"]
    assert browser.cookie() is None
    (await browser.gql(ADD, {"sku": sku})).ok()
    fresh = await service.read_session(browser)
    assert fresh is not None
    assert fresh.session_id not in {guest.session_id, customer.session_id}
    assert "c" not in fresh.data


async def test_unchanged_sessions_are_not_rewritten(
    service: RunningService, browser: Browser
) -> None:
    sku = priced_skus(service.emulator, 1)[0]
    (await browser.gql(ADD, {"sku": sku})).ok()
    result = await browser.gql(CART)
    assert result.ok()["cart"]["totalQuantity"] == 2
    assert "set-cookie" not in result.response.headers


async def forged_cookies(service: RunningService, browser: Browser) -> dict[str, str]:
    sku = priced_skus(service.emulator, 1)[0]
    (await browser.gql(ADD, {"sku": sku})).ok()
    valid = browser.cookie()
    assert valid is not None
    middle = len(valid) // 2
    flipped = valid[:middle] + ("A" if valid[middle] != "A" else "B") + valid[middle + 1 :]
    stored = await service.read_session(browser)
    assert stored is not None
    other_server = EncryptedCookieStore(["another-deployment-key-that-is-long-enough"])
    foreign = await other_server.save(
        StoredSession("x", stored.created_at, stored.last_seen_at, stored.data), replaces=None
    )
    return {
        "tampered": flipped,
        "truncated": valid[: len(valid) - 7],
        "foreign key": foreign,
        "not base64": "%%%not-a-cookie%%%",
        "empty quotes": '""',
        "huge": "A" * 8000,
        "json": '{"t":{"a":"stolen"}}',
    }


async def test_tampered_or_foreign_cookies_start_a_fresh_session(
    service: RunningService, browser: Browser
) -> None:
    cookies = await forged_cookies(service, browser)
    victim_cart = (await browser.gql(CART)).ok()
    assert victim_cart["cart"] is not None
    for label, value in cookies.items():
        async with service.browser(headers={"cookie": f"ctp_session={value}"}) as attacker:
            result = await attacker.gql(CART)
            assert result.status_code == 200, label
            assert result.ok() == {"cart": None}, label
            assert "Max-Age=0" in result.response.headers.get("set-cookie", ""), label
    # The owner's session is untouched by all of that.
    assert (await browser.gql(CART)).data == victim_cart


async def test_sessions_expire_when_idle(service: RunningService, browser: Browser) -> None:
    sku = priced_skus(service.emulator, 1)[0]
    (await browser.gql(ADD, {"sku": sku})).ok()
    service.clock.advance(service.settings.session.idle_timeout_seconds + 1)
    result = await browser.gql(CART)
    assert result.ok() == {"cart": None}


async def test_a_full_session_fits_in_one_cookie(service: RunningService, browser: Browser) -> None:
    sku = priced_skus(service.emulator, 1)[0]
    (await browser.gql(ADD, {"sku": sku})).ok()
    (await browser.gql(SIGN_IN, {"e": DEMO_EMAIL, "p": DEMO_PASSWORD})).ok()
    (await browser.gql(ADD, {"sku": sku})).ok()
    wish = "mutation($s: String!) { addToWishlist(sku: $s) { wishlist { id } } }"
    (await browser.gql(wish, {"s": sku})).ok()
    stored = await service.read_session(browser)
    assert stored is not None and {"t", "c", "ca", "cv", "w"} <= set(stored.data)
    cookie = browser.cookie()
    assert cookie is not None
    # Browsers drop cookies over 4096 bytes (name, value and attributes together).
    assert len(cookie) + 200 < 4096, len(cookie)
