"""`python -m bench.extension_selfcall`: how close the embedded demo's call to its own cart API
Extension comes to commercetools' 2 s limit as load grows.

In `make run` the emulator lives inside the service process and calls the service's
`/webhooks/extensions` over loopback on every cart write; the call waits behind everything
else on the same event loop. This starts `python -m app serve` as `make run` does (embedded
emulator, demo webhooks), runs whole GraphQL journeys (bench/journey.py, a child process) at
rising numbers of shoppers, and meanwhile times the same POST the emulator makes, four times a
second, from outside. Reported per level: journeys per second, journey failures, the
probe's p50/p99/max and how many took over 2 s, the service's CPU and its memory after.

    .venv/bin/python -m bench.extension_selfcall --shoppers 4,16,48 --seconds 30
"""

from __future__ import annotations

import argparse
import asyncio
import json
import secrets
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import asdict
from pathlib import Path
from typing import Any

import httpx

from bench import journey
from bench.load import install_uvloop, percentile
from bench.processes import (
    LOOPBACK,
    Processes,
    free_port,
    memory_kib,
    run_json_child,
    wait_ready,
)
from emulator import carts
from emulator.state import Emulator

EXTENSION_PATH = "/webhooks/extensions"
LIMIT_SECONDS = 2.0
PROBE_EVERY_SECONDS = 0.25


def say(message: str) -> None:
    print(f"[selfcall {time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def extension_body() -> bytes:
    """What the emulator sends for a cart update: a real two-line cart."""
    emulator = Emulator()
    with emulator.lock:
        cart = carts.build_cart(
            emulator,
            {
                "currency": "EUR",
                "country": "DE",
                "lineItems": [
                    {"sku": "TSHIRT-CLASSIC-BLUE-M"},
                    {"sku": "TSHIRT-CLASSIC-BLUE-L", "quantity": 2},
                ],
            },
        )
    payload = {"action": "Update", "resource": {"typeId": "cart", "id": cart["id"], "obj": cart}}
    return json.dumps(payload).encode()


async def probe(url: str, secret: str, stop_at: float) -> tuple[list[float], int]:
    """Latencies (ms) of extension calls until `stop_at`, and how many got no answer."""
    body = extension_body()
    headers = {"Authorization": f"Bearer {secret}", "Content-Type": "application/json"}
    latencies: list[float] = []
    failed = 0
    async with httpx.AsyncClient(timeout=10.0) as client:
        while time.perf_counter() < stop_at:
            started = time.perf_counter()
            try:
                response = await client.post(url, content=body, headers=headers)
                response.raise_for_status()
                latencies.append((time.perf_counter() - started) * 1000)
            except httpx.HTTPError:
                failed += 1
            await asyncio.sleep(PROBE_EVERY_SECONDS)
    return latencies, failed


async def measure(levels: list[int], seconds: float, log_dir: Path) -> list[dict[str, Any]]:
    port = free_port()
    secret = secrets.token_urlsafe(48)
    base = f"http://{LOOPBACK}:{port}"
    results = []
    with Processes(log_dir) as procs:
        service = procs.start(
            "service",
            ["-m", "app", "serve"],
            {
                "HOST": LOOPBACK,
                "PORT": str(port),
                "WEBHOOK_SECRET": secret,
                "APP_ENV": "development",
            },
        )
        await wait_ready(service, f"{base}/healthz", within=60)
        for shoppers in levels:
            say(f"{shoppers} shoppers, {seconds:.0f} s")
            spec = journey.JourneySpec(
                base_url=base,
                browsers=shoppers,
                warmup_seconds=3.0,
                measure_seconds=seconds,
                watch={"service": [service.pid]},
            )
            load = asyncio.create_task(run_json_child("bench.journey", asdict(spec), seconds + 120))
            await asyncio.sleep(spec.warmup_seconds)
            latencies, failed = await probe(
                base + EXTENSION_PATH, secret, time.perf_counter() + seconds
            )
            found = await load
            results.append(
                {
                    "shoppers": shoppers,
                    "journeys_per_second": found["rate"],
                    "journey_p50_ms": found["p50_ms"],
                    "journey_errors": found["errors"],
                    "service_cpu_percent": found["cpu_percent"].get("service", 0.0),
                    "other_cpu_percent": found["cpu_percent"].get("other", 0.0),
                    "probes": len(latencies),
                    "probe_p50_ms": percentile(latencies, 50),
                    "probe_p99_ms": percentile(latencies, 99),
                    "probe_max_ms": max(latencies, default=0.0),
                    "probes_over_limit": sum(1 for v in latencies if v > LIMIT_SECONDS * 1000)
                    + failed,
                    "journeys_done": found["ok"],
                    "service_rss_mib": memory_kib(service.pid, "VmRSS") / 1024,
                }
            )
            say(json.dumps(results[-1]))
    return results


def render(results: list[dict[str, Any]]) -> str:
    lines = [
        "| shoppers | journeys/s | journey p50 | journey errors | extension call p50 / p99 / "
        "max | over 2 s | service CPU | other processes | service RSS after |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for r in results:
        errors = sum(r["journey_errors"].values())
        lines.append(
            f"| {r['shoppers']} | {r['journeys_per_second']:.1f} | {r['journey_p50_ms']:.0f} ms "
            f"| {errors} | {r['probe_p50_ms']:.0f} / {r['probe_p99_ms']:.0f} / "
            f"{r['probe_max_ms']:.0f} ms | {r['probes_over_limit']} of {r['probes']} | "
            f"{r['service_cpu_percent']:.0f} % | {r['other_cpu_percent']:.0f} % | "
            f"{r['service_rss_mib']:.0f} MiB |"
        )
    for r in results:
        for kind, count in sorted(r["journey_errors"].items(), key=lambda e: -e[1])[:3]:
            lines.append(f"- {r['shoppers']} shoppers, {count} journeys failed: {kind}")
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m bench.extension_selfcall",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--shoppers", default="4,16,48", help="levels, comma-separated")
    parser.add_argument("--seconds", type=float, default=30.0, help="measured per level")
    parser.add_argument("--log-dir", type=Path, default=None, help="keep the service's log here")
    args = parser.parse_args(argv)
    levels = [int(level) for level in args.shoppers.split(",") if level.strip()]
    install_uvloop()
    if args.log_dir is not None:
        args.log_dir.mkdir(parents=True, exist_ok=True)
        results = asyncio.run(measure(levels, args.seconds, args.log_dir))
    else:
        with tempfile.TemporaryDirectory(prefix="ctp-selfcall-") as log_dir:
            results = asyncio.run(measure(levels, args.seconds, Path(log_dir)))
    print(render(results))
    return 0


if __name__ == "__main__":
    sys.exit(main())
