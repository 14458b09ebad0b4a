"""commercetools slow or down, over real sockets: the service and the emulator each listen on a
loopback port (CTP_* point at the emulator, as in production), because only real sockets time
out. Faults come from the emulator's fault injection and from sockets that never answer."""

from __future__ import annotations

import contextlib
import socket
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import httpx
import pytest

from app.ctp.breaker import BreakerState, CircuitBreaker
from app.ctp.errors import CtpUnavailable
from app.ctp.http import CtpHttp
from app.ctp.transport import AttemptLimits, UpstreamRequest, UpstreamResponse
from bootstrap.app import create_app
from emulator.app import create_emulator_app
from emulator.state import Emulator
from tests.conftest import make_settings
from tests.support.catalog import priced_skus
from tests.support.servers import ServerThread

ADD = "mutation($sku: String!) { addToCart(sku: $sku) { cart { id totalQuantity } } }"
CART = "{ cart { id totalQuantity } }"
PRODUCTS = "{ products(limit: 1) { pageInfo { total } } }"


@dataclass
class Setup:
    url: str
    emulator: Emulator

    def client(self) -> httpx.Client:
        return httpx.Client(base_url=self.url, timeout=30)

    def count(self, method: str, path_part: str) -> int:
        return sum(1 for m, p in self.emulator.request_log if m == method and path_part in p)


def gql(client: httpx.Client, query: str, **variables: Any) -> dict[str, Any]:
    response = client.post("/graphql", json={"query": query, "variables": variables or None})
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


def codes(body: dict[str, Any]) -> list[str]:
    return [error["extensions"]["code"] for error in body.get("errors") or []]


@pytest.fixture
def upstream() -> Iterator[tuple[Emulator, str]]:
    emulator = Emulator()
    with ServerThread(create_emulator_app(emulator)) as server:
        yield emulator, server.url


@pytest.fixture
def start() -> Iterator[Callable[..., Setup]]:
    servers: list[ServerThread] = []

    def run(emulator: Emulator, upstream_url: str, **overrides: Any) -> Setup:
        settings = make_settings(
            ctp_project_key="demo",
            ctp_client_id="demo-client",
            ctp_client_secret="demo-secret",
            ctp_scopes="manage_project:demo",
            ctp_api_url=upstream_url,
            ctp_auth_url=upstream_url,
            **overrides,
        )
        server = ServerThread(create_app(settings)).start()
        servers.append(server)
        return Setup(server.url, emulator)

    yield run
    for server in servers:
        server.stop()


