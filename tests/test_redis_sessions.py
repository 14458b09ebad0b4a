"""SESSION_STORE=redis: an opaque cookie, and sessions shared by several service instances.
Runs against a real redis-server started for the tests (tests/support/redis_server.py)."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest

from emulator.app import create_emulator_app
from emulator.state import Emulator
from tests.conftest import SESSION_KEY, RunningService
from tests.support.servers import ServerThread
from tests.support.service_process import ServiceProcess
from tests.support.webhooks import bearer, envelope, message

pytestmark = pytest.mark.anyio

TSHIRT = "TSHIRT-CLASSIC-BLUE-M"
TOTE = "TOTE-CANVAS-BEIGE"
ADD = """mutation($s: String!) { addToCart(sku: $s) {
  cart { id lineItems { sku quantity } } userErrors { code } } }"""
CART = "{ cart { id lineItems { sku quantity } } }"
ME = "{ me { email } }"
WEBHOOK_SECRET = "test-webhook-secret-0123456789-abcdefghij"
SIGN_IN = """mutation { signIn(email: "demo@example.com", password: "Demo-Passw0rd!") {
  customer { id } userErrors { code } } }"""


def gql(
    client: httpx.Client, base: str, query: str, variables: dict[str, str] | None = None
) -> Any:
    response = client.post(f"{base}/graphql", json={"query": query, "variables": variables})
    body = response.json()
    assert "errors" not in body, body
    return body["data"]


async def test_the_cookie_is_an_opaque_id_and_the_record_lives_in_redis(
    start_service: Callable[..., RunningService], redis_url: str
) -> None:
    service = start_service(session_store="redis", redis_url=redis_url)
    async with service.browser() as browser:
        cart = (await browser.gql(ADD, {"s": TSHIRT})).ok()["addToCart"]["cart"]
        cookie = browser.cookie()
        assert cookie is not None and len(cookie) == 32
        from redis.asyncio import Redis

        redis = Redis.from_url(redis_url)
        try:
            record = await redis.get(f"ctp-bff:session:{cookie}")
            assert record is not None and cart["id"].encode() in record
            ttl = await redis.ttl(f"ctp-bff:session:{cookie}")
            assert 0 < ttl <= service.settings.session.idle_timeout_seconds
            assert (await browser.gql(CART)).ok()["cart"]["id"] == cart["id"]
            (await browser.gql("mutation { signOut { userErrors { code } } }")).ok()
            assert await redis.get(f"ctp-bff:session:{cookie}") is None
        finally:
            await redis.aclose()


async def test_an_unknown_or_forged_id_is_a_fresh_session(
    start_service: Callable[..., RunningService], redis_url: str
) -> None:
    service = start_service(session_store="redis", redis_url=redis_url)
    for forged in ["A" * 32, "../../etc/passwd", "x" * 5000, "*"]:
        async with service.browser(headers={"cookie": f"ctp_session={forged}"}) as browser:
            assert (await browser.gql(CART)).ok() == {"cart": None}


async def test_redis_down_is_a_clear_503_not_a_lost_session(
    start_service: Callable[..., RunningService], redis_server: object
) -> None:
    from tests.support.ports import free_port

    service = start_service(session_store="redis", redis_url=f"redis://127.0.0.1:{free_port()}/0")
    async with service.browser(headers={"cookie": "ctp_session=" + "B" * 32}) as browser:
        response = await browser.http.post("/graphql", json={"query": CART})
        assert response.status_code == 503
        assert response.json()["errors"][0]["extensions"]["code"] == "SESSION_STORE_UNAVAILABLE"


@pytest.fixture
def two_instances(redis_url: str) -> Iterator[tuple[str, str, Emulator]]:
    emulator = Emulator()
    with ServerThread(create_emulator_app(emulator)) as upstream:
        env = {
            "CTP_PROJECT_KEY": "demo",
            "CTP_CLIENT_ID": "demo-client",
            "CTP_CLIENT_SECRET": "demo-secret",
            "CTP_SCOPES": "manage_project:demo",
            "CTP_API_URL": upstream.url,
            "CTP_AUTH_URL": upstream.url,
            "SESSION_SECRET_KEYS": SESSION_KEY,
            "SESSION_STORE": "redis",
            "REDIS_URL": redis_url,
            "WEBHOOK_SECRET": WEBHOOK_SECRET,
        }
        with ServiceProcess(env) as first, ServiceProcess(env) as second:
            yield first.url, second.url, emulator


def test_a_browser_alternating_between_instances_keeps_its_cart(
    two_instances: tuple[str, str, Emulator],
) -> None:
    first, second, _ = two_instances
    with httpx.Client(timeout=30) as browser:  # one cookie jar: cookies ignore the port
        gql(browser, first, ADD, {"s": TSHIRT})
        gql(browser, second, ADD, {"s": TOTE})
        cart = gql(browser, first, CART)["cart"]
        assert {li["sku"]: li["quantity"] for li in cart["lineItems"]} == {TSHIRT: 1, TOTE: 1}
        gql(browser, second, SIGN_IN)
        assert gql(browser, first, ME) == {"me": {"email": "demo@example.com"}}


def test_sign_out_on_one_instance_ends_the_session_on_all(
    two_instances: tuple[str, str, Emulator],
) -> None:
    first, second, _ = two_instances
    with httpx.Client(timeout=30) as browser, httpx.Client(timeout=30) as thief:
        gql(browser, first, SIGN_IN)
        stolen = browser.cookies.get("ctp_session")
        assert stolen is not None
        thief.cookies.set("ctp_session", stolen, domain="127.0.0.1")
        assert gql(thief, second, ME) == {"me": {"email": "demo@example.com"}}
        gql(browser, first, "mutation { signOut { userErrors { code } } }")
        # Even a copy of the old cookie is worth nothing now, on any instance.
        assert gql(thief, second, ME) == {"me": None}
        assert gql(thief, first, ME) == {"me": None}


def test_a_password_change_event_ends_the_customers_other_sessions(
    two_instances: tuple[str, str, Emulator],
) -> None:
    """commercetools reports CustomerPasswordUpdated to one instance; sessions signed in before
    the change end everywhere, and a browser signed in after it stays."""
    first, second, emulator = two_instances
    customer = emulator.customer_by_email("demo@example.com")
    assert customer is not None
    with httpx.Client(timeout=30) as laptop, httpx.Client(timeout=30) as phone:
        gql(laptop, first, SIGN_IN)
        gql(phone, second, SIGN_IN)
        changed_at = datetime.now(UTC) + timedelta(seconds=1)
        time.sleep(1.2)
        with httpx.Client(timeout=30) as later:
            gql(later, first, SIGN_IN)  # signed in after the change
            event = message(
                "CustomerPasswordUpdated",
                "customer",
                customer["id"],
                created_at=changed_at.isoformat(timespec="milliseconds").replace("+00:00", "Z"),
                reset=False,
            )
            delivered = httpx.post(
                f"{second}/webhooks/events", json=envelope(event), headers=bearer(WEBHOOK_SECRET)
            )
            assert delivered.status_code == 200, delivered.text
            assert gql(laptop, second, ME) == {"me": None}
            assert gql(phone, first, ME) == {"me": None}
            assert gql(later, second, ME) == {"me": {"email": "demo@example.com"}}


async def test_readiness_includes_the_session_store(
    start_service: Callable[..., RunningService], redis_url: str
) -> None:
    from tests.support.ports import free_port

    healthy = start_service(session_store="redis", redis_url=redis_url)
    async with healthy.browser() as browser:
        ready = await browser.http.get("/readyz")
        assert ready.status_code == 200 and "session store" in ready.json()["reason"]
    broken = start_service(session_store="redis", redis_url=f"redis://127.0.0.1:{free_port()}/0")
    async with broken.browser() as browser:
        not_ready = await browser.http.get("/readyz")
        assert not_ready.status_code == 503
        assert "session store" in not_ready.json()["reason"]
