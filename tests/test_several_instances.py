"""Several instances act as one: with REDIS_URL, the credential throttle, the guest-session
budget, the webhook message ledger and ended sessions are shared, so N replicas allow no more
than one. Two `python -m bootstrap serve` processes (cookie sessions: only REDIS_URL makes them
share), one real redis-server, one emulator; every test starts from an empty Redis."""

from __future__ import annotations

import asyncio
import copy
import uuid
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest

from emulator import customers
from emulator.app import create_emulator_app
from emulator.state import Emulator
from emulator.stripe_standin.state import PUBLISHABLE_KEY, SECRET_KEY
from tests.conftest import SESSION_KEY
from tests.support.browser import GraphQLResult
from tests.support.outbox import read_outbox
from tests.support.queries import BERLIN, SET_EMAIL, SET_SHIPPING_ADDRESS
from tests.support.redis_server import RedisServer
from tests.support.servers import ServerThread
from tests.support.service_process import ServiceProcess
from tests.support.stripe_standin import RunningStandIn, browser_confirms
from tests.support.webhooks import SECRET, bearer, message
from tests.test_payments_api import CREATE_PAYMENT
from tests.test_payments_webhook import until

pytestmark = pytest.mark.anyio

PASSWORD, NEW_PASSWORD = "Correct-Horse-9", "Battery-Staple-7"
SIGN_UP = """mutation($i: SignUpInput!) {
  signUp(input: $i) { customer { id } userErrors { field code message } } }"""
SIGN_IN = """mutation($e: String!, $p: String!) {
  signIn(email: $e, password: $p) { customer { id } userErrors { field code message } } }"""
CHANGE_PASSWORD = """mutation($c: String!, $n: String!) {
  changePassword(currentPassword: $c, newPassword: $n) {
    customer { id } userErrors { field code message } } }"""
ADD = """mutation {
  addToCart(sku: "TSHIRT-CLASSIC-BLUE-M") { cart { id } userErrors { field code message } } }"""
ME = "{ me { email } }"
PER_EMAIL, PER_ADDRESS, GUESTS_PER_ADDRESS = 3, 6, 4
STRIPE_WEBHOOK_SECRET = "whsec_two_instances"


@dataclass
class Instances:
    urls: tuple[str, str]
    emulator: Emulator
    outbox: Path
    redis: RedisServer
    stand_in: RunningStandIn


@pytest.fixture(scope="module")
def started(
    redis_server: RedisServer, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Instances]:
    emulator = Emulator()
    outbox = tmp_path_factory.mktemp("outbox")
    stand_in = RunningStandIn().start()
    with ServerThread(create_emulator_app(emulator)) as upstream:
        env = {
            "CTP_PROJECT_KEY": "demo",
            "CTP_CLIENT_ID": "demo-client",
            "CTP_CLIENT_SECRET": "demo-secret",
            "CTP_SCOPES": "manage_project:demo",
            "CTP_API_URL": upstream.url,
            "CTP_AUTH_URL": upstream.url,
            "SESSION_SECRET_KEYS": SESSION_KEY,
            "REDIS_URL": redis_server.url,
            "SESSION_REVOCATION_CHECK_SECONDS": "0",
            "WEBHOOK_SECRET": SECRET,
            "MAIL_OUTBOX_DIR": str(outbox),
            "THROTTLE_MAX_FAILURES_PER_EMAIL": str(PER_EMAIL),
            "THROTTLE_MAX_FAILURES_PER_ADDRESS": str(PER_ADDRESS),
            "CREDENTIAL_FAILURE_MIN_SECONDS": "0",
            "ANONYMOUS_SESSIONS_PER_ADDRESS": str(GUESTS_PER_ADDRESS),
            # Both take card payments at the Stripe stand-in, and both get its events.
            "PAYMENT_PROVIDER": "stripe",
            "STRIPE_SECRET_KEY": SECRET_KEY,
            "STRIPE_PUBLISHABLE_KEY": PUBLISHABLE_KEY,
            "STRIPE_WEBHOOK_SECRET": STRIPE_WEBHOOK_SECRET,
            "STRIPE_API_BASE": stand_in.url,
        }
        try:
            with ServiceProcess(env) as first, ServiceProcess(env) as second:
                for url in (first.url, second.url):
                    stand_in.stand_in.events.add_endpoint(
                        url + "/webhooks/payments/stripe", secret=STRIPE_WEBHOOK_SECRET
                    )
                yield Instances((first.url, second.url), emulator, outbox, redis_server, stand_in)
        finally:
            stand_in.stop()


