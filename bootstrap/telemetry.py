"""Metrics and traces assembled (docs/observability.md): what `create_app()` adds when either
is on, and what each process starts in its lifespan — after the fork of the workers, so that
the span export thread and the metrics socket belong to the worker that uses them."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import TYPE_CHECKING

from dependency_injector import providers
from starlette.middleware import Middleware

from app.observability import metrics, tracing
from app.observability.asgi import TelemetryMiddleware
from app.observability.exposition import MetricsServer
from app.observability.names import operation_names
from app.observability.stores import ObservedSessionStore, ObservedThrottle
from app.session.store import SessionStore
from app.settings import Settings
from containers import CoreContainer

if TYPE_CHECKING:
    from opentelemetry.sdk.trace import TracerProvider
    from starlette.applications import Starlette

log = logging.getLogger("app")


class Telemetry:
    def __init__(
        self, settings: Settings, core: CoreContainer, tracer_provider: TracerProvider | None
    ) -> None:
        self._settings = settings.observability
        self._store_kind = settings.session.store
        self._tracer_provider = tracer_provider
        self._metrics = self._settings.metrics_enabled
        self._tracing = tracer_provider is not None or tracing.configured_exporter() is not None
        self._server: MetricsServer | None = None
        self._started_tracing = False
        if self.on:
            throttle = core.throttle()
            core.throttle.override(providers.Object(ObservedThrottle(throttle)))

    @property
    def on(self) -> bool:
        return self._metrics or self._tracing

    def session_store(self, store: SessionStore) -> SessionStore:
        # The cookie store gets no spans (ObservedSessionStore says why): with metrics off
        # there is nothing to observe.
        traced = self._tracing and self._store_kind != "cookie"
        return ObservedSessionStore(store, self._store_kind) if self._metrics or traced else store

    def middleware(self, *, routes: Sequence[str]) -> list[Middleware]:
        return [Middleware(TelemetryMiddleware, routes=routes)] if self.on else []

    async def start(self, app: Starlette) -> None:
        if self._metrics:
            operation_names.set_limit(self._settings.metrics_max_operation_names)
            metrics.enable()
            self._server = MetricsServer(self._settings.metrics_host, self._settings.metrics_port)
            await self._server.start()
            app.state.metrics_port = self._server.port
        if self._tracing:
            self._started_tracing = tracing.start(self._tracer_provider)
            if self._started_tracing and self._tracer_provider is None:
                log.info("Tracing: spans exported as the OTEL_* variables say")

    async def stop(self) -> None:
        if self._server is not None:
            await self._server.stop()
            self._server = None
            metrics.enable(False)
        if self._started_tracing:
            tracing.stop()
            self._started_tracing = False
