"""The demo loop, through the running service: at start-up it registers its cart extension and
event subscription in the embedded emulator; shopping then passes the cart rules, and placing an
order (GraphQL) brings the confirmation e-mail into the outbox via /webhooks/events."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from bootstrap.app import create_app
from emulator.state import Emulator
from tests.conftest import RunningService, make_settings
from tests.support.clock import FakeClock
from tests.support.outbox import wait_for_mail_to
from tests.support.queries import ADD, BERLIN, PLACE_ORDER, SET_EMAIL, SET_SHIPPING_ADDRESS
from tests.support.webhooks import OwnPortServer

pytestmark = pytest.mark.anyio

TSHIRT = "TSHIRT-CLASSIC-BLUE-M"


@pytest.fixture
def outbox(tmp_path: Path) -> Path:
    return tmp_path / "outbox"


@pytest.fixture
def demo(clock: FakeClock, emulator: Emulator, outbox: Path) -> Iterator[RunningService]:
    server = OwnPortServer()
    settings = make_settings(
        port=server.port,
        demo_webhooks=True,
        mail_outbox_dir=outbox,
        cart_max_line_quantity=5,
        cart_max_total_quantity=8,
    )
    app = create_app(settings, clock=clock, embedded_emulator=emulator)
    server.start(app)
    try:
        yield RunningService(server.url, settings, emulator, clock, app)
    finally:
        server.stop()


async def test_placing_an_order_in_the_demo_mails_its_confirmation(
    demo: RunningService, outbox: Path
) -> None:
    extension = next(iter(demo.emulator.extensions.values()))
    assert extension["destination"]["url"] == f"{demo.url}/webhooks/extensions"
    async with demo.browser() as browser:
        (await browser.gql(ADD, {"sku": TSHIRT, "q": 2})).ok()
        (await browser.gql(SET_EMAIL, {"e": "loop@example.com"})).ok()
        cart = (await browser.gql(SET_SHIPPING_ADDRESS, {"a": BERLIN})).ok()["setShippingAddress"][
            "cart"
        ]
        # The extension gave the cart the project's default shipping method.
        assert cart["shippingInfo"] is not None
        order = (await browser.gql(PLACE_ORDER)).ok()["placeOrder"]["order"]
    mail = await wait_for_mail_to(outbox, "loop@example.com", f"Your order {order['orderNumber']}")
    text = str(mail.get_content())
    assert "2 x Classic T-Shirt" in text
    assert "Berlin" in text


async def test_the_demo_cart_rules_refuse_too_many_items(demo: RunningService) -> None:
    async with demo.browser() as browser:
        (await browser.gql(ADD, {"sku": TSHIRT, "q": 5})).ok()
        too_many = await browser.gql(ADD, {"sku": TSHIRT, "q": 1})
        # The project's own rule, in its own words, as a userError of the change.
        assert too_many.refused() == ["REJECTED"]
        assert too_many.user_errors[0]["field"] == ["sku"]
        assert "At most 5" in too_many.user_errors[0]["message"]
