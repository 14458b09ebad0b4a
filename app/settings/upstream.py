"""UPSTREAM_* and READINESS_*: how the service calls commercetools, and how /readyz checks it."""

from __future__ import annotations

from pydantic import BaseModel, Field

from app.settings.base import GROUP_CONFIG


class UpstreamSettings(BaseModel):
    model_config = GROUP_CONFIG

    connect_timeout_seconds: float = Field(
        default=2.0, gt=0, validation_alias="upstream_connect_timeout_seconds"
    )
    read_timeout_seconds: float = Field(
        default=8.0, gt=0, validation_alias="upstream_read_timeout_seconds"
    )
    max_retries: int = Field(default=2, ge=0, le=5, validation_alias="upstream_max_retries")
    # Per worker. A pool never holds more calls than throughput x latency (Little's law): one
    # worker answers at most ~1,000 requests/s (about 1 ms of CPU each), one upstream call at a
    # time per request, so at 50 ms it has ~50 calls in flight; 64 leaves a quarter of headroom.
    # 256 browsers at 50 ms are then CPU-bound, not pool-bound, at any number of workers; a
    # slower upstream (e.g. 200 ms) needs more (docs/performance.md).
    max_connections: int = Field(default=64, gt=0, validation_alias="upstream_max_connections")
    # All of one upstream call, retries included, ends within this (docs/security.md).
    deadline_seconds: float = Field(
        default=10.0, gt=0, validation_alias="upstream_deadline_seconds"
    )
    # Consecutive failed calls that open the circuit breaker (0: no breaker), and how long it
    # then fails calls at once before letting one through to test commercetools again.
    breaker_failures: int = Field(default=5, ge=0, validation_alias="upstream_breaker_failures")
    breaker_reset_seconds: float = Field(
        default=5.0, gt=0, validation_alias="upstream_breaker_reset_seconds"
    )
    # /readyz: how long an answer is reused, and how long its check may take.
    readiness_cache_seconds: float = Field(
        default=5.0, ge=0, validation_alias="readiness_cache_seconds"
    )
    readiness_timeout_seconds: float = Field(
        default=2.0, gt=0, validation_alias="readiness_timeout_seconds"
    )
