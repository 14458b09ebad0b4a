"""The development demo pays (docs/payments.md, "The demo"): unless PAYMENT_PROVIDER is set,
`make run` takes card payments at the emulator's Stripe stand-in, served in the API's process
under `/_stripe` for the page and reached in-process by the service, whose signed events come
back to the demo's own `/webhooks/payments/stripe`. Tests, production and a real project keep
PAYMENT_PROVIDER's default, `none`. The page itself pays in tests/test_demo_storefront_browser.py.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from bootstrap.app import create_app
from bootstrap.demo_storefront import create_storefront_app
from bootstrap.embedded_emulator import DemoPayments, wants_demo_payments
from emulator.state import Emulator
from emulator.stripe_standin.state import PUBLISHABLE_KEY
from tests.conftest import make_settings
from tests.support.browser import Browser
from tests.support.servers import ServerThread
from tests.support.stripe_standin import browser_confirms
from tests.support.webhooks import OwnPortServer
from tests.test_orders_api import ready_cart
from tests.test_payments_api import CREATE_PAYMENT

pytestmark = pytest.mark.anyio

LAST_ORDER_AND_CART = "{ lastOrder { id paymentState } cart { id } }"
REAL_PROJECT = {
    "ctp_project_key": "shop",
    "ctp_client_id": "id",
    "ctp_client_secret": "secret",
    "ctp_api_url": "https://api.example.com",
    "ctp_auth_url": "https://auth.example.com",
}


def test_only_the_development_demo_pays_by_default() -> None:
    assert wants_demo_payments(make_settings(app_env="development"))
    assert not wants_demo_payments(make_settings(app_env="development", payment_provider="none"))
    assert not wants_demo_payments(make_settings(app_env="test"))
    assert not wants_demo_payments(make_settings(app_env="development", **REAL_PROJECT))
    # Nothing changes for the settings themselves: `none` stays the default.
    assert make_settings(app_env="development").payments.provider == "none"


@pytest.fixture
def demo(tmp_path: Path) -> Iterator[tuple[str, Emulator]]:
    """The app as `make run` builds it, on a port its settings know (its webhooks call it)."""
    server = OwnPortServer()
    emulator = Emulator()
    settings = make_settings(
        app_env="development",
        port=server.port,
        demo_storefront=False,
        mail_outbox_dir=tmp_path / "outbox",
    )
    server.start(create_app(settings, embedded_emulator=emulator))
    try:
        yield server.url, emulator
    finally:
        server.stop()


async def test_the_demo_pays_at_its_stand_in_and_its_webhook_orders_the_paid_cart(
    demo: tuple[str, Emulator],
) -> None:
    url, emulator = demo
    async with Browser(url) as shopper:
        cart = await ready_cart(shopper)
        started = (await shopper.gql(CREATE_PAYMENT, {"m": "card"})).ok()["createPayment"]
        payment = started["payment"]
        assert payment["publishableKey"] == PUBLISHABLE_KEY
        # The browser confirms at the API's own address, as the demo page does.
        confirmed = await browser_confirms(
            f"{url}/_stripe", payment["clientSecret"], "pm_card_visa"
        )
        assert confirmed.json()["status"] == "succeeded"
        # Nobody places the order: the stand-in's event reaches the demo's webhook, which does.
        for _ in range(500):
            if any(o["cart"]["id"] == cart["id"] for o in emulator.orders.values()):
                break
            await asyncio.sleep(0.01)
        [order] = [o for o in emulator.orders.values() if o["cart"]["id"] == cart["id"]]
        assert order["paymentState"] == "Paid"
        back = (await shopper.gql(LAST_ORDER_AND_CART)).ok()
        assert back == {"lastOrder": {"id": order["id"], "paymentState": "PAID"}, "cart": None}


def test_the_demo_pages_confirm_at_the_stand_in() -> None:
    settings = make_settings(app_env="development", storefront_url="http://localhost:3000")
    paying = DemoPayments().settings_for(settings)
    assert paying.payments.provider == "stripe"
    assert paying.payments.stripe_api_base == "http://localhost:8000/_stripe"
    with ServerThread(create_storefront_app(paying)) as server:
        config = httpx.get(f"{server.url}/config.js", headers={"host": "localhost:3000"})
    assert 'export const STRIPE_API_BASE = "http://localhost:8000/_stripe";' in config.text
    unpaid = make_settings(app_env="development", payment_provider="none")
    with ServerThread(create_storefront_app(unpaid)) as server:
        config = httpx.get(f"{server.url}/config.js", headers={"host": "localhost:3000"})
    assert "export const STRIPE_API_BASE = null;" in config.text
