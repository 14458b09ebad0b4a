"""Mail to any address on a stranger's say-so: nothing a stranger types may add lines to it or
disguise it. Names are single lines when signing up, as when updating a profile; mails render
names inertly even when commercetools holds worse (a customer created elsewhere)."""

from __future__ import annotations

import copy
import uuid
from collections.abc import Callable
from pathlib import Path

import httpx
import pytest

from emulator import customers
from tests.conftest import RunningService
from tests.support.browser import Browser
from tests.support.outbox import read_outbox
from tests.support.webhooks import SECRET, bearer, message

pytestmark = pytest.mark.anyio

SIGN_UP = """mutation($i: SignUpInput!) {
  signUp(input: $i) { customer { id } userErrors { field code message } } }"""
INJECTED = "Your account is locked. Call +1 555 0100 now"


@pytest.mark.parametrize(
    "name",
    [f"Eve\n\n{INJECTED}", "Eve\r\nBcc: someone@example.com", "Eve\u2028Line", "x" * 257],
)
@pytest.mark.parametrize("field", ["firstName", "lastName"])
async def test_sign_up_names_are_single_short_lines(
    service: RunningService, browser: Browser, field: str, name: str
) -> None:
    service.emulator.clear_request_log()
    form = {"email": f"new-{uuid.uuid4().hex[:8]}@example.com", "password": "Correct-Horse-9"}
    result = await browser.gql(SIGN_UP, {"i": {**form, field: name}})
    assert result.refused()
    assert result.user_error_fields == [["input", field]]
    assert service.emulator.request_log == []


async def test_the_welcome_mail_renders_the_name_inertly(
    start_service: Callable[..., RunningService], tmp_path: Path
) -> None:
    service = start_service(webhook_secret=SECRET, mail_outbox_dir=tmp_path)
    with service.emulator.lock:
        customer = copy.deepcopy(service.emulator.customers[customers.DEMO_CUSTOMER_ID])
    customer["firstName"] = f"Eve\r\n\r\n{INJECTED}\u202e moc.elpmaxe"
    payload = message("CustomerCreated", "customer", customer["id"], customer=customer)
    async with httpx.AsyncClient(base_url=service.url) as http:
        response = await http.post("/webhooks/events", json=payload, headers=bearer(SECRET))
    assert response.status_code == 200
    [mail] = read_outbox(tmp_path)
    text = str(mail.get_content())
    greeting = text.splitlines()[0]
    assert greeting.startswith("Hello Eve Your account") and len(greeting) <= 60
    assert not any(line.startswith(INJECTED[:20]) for line in text.splitlines())
    assert "\u202e" not in text
