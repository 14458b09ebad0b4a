"""`python -m bootstrap register-webhooks`: the SDK registers the extension and the subscription in
a project (the emulator on a loopback port), idempotently; then the loop works through them."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from commercetools.utils import DefaultTokenSaver

from bootstrap.__main__ import main
from bootstrap.app import create_app
from emulator.app import create_emulator_app
from emulator.state import Emulator
from tests.conftest import make_settings
from tests.support.browser import Browser
from tests.support.outbox import wait_for_mail_to
from tests.support.queries import ADD, BERLIN, PLACE_ORDER, SET_EMAIL, SET_SHIPPING_ADDRESS
from tests.support.servers import ServerThread
from tests.support.webhooks import SECRET, OwnPortServer

PROJECT_ENV = {
    "CTP_PROJECT_KEY": "demo",
    "CTP_CLIENT_ID": "demo-client",
    "CTP_CLIENT_SECRET": "demo-secret",
    "CTP_SCOPES": "manage_project:demo",
    "WEBHOOK_SECRET": SECRET,
}
ARGS = [
    "register-webhooks",
    "--url",
    "https://bff.example.com",
    "--pubsub-project",
    "shop-gcp",
    "--pubsub-topic",
    "ctp-events",
]


@pytest.fixture
def project(monkeypatch: pytest.MonkeyPatch) -> Iterator[Emulator]:
    emulator = Emulator()
    # The SDK caches tokens per client id and scope, per thread: one from another test's
    # emulator would be unknown to this one.
    DefaultTokenSaver.clear_cache()  # type: ignore[no-untyped-call]
    with ServerThread(create_emulator_app(emulator)) as upstream:
        for name in ("APP_ENV", "SESSION_SECRET_KEYS", "PUBSUB_AUDIENCE"):
            monkeypatch.delenv(name, raising=False)
        for name, value in {
            **PROJECT_ENV,
            "CTP_API_URL": upstream.url,
            "CTP_AUTH_URL": upstream.url,
        }.items():
            monkeypatch.setenv(name, value)
        yield emulator


def test_it_creates_then_updates_in_place(
    project: Emulator, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(ARGS) == 0
    assert capsys.readouterr().out.splitlines() == [
        "extension ctp-bff-cart-rules: created",
        "subscription ctp-bff-events: created",
    ]
    [extension] = project.extensions.values()
    assert extension["key"] == "ctp-bff-cart-rules"
    assert extension["destination"]["url"] == "https://bff.example.com/webhooks/extensions"
    assert extension["triggers"] == [{"resourceTypeId": "cart", "actions": ["Create", "Update"]}]
    assert extension["timeoutInMs"] == 2000
    assert project.extension_secrets[extension["id"]] == {"Authorization": f"Bearer {SECRET}"}
    [subscription] = project.subscriptions.values()
    assert subscription["destination"] == {
        "type": "GoogleCloudPubSub",
        "projectId": "shop-gcp",
        "topic": "ctp-events",
    }
    assert subscription["messages"] == [
        {"resourceTypeId": "customer", "types": ["CustomerCreated", "CustomerPasswordUpdated"]},
        {"resourceTypeId": "order", "types": ["OrderCreated"]},
    ]

    # Run again: found by key, nothing duplicated; the subscription already matches.
    assert main(ARGS) == 0
    assert capsys.readouterr().out.splitlines() == [
        "extension ctp-bff-cart-rules: updated",
        "subscription ctp-bff-events: unchanged",
    ]
    assert len(project.extensions) == 1 and len(project.subscriptions) == 1

    # A new URL and topic are applied to the same resources.
    moved = [*ARGS[:2], "https://shop-api.example.com", *ARGS[3:-1], "ctp-events-v2"]
    assert main(moved) == 0
    assert capsys.readouterr().out.splitlines() == [
        "extension ctp-bff-cart-rules: updated",
        "subscription ctp-bff-events: updated",
    ]
    [extension] = project.extensions.values()
    [subscription] = project.subscriptions.values()
    assert extension["destination"]["url"] == "https://shop-api.example.com/webhooks/extensions"
    assert subscription["destination"]["topic"] == "ctp-events-v2"
    assert subscription["version"] == 2


def test_parts_can_be_skipped(project: Emulator) -> None:
    assert main([*ARGS[:3], "--skip-subscription"]) == 0
    assert len(project.extensions) == 1 and not project.subscriptions


@pytest.mark.parametrize(
    ("unset", "args", "complaint"),
    [
        ("WEBHOOK_SECRET", ARGS, "WEBHOOK_SECRET"),
        ("CTP_CLIENT_ID", ARGS, "CTP_*"),
        (None, ARGS[:3], "--pubsub-project"),
        (None, [ARGS[0], "--url", "ftp://x", *ARGS[3:]], "--url"),
    ],
)
def test_it_explains_what_is_missing(
    project: Emulator,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    unset: str | None,
    args: list[str],
    complaint: str,
) -> None:
    if unset is not None:
        monkeypatch.delenv(unset)
    assert main(args) == 2
    assert complaint in capsys.readouterr().err
    assert not project.extensions and not project.subscriptions


def test_a_refusal_by_commercetools_is_reported(
    project: Emulator, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("CTP_SCOPES", "view_orders:demo")
    assert main(ARGS) == 1
    assert "commercetools refused" in capsys.readouterr().err


@pytest.mark.anyio
async def test_registered_webhooks_close_the_loop(project: Emulator, tmp_path: Path) -> None:
    """What a real project does with them, end to end: the emulator calls the extension on cart
    writes and publishes OrderCreated to the topic, whose push subscription posts it to the
    service, which mails the confirmation."""
    outbox = tmp_path / "outbox"
    server = OwnPortServer()
    settings = make_settings(
        webhook_secret=SECRET,
        mail_outbox_dir=outbox,
        port=server.port,
        cart_max_line_quantity=3,
        ctp_project_key="demo",
        ctp_client_id="demo-client",
        ctp_client_secret="demo-secret",
        ctp_scopes="manage_project:demo",
        ctp_api_url=os.environ["CTP_API_URL"],
        ctp_auth_url=os.environ["CTP_AUTH_URL"],
    )
    server.start(create_app(settings))
    try:
        assert main([ARGS[0], "--url", server.url, *ARGS[3:]]) == 0
        # In Google Cloud: a push subscription on the topic, pointing at /webhooks/events.
        project.pubsub.add_push_subscription(
            "projects/shop-gcp/topics/ctp-events",
            f"{server.url}/webhooks/events",
            authorization=f"Bearer {SECRET}",
        )
        async with Browser(server.url) as browser:
            too_many = await browser.gql(ADD, {"sku": "TSHIRT-CLASSIC-BLUE-M", "q": 4})
            assert too_many.refused() == ["REJECTED"]
            assert "At most 3" in too_many.user_errors[0]["message"]
            (await browser.gql(ADD, {"sku": "TSHIRT-CLASSIC-BLUE-M", "q": 2})).ok()
            (await browser.gql(SET_EMAIL, {"e": "registered@example.com"})).ok()
            (await browser.gql(SET_SHIPPING_ADDRESS, {"a": BERLIN})).ok()
            order = (await browser.gql(PLACE_ORDER)).ok()["placeOrder"]["order"]
        await wait_for_mail_to(
            outbox, "registered@example.com", f"Your order {order['orderNumber']}"
        )
    finally:
        server.stop()
