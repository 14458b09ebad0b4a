"""A GraphQL operation observed (docs/observability.md): its name and type from the parsed
document, a span around its execution, a count, a latency sample, and its errors' codes.

Used by schema/http_handler.py around each execution; while metrics and tracing are off,
`observe_operation` returns a shared do-nothing object.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from types import TracebackType
from typing import Any

from graphql import DocumentNode, GraphQLError, get_operation_ast
from opentelemetry import context as otel_context
from opentelemetry import trace
from opentelemetry.trace import Span, StatusCode

from app.observability import metrics, tracing
from app.observability.names import UNKNOWN_OPERATION, error_code, operation_names

Parser = Callable[[Any, dict[str, Any]], DocumentNode]


class _Unobserved:
    result: dict[str, Any] | None = None

    def __enter__(self) -> _Unobserved:
        return self

    def __exit__(self, *exc: object) -> None:
        return None


_UNOBSERVED = _Unobserved()


class ObservedOperation:
    """Set `result` to the execution's result before the block ends."""

    def __init__(self, name: str, kind: str) -> None:
        self.name = name
        self.kind = kind
        self.result: dict[str, Any] | None = None
        self._span: Span | None = None
        self._token: object = None
        self._started = 0.0

    def __enter__(self) -> ObservedOperation:
        tracer = tracing.tracer()
        if tracer is not None and tracing.unsampled_parent() is None:
            self._span = tracer.start_span(
                f"{self.kind} {self.name}",
                attributes={
                    "graphql.operation.name": self.name,
                    "graphql.operation.type": self.kind,
                },
            )
            self._token = otel_context.attach(trace.set_span_in_context(self._span))
        self._started = time.perf_counter()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        seconds = time.perf_counter() - self._started
        errors = (self.result or {}).get("errors") or []
        codes = [error_code((e.get("extensions") or {}).get("code")) for e in errors]
        if exc is not None:
            codes.append("INTERNAL_SERVER_ERROR")
        metrics.graphql_operation(self.name, self.kind, seconds, codes)
        span = self._span
        if span is not None:
            otel_context.detach(self._token)  # type: ignore[arg-type]
            if codes:
                span.set_attribute("graphql.error.codes", sorted(set(codes)))
                span.set_status(StatusCode.ERROR, codes[0])
            span.end()


def observe_operation(
    parser: Parser | None, data: dict[str, Any]
) -> ObservedOperation | _Unobserved:
    if not metrics.enabled() and (
        tracing.tracer() is None or tracing.unsampled_parent() is not None
    ):
        # Nothing to count, and no span to make: this request's trace is not sampled.
        return _UNOBSERVED
    name, kind = UNKNOWN_OPERATION, "unknown"
    if parser is not None:
        try:
            # The parser caches documents by their text: this is a lookup, not a second parse.
            document = parser(None, data)
        except GraphQLError:
            document = None
        if document is not None:
            operation = get_operation_ast(document, data.get("operationName"))
            if operation is not None:
                kind = operation.operation.value
                name = operation_names.label(operation.name.value if operation.name else None)
    return ObservedOperation(name, kind)
