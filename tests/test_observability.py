"""Metrics and traces over HTTP (docs/observability.md): one service with metrics on and an
in-memory span exporter, for a real project whose commercetools is the emulator on a loopback
port; what commercetools receives is recorded (tests/support/telemetry.py)."""

from __future__ import annotations

import json
import re
import secrets
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import anyio
import httpx
import pytest
from opentelemetry.sdk.trace import ReadableSpan
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from prometheus_client import Counter, Gauge, Histogram

from app.observability import metrics
from app.observability.names import OperationNames, endpoint_template
from bootstrap.app import create_app
from emulator.app import create_emulator_app
from emulator.state import Emulator
from tests.conftest import make_settings
from tests.support.browser import Browser
from tests.support.queries import USER_ERRORS
from tests.support.servers import ServerThread
from tests.support.telemetry import (
    RecordedHeaders,
    Sample,
    in_memory_tracing,
    recording_headers,
    scrape,
    total,
)

pytestmark = pytest.mark.anyio

CATEGORIES = "query Categories { categories { id slug } }"
SEARCH = """query Search($text: String) {
  products(text: $text, limit: 5) { results { slug masterVariant { sku } } } }"""
PRODUCT = "query Product($slug: String!) { product(by: {slug: $slug}) { id name } }"
ADD = f"""mutation AddToCart($sku: String!, $q: Int = 1) {{
  addToCart(sku: $sku, quantity: $q) {{ cart {{ id totalQuantity }} {USER_ERRORS} }} }}"""
SIGN_UP = f"""mutation SignUp($input: SignUpInput!) {{
  signUp(input: $input) {{ customer {{ id email }} {USER_ERRORS} }} }}"""
ME = "query Me { me { id email } }"
CART = "query MyCart { cart { id lineItems { sku quantity } } }"
TSHIRT = "TSHIRT-CLASSIC-BLUE-M"
DASHBOARD = Path(__file__).resolve().parent.parent / "deploy" / "grafana-dashboard.json"
TOTE = "TOTE-CANVAS-BEIGE"


@dataclass
class Shop:
    url: str
    metrics_url: str
    upstream: RecordedHeaders
    spans: InMemorySpanExporter
    emulator: Emulator

    def browser(self, **kwargs: Any) -> Browser:
        return Browser(self.url, **kwargs)


@pytest.fixture(scope="module")
def shop(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Shop]:
    emulator = Emulator()
    recorded = RecordedHeaders()
    provider, exporter = in_memory_tracing()
    with ServerThread(recording_headers(create_emulator_app(emulator), recorded)) as upstream:
        settings = make_settings(
            ctp_project_key="demo",
            ctp_client_id="demo-client",
            ctp_client_secret="demo-secret",
            ctp_scopes="manage_project:demo",
            ctp_api_url=upstream.url,
            ctp_auth_url=upstream.url,
            credential_failure_min_seconds=0,
            mail_outbox_dir=tmp_path_factory.mktemp("outbox"),
            metrics_enabled=True,
            metrics_port=0,
        )
        app = create_app(settings, tracer_provider=provider)
        with ServerThread(app) as service:
            metrics_url = f"http://127.0.0.1:{app.state.metrics_port}/metrics"
            yield Shop(service.url, metrics_url, recorded, exporter, emulator)


def _bearer_tokens(recorded: RecordedHeaders) -> set[str]:
    return {
        r.headers["authorization"].removeprefix("Bearer ")
        for r in recorded.requests
        if r.headers.get("authorization", "").startswith("Bearer ")
    }


