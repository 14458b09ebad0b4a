"""The service's Prometheus metrics, and the hooks that record them.

The metric objects exist from import (prometheus_client's way); the hooks record only once
`enable()` ran, so with METRICS_ENABLED=false a hook is one global check. Several workers:
prometheus_client's multiprocess mode (app/observability/multiprocess.py) keeps each worker's
values in files that any worker's scrape adds up; the gauges say how they combine
(`multiprocess_mode`).

Label values come from app/observability/names.py or from fixed vocabularies: never an id, an
e-mail address, a token or query text.
"""

from __future__ import annotations

from typing import Generic, TypeVar

from prometheus_client import Counter, Gauge, Histogram, disable_created_metrics

# No `*_created` series beside every counter and histogram: Prometheus does not need them, and
# they would double what is stored.
disable_created_metrics()  # type: ignore[no-untyped-call]

_PREFIX = "ctp_bff"
# Seconds: from a cached GraphQL leaf (~1 ms) to an upstream deadline (10 s).
_SECONDS = (0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)

http_requests = Counter(
    f"{_PREFIX}_http_requests_total",
    "HTTP requests answered, by route and status code.",
    ["route", "status"],
)
graphql_requests = Counter(
    f"{_PREFIX}_graphql_requests_total",
    "GraphQL operations served, by operation name and type.",
    ["operation", "type"],
)
graphql_errors = Counter(
    f"{_PREFIX}_graphql_errors_total",
    "GraphQL errors in answers, by operation and the error's extensions.code.",
    ["operation", "type", "code"],
)
graphql_duration = Histogram(
    f"{_PREFIX}_graphql_request_duration_seconds",
    "Time to parse, validate and execute one GraphQL operation.",
    ["operation", "type"],
    buckets=_SECONDS,
)
upstream_requests = Counter(
    f"{_PREFIX}_upstream_requests_total",
    "Calls to commercetools, by method, endpoint template and final status (an HTTP code, "
    "'unavailable' for no answer, 'circuit_open' when the breaker refused it).",
    ["method", "endpoint", "status"],
)
upstream_duration = Histogram(
    f"{_PREFIX}_upstream_request_duration_seconds",
    "Time of one call to commercetools, retries included.",
    ["method", "endpoint"],
    buckets=_SECONDS,
)
upstream_retries = Counter(
    f"{_PREFIX}_upstream_retries_total",
    "Attempts to commercetools repeated after a fault or a 5xx.",
    ["method", "endpoint"],
)
breaker_state = Gauge(
    f"{_PREFIX}_upstream_circuit_state",
    "Circuit breaker per commercetools host: 0 closed, 1 half-open, 2 open (the worst worker).",
    ["host"],
    multiprocess_mode="livemax",
)
breaker_openings = Counter(
    f"{_PREFIX}_upstream_circuit_openings_total",
    "Times a circuit breaker opened.",
    ["host"],
)
token_requests = Counter(
    f"{_PREFIX}_token_requests_total",
    "OAuth token requests to commercetools, by flow.",
    ["flow"],
)
token_failures = Counter(
    f"{_PREFIX}_token_failures_total",
    "OAuth token requests that failed, by flow and reason.",
    ["flow", "reason"],
)
session_operations = Counter(
    f"{_PREFIX}_session_store_operations_total",
    "Session store operations, by store and operation.",
    ["store", "operation"],
)
session_errors = Counter(
    f"{_PREFIX}_session_store_errors_total",
    "Session store operations that failed (the store did not answer).",
    ["store", "operation"],
)
session_duration = Histogram(
    f"{_PREFIX}_session_store_operation_duration_seconds",
    "Time of one session store operation.",
    ["store", "operation"],
    buckets=_SECONDS,
)
throttle_refusals = Counter(
    f"{_PREFIX}_throttle_refusals_total",
    "Attempts refused because a budget was used up, by rule.",
    ["rule"],
)
webhook_deliveries = Counter(
    f"{_PREFIX}_webhook_deliveries_total",
    "Webhook calls received, by endpoint and outcome (handled, duplicate, failed, ...).",
    ["endpoint", "outcome"],
)
webhook_duration = Histogram(
    f"{_PREFIX}_webhook_handling_duration_seconds",
    "Time to handle one webhook call.",
    ["endpoint"],
    buckets=_SECONDS,
)
mails = Counter(
    f"{_PREFIX}_mails_total",
    "E-mails handed to the transport, by transport and outcome (sent, failed).",
    ["transport", "outcome"],
)
readiness_check = Gauge(
    f"{_PREFIX}_readiness_check",
    "The last verdict of each /readyz check: 1 passes, 0 fails (the worst worker).",
    ["check"],
    multiprocess_mode="livemin",
)

