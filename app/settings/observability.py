"""METRICS_*: the Prometheus endpoint (docs/observability.md). Traces are configured by the
standard OTEL_* variables, which the OpenTelemetry SDK reads itself."""

from __future__ import annotations

from pydantic import BaseModel, Field

from app.settings.base import GROUP_CONFIG


class ObservabilitySettings(BaseModel):
    model_config = GROUP_CONFIG

    # Off by default: a port that nobody scrapes is one more thing listening.
    metrics_enabled: bool = Field(default=False, validation_alias="metrics_enabled")
    # A port of its own, on loopback by default: the public port (and its proxy) never serves
    # the metrics, and a scraper on the same host or pod reaches them. 0: any free port.
    metrics_host: str = Field(default="127.0.0.1", validation_alias="metrics_host")
    metrics_port: int = Field(default=9464, ge=0, le=65535, validation_alias="metrics_port")
    # Distinct GraphQL operation names counted per worker; later new names count as "other".
    metrics_max_operation_names: int = Field(
        default=200, ge=1, le=10_000, validation_alias="metrics_max_operation_names"
    )
