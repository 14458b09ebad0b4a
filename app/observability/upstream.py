"""Hooks for calls to commercetools (app/ctp/http.py, app/ctp/tokens.py): a metric sample and
a client span per call, and the trace headers the call carries."""

from __future__ import annotations

import time
from collections.abc import Mapping
from types import TracebackType

from opentelemetry.trace import Span, SpanKind, StatusCode

from app.observability import metrics, tracing
from app.observability.names import endpoint_template


class UpstreamCall:
    """One call, retries included. `headers` are the call's own plus, when tracing, the trace
    headers; `CtpHttp` sets `status` from each answer and counts `retries`."""

    __slots__ = ("_endpoint", "_span", "_started", "_url", "headers", "method", "retries", "status")

    def __init__(self, method: str, url: str, headers: Mapping[str, str]) -> None:
        self.method = method
        self._url = url
        self._endpoint: str | None = None
        self.headers = headers
        self.status: int | None = None
        self.retries = 0
        self._span: Span | None = None
        tracer = tracing.tracer()
        if tracer is not None:
            traced = dict(headers)
            parent = tracing.unsampled_parent()
            if parent is not None:
                # The request is not sampled: no span of its own (its cost would buy nothing);
                # commercetools still gets the trace's ids, with the sampled flag off.
                tracing.inject(parent, traced)
            else:
                span = tracer.start_span(
                    f"{method} {self.endpoint}",
                    kind=SpanKind.CLIENT,
                    attributes={"http.request.method": method, "url.template": self.endpoint},
                )
                tracing.inject(span, traced)
                self._span = span
            self.headers = traced
        self._started = time.perf_counter()

    @property
    def endpoint(self) -> str:
        """The URL's template (a metric label, a span name), worked out when first needed: an
        unsampled request with metrics off needs none."""
        if self._endpoint is None:
            self._endpoint = endpoint_template(self._url)
        return self._endpoint

    def finish(self, *, refused: bool = False) -> None:
        """`refused`: the circuit breaker stopped the call before it was sent."""
        seconds = time.perf_counter() - self._started
        if refused:
            status = "circuit_open"
        elif self.status is None:
            status = "unavailable"
        else:
            status = str(self.status)
        if metrics.enabled():
            metrics.upstream_call(self.method, self.endpoint, status, seconds, self.retries)
        span = self._span
        if span is not None:
            if self.status is not None:
                span.set_attribute("http.response.status_code", self.status)
            if self.retries:
                span.set_attribute("http.request.resend_count", self.retries)
            if self.status is None or self.status >= 500:
                span.set_status(StatusCode.ERROR, status)
                span.set_attribute("error.type", status)
            span.end()


def begin_call(method: str, url: str, headers: Mapping[str, str]) -> UpstreamCall | None:
    """None while metrics and tracing are both off."""
    if not metrics.enabled() and tracing.tracer() is None:
        return None
    return UpstreamCall(method, url, headers)


class TokenFlow:
    """Around one OAuth grant: counts it, and its failure by reason."""

    __slots__ = ("_flow",)

    def __init__(self, flow: str) -> None:
        self._flow = flow

    def __enter__(self) -> TokenFlow:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if not metrics.enabled():
            return
        reason: str | None = None
        if exc is not None:
            status = getattr(exc, "status_code", None)
            if isinstance(status, int) and 400 <= status < 500:
                reason = "rejected"
            elif isinstance(status, int) or type(exc).__name__ == "CtpUnavailable":
                reason = "unavailable"
            else:
                reason = "error"
        metrics.token_request(self._flow, reason)