_BREAKER_VALUES = {"closed": 0, "half-open": 1, "open": 2}
_enabled = False

M = TypeVar("M", Counter, Histogram)


class _Children(Generic[M]):
    """A metric's children by label values, kept: `labels()` validates the values and takes a
    lock on every call, ~0.7 us, and a request records about ten samples. The values are bounded
    (app/observability/names.py), so is this."""

    def __init__(self, metric: M) -> None:
        self._metric: M = metric
        self._known: dict[tuple[str, ...], M] = {}

    def __call__(self, *values: str) -> M:
        child = self._known.get(values)
        if child is None:
            child = self._known[values] = self._metric.labels(*values)
        return child


_http_requests = _Children(http_requests)
_graphql_requests = _Children(graphql_requests)
_graphql_duration = _Children(graphql_duration)
_upstream_requests = _Children(upstream_requests)
_upstream_duration = _Children(upstream_duration)
_session_operations = _Children(session_operations)
_session_duration = _Children(session_duration)


def enable(on: bool = True) -> None:
    global _enabled
    _enabled = on


def enabled() -> bool:
    return _enabled


def http_request(route: str, status: int) -> None:
    if _enabled:
        _http_requests(route, str(status)).inc()


def graphql_operation(
    operation: str, kind: str, seconds: float, error_codes: list[str] | tuple[str, ...]
) -> None:
    if not _enabled:
        return
    _graphql_requests(operation, kind).inc()
    _graphql_duration(operation, kind).observe(seconds)
    for code in error_codes:
        graphql_errors.labels(operation, kind, code).inc()


def upstream_call(method: str, endpoint: str, status: str, seconds: float, retries: int) -> None:
    if not _enabled:
        return
    _upstream_requests(method, endpoint, status).inc()
    _upstream_duration(method, endpoint).observe(seconds)
    if retries:
        upstream_retries.labels(method, endpoint).inc(retries)


def breaker_changed(host: str, state: str) -> None:
    if not _enabled:
        return
    breaker_state.labels(host).set(_BREAKER_VALUES.get(state, 2))
    if state == "open":
        breaker_openings.labels(host).inc()


def token_request(flow: str, failure: str | None) -> None:
    if not _enabled:
        return
    token_requests.labels(flow).inc()
    if failure is not None:
        token_failures.labels(flow, failure).inc()


def session_operation(store: str, operation: str, seconds: float, failed: bool) -> None:
    if not _enabled:
        return
    _session_operations(store, operation).inc()
    _session_duration(store, operation).observe(seconds)
    if failed:
        session_errors.labels(store, operation).inc()


def throttle_refused(rule: str) -> None:
    if _enabled:
        throttle_refusals.labels(rule).inc()


def webhook_delivery(endpoint: str, outcome: str, seconds: float) -> None:
    if not _enabled:
        return
    webhook_deliveries.labels(endpoint, outcome).inc()
    webhook_duration.labels(endpoint).observe(seconds)


def mail(transport: str, sent: bool) -> None:
    if _enabled:
        mails.labels(transport, "sent" if sent else "failed").inc()


def readiness(check: str, passed: bool) -> None:
    if _enabled:
        readiness_check.labels(check).set(1 if passed else 0)
