"""A span per HTTP request (continuing the browser's W3C trace) and a count per route and
status. Installed by bootstrap/app.py only when metrics or tracing are on."""

from __future__ import annotations

from collections.abc import Collection

from opentelemetry import context as otel_context
from opentelemetry import trace
from opentelemetry.trace import SpanKind, StatusCode

from app.asgi import ASGIApp, Message, Receive, Scope, Send
from app.observability import metrics, tracing
from app.web.request_id import current_request_id

OTHER_ROUTE = "other"


class TelemetryMiddleware:
    def __init__(self, app: ASGIApp, *, routes: Collection[str]) -> None:
        self._app = app
        # Paths reported as they are; any other path (a probe, a typo) is "other": a label
        # and a span name must not take whatever a client puts in the URL.
        self._routes = frozenset(routes)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self._app(scope, receive, send)
            return
        path = str(scope.get("path", ""))
        route = path if path in self._routes else OTHER_ROUTE
        status = 0

        async def recording_send(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = int(message["status"])
            await send(message)

        tracer = tracing.tracer()
        if tracer is None:
            try:
                await self._app(scope, receive, recording_send)
            finally:
                metrics.http_request(route, status or 500)
            return
        method = str(scope.get("method", ""))
        parent = tracing.extract(scope.get("headers", ()))
        span = tracer.start_span(
            f"{method} {route}",
            context=parent,
            kind=SpanKind.SERVER,
            attributes={
                "http.request.method": method,
                "http.route": route,
                "ctp_bff.request_id": current_request_id.get(),
            },
        )
        token = otel_context.attach(trace.set_span_in_context(span, parent))
        # An unsampled request with metrics off records nothing: its answer needs no watching.
        watched = recording_send if span.is_recording() or metrics.enabled() else send
        try:
            await self._app(scope, receive, watched)
        except BaseException as exc:
            span.record_exception(exc)
            raise
        finally:
            otel_context.detach(token)
            answered = status or 500
            span.set_attribute("http.response.status_code", answered)
            if answered >= 500:
                span.set_status(StatusCode.ERROR)
            span.end()
            metrics.http_request(route, answered)
