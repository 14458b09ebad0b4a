"""OpenTelemetry traces: on when the standard OTEL_* variables ask for an exporter, else off.

On: `OTEL_TRACES_EXPORTER=otlp` (or `console`), or an OTLP endpoint
(`OTEL_EXPORTER_OTLP_ENDPOINT`, `OTEL_EXPORTER_OTLP_TRACES_ENDPOINT`) without
`OTEL_TRACES_EXPORTER=none`; `OTEL_SDK_DISABLED=true` wins over both. The SDK reads the rest
itself (OTEL_SERVICE_NAME, OTEL_RESOURCE_ATTRIBUTES, OTEL_TRACES_SAMPLER, OTEL_BSP_*, the
exporter's headers and timeout).

Off, `tracer()` is None and every hook returns at once: no span objects, no context changes,
no headers. The provider (and its BatchSpanProcessor thread) is made by `start()`, which the
app's lifespan calls in each worker process, after the fork: a thread started in the parent
would not exist in the workers.

The service keeps its own tracer rather than setting OpenTelemetry's global provider, which
may be set once per process: tests start one service after another in one process.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Iterable, Mapping, MutableMapping
from typing import TYPE_CHECKING

from opentelemetry import context as otel_context
from opentelemetry import trace
from opentelemetry.trace import Span, SpanContext, Tracer
from opentelemetry.trace.propagation.tracecontext import TraceContextTextMapPropagator

if TYPE_CHECKING:
    # The SDK is imported only when tracing starts: start-up without tracing does not pay it.
    from opentelemetry.sdk.trace import TracerProvider

log = logging.getLogger(__name__)

CORRELATION_HEADER = "X-Correlation-ID"
_TRUE = {"true", "1", "yes"}
_EXPORTERS = ("otlp", "console")

_tracer: Tracer | None = None
_provider: TracerProvider | None = None
_owned = False
_propagator = TraceContextTextMapPropagator()


def configured_exporter(environ: Mapping[str, str] | None = None) -> str | None:
    """The exporter the OTEL_* variables ask for (`otlp`, `console`), or None for no tracing."""
    env = os.environ if environ is None else environ
    if env.get("OTEL_SDK_DISABLED", "").strip().lower() in _TRUE:
        return None
    wanted = env.get("OTEL_TRACES_EXPORTER", "").strip().lower()
    if wanted:
        first = wanted.split(",")[0].strip()
        if first == "none":
            return None
        if first not in _EXPORTERS:
            log.warning("OTEL_TRACES_EXPORTER=%s is not offered (otlp, console): no traces", first)
            return None
        return first
    if env.get("OTEL_EXPORTER_OTLP_ENDPOINT") or env.get("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT"):
        return "otlp"
    return None


def _provider_from_environment(exporter: str) -> TracerProvider:
    from opentelemetry.sdk.resources import SERVICE_NAME, Resource
    from opentelemetry.sdk.trace import TracerProvider
    from opentelemetry.sdk.trace.export import (
        BatchSpanProcessor,
        ConsoleSpanExporter,
        SpanExporter,
    )

    defaults = {} if os.environ.get("OTEL_SERVICE_NAME") else {SERVICE_NAME: "ctp-bff"}
    provider = TracerProvider(resource=Resource.create(defaults), shutdown_on_exit=False)
    span_exporter: SpanExporter
    if exporter == "console":
        span_exporter = ConsoleSpanExporter()
    else:
        protocol = os.environ.get("OTEL_EXPORTER_OTLP_TRACES_PROTOCOL") or os.environ.get(
            "OTEL_EXPORTER_OTLP_PROTOCOL", "http/protobuf"
        )
        if protocol != "http/protobuf":
            log.warning("OTLP protocol %s is not offered: traces go over http/protobuf", protocol)
        from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter

        span_exporter = OTLPSpanExporter()
    provider.add_span_processor(BatchSpanProcessor(span_exporter))
    return provider


def start(provider: TracerProvider | None = None) -> bool:
    """Trace from now on in this process: with `provider` (tests: an in-memory exporter), or
    with one the OTEL_* variables describe. False when tracing stays off."""
    global _tracer, _provider, _owned
    stop()
    if provider is None:
        exporter = configured_exporter()
        if exporter is None:
            return False
        provider = _provider_from_environment(exporter)
        _owned = True
    _provider = provider
    _tracer = provider.get_tracer("ctp-bff")
    return True


def stop() -> None:
    """No more spans; the provider this module made flushes and stops its export thread."""
    global _tracer, _provider, _owned
    provider, owned = _provider, _owned
    _tracer, _provider, _owned = None, None, False
    if provider is not None and owned:
        provider.shutdown()


def tracer() -> Tracer | None:
    return _tracer


def extract(headers: Iterable[tuple[bytes, bytes]]) -> otel_context.Context:
    """The browser's trace (W3C traceparent and tracestate), to continue."""
    carrier: dict[str, str] = {}
    for name, value in headers:
        if name in (b"traceparent", b"tracestate"):
            carrier[name.decode("latin-1")] = value.decode("latin-1")
    if not carrier:
        return otel_context.Context()
    return _propagator.extract(carrier)


def inject(span: Span, headers: MutableMapping[str, str]) -> None:
    """traceparent (and tracestate) naming `span`, and commercetools' X-Correlation-ID from
    the same ids, so that commercetools' logs can be found from the trace."""
    ids = span.get_span_context()
    trace_id, span_id = _hex_ids(ids)
    # W3C Trace Context, version 00, as TraceContextTextMapPropagator writes it (it reads the
    # span back out of a context first: twice the cost, on every call to commercetools).
    headers["traceparent"] = f"00-{trace_id}-{span_id}-{int(ids.trace_flags):02x}"
    if ids.trace_state:
        headers["tracestate"] = ids.trace_state.to_header()
    headers[CORRELATION_HEADER] = f"{trace_id}-{span_id}"


def unsampled_parent() -> Span | None:
    """The active span when it belongs to a request that is not sampled (None otherwise): spans
    below it would be dropped anyway, so the hooks make none and propagate its ids."""
    span = trace.get_current_span()
    if span.is_recording() or not span.get_span_context().is_valid:
        return None
    return span


def current_ids() -> tuple[str, str] | None:
    """(trace id, span id) of the active span, as logs print them; None outside one."""
    if _tracer is None:
        return None
    ids = trace.get_current_span().get_span_context()
    if not ids.is_valid:
        return None
    return _hex_ids(ids)


# The last span's ids as text: a request's log lines and calls to commercetools name the same
# span again and again. One tuple, replaced whole (threads log too).
_last_ids: tuple[SpanContext | None, tuple[str, str]] = (None, ("", ""))


def _hex_ids(ids: SpanContext) -> tuple[str, str]:
    global _last_ids
    known, text = _last_ids
    if known is not ids:
        text = (f"{ids.trace_id:032x}", f"{ids.span_id:016x}")
        _last_ids = (ids, text)
    return text
