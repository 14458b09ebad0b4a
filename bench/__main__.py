"""`python -m bench` (`make bench`): measure the service against a floor, in one run.

Processes, all on 127.0.0.1: the emulator, the service, the bare reference app, and a load
generator started afresh for each measurement. Every phase is bounded in time; the children
are stopped at the end, also after a failure or Ctrl-C. Prints one table and writes it, with
the machine and the analysis, to docs/performance.md.
"""

from __future__ import annotations

import asyncio
import secrets
import shutil
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import asdict
from pathlib import Path
from typing import Any

import httpx

from bench import journey, profile, report, storefront
from bench.analysis import Profiles, Runs, reproduce_section, upstream_section, what_limits
from bench.load import http_request, merge
from bench.options import Options, parse_options
from bench.processes import (
    LOOPBACK,
    Child,
    Processes,
    free_port,
    memory_kib,
    run_json_child,
    wait_ready,
)
from bench.targets import TARGET_MEMORY_MIB, TARGET_P99_MS, TARGET_RATIO


def say(message: str) -> None:
    print(f"[bench {time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


class Bench:
    def __init__(self, options: Options, procs: Processes) -> None:
        self.o = options
        self.procs = procs
        self.emulator_port = free_port()
        self.service_port = free_port()
        self.bare_port = free_port()
        self.emulator_url = f"http://{LOOPBACK}:{self.emulator_port}"
        self.service_url = f"http://{LOOPBACK}:{self.service_port}"
        self.bare_url = f"http://{LOOPBACK}:{self.bare_port}"
        self.ctp_env = {
            "CTP_PROJECT_KEY": "demo",
            "CTP_CLIENT_ID": "demo-client",
            "CTP_CLIENT_SECRET": "demo-secret",
            "CTP_API_URL": self.emulator_url,
            "CTP_AUTH_URL": self.emulator_url,
            "CTP_SCOPES": "manage_project:demo",
            "SESSION_SECRET_KEYS": secrets.token_urlsafe(36),
            "HOST": LOOPBACK,
            "APP_ENV": "development",
        }
        self.emulator: Child | None = None
        self.service: Child | None = None
        self.bare: Child | None = None
        self.cookies: list[str] = []

    # -- processes -----------------------------------------------------------------------------
    async def start(self) -> None:
        say(f"starting the emulator on {self.emulator_url}")
        self.emulator = self.procs.start(
            "emulator", ["-m", "emulator", "--port", str(self.emulator_port)]
        )
        await wait_ready(self.emulator, f"{self.emulator_url}/_emulator/faults")
        say(f"starting the service on {self.service_url}")
        self.service = self.procs.start(
            "service",
            ["-m", "bootstrap", "serve"],
            {**self.ctp_env, "PORT": str(self.service_port)},
        )
        await wait_ready(self.service, f"{self.service_url}/healthz")
        skus = await storefront.pick_skus(self.service_url)
        say(f"creating {self.o.many} guest sessions with a {len(skus)}-line cart (service)")
        self.cookies = await storefront.guests_with_carts(self.service_url, skus, self.o.many)
        say(f"starting the bare app on {self.bare_url} ({self.o.many} guest carts)")
        self.bare = self.procs.start(
            "bare",
            ["-m", "bench.bare_app"],
            {
                **self.ctp_env,
                "BENCH_PORT": str(self.bare_port),
                "BENCH_SKUS": ",".join(skus),
                "BENCH_CARTS": str(self.o.many),
            },
        )
        await wait_ready(self.bare, f"{self.bare_url}/ping", within=120)

    def watch(self) -> dict[str, int]:
        children = {"service": self.service, "emulator": self.emulator, "bare": self.bare}
        return {name: child.pid for name, child in children.items() if child is not None}

    # -- requests ------------------------------------------------------------------------------
    def service_cart_requests(self) -> list[str]:
        body = storefront.graphql_body(storefront.CART)
        return [
            http_request(
                "POST",
                LOOPBACK,
                self.service_port,
                "/graphql",
                body=body,
                headers={
                    "Content-Type": "application/json",
                    "Cookie": f"{storefront.SESSION_COOKIE}={cookie}",
                },
            )
            for cookie in self.cookies
        ]

    def bare_cart_requests(self) -> list[str]:
        return [
            http_request("GET", LOOPBACK, self.bare_port, f"/cart/{i}") for i in range(self.o.many)
        ]

    async def upstream_calls_per_request(self) -> dict[str, list[str]]:
        """The emulator's log for one `cart` request on each side: they must be alike."""
        service = httpx.Request(
            "POST",
            f"{self.service_url}/graphql",
            content=storefront.graphql_body(storefront.CART),
            headers={
                "Content-Type": "application/json",
                "Cookie": f"{storefront.SESSION_COOKIE}={self.cookies[0]}",
            },
        )
        bare = httpx.Request("GET", f"{self.bare_url}/cart/0")
        seen: dict[str, list[str]] = {}
        async with httpx.AsyncClient(timeout=10.0) as client:
            for side, request in (("service", service), ("bare", bare)):
                await client.delete(f"{self.emulator_url}/_emulator/requests")
                response = await client.send(request)
                response.raise_for_status()
                log = (await client.get(f"{self.emulator_url}/_emulator/requests")).json()
                seen[side] = [f"{r['method']} {r['path']}" for r in log["requests"]]
        return seen

    async def set_latency(self, latency_ms: int) -> None:
        async with httpx.AsyncClient(timeout=10.0) as client:
            response = await client.post(
                f"{self.emulator_url}/_emulator/faults", json={"latencyMs": latency_ms}
            )
            response.raise_for_status()

    async def load(
        self, port: int, requests: list[str], browsers: int, check: str, seconds: float
    ) -> dict[str, Any]:
        spec = {
            "host": LOOPBACK,
            "port": port,
            "requests": requests,
            "browsers": browsers,
            "warmup_seconds": self.o.warmup_seconds,
            "measure_seconds": seconds,
            "check": check,
            "watch": self.watch(),
        }
        timeout = self.o.warmup_seconds + seconds + 60
        return await run_json_child("bench.load", spec, timeout)

    @property
    def slice_seconds(self) -> float:
        return self.o.measure_seconds / self.o.rounds

    async def load_cart(self, side: str, browsers: int, seconds: float) -> dict[str, Any]:
        if side == "service":
            port, requests, check = self.service_port, self.service_cart_requests(), "graphql"
        else:
            port, requests, check = self.bare_port, self.bare_cart_requests(), "status"
        return await self.load(port, requests, browsers, check, seconds)

    async def journeys(self) -> dict[str, Any]:
        spec = journey.JourneySpec(
            base_url=self.service_url,
            browsers=self.o.journey_browsers,
            warmup_seconds=self.o.warmup_seconds,
            measure_seconds=self.o.journey_seconds,
            watch=self.watch(),
        )
        timeout = spec.warmup_seconds + spec.measure_seconds + 90
        return await run_json_child("bench.journey", asdict(spec), timeout)

    async def profile_cart(
        self, py_spy: str, side: str, browsers: int, latency_ms: int, log_dir: Path
    ) -> profile.Profile | None:
        """py-spy on `side` while it serves `cart` to `browsers`; None if py-spy failed."""
        await self.set_latency(latency_ms)
        child = self.service if side == "service" else self.bare
        assert child is not None
        raw = log_dir / f"{side}-{browsers}-{latency_ms}.pyspy"
        seconds = max(1, self.o.profile_seconds)
        load = asyncio.create_task(self.load_cart(side, browsers, seconds + 1.0))
        try:
            await asyncio.sleep(self.o.warmup_seconds + 0.5)
            recorded = await profile.record(py_spy, child.pid, seconds, raw)
        finally:
            await load
        return profile.summarize(raw.read_text()) if recorded else None


async def measure_cart(bench: Bench, rows: list[report.Row]) -> Runs:
    """The `cart` query through the service and the bare route, without and with latency.

    Each pair is measured in `rounds` slices in the order bare, service, service, bare, ...: the
    other processes of a shared machine then disturb both sides alike, and a drift cancels."""
    few, many, latency = bench.o.few, bench.o.many, bench.o.latency_ms
    runs: Runs = {}
    for latency_ms, browser_counts in ((0, (few,)), (latency, (few, many))):
        await bench.set_latency(latency_ms)
        for browsers in browser_counts:
            say(f"cart: bare and service, {browsers} browsers, upstream +{latency_ms} ms")
            slices: dict[str, list[dict[str, Any]]] = {"bare": [], "service": []}
            for round_ in range(bench.o.rounds):
                order = ("bare", "service") if round_ % 2 == 0 else ("service", "bare")
                for side in order:
                    slices[side].append(await bench.load_cart(side, browsers, bench.slice_seconds))
            bare = runs[("bare", browsers, latency_ms)] = merge(slices["bare"])
            service = runs[("service", browsers, latency_ms)] = merge(slices["service"])
            rows.append(
                report.load_row(
                    "same upstream call: bare Starlette route",
                    bare,
                    browsers=browsers,
                    latency_ms=latency_ms,
                    cpu_process="bare",
                )
            )
            ratio = service["rate"] / bare["rate"] if bare["rate"] else 0.0
            row = report.load_row(
                f"`cart` query, 5 lines: service (ratio service/bare {ratio:.2f})",
                service,
                browsers=browsers,
                latency_ms=latency_ms,
                cpu_process="service",
            )
            if latency_ms == 0:
                row.target = f"ratio ≥ {TARGET_RATIO}"
                row.result = report.verdict(ratio >= TARGET_RATIO)
            elif browsers == many:
                row.target = f"no errors, p99 < {TARGET_P99_MS:.0f} ms"
                row.result = report.verdict(
                    not service["errors"] and service["p99_ms"] < TARGET_P99_MS
                )
            rows.append(row)
    await bench.set_latency(0)
    return runs


async def measure_journeys(
    bench: Bench, rows: list[report.Row]
) -> tuple[journey.CountedJourney, dict[str, Any] | None]:
    say("journey: one, counting upstream calls per step")
    # The first journey warms the category cache and the app token; the second is counted.
    counted = await journey.count_upstream_calls(bench.service_url, bench.emulator_url)
    if counted.failure is None:
        counted = await journey.count_upstream_calls(bench.service_url, bench.emulator_url)
    if counted.failure is not None:
        say(f"journey FAILED, {counted.failure}")
        rows.append(
            report.Row(
                measurement=f"storefront journey: FAILED, {counted.failure}",
                result="**FAILED**",
            )
        )
        return counted, None
    per_journey = sum(len(step.calls) for step in counted.steps)
    say(f"journey: {bench.o.journey_browsers} shoppers, {bench.o.journey_seconds:.0f} s")
    journeys = await bench.journeys()
    row = report.load_row(
        f"storefront journey ({len(journey.STEPS)} steps, {per_journey} upstream calls)",
        journeys,
        browsers=bench.o.journey_browsers,
        latency_ms=0,
        unit="journeys/s",
        cpu_process="service",
        per="journey",
    )
    row.p50 = f"{row.p50} per journey"
    rows.append(row)
    return counted, journeys


async def measure_profiles(bench: Bench, py_spy: str, log_dir: Path) -> Profiles:
    few, many, latency = bench.o.few, bench.o.many, bench.o.latency_ms
    profiles: Profiles = {}
    for key in (("service", few, 0), ("bare", few, 0), ("service", many, latency)):
        side, browsers, latency_ms = key
        say(f"profile: py-spy on the {side}, {browsers} browsers, +{latency_ms} ms")
        found = await bench.profile_cart(py_spy, side, browsers, latency_ms, log_dir)
        if found is not None:
            profiles[key] = found
    await bench.set_latency(0)
    return profiles


async def run(options: Options, log_dir: Path) -> report.Report:
    result = report.Report(report.machine())
    rows = result.rows
    with Processes(log_dir) as procs:
        bench = Bench(options, procs)
        await bench.start()
        assert bench.service is not None

        calls = await bench.upstream_calls_per_request()
        say(f"upstream calls per `cart` request: {calls}")

        say("load generator ceiling: GET /ping on the bare app")
        ping = [http_request("GET", LOOPBACK, bench.bare_port, "/ping")]
        ceiling = await bench.load(
            bench.bare_port, ping, options.few, "status", options.measure_seconds / 2
        )
        rows.append(
            report.load_row(
                "load generator ceiling (trivial route of the bare app)",
                ceiling,
                browsers=options.few,
                latency_ms=0,
                cpu_process="bare",
            )
        )
        runs = await measure_cart(bench, rows)
        counted, journeys = await measure_journeys(bench, rows)
        profiles = await measure_profiles(bench, options.py_spy, log_dir) if options.py_spy else {}

        peak_mib = memory_kib(bench.service.pid, "VmHWM") / 1024
        rss_mib = memory_kib(bench.service.pid, "VmRSS") / 1024
        rows.append(
            report.Row(
                measurement="service peak memory (VmHWM), after every run above",
                throughput=f"{peak_mib:.0f} MiB (now {rss_mib:.0f} MiB)",
                target=f"< {TARGET_MEMORY_MIB:.0f} MiB",
                result=report.verdict(peak_mib < TARGET_MEMORY_MIB),
            )
        )

    result.sections.append(("Upstream calls", upstream_section(calls, counted)))
    notes = what_limits(options, result.machine.cores, ceiling, runs, journeys, peak_mib, profiles)
    result.sections.append(("What limits the numbers", notes))
    if profiles:
        titled = [
            (f"{side}, {n} browsers, +{ms} ms", found) for (side, n, ms), found in profiles.items()
        ]
        result.sections.append(("Profiles", report.profile_markdown(titled)))
    result.sections.append(("Reproduce", reproduce_section()))
    return result


def main(argv: Sequence[str] | None = None) -> int:
    options = parse_options(argv)
    started = time.monotonic()
    log_dir = Path(tempfile.mkdtemp(prefix="ctp-bench-"))
    try:
        result = asyncio.run(run(options, log_dir))
    except KeyboardInterrupt:
        say(f"interrupted; every child process was stopped; logs in {log_dir}")
        return 130
    except Exception:
        say(f"failed; every child process was stopped; their logs are in {log_dir}")
        raise
    if options.keep_logs:
        say(f"logs and py-spy stacks (collapsed format) kept in {log_dir}")
    else:
        shutil.rmtree(log_dir, ignore_errors=True)
    text = result.markdown()
    print(report.table(result.rows))
    print()
    print(result.sections[1][1])
    if options.output is not None:
        options.output.write_text(text)
        say(f"wrote {options.output}")
    say(f"done in {time.monotonic() - started:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