@contextlib.contextmanager
def blackhole() -> Iterator[str]:
    """A port whose connection queue is full: connecting hangs until the client gives up."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(0)
    port = listener.getsockname()[1]
    fillers = []
    for _ in range(4):
        filler = socket.socket()
        filler.setblocking(False)
        with contextlib.suppress(BlockingIOError):
            filler.connect(("127.0.0.1", port))
        fillers.append(filler)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        for sock in [*fillers, listener]:
            sock.close()


def test_reads_and_token_calls_are_retried_writes_are_not(
    upstream: tuple[Emulator, str], start: Callable[..., Setup]
) -> None:
    emulator, url = upstream
    setup = start(emulator, url, upstream_max_retries=2, upstream_breaker_failures=0)
    sku = priced_skus(emulator, 1)[0]
    with setup.client() as shopper, setup.client() as newcomer:
        cart_id = gql(shopper, ADD, sku=sku)["data"]["addToCart"]["cart"]["id"]
        emulator.clear_request_log()
        emulator.faults.configure(error_rate=1.0)

        assert codes(gql(shopper, CART)) == ["UPSTREAM_UNAVAILABLE"]
        assert setup.count("GET", f"/me/carts/{cart_id}") == 3  # 1 + 2 retries

        emulator.clear_request_log()
        assert codes(gql(shopper, ADD, sku=sku)) == ["UPSTREAM_UNAVAILABLE"]
        assert setup.count("POST", f"/me/carts/{cart_id}") == 1  # a write: never retried

        emulator.clear_request_log()
        assert codes(gql(newcomer, ADD, sku=sku)) == ["UPSTREAM_UNAVAILABLE"]
        assert setup.count("POST", "/anonymous/token") == 3  # token calls are safe to repeat
        assert setup.count("POST", "/me/carts") == 0

        emulator.faults.configure(error_rate=0.0)
        assert gql(shopper, CART)["data"]["cart"] == {"id": cart_id, "totalQuantity": 1}


def test_a_slow_upstream_is_unavailable_within_the_deadline_and_loses_nothing(
    upstream: tuple[Emulator, str], start: Callable[..., Setup]
) -> None:
    emulator, url = upstream
    setup = start(
        emulator,
        url,
        upstream_read_timeout_seconds=0.3,
        upstream_deadline_seconds=1.0,
        upstream_max_retries=5,
        upstream_breaker_failures=0,
    )
    sku = priced_skus(emulator, 1)[0]
    with setup.client() as shopper:
        cart = gql(shopper, ADD, sku=sku)["data"]["addToCart"]["cart"]
        cookie = shopper.cookies.get("ctp_session")
        emulator.clear_request_log()
        emulator.faults.configure(latency_ms=3000)
        try:
            started = time.monotonic()
            response = shopper.post("/graphql", json={"query": CART})
            elapsed = time.monotonic() - started
            assert codes(response.json()) == ["UPSTREAM_UNAVAILABLE"]
            # Read timeouts of 0.3 s, retried while the 1 s deadline leaves room: 3 attempts,
            # not the 6 that the retry count alone would allow.
            # Well below the upstream's 3 s: the deadline, not the upstream, ended the wait.
            assert 0.9 <= elapsed < 2.9, elapsed
            assert setup.count("GET", f"/me/carts/{cart['id']}") == 3
            assert "set-cookie" not in response.headers

            emulator.clear_request_log()
            write = shopper.post("/graphql", json={"query": ADD, "variables": {"sku": sku}})
            assert codes(write.json()) == ["UPSTREAM_UNAVAILABLE"]
            # The write may have been applied after we stopped waiting: not sent again.
            assert setup.count("POST", f"/me/carts/{cart['id']}") == 1
        finally:
            emulator.faults.configure(latency_ms=0)
        assert shopper.cookies.get("ctp_session") == cookie
        # The session and its cart survived; the late write may or may not have landed.
        after = gql(shopper, CART)["data"]["cart"]
        assert after["id"] == cart["id"] and after["totalQuantity"] in (1, 2)


def test_an_unreachable_upstream_is_unavailable_within_the_deadline(
    start: Callable[..., Setup],
) -> None:
    with blackhole() as url:
        setup = start(
            Emulator(),
            url,
            upstream_connect_timeout_seconds=0.2,
            upstream_deadline_seconds=1.0,
            upstream_breaker_failures=0,
        )
        with setup.client() as shopper:
            started = time.monotonic()
            body = gql(shopper, PRODUCTS)
            elapsed = time.monotonic() - started
    assert codes(body) == ["UPSTREAM_UNAVAILABLE"]
    # 3 connect attempts of 0.2 s (a connect that failed never sent anything: retried).
    # Generous bound (noisy machines): without the deadline it would hang on the blackhole.
    assert 0.6 <= elapsed < 3.0, elapsed


def test_a_refused_connection_is_unavailable_at_once(start: Callable[..., Setup]) -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        closed_port = probe.getsockname()[1]
    setup = start(Emulator(), f"http://127.0.0.1:{closed_port}")
    with setup.client() as shopper:
        started = time.monotonic()
        body = gql(shopper, PRODUCTS)
        elapsed = time.monotonic() - started
    assert codes(body) == ["UPSTREAM_UNAVAILABLE"]
    # Three 2 s connect timeouts would be 6 s; a refusal is answered at once.
    assert elapsed < 3.0, elapsed


def test_the_circuit_breaker_fails_fast_and_recovers_by_itself(
    upstream: tuple[Emulator, str], start: Callable[..., Setup]
) -> None:
    emulator, url = upstream
    setup = start(
        emulator,
        url,
        upstream_read_timeout_seconds=0.2,
        upstream_deadline_seconds=0.5,
        upstream_max_retries=0,
        upstream_breaker_failures=2,
        upstream_breaker_reset_seconds=1.0,
        readiness_cache_seconds=0,
    )
    sku = priced_skus(emulator, 1)[0]
    with setup.client() as shopper:
        cart = gql(shopper, ADD, sku=sku)["data"]["addToCart"]["cart"]
        emulator.faults.configure(latency_ms=2000)
        try:
            for _ in range(2):  # each waits out its timeout; the second opens the circuit
                assert codes(gql(shopper, CART)) == ["UPSTREAM_UNAVAILABLE"]
            emulator.clear_request_log()
            started = time.monotonic()
            assert codes(gql(shopper, CART)) == ["UPSTREAM_UNAVAILABLE"]
            assert time.monotonic() - started < 0.15
            assert emulator.request_log == []  # failed at once, nothing sent
            ready = shopper.get("/readyz")
            assert ready.status_code == 503 and ready.json()["status"] == "unavailable"
            assert "circuit open" in ready.json()["reason"]
        finally:
            emulator.faults.configure(latency_ms=0)
        time.sleep(1.1)  # half-open: the next call is the trial
        assert gql(shopper, CART)["data"]["cart"] == cart
        assert gql(shopper, CART)["data"]["cart"] == cart
        assert shopper.get("/readyz").status_code == 200


def test_readyz_reports_whether_commercetools_answers(
    upstream: tuple[Emulator, str], start: Callable[..., Setup]
) -> None:
    emulator, url = upstream
    setup = start(
        emulator,
        url,
        readiness_cache_seconds=0.5,
        readiness_timeout_seconds=0.3,
        upstream_breaker_failures=0,
    )
    with setup.client() as probe:
        ready = probe.get("/readyz")
        assert ready.status_code == 200 and ready.json()["status"] == "ready"
        assert ready.headers["cache-control"] == "no-store"
        emulator.clear_request_log()
        assert probe.get("/readyz").status_code == 200
        assert emulator.request_log == []  # cached: probes cost no upstream call

        emulator.faults.configure(error_rate=1.0)
        time.sleep(0.6)
        down = probe.get("/readyz")
        assert down.status_code == 503
        assert down.json() == {
            "status": "unavailable",
            "reason": "commercetools unavailable (status 503 on GET)",
        }
        assert setup.count("GET", "/demo") == 1  # no retries for a health check

        emulator.faults.configure(error_rate=0.0, latency_ms=2000)
        time.sleep(0.6)
        started = time.monotonic()
        slow = probe.get("/readyz")
        assert slow.status_code == 503 and "within 0.3 s" in slow.json()["reason"]
        assert time.monotonic() - started < 1.0
        # The process itself is fine all along.
        assert probe.get("/healthz").json() == {"status": "ok"}
        emulator.faults.configure(latency_ms=0)


# -- the parts, with a fake clock ---------------------------------------------------------------


class Ticks:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def test_the_breaker_lets_one_trial_through_after_the_wait() -> None:
    ticks = Ticks()
    breaker = CircuitBreaker("api", failure_threshold=2, reset_seconds=5, clock=ticks)
    breaker.record_failure()
    assert breaker.allow()  # one failure in a row: still closed
    breaker.record_failure()
    assert breaker.state is BreakerState.OPEN and not breaker.allow()
    ticks.now = 5.0
    assert breaker.allow()  # the trial
    assert not breaker.allow()  # everyone else still fails fast while it runs
    breaker.record_failure()  # the trial failed: wait again
    assert breaker.state is BreakerState.OPEN
    ticks.now = 10.0
    assert breaker.allow()
    breaker.release()  # cancelled trial: another may go
    assert breaker.allow()
    breaker.record_success()
    assert breaker.state.value == "closed" and breaker.allow() and breaker.allow()


class Overloaded:
    """An upstream transport that answers every request with 503."""

    def __init__(self) -> None:
        self.calls = 0

    async def send(self, request: UpstreamRequest, limits: AttemptLimits) -> UpstreamResponse:
        self.calls += 1
        return UpstreamResponse(503, b'{"message": "busy"}')

    async def aclose(self) -> None:
        return None


@pytest.mark.anyio
async def test_retries_back_off_with_jitter_within_the_deadline() -> None:
    slept: list[float] = []

    async def sleep(seconds: float) -> None:
        slept.append(seconds)

    overloaded = Overloaded()
    http = CtpHttp(
        overloaded,
        connect_timeout=1.0,
        read_timeout=1.0,
        max_retries=4,
        sleep=sleep,
        jitter=lambda: 0.5,
    )
    with pytest.raises(CtpUnavailable):
        await http.send("GET", "http://ctp.test/x", headers={}, idempotent=True)
    assert overloaded.calls == 5
    # Full jitter over an exponential ceiling: half of 50, 100, 200, 400 ms.
    assert slept == pytest.approx([0.025, 0.05, 0.1, 0.2])

    overloaded.calls = 0
    with pytest.raises(CtpUnavailable):
        await http.send("POST", "http://ctp.test/x", headers={}, idempotent=False, json={})
    assert overloaded.calls == 1  # a write that reached the server is never repeated
    await http.aclose()