async def test_a_journey_shows_in_the_metrics_by_operation_and_endpoint_and_nothing_personal(
    shop: Shop,
) -> None:
    email = f"metrics-{uuid.uuid4().hex[:10]}@example.com"
    first = len(shop.upstream.requests)
    async with shop.browser() as browser:
        (await browser.gql(CATEGORIES)).ok()
        found = (await browser.gql(SEARCH, {"text": "shirt"})).ok()["products"]["results"]
        (await browser.gql(PRODUCT, {"slug": found[0]["slug"]})).ok()
        (await browser.gql(ADD, {"sku": TSHIRT, "q": 1})).ok()
        (await browser.gql(ADD, {"sku": TOTE, "q": 1})).ok()
        signup = {"input": {"email": email, "password": "Metric-Passw0rd", "firstName": "Mo"}}
        customer = (await browser.gql(SIGN_UP, signup)).ok()["signUp"]["customer"]
        (await browser.gql(ME)).ok()
        # A document that does not parse and one without a name: folded, never their text.
        assert (await browser.gql("{ cart { id ")).errors
        (await browser.gql("{ cart { id } }")).ok()
    journey = shop.upstream.requests[first:]
    cart_paths = {r.path for r in journey if re.fullmatch(r"/demo/me/carts/[^/]+", r.path)}
    assert cart_paths, [r.path for r in journey]
    cart_id = next(iter(cart_paths)).rsplit("/", 1)[1]
    tokens = _bearer_tokens(shop.upstream)
    assert tokens

    samples = scrape(shop.metrics_url)
    ops = "ctp_bff_graphql_requests_total"
    assert total(samples, ops, operation="Categories", type="query") >= 1
    assert total(samples, ops, operation="Search", type="query") >= 1
    assert total(samples, ops, operation="Product", type="query") >= 1
    assert total(samples, ops, operation="AddToCart", type="mutation") >= 2
    assert total(samples, ops, operation="SignUp", type="mutation") >= 1
    assert total(samples, ops, operation="Me", type="query") >= 1
    assert total(samples, ops, operation="anonymous", type="query") >= 1
    assert total(samples, ops, operation="unknown", type="unknown") >= 1
    assert (
        total(
            samples,
            "ctp_bff_graphql_errors_total",
            operation="unknown",
            code="GRAPHQL_PARSE_FAILED",
        )
        >= 1
    )
    # Latency buckets per operation: every request falls in +Inf, and in some finite bucket.
    buckets = "ctp_bff_graphql_request_duration_seconds_bucket"
    assert total(samples, buckets, operation="AddToCart", le="+Inf") >= 2
    assert total(samples, buckets, operation="AddToCart", le="10.0") >= 2

    calls = "ctp_bff_upstream_requests_total"
    assert total(samples, calls, method="POST", endpoint="/oauth/{projectKey}/anonymous/token") >= 1
    assert total(samples, calls, method="POST", endpoint="/me/carts", status="201") >= 1
    assert total(samples, calls, method="POST", endpoint="/me/carts/{id}", status="200") >= 1
    assert total(samples, calls, method="POST", endpoint="/me/signup") >= 1
    assert total(samples, calls, method="POST", endpoint="/oauth/token") >= 1
    assert (
        total(
            samples,
            "ctp_bff_upstream_request_duration_seconds_bucket",
            endpoint="/me/carts/{id}",
            le="+Inf",
        )
        >= 1
    )
    assert total(samples, "ctp_bff_token_requests_total", flow="anonymous") >= 1
    assert total(samples, "ctp_bff_session_store_operations_total", store="cookie") >= 1
    assert total(samples, "ctp_bff_http_requests_total", route="/graphql", status="200") >= 8
    assert total(samples, "ctp_bff_http_requests_total", route="/graphql", status="400") >= 1

    # No label value holds an id, an e-mail address, a token or query text.
    values = {v for s in samples if s.name.startswith("ctp_bff_") for v in s.labels.values()}
    forbidden = {cart_id, customer["id"], email, email.split("@")[0], *tokens}
    leaks = {v for v in values for secret in forbidden if secret in v}
    assert not leaks
    assert not [v for v in values if "@" in v or "{ " in v or "(" in v or "query " in v]


SIGN_IN = f"""mutation SignIn($e: String!, $p: String!) {{
  signIn(email: $e, password: $p) {{ customer {{ id }} {USER_ERRORS} }} }}"""
REQUEST_RESET = f"""mutation RequestReset($e: String!) {{
  requestPasswordReset(email: $e) {{ {USER_ERRORS} }} }}"""


