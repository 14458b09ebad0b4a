"""What metrics and tracing cost (docs/observability.md): the `cart` query served by four
single-worker services, alike but for METRICS_ENABLED and an OTLP exporter (to
`bench/otlp_sink.py`, every request sampled), measured in alternating slices like the other
sides. The figure to read is the CPU per request against the service with both off."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from bench import report
from bench.load import merge
from bench.processes import LOOPBACK, Child, Processes, free_port, wait_ready

# side -> (metrics, the share of requests traced); "service" is the bench's own service (both
# off). Tracing samples every request by default (OpenTelemetry's parentbased_always_on); the
# last side samples one in ten, as a busy shop would (OTEL_TRACES_SAMPLER).
VARIANTS = {
    "metrics": (True, 0.0),
    "tracing": (False, 1.0),
    "traced": (True, 1.0),
    "sampled": (True, 0.1),
}
SIDES = ("service", *VARIANTS)
TARGET_OVERHEAD_PERCENT = 10.0
_LABELS = {
    "service": "metrics off, tracing off",
    "metrics": "metrics on, tracing off",
    "tracing": "metrics off, tracing on (every request sampled)",
    "traced": "metrics on, tracing on (every request sampled)",
    "sampled": "metrics on, tracing on (1 request in 10 sampled)",
}


class Variants:
    def __init__(self) -> None:
        self.sink_port = free_port()
        self.ports = {side: free_port() for side in VARIANTS}
        self.children: dict[str, Child] = {}

    async def start(self, procs: Processes, ctp_env: dict[str, str]) -> None:
        sink = procs.start("otlp-sink", ["-m", "bench.otlp_sink", str(self.sink_port)])
        self.children["sink"] = sink
        for side, (metrics, traced) in VARIANTS.items():
            env = {**ctp_env, "PORT": str(self.ports[side])}
            if metrics:
                env |= {"METRICS_ENABLED": "true", "METRICS_PORT": str(free_port())}
            if traced:
                env |= {
                    "OTEL_EXPORTER_OTLP_ENDPOINT": f"http://{LOOPBACK}:{self.sink_port}",
                    "OTEL_SERVICE_NAME": "ctp-bff-bench",
                    "OTEL_TRACES_SAMPLER": "parentbased_traceidratio",
                    "OTEL_TRACES_SAMPLER_ARG": str(traced),
                }
            self.children[side] = procs.start(side, ["-m", "bootstrap", "serve"], env)
        for side in VARIANTS:
            await wait_ready(self.children[side], f"http://{LOOPBACK}:{self.ports[side]}/healthz")


async def measure(
    rounds: int,
    slice_seconds: float,
    browsers: int,
    load_side: Callable[[str, str, int, float], Awaitable[dict[str, Any]]],
) -> tuple[list[report.Row], str]:
    slices: dict[str, list[dict[str, Any]]] = {side: [] for side in SIDES}
    for round_ in range(rounds):
        for side in SIDES if round_ % 2 == 0 else tuple(reversed(SIDES)):
            slices[side].append(await load_side(side, "cart", browsers, slice_seconds))
    runs = {side: merge(found) for side, found in slices.items()}
    base = report.cpu_ms_per_request(runs["service"], "service")
    rows: list[report.Row] = []
    notes = []
    for side in SIDES:
        run = runs[side]
        cpu = report.cpu_ms_per_request(run, "service")
        overhead = 100 * (cpu - base) / base if base else 0.0
        change = "" if side == "service" else f"; CPU per request {overhead:+.0f} %"
        row = report.load_row(
            f"`cart` query, 5 lines: service, 1 worker, {_LABELS[side]}{change}",
            run,
            browsers=browsers,
            latency_ms=0,
            cpu_process="service",
        )
        if side in ("traced", "sampled"):
            row.target = f"CPU per request ≤ +{TARGET_OVERHEAD_PERCENT:.0f} %"
            row.result = report.verdict(overhead <= TARGET_OVERHEAD_PERCENT)
        rows.append(row)
        if side != "service":
            notes.append(
                f"- {_LABELS[side]}: {cpu:.2f} ms of CPU per request against {base:.2f} ms "
                f"({overhead:+.1f} %), {run['rate']:,.0f} against "
                f"{runs['service']['rate']:,.0f} req/s."
            )
    text = "\n".join(
        [
            "The `cart` query (32 browsers, no added latency) on five single-worker services "
            "that differ only in their telemetry, in alternating slices "
            f"({rounds} rounds of {slice_seconds:.1f} s each). Tracing exports over OTLP "
            "(HTTP/protobuf, batched) to a local sink (`bench/otlp_sink.py`), sampling every "
            "request (the worst case, and OpenTelemetry's default for requests without a "
            "sampled `traceparent`) or one in ten. The export runs in a thread of the service, "
            "so its CPU counts. Target: both on cost at most "
            f"{TARGET_OVERHEAD_PERCENT:.0f} % more CPU per request.",
            "",
            *notes,
        ]
    )
    return rows, text