@pytest.fixture
def instances(started: Instances) -> Instances:
    started.redis.flush()
    started.emulator.faults.reset()
    started.emulator.clear_request_log()
    return started


@pytest.fixture
async def http() -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(timeout=30) as client:
        yield client


async def gql(
    client: httpx.AsyncClient,
    base: str,
    query: str,
    variables: dict[str, Any] | None = None,
    headers: dict[str, str] | None = None,
) -> GraphQLResult:
    response = await client.post(
        f"{base}/graphql", json={"query": query, "variables": variables}, headers=headers
    )
    return GraphQLResult(response)


async def signed_up(client: httpx.AsyncClient, base: str) -> str:
    email = f"shopper-{uuid.uuid4().hex[:8]}@example.com"
    (await gql(client, base, SIGN_UP, {"i": {"email": email, "password": PASSWORD}})).ok()
    return email


async def token_requests(emulator: Emulator, count: int) -> None:
    for _ in range(2000):
        if sum("/customers/token" in path for _, path in emulator.request_log) >= count:
            return
        await asyncio.sleep(0.01)
    raise AssertionError(f"commercetools never saw {count} password-flow token requests")


async def test_parallel_guesses_spread_over_instances_never_pass_the_limit(
    instances: Instances,
) -> None:
    urls = instances.urls
    async with httpx.AsyncClient(timeout=30) as owner:
        email = await signed_up(owner, urls[0])
    async with httpx.AsyncClient(timeout=30) as attacker:

        def guess(n: int, *, right: bool = False) -> asyncio.Task[GraphQLResult]:
            password = PASSWORD if right else f"Wrong-{n}-passw0rd"
            return asyncio.create_task(
                gql(attacker, urls[n % 2], SIGN_IN, {"e": email, "p": password})
            )

        instances.emulator.faults.configure(latency_ms=1000)
        instances.emulator.clear_request_log()  # signing up asked for a token too
        first = [guess(n) for n in range(PER_EMAIL)]
        await token_requests(instances.emulator, PER_EMAIL)  # the first guesses wait upstream
        later = [guess(n, right=n % 5 == 0) for n in range(PER_EMAIL, 40)]
        results = await asyncio.gather(*first, *later)

    assert not any(((result.data or {}).get("signIn") or {}).get("customer") for result in results)
    codes = [result.codes for result in results]
    assert codes.count(["INVALID_CREDENTIALS"]) == PER_EMAIL
    assert codes.count(["TOO_MANY_REQUESTS"]) == 40 - PER_EMAIL


async def test_forwarded_for_from_loopback_is_not_believed(
    instances: Instances, http: httpx.AsyncClient
) -> None:
    """TRUSTED_PROXIES is unset: a header naming another address changes nothing, neither in
    the app nor in the server in front of it."""
    for n in range(PER_ADDRESS):
        made_up = {"x-forwarded-for": f"198.51.100.{n}"}
        failed = await gql(
            http, instances.urls[0], SIGN_IN, {"e": f"v{n}@example.com", "p": "x"}, made_up
        )
        assert failed.codes == ["INVALID_CREDENTIALS"]
    stopped = await gql(
        http,
        instances.urls[0],
        SIGN_IN,
        {"e": "v99@example.com", "p": "x"},
        {"x-forwarded-for": "198.51.100.99"},
    )
    assert stopped.error_codes == ["TOO_MANY_REQUESTS"]


