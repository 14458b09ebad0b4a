"""Traces exported over OTLP (HTTP/protobuf) as the OTEL_* variables configure them, to a
receiver on a loopback port; trace ids in JSON log lines; and, with metrics and tracing off
(the default), nothing of either: no trace headers upstream, no metrics port."""

from __future__ import annotations

import io
import json
import logging
import secrets
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from app.observability import tracing
from bootstrap.app import create_app
from emulator.app import create_emulator_app
from emulator.state import Emulator
from tests.conftest import make_settings
from tests.support.production import WEBHOOK_SECRET
from tests.support.servers import ServerThread
from tests.support.telemetry import (
    OtlpReceiver,
    RecordedHeaders,
    in_memory_tracing,
    recording_headers,
)

ADD = """mutation AddToCart($sku: String!) {
  addToCart(sku: $sku, quantity: 1) { cart { id } userErrors { code } } }"""
TSHIRT = "TSHIRT-CLASSIC-BLUE-M"
OTEL_VARIABLES = (
    "OTEL_SDK_DISABLED",
    "OTEL_TRACES_EXPORTER",
    "OTEL_EXPORTER_OTLP_ENDPOINT",
    "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT",
)


@pytest.fixture
def no_otel_environment(monkeypatch: pytest.MonkeyPatch) -> pytest.MonkeyPatch:
    for name in OTEL_VARIABLES:
        monkeypatch.delenv(name, raising=False)
    return monkeypatch


def project(upstream_url: str, **overrides: Any) -> dict[str, Any]:
    return {
        "ctp_project_key": "demo",
        "ctp_client_id": "demo-client",
        "ctp_client_secret": "demo-secret",
        "ctp_scopes": "manage_project:demo",
        "ctp_api_url": upstream_url,
        "ctp_auth_url": upstream_url,
        **overrides,
    }


def add_to_cart(url: str, headers: dict[str, str]) -> None:
    response = httpx.post(
        f"{url}/graphql", json={"query": ADD, "variables": {"sku": TSHIRT}}, headers=headers
    )
    assert response.status_code == 200 and "errors" not in response.json(), response.text


def test_spans_go_over_otlp_to_the_configured_endpoint(
    no_otel_environment: pytest.MonkeyPatch,
) -> None:
    trace_id, parent_id = secrets.token_hex(16), secrets.token_hex(8)
    emulator = Emulator()
    with OtlpReceiver() as receiver, ServerThread(create_emulator_app(emulator)) as upstream:
        no_otel_environment.setenv("OTEL_EXPORTER_OTLP_ENDPOINT", receiver.endpoint)
        no_otel_environment.setenv("OTEL_SERVICE_NAME", "ctp-bff-under-test")
        app = create_app(make_settings(**project(upstream.url)))
        with ServerThread(app) as service:
            add_to_cart(service.url, {"traceparent": f"00-{trace_id}-{parent_id}-01"})
        # Stopping the service flushed its batch of spans.
        spans = list(receiver.spans_of(trace_id))
    assert receiver.paths and set(receiver.paths) == {"/v1/traces"}
    names = {span.name for span in spans}
    assert {"POST /graphql", "mutation AddToCart", "POST /me/carts"} <= names
    server = next(span for span in spans if span.name == "POST /graphql")
    assert server.parent_span_id.hex() == parent_id
    upstream_call = next(span for span in spans if span.name == "POST /me/carts")
    attributes = {a.key: a.value for a in upstream_call.attributes}
    assert attributes["url.template"].string_value == "/me/carts"
    assert attributes["http.response.status_code"].int_value == 201
    assert tracing.tracer() is None, "the service's lifespan ended its tracing"


def test_with_metrics_and_tracing_off_nothing_is_added(
    no_otel_environment: pytest.MonkeyPatch,
) -> None:
    emulator = Emulator()
    recorded = RecordedHeaders()
    with ServerThread(recording_headers(create_emulator_app(emulator), recorded)) as upstream:
        app = create_app(make_settings(**project(upstream.url)))
        with ServerThread(app) as service:
            add_to_cart(service.url, {"traceparent": f"00-{secrets.token_hex(16)}-{'1' * 16}-01"})
            assert tracing.tracer() is None
            assert not hasattr(app.state, "metrics_port")
    assert recorded.requests
    assert not recorded.with_header("traceparent")
    assert not recorded.with_header("x-correlation-id")


def test_calls_to_a_redis_session_store_get_spans(
    no_otel_environment: pytest.MonkeyPatch, redis_url: str
) -> None:
    trace_id = secrets.token_hex(16)
    provider, exporter = in_memory_tracing()
    emulator = Emulator()
    with ServerThread(create_emulator_app(emulator)) as upstream:
        settings = make_settings(
            **project(upstream.url, session_store="redis", redis_url=redis_url)
        )
        app = create_app(settings, tracer_provider=provider)
        with ServerThread(app) as service, httpx.Client(base_url=service.url) as browser:
            for _ in range(2):
                response = browser.post(
                    "/graphql",
                    json={"query": ADD, "variables": {"sku": TSHIRT}},
                    headers={"traceparent": f"00-{trace_id}-{'3' * 16}-01"},
                )
                assert response.status_code == 200 and "errors" not in response.json()
    spans = [
        span
        for span in exporter.get_finished_spans()
        if span.context is not None and f"{span.context.trace_id:032x}" == trace_id
    ]
    stored = [span for span in spans if span.name.startswith("session_store ")]
    # The first request saves a new session, the second loads it (and saves it again).
    assert {span.name for span in stored} >= {"session_store save", "session_store load"}
    servers = {
        span.context.span_id for span in spans if span.name == "POST /graphql" and span.context
    }
    for span in stored:
        assert span.attributes is not None
        assert span.attributes["ctp_bff.session_store"] == "redis"
        assert span.parent is not None and span.parent.span_id in servers


@pytest.fixture
def json_log() -> Iterator[io.StringIO]:
    """The service's log output; call after create_app() (which installs the handler)."""
    sink = io.StringIO()
    yield sink
    handler = logging.getLogger().handlers[0]
    if isinstance(handler, logging.StreamHandler):
        handler.setStream(io.StringIO())


def test_json_log_lines_carry_the_trace_and_span_ids(
    no_otel_environment: pytest.MonkeyPatch, json_log: io.StringIO
) -> None:
    trace_id = secrets.token_hex(16)
    provider, exporter = in_memory_tracing()
    emulator = Emulator()
    with ServerThread(create_emulator_app(emulator)) as upstream:
        settings = make_settings(
            **project(upstream.url, app_env="production", webhook_secret=WEBHOOK_SECRET),
            public_url="http://127.0.0.1",
        )
        app = create_app(settings, tracer_provider=provider)
        handler = logging.getLogger().handlers[0]
        assert isinstance(handler, logging.StreamHandler)
        handler.setStream(json_log)
        with ServerThread(app) as service:
            add_to_cart(service.url, {"traceparent": f"00-{trace_id}-{'2' * 16}-01"})
    entries = [json.loads(line) for line in json_log.getvalue().splitlines()]
    [access] = [e for e in entries if e["logger"] == "app.access"]
    assert access["trace_id"] == trace_id
    spans = {f"{s.context.span_id:016x}" for s in exporter.get_finished_spans() if s.context}
    assert access["span_id"] in spans
    # Outside a request (start-up, shut-down) no span is active, and no ids are written.
    assert [e for e in entries if "trace_id" not in e]
