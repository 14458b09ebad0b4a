"""Session keys over HTTP: rotating keys keeps sessions while new cookies use the new key;
removing a key ends its sessions cleanly; sessions end at their absolute lifetime however
active they are."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from app.session.cookie_store import EncryptedCookieStore
from app.session.store import StoredSession
from tests.conftest import RunningService
from tests.support.browser import Browser, GraphQLResult
from tests.support.catalog import priced_skus

pytestmark = pytest.mark.anyio

OLD_KEY = "old-session-key-0123456789-abcdefghijklmnopqrstuv"
NEW_KEY = "new-session-key-9876543210-zyxwvutsrqponmlkjihgfe"
ADD = "mutation($sku: String!) { addToCart(sku: $sku) { cart { id totalQuantity } } }"
CART = "{ cart { id totalQuantity } }"


# Resolvers are wired to the most recently created app's containers (one app per process), so
# each test starts the next deployment only when it is done with the previous one.


async def on(
    service: RunningService, browser: Browser, query: str, **variables: str
) -> GraphQLResult:
    """`browser` (its cookie jar) talking to `service`: all services listen on 127.0.0.1, and
    cookies do not care about ports, so one jar serves them all — as one browser would after
    a deployment swaps the service behind the same host name."""
    response = await browser.http.post(
        f"{service.url}/graphql", json={"query": query, "variables": variables or None}
    )
    return GraphQLResult(response)


async def decrypt(keys: list[str], cookie: str | None) -> StoredSession | None:
    assert cookie is not None
    return await EncryptedCookieStore(keys).load(cookie)


async def test_a_new_key_in_front_keeps_sessions_and_encrypts_new_cookies(
    start_service: Callable[..., RunningService],
) -> None:
    before = start_service(session_secret_keys=OLD_KEY)
    sku = priced_skus(before.emulator, 1)[0]
    async with Browser(before.url) as browser:
        cart_id = (await on(before, browser, ADD, sku=sku)).ok()["addToCart"]["cart"]["id"]
        old_cookie = browser.cookie()
        session = await decrypt([OLD_KEY], old_cookie)
        assert session is not None

        rotated = start_service(session_secret_keys=f"{NEW_KEY},{OLD_KEY}")

        # After the rotation the old cookie still opens the session...
        unchanged = await on(rotated, browser, CART)
        assert unchanged.ok()["cart"] == {"id": cart_id, "totalQuantity": 1}
        assert "set-cookie" not in unchanged.response.headers

        # ...and the next cookie written for it is encrypted with the new key alone.
        changed = await on(rotated, browser, ADD, sku=sku)
        assert changed.ok()["addToCart"]["cart"] == {"id": cart_id, "totalQuantity": 2}
        new_cookie = browser.cookie()
        assert new_cookie != old_cookie
        reissued = await decrypt([NEW_KEY], new_cookie)
        assert reissued is not None and reissued.session_id == session.session_id
        assert await decrypt([OLD_KEY], new_cookie) is None


async def test_idle_sessions_move_to_the_new_key_on_their_next_visit(
    start_service: Callable[..., RunningService],
) -> None:
    before = start_service(session_secret_keys=OLD_KEY)
    sku = priced_skus(before.emulator, 1)[0]
    async with Browser(before.url) as browser:
        (await on(before, browser, ADD, sku=sku)).ok()
        rotated = start_service(session_secret_keys=f"{NEW_KEY},{OLD_KEY}")
        # The idle clock is refreshed (and the cookie rewritten) at most every tenth of it.
        rotated.clock.advance(rotated.settings.session.idle_timeout_seconds / 10 + 1)
        visit = await on(rotated, browser, CART)
        assert visit.ok()["cart"]["totalQuantity"] == 1
        assert "set-cookie" in visit.response.headers
        assert await decrypt([NEW_KEY], browser.cookie()) is not None


async def test_a_removed_key_ends_its_sessions_cleanly(
    start_service: Callable[..., RunningService],
) -> None:
    before = start_service(session_secret_keys=OLD_KEY)
    sku = priced_skus(before.emulator, 1)[0]
    async with Browser(before.url) as stale, Browser(before.url) as moved:
        (await on(before, stale, ADD, sku=sku)).ok()
        (await on(before, moved, ADD, sku=sku)).ok()
        rotated = start_service(session_secret_keys=f"{NEW_KEY},{OLD_KEY}")
        moved_cart = (await on(rotated, moved, ADD, sku=sku)).ok()["addToCart"]["cart"]
        after = start_service(session_secret_keys=NEW_KEY)

        # A cookie only the removed key could open: a fresh guest session, no error, and the
        # useless cookie is deleted rather than sent back forever.
        ended = await on(after, stale, CART)
        assert ended.status_code == 200 and ended.ok() == {"cart": None}
        assert "Max-Age=0" in ended.response.headers["set-cookie"]
        assert stale.cookie() is None
        (await on(after, stale, ADD, sku=sku)).ok()

        # A session already re-encrypted during the rotation survives the removal.
        assert (await on(after, moved, CART)).ok()["cart"] == moved_cart


async def test_sessions_end_at_their_absolute_lifetime_however_active(
    start_service: Callable[..., RunningService],
) -> None:
    service = start_service(session_idle_timeout_seconds=100, session_absolute_timeout_seconds=250)
    sku = priced_skus(service.emulator, 1)[0]
    async with service.browser() as browser:
        cart_id = (await browser.gql(ADD, {"sku": sku})).ok()["addToCart"]["cart"]["id"]
        created = await service.read_session(browser)
        assert created is not None
        for _ in range(4):  # t = 60, 120, 180, 240: never idle for long, cookie rewritten
            service.clock.advance(60)
            assert (await browser.gql(CART)).ok()["cart"]["id"] == cart_id
        stored = await service.read_session(browser)
        assert stored is not None and stored.created_at == created.created_at
        service.clock.advance(20)  # t = 260: past the absolute lifetime, 20 s since last seen
        ended = await browser.gql(CART)
        assert ended.ok() == {"cart": None}
        assert "Max-Age=0" in ended.response.headers["set-cookie"]
