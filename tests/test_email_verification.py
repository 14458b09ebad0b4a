"""E-mail verification with commercetools' e-mail tokens, over HTTP: the link comes by mail
(asked for, or in the welcome mail), confirming it sets `isEmailVerified`, and bad or used
tokens are user errors on the token field."""

from __future__ import annotations

import copy
import email.message
import uuid
from collections.abc import Callable
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest

from tests.conftest import RunningService
from tests.support.browser import Browser
from tests.support.outbox import read_outbox, wait_for_mail_to
from tests.support.queries import SIGN_OUT, SIGN_UP, USER_ERRORS
from tests.support.webhooks import SECRET, bearer, message

pytestmark = pytest.mark.anyio

SHOP = "https://shop.example.com"
PASSWORD = "Correct-Horse-9"
REQUEST = f"mutation {{ requestEmailVerification {{ {USER_ERRORS} }} }}"
VERIFY = f"""mutation($t: String!) {{
  verifyEmail(token: $t) {{ customer {{ id email isEmailVerified }} {USER_ERRORS} }} }}"""
ME = "{ me { email isEmailVerified } }"


@pytest.fixture
def outbox(tmp_path: Path) -> Path:
    return tmp_path / "outbox"


@pytest.fixture
def service(start_service: Callable[..., RunningService], outbox: Path) -> RunningService:
    return start_service(mail_outbox_dir=outbox, storefront_url=SHOP, webhook_secret=SECRET)


async def signed_up(browser: Browser) -> str:
    address = f"new-{uuid.uuid4().hex[:8]}@example.com"
    form = {"input": {"email": address, "password": PASSWORD, "firstName": "Ada"}}
    (await browser.gql(SIGN_UP, form)).ok()
    return address


def verification_token(mail: email.message.EmailMessage) -> str:
    """The token of the mail's verification link (a welcome mail has other links too)."""
    [link] = [
        word for word in str(mail.get_content()).split() if word.startswith(f"{SHOP}/verify-email?")
    ]
    [token] = parse_qs(urlsplit(link).query)["token"]
    return token


async def test_a_customer_verifies_the_address_through_the_mailed_link(
    service: RunningService, browser: Browser, outbox: Path
) -> None:
    address = await signed_up(browser)
    assert (await browser.gql(ME)).ok() == {"me": {"email": address, "isEmailVerified": False}}
    assert (await browser.gql(REQUEST)).ok() == {"requestEmailVerification": {"userErrors": []}}
    mail = await wait_for_mail_to(outbox, address, "Confirm your e-mail address")
    token = verification_token(mail)

    verified = (await browser.gql(VERIFY, {"t": token})).ok()["verifyEmail"]["customer"]
    assert verified["email"] == address and verified["isEmailVerified"] is True
    assert (await browser.gql(ME)).ok() == {"me": {"email": address, "isEmailVerified": True}}

    used = await browser.gql(VERIFY, {"t": token})
    assert used.refused() == ["TOKEN_INVALID"]
    assert used.user_error_fields == [["token"]]


async def test_the_link_works_in_another_browser_without_telling_it_whose_it_is(
    service: RunningService, browser: Browser, outbox: Path
) -> None:
    address = await signed_up(browser)
    (await browser.gql(REQUEST)).ok()
    token = verification_token(
        await wait_for_mail_to(outbox, address, "Confirm your e-mail address")
    )
    async with service.browser() as phone:
        answer = (await phone.gql(VERIFY, {"t": token})).ok()
    assert answer == {"verifyEmail": {"customer": None, "userErrors": []}}
    assert (await browser.gql(ME)).ok()["me"]["isEmailVerified"] is True


async def test_asking_again_within_the_interval_sends_no_second_mail(
    service: RunningService, browser: Browser, outbox: Path
) -> None:
    address = await signed_up(browser)
    for _ in range(3):
        (await browser.gql(REQUEST)).ok()
    await wait_for_mail_to(outbox, address, "Confirm your e-mail address")
    service.clock.advance(1)
    mails = [m for m in read_outbox(outbox) if m["Subject"] == "Confirm your e-mail address"]
    assert len(mails) == 1


@pytest.mark.parametrize("token", ["nope", " ", "x" * 600])
async def test_a_token_commercetools_never_issued_is_a_user_error(
    service: RunningService, browser: Browser, token: str
) -> None:
    result = await browser.gql(VERIFY, {"t": token})
    assert result.refused() == ["TOKEN_INVALID"]
    assert result.user_error_fields == [["token"]]


async def test_a_guest_cannot_ask_for_a_verification_mail(
    service: RunningService, browser: Browser
) -> None:
    await signed_up(browser)
    (await browser.gql(SIGN_OUT)).ok()
    assert (await browser.gql(REQUEST)).error_codes == ["UNAUTHENTICATED"]


async def test_the_welcome_mail_carries_a_working_verification_link(
    service: RunningService, browser: Browser, outbox: Path
) -> None:
    address = await signed_up(browser)
    with service.emulator.lock:
        [customer] = [
            copy.deepcopy(c) for c in service.emulator.customers.values() if c["email"] == address
        ]
    payload = message("CustomerCreated", "customer", customer["id"], customer=customer)
    async with httpx.AsyncClient(base_url=service.url) as commercetools:
        answer = await commercetools.post("/webhooks/events", json=payload, headers=bearer(SECRET))
    assert answer.status_code == 200, answer.text
    welcome = await wait_for_mail_to(outbox, address, "Welcome")
    (await browser.gql(VERIFY, {"t": verification_token(welcome)})).ok()
    assert (await browser.gql(ME)).ok()["me"]["isEmailVerified"] is True