async def test_refusals_token_failures_webhooks_and_mail_are_counted(shop: Shop) -> None:
    email = f"guess-{uuid.uuid4().hex[:10]}@example.com"
    async with shop.browser() as browser:
        signup = {"input": {"email": email, "password": "Right-Passw0rd", "firstName": "Al"}}
        (await browser.gql(SIGN_UP, signup)).ok()
        (await browser.gql("mutation { signOut { userErrors { code } } }")).ok()
        codes = [
            (await browser.gql(SIGN_IN, {"e": email, "p": f"Wrong-{i}"})).codes for i in range(6)
        ]
        assert "TOO_MANY_REQUESTS" in codes[-1], codes
        (await browser.gql(REQUEST_RESET, {"e": email})).ok()
    async with httpx.AsyncClient(base_url=shop.url) as webhook:
        refused = await webhook.post("/webhooks/events", json={"message": {}})
        assert refused.status_code == 401
    samples: list[Sample] = []
    deadline = time.monotonic() + 5
    # The reset mail goes out in the background, after the answer.
    while time.monotonic() < deadline:
        samples = scrape(shop.metrics_url)
        if total(samples, "ctp_bff_mails_total", transport="outbox", outcome="sent"):
            break
        await anyio.sleep(0.05)
    assert total(samples, "ctp_bff_mails_total", transport="outbox", outcome="sent") >= 1
    assert total(samples, "ctp_bff_throttle_refusals_total", rule="account+client_address") >= 1
    assert total(samples, "ctp_bff_token_failures_total", flow="password", reason="rejected") >= 5
    assert (
        total(
            samples, "ctp_bff_webhook_deliveries_total", endpoint="events", outcome="unauthorized"
        )
        >= 1
    )
    values = {v for s in samples if s.name.startswith("ctp_bff_") for v in s.labels.values()}
    assert not [v for v in values if email.split("@")[0] in v or "@" in v]


async def test_the_metrics_cap_distinct_operation_names() -> None:
    names = OperationNames(limit=2)
    assert [names.label(n) for n in ("A", "B", "C", "A", None)] == [
        "A",
        "B",
        "other",
        "A",
        "anonymous",
    ]
    assert names.label("x" * 65) == "other"


@pytest.mark.parametrize(
    ("url", "template"),
    [
        (
            "https://api.example.com/shop/me/carts/4d9c0c0e-9b55-4d3f-a8b8-1c4fd1e1f0a2",
            "/me/carts/{id}",
        ),
        (
            "https://api.example.com/shop/in-store/key=berlin-1/me/carts",
            "/in-store/key={key}/me/carts",
        ),
        (
            "https://api.example.com/shop/customers/email-token=abc123",
            "/customers/email-token={token}",
        ),
        (
            "https://api.example.com/shop/product-projections/key=shirt?staged=false",
            "/product-projections/key={key}",
        ),
        ("https://api.example.com/shop/customers/jo@example.com", "/customers/{id}"),
        (
            "https://auth.example.com/oauth/shop/customers/token",
            "/oauth/{projectKey}/customers/token",
        ),
        ("https://auth.example.com/oauth/token", "/oauth/token"),
        ("https://api.example.com/shop", "/"),
    ],
)
def test_endpoint_templates_replace_ids_keys_and_addresses(url: str, template: str) -> None:
    assert endpoint_template(url) == template


def _trace_spans(shop: Shop, trace_id: str, wait: float = 5.0) -> list[ReadableSpan]:
    """The trace's finished spans, once its server span ended: that happens just after the
    answer left, so the browser may read the answer first."""
    deadline = time.monotonic() + wait
    while True:
        spans = [
            span
            for span in shop.spans.get_finished_spans()
            if span.context is not None and f"{span.context.trace_id:032x}" == trace_id
        ]
        if any(span.name == "POST /graphql" for span in spans) or time.monotonic() > deadline:
            return spans
        time.sleep(0.01)


