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
    # Per worker; sized for 256 browsers at 50 ms upstream latency. A browser has one request in
    # flight, and a request one upstream call at a time, so 256 browsers never need more than
    # 256 connections, even all on one worker. Fewer make requests wait for a connection: a
    # call holds one for the upstream's 50 ms plus however long its answer waits for a busy
    # event loop (at 771 req/s, 64 connections were each held 83 ms, not 50). Measured on one
    # worker, 256 browsers, +50 ms: 64 -> 771 req/s, 128 -> 904 req/s but p99 1.2 s (waits for
    # a connection), 256 -> 930 req/s, p99 0.4 s. aiohttp's idle connections cost no CPU per
    # request (httpcore's did), so the larger pool is free (docs/performance.md).
    max_connections: int = Field(default=256, gt=0, validation_alias="upstream_max_connections")
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
