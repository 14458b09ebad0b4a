"""The containers' promises: request scope holds under concurrency, and webhook code cannot
get a browser session."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any

import pytest

from app.main import create_app
from app.services.account import AccountService
from app.services.cart import CartService
from app.session.ctp_session import CtpSession
from app.wiring import StartupError
from tests.conftest import RunningService, make_settings
from tests.fixtures import webhook_asking_by_name, webhook_asking_for_session
from tests.support.browser import Browser
from tests.support.catalog import priced_skus

pytestmark = pytest.mark.anyio

ADD = """mutation Add($sku: String!, $quantity: Int!) {
  addToCart(sku: $sku, quantity: $quantity) { id totalQuantity lineItems { sku quantity } }
}"""
CART = "{ cart { id totalQuantity lineItems { sku quantity } } }"


async def test_100_concurrent_browsers_only_ever_see_their_own_session(
    service: RunningService,
) -> None:
    sku = priced_skus(service.emulator, 1)[0]
    browsers = [service.browser() for _ in range(100)]
    try:
        # Browser i holds i+1 items: the quantity identifies whose cart an answer shows.
        added = await asyncio.gather(
            *(b.gql(ADD, {"sku": sku, "quantity": i + 1}) for i, b in enumerate(browsers))
        )
        cart_ids = [result.ok()["addToCart"]["id"] for result in added]
        assert len(set(cart_ids)) == 100

        async def read_repeatedly(index: int, browser: Browser) -> None:
            for _ in range(5):
                cart = (await browser.gql(CART)).ok()["cart"]
                assert cart["id"] == cart_ids[index]
                assert cart["totalQuantity"] == index + 1

        await asyncio.gather(*(read_repeatedly(i, b) for i, b in enumerate(browsers)))
    finally:
        await asyncio.gather(*(b.aclose() for b in browsers))


async def test_one_session_instance_per_request_even_for_sibling_resolvers(
    service: RunningService, browser: Browser, monkeypatch: pytest.MonkeyPatch
) -> None:
    sku = priced_skus(service.emulator, 1)[0]
    (await browser.gql(ADD, {"sku": sku, "quantity": 1})).ok()
    created: list[CtpSession] = []
    injected: list[CtpSession] = []
    original_init = CtpSession.__init__

    def counting_init(self: CtpSession, *args: Any, **kwargs: Any) -> None:
        created.append(self)
        original_init(self, *args, **kwargs)

    def recording(cls: type[Any]) -> Callable[..., None]:
        original = cls.__init__

        def init(self: Any, session: CtpSession, *args: Any, **kwargs: Any) -> None:
            injected.append(session)
            original(self, session, *args, **kwargs)

        return init

    monkeypatch.setattr(CtpSession, "__init__", counting_init)
    monkeypatch.setattr(CartService, "__init__", recording(CartService))
    monkeypatch.setattr(AccountService, "__init__", recording(AccountService))

    # Four sibling async fields, each injecting services that depend on the session.
    result = await browser.gql("{ a: cart { id } b: me { id } c: cart { id } d: me { id } }")
    data = result.ok()
    assert data["a"]["id"] == data["c"]["id"]
    assert len(created) == 1
    assert len(injected) == 4
    assert all(session is created[0] for session in injected)

    # Concurrent requests: one instance each, never shared.
    created.clear()
    injected.clear()
    others = [service.browser() for _ in range(20)]
    try:
        await asyncio.gather(*(b.gql("{ a: cart { id } b: me { id } }") for b in others))
    finally:
        await asyncio.gather(*(b.aclose() for b in others))
    assert len(created) == 20
    assert len({id(s) for s in created}) == 20
    assert len(injected) == 40
    assert {id(s) for s in injected} == {id(s) for s in created}


@pytest.mark.parametrize(
    ("module", "handler"),
    [
        (webhook_asking_for_session, "OrderCreatedHandler.handle"),
        (webhook_asking_by_name, "handle_customer_created"),
    ],
)
def test_webhook_code_asking_for_the_session_stops_start_up(module: Any, handler: str) -> None:
    with pytest.raises(StartupError) as failure:
        create_app(make_settings(), webhook_packages=[module])
    message = str(failure.value)
    assert handler in message
    assert "ctp_session" in message


def test_the_real_webhook_package_wires_cleanly() -> None:
    app = create_app(make_settings())
    assert not hasattr(app.state.webhook_container, "ctp_session")
    assert hasattr(app.state.graphql_container, "ctp_session")