async def test_a_browsers_traceparent_is_continued_down_to_commercetools(shop: Shop) -> None:
    trace_id, parent_id = secrets.token_hex(16), secrets.token_hex(8)
    first = len(shop.upstream.requests)
    async with shop.browser(headers={"traceparent": f"00-{trace_id}-{parent_id}-01"}) as browser:
        # A new guest's first cart write: an anonymous token, then the cart.
        (await browser.gql(ADD, {"sku": TSHIRT, "q": 1})).ok()
    spans = _trace_spans(shop, trace_id)
    by_name = {span.name: span for span in spans}
    server = by_name["POST /graphql"]
    assert server.parent is not None and f"{server.parent.span_id:016x}" == parent_id
    operation = by_name["mutation AddToCart"]
    assert operation.parent is not None and server.context is not None
    assert operation.parent.span_id == server.context.span_id
    assert operation.attributes is not None
    assert operation.attributes["graphql.operation.name"] == "AddToCart"
    # The cookie store decrypts in-process: no span (Redis calls get one,
    # tests/test_observability_export.py).
    assert not [name for name in by_name if name.startswith("session_store")]

    clients = [
        span for span in spans if span.name.startswith(("POST /", "GET /")) and span is not server
    ]
    assert {span.name for span in clients} >= {
        "POST /oauth/{projectKey}/anonymous/token",
        "POST /me/carts",
    }
    for span in clients:
        assert span.attributes is not None
        assert span.attributes["http.request.method"] in ("GET", "POST")
        assert span.attributes["url.template"] == span.name.split(" ", 1)[1]
        assert span.attributes["http.response.status_code"] in (200, 201)

    # What commercetools received: each call names its own span, in the browser's trace.
    received = shop.upstream.requests[first:]
    assert received
    client_ids = {f"{span.context.span_id:016x}" for span in clients if span.context is not None}
    for request in received:
        version, received_trace, span_id, flags = request.headers["traceparent"].split("-")
        assert (version, received_trace, flags) == ("00", trace_id, "01")
        assert span_id in client_ids
        assert request.headers["x-correlation-id"] == f"{trace_id}-{span_id}"
        assert re.fullmatch(r"[0-9a-f]{32}-[0-9a-f]{16}", request.headers["x-correlation-id"])


async def test_without_a_traceparent_each_request_starts_its_own_trace(shop: Shop) -> None:
    first = len(shop.upstream.requests)
    async with shop.browser() as browser:
        (await browser.gql(ADD, {"sku": TOTE, "q": 1})).ok()
        (await browser.gql(CART)).ok()
    received = shop.upstream.requests[first:]
    traces = {r.headers["traceparent"].split("-")[1] for r in received}
    # The write and the read came from two requests: two traces, none of them all zeros.
    assert len(traces) == 2 and "0" * 32 not in traces


def test_the_dashboard_queries_only_metrics_the_service_defines() -> None:
    defined: set[str] = set()
    for value in vars(metrics).values():
        if isinstance(value, Counter):
            defined.add(f"{value._name}_total")
        elif isinstance(value, Histogram):
            defined.update(f"{value._name}_{part}" for part in ("bucket", "sum", "count"))
        elif isinstance(value, Gauge):
            defined.add(value._name)
    dashboard = json.loads(DASHBOARD.read_text())
    expressions = [
        target["expr"] for panel in dashboard["panels"] for target in panel.get("targets", [])
    ]
    used = {name for expr in expressions for name in re.findall(r"ctp_bff_\w+", expr)}
    assert used and used <= defined, used - defined
    # Every metric family shows on the dashboard (the histograms by their buckets).
    families = {name.removesuffix("_bucket") for name in used}
    assert {
        v._name for v in vars(metrics).values() if isinstance(v, Counter | Gauge | Histogram)
    } <= {f.removesuffix("_total") for f in families}


async def test_a_request_the_browser_did_not_sample_makes_no_spans_but_propagates(
    shop: Shop,
) -> None:
    trace_id, parent_id = secrets.token_hex(16), secrets.token_hex(8)
    first = len(shop.upstream.requests)
    async with shop.browser(headers={"traceparent": f"00-{trace_id}-{parent_id}-00"}) as browser:
        (await browser.gql(ADD, {"sku": TSHIRT, "q": 1})).ok()
    assert _trace_spans(shop, trace_id, wait=0.5) == []
    received = shop.upstream.requests[first:]
    assert received
    for request in received:
        version, received_trace, span_id, flags = request.headers["traceparent"].split("-")
        assert (version, received_trace, flags) == ("00", trace_id, "00")
        assert request.headers["x-correlation-id"] == f"{trace_id}-{span_id}"