async def test_a_password_change_on_one_instance_ends_the_session_on_the_other(
    instances: Instances,
) -> None:
    first, second = instances.urls
    async with httpx.AsyncClient(timeout=30) as laptop, httpx.AsyncClient(timeout=30) as phone:
        email = await signed_up(laptop, first)
        (await gql(phone, second, SIGN_IN, {"e": email, "p": PASSWORD})).ok()
        assert (await gql(phone, first, ME)).ok() == {"me": {"email": email}}
        (await gql(laptop, first, CHANGE_PASSWORD, {"c": PASSWORD, "n": NEW_PASSWORD})).ok()
        assert (await gql(phone, second, ME)).ok() == {"me": None}
        assert (await gql(laptop, second, ME)).ok() == {"me": {"email": email}}


async def test_the_guest_session_budget_is_shared(instances: Instances) -> None:
    async def new_guest(n: int) -> GraphQLResult:
        async with httpx.AsyncClient(timeout=30) as guest:
            return await gql(guest, instances.urls[n % 2], ADD)

    results = [await new_guest(n) for n in range(10)]
    assert [result.error_codes for result in results] == [[]] * GUESTS_PER_ADDRESS + [
        ["TOO_MANY_REQUESTS"]
    ] * (10 - GUESTS_PER_ADDRESS)


async def test_a_payment_whose_shopper_left_is_ordered_once_by_two_instances(
    instances: Instances, http: httpx.AsyncClient
) -> None:
    """Stripe's event reaches both instances (an endpoint each, as two replicas behind two
    addresses would be registered), each more than once: one order. (Its confirmation mail
    follows commercetools' OrderCreated message, which the message ledger hands to one
    instance: the test after this one.)"""
    shop = instances.urls[0]
    (await gql(http, shop, ADD)).ok()
    (await gql(http, shop, SET_EMAIL, {"e": "two-instances@example.com"})).ok()
    cart = (await gql(http, shop, SET_SHIPPING_ADDRESS, {"a": BERLIN})).ok()
    cart_id = cart["setShippingAddress"]["cart"]["id"]
    payment = (await gql(http, shop, CREATE_PAYMENT, {"m": "card"})).ok()["createPayment"][
        "payment"
    ]
    (
        await browser_confirms(instances.stand_in.url, payment["clientSecret"], "pm_card_visa")
    ).raise_for_status()
    events = instances.stand_in.stand_in.events
    before = len(events.deliveries)
    # Deliveries run on the stand-in's own loop: wait for their answers to be recorded.
    await until(lambda: len(events.deliveries) >= before + 2)  # once to each instance
    succeeded = [e for e in events.events if e["type"] == "payment_intent.succeeded"]
    assert succeeded
    for _ in range(2):
        assert events.resend(succeeded[-1]["id"])
    await until(lambda: len(events.deliveries) >= before + 6)  # and twice more to each

    def orders() -> list[Any]:
        with instances.emulator.lock:
            return [o for o in instances.emulator.orders.values() if o["cart"]["id"] == cart_id]

    def last_answers() -> set[int | None]:
        newest: dict[str, int | None] = {}
        for delivery in events.deliveries[before:]:
            newest[delivery.endpoint_id] = delivery.status
        return set(newest.values())

    await until(orders)
    # Each instance ends by accepting the event (a refusal is retried by Stripe), and none
    # ordered the cart a second time.
    await until(lambda: last_answers() == {200})
    [order] = orders()
    assert order["paymentState"] == "Paid"


async def test_a_message_delivered_to_both_instances_is_handled_once(
    instances: Instances, http: httpx.AsyncClient
) -> None:
    with instances.emulator.lock:
        customer = copy.deepcopy(instances.emulator.customers[customers.DEMO_CUSTOMER_ID])
    before = len(read_outbox(instances.outbox))
    payload = message("CustomerCreated", "customer", customer["id"], customer=customer)
    answers = [
        (await http.post(f"{url}/webhooks/events", json=payload, headers=bearer(SECRET))).json()
        for url in instances.urls
    ]
    assert [answer["status"] for answer in answers] == ["handled", "duplicate"]
    assert len(read_outbox(instances.outbox)) == before + 1
