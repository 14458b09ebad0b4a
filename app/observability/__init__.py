"""Telemetry (docs/observability.md): Prometheus metrics and OpenTelemetry traces.

Both are off unless configured (METRICS_ENABLED; the standard OTEL_* variables), and every hook
the rest of the service calls returns at once while they are off: the composition root
(bootstrap/app.py) switches them on per process, after the fork of the workers.
"""
