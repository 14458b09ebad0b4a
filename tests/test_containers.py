"""The containers' promises: request scope holds under concurrency, and webhook code cannot
get a browser session."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any

import pytest

from app.request_context import RequestContext
from app.services.account import AccountService
from app.services.cart import CartService
from app.services.catalog import CatalogService
from app.services.session_tokens import SessionTokens
from app.session.ctp_session import CtpSession
from bootstrap.app import create_app
from bootstrap.wiring import StartupError
from tests.conftest import RunningService, make_settings
from tests.fixtures import webhook_asking_by_name, webhook_asking_for_session
from tests.support.browser import Browser
from tests.support.catalog import priced_skus

pytestmark = pytest.mark.anyio

ADD = """mutation Add($sku: String!, $quantity: Int!) {
  addToCart(sku: $sku, quantity: $quantity) {
    cart { id totalQuantity lineItems { sku quantity } } }
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
        cart_ids = [result.ok()["addToCart"]["cart"]["id"] for result in added]
        assert len(set(cart_ids)) == 100

        async def read_repeatedly(index: int, browser: Browser) -> None:
            for _ in range(5):
                cart = (await browser.gql(CART)).ok()["cart"]
                assert cart["id"] == cart_ids[index]
                assert cart["totalQuantity"] == index + 1

        await asyncio.gather(*(read_repeatedly(i, b) for i, b in enumerate(browsers)))
    finally:
        await asyncio.gather(*(b.aclose() for b in browsers))


class ContextRecorder:
    """Records, per service instance, the request context it was built with, and every
    CtpSession and RequestContext created: the test's view into the request scope."""

    SERVICES = (CartService, AccountService, CatalogService, SessionTokens)

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.sessions: list[CtpSession] = []
        self.contexts: list[RequestContext] = []
        self.injected: list[tuple[type[Any], RequestContext]] = []
        for cls in (CtpSession, RequestContext, *self.SERVICES):
            monkeypatch.setattr(cls, "__init__", self._recording(cls, cls.__init__))

    def _recording(self, cls: type[Any], original: Callable[..., None]) -> Callable[..., None]:
        def init(instance: Any, *args: Any, **kwargs: Any) -> None:
            original(instance, *args, **kwargs)
            if isinstance(instance, CtpSession):
                self.sessions.append(instance)
            elif isinstance(instance, RequestContext):
                self.contexts.append(instance)
            else:
                context = args[0] if args else kwargs["context"]
                self.injected.append((cls, context))

        return init

    def clear(self) -> None:
        self.sessions.clear()
        self.contexts.clear()
        self.injected.clear()


async def test_one_request_context_per_request_across_sibling_resolvers_and_services(
    service: RunningService, browser: Browser, monkeypatch: pytest.MonkeyPatch
) -> None:
    sku = priced_skus(service.emulator, 1)[0]
    (await browser.gql(ADD, {"sku": sku, "quantity": 1})).ok()
    recorder = ContextRecorder(monkeypatch)

    # Sibling async fields, each injecting services (and their SessionTokens) that take the
    # request context: graphql-core runs them in separate tasks.
    query = "{ a: cart { id } b: me { id } c: cart { id } d: me { id } e: categories { id } }"
    data = (await browser.gql(query)).ok()
    assert data["a"]["id"] == data["c"]["id"]
    assert len(recorder.sessions) == 1
    assert len(recorder.contexts) == 1
    [context] = recorder.contexts
    assert context.session is recorder.sessions[0]
    kinds = {cls for cls, _ in recorder.injected}
    assert kinds == set(ContextRecorder.SERVICES)
    assert all(injected is context for _, injected in recorder.injected)


async def test_100_concurrent_browsers_never_share_a_request_context(
    service: RunningService, monkeypatch: pytest.MonkeyPatch
) -> None:
    sku = priced_skus(service.emulator, 1)[0]
    browsers = [service.browser() for _ in range(100)]
    try:
        await asyncio.gather(*(b.gql(ADD, {"sku": sku, "quantity": 1}) for b in browsers))
        recorder = ContextRecorder(monkeypatch)
        await asyncio.gather(*(b.gql("{ a: cart { id } b: me { id } }") for b in browsers))
    finally:
        await asyncio.gather(*(b.aclose() for b in browsers))
    assert len(recorder.contexts) == 100
    assert len({id(c) for c in recorder.contexts}) == 100
    assert len({id(c.session) for c in recorder.contexts}) == 100
    # Each request's services all got that request's context, and every context was used.
    assert {id(c) for _, c in recorder.injected} == {id(c) for c in recorder.contexts}
    per_context: dict[int, set[type[Any]]] = {}
    for cls, context in recorder.injected:
        per_context.setdefault(id(context), set()).add(cls)
    assert all(
        kinds >= {CartService, AccountService, SessionTokens} for kinds in per_context.values()
    )


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
