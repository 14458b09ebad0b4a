"""`python -m bench` (`make bench`): measure the service against a floor, in one run.

Processes, all on 127.0.0.1: the emulator, the service (one worker), the service again with two
workers (WEB_CONCURRENCY=2), the bare reference app, and a load generator started afresh for
each measurement. Every phase is bounded in time; the children
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

from bench import journey, overhead, profile, report, startup, storefront
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
    worker_pids,
)
from bench.targets import (
    TARGET_MEMORY_MIB,
    TARGET_P99_MS,
    TARGET_RATIO,
    TARGET_STARTUP_SECONDS,
    WORKERS,
)

# Hand-written: the A/B steps of issue 16, measured once (not rerun by the bench).
HISTORY = Path(__file__).resolve().parent / "history.md"
# What a measurement asks for: the `cart` query (a 5-line cart) or the product listing.
QUERIES = ("cart", "listing")
# The bare routes: the floor (orjson, start-up objects frozen, as the service), and the floor as
# issue 16 measured it (standard library JSON).
FLOORS = ("bare", "plain")


def say(message: str) -> None:
    print(f"[bench {time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


class Bench:
    def __init__(self, options: Options, procs: Processes) -> None:
        self.o = options
        self.procs = procs
        self.emulator_port = free_port()
        self.service_port = free_port()
        self.bare_port = free_port()
        self.workers_port = free_port()
        self.plain_port = free_port()
        self.emulator_url = f"http://{LOOPBACK}:{self.emulator_port}"
        self.service_url = f"http://{LOOPBACK}:{self.service_port}"
        self.bare_url = f"http://{LOOPBACK}:{self.bare_port}"
        self.workers_url = f"http://{LOOPBACK}:{self.workers_port}"
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
            # Every simulated browser comes from 127.0.0.1: the guest-session budget per client
            # address (100 per 10 minutes) would refuse every guest cart past the 100th.
            "ANONYMOUS_SESSIONS_PER_ADDRESS": "100000",
        }
        self.emulator: Child | None = None
        self.service: Child | None = None
        self.bare: Child | None = None
        self.workers: Child | None = None
        self.plain: Child | None = None
        self.cookies: list[str] = []
        # The service again with metrics, tracing, both (bench/overhead.py).
        self.variants = overhead.Variants()

    # -- processes -----------------------------------------------------------------------------
    async def start_service(self) -> None:
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

    async def start_overhead_only(self) -> None:
        """The service and its variants with metrics and tracing, and the guests' carts."""
        await self.start_service()
        say("starting the service with metrics, with tracing, with both (and an OTLP sink)")
        await self.variants.start(self.procs, self.ctp_env)
        skus = await storefront.pick_skus(self.service_url)
        say(f"creating {self.o.few} guest sessions with a {len(skus)}-line cart (service)")
        self.cookies = await storefront.guests_with_carts(self.service_url, skus, self.o.few)

    async def start(self) -> None:
        await self.start_service()
        say(f"starting the service with {WORKERS} workers on {self.workers_url}")
        self.workers = self.procs.start(
            "workers",
            ["-m", "bootstrap", "serve"],
            {**self.ctp_env, "PORT": str(self.workers_port), "WEB_CONCURRENCY": str(WORKERS)},
        )
        await wait_ready(self.workers, f"{self.workers_url}/healthz")
        if self.o.overhead:
            say("starting the service with metrics, with tracing, with both (and an OTLP sink)")
            await self.variants.start(self.procs, self.ctp_env)
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
        say("starting the bare app as issue 16 measured it (standard library JSON)")
        self.plain = self.procs.start(
            "plain",
            ["-m", "bench.bare_app"],
            {
                **self.ctp_env,
                "BENCH_PORT": str(self.plain_port),
                "BENCH_SKUS": ",".join(skus),
                "BENCH_CARTS": str(self.o.many),
                "BENCH_FLOOR": "stdlib",
            },
        )
        await wait_ready(self.plain, f"http://{LOOPBACK}:{self.plain_port}/ping", within=120)

    def watch(self, side: str = "service") -> dict[str, list[int]]:
        """Whose CPU a measurement reports: `side`'s service (all its workers), the emulator and
        the bare app."""
        service = self.workers if side == "workers" else self.service
        service = self.variants.children.get(side, service)
        bare = self.plain if side == "plain" else self.bare
        children = {"service": service, "emulator": self.emulator, "bare": bare}
        return {
            name: worker_pids(child.pid) if name == "service" else [child.pid]
            for name, child in children.items()
            if child is not None
        }

    def port_of(self, side: str) -> int:
        ports = {
            "bare": self.bare_port,
            "plain": self.plain_port,
            "workers": self.workers_port,
            **self.variants.ports,
        }
        return ports.get(side, self.service_port)

    def requests_for(self, side: str, query: str) -> list[str]:
        """One raw request per browser: its own cookie (service) or its own guest cart (bare)."""
        port = self.port_of(side)
        if side in FLOORS:
            paths = [f"/cart/{i}" if query == "cart" else "/products" for i in range(self.o.many)]
            return [http_request("GET", LOOPBACK, port, path) for path in paths]
        body = storefront.graphql_body(
            storefront.CART if query == "cart" else storefront.SEARCH,
            None if query == "cart" else {},
        )
        return [
            http_request(
                "POST",
                LOOPBACK,
                port,
                "/graphql",
                body=body,
                headers={
                    "Content-Type": "application/json",
                    "Cookie": f"{storefront.SESSION_COOKIE}={cookie}",
                },
            )
            for cookie in self.cookies
        ]

    async def upstream_calls_per_request(self, query: str) -> dict[str, list[str]]:
        """The emulator's log for one request of `query` on each side: they must be alike."""
        if query == "cart":
            service_body = storefront.graphql_body(storefront.CART)
            bare = httpx.Request("GET", f"{self.bare_url}/cart/0")
        else:
            service_body = storefront.graphql_body(storefront.SEARCH, {})
            bare = httpx.Request("GET", f"{self.bare_url}/products")
        service = httpx.Request(
            "POST",
            f"{self.service_url}/graphql",
            content=service_body,
            headers={
                "Content-Type": "application/json",
                "Cookie": f"{storefront.SESSION_COOKIE}={self.cookies[0]}",
            },
        )
        seen: dict[str, list[str]] = {}
        async with httpx.AsyncClient(timeout=10.0) as client:
            # Once unseen, so that a cache the first request fills (the category tree) is warm.
            (await client.send(service)).raise_for_status()
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
        self,
        port: int,
        requests: list[str],
        browsers: int,
        check: str,
        seconds: float,
        watch: dict[str, list[int]] | None = None,
    ) -> dict[str, Any]:
        spec = {
            "host": LOOPBACK,
            "port": port,
            "requests": requests,
            "browsers": browsers,
            "warmup_seconds": self.o.warmup_seconds,
            "measure_seconds": seconds,
            "check": check,
            "watch": watch if watch is not None else self.watch(),
        }
        timeout = self.o.warmup_seconds + seconds + 60
        return await run_json_child("bench.load", spec, timeout)

    @property
    def slice_seconds(self) -> float:
        return self.o.measure_seconds / self.o.rounds

    async def load_side(
        self, side: str, query: str, browsers: int, seconds: float
    ) -> dict[str, Any]:
        check = "status" if side in FLOORS else "graphql"
        requests = self.requests_for(side, query)
        port = self.port_of(side)
        return await self.load(port, requests, browsers, check, seconds, self.watch(side))

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

    async def profile(
        self, py_spy: str, key: tuple[str, str, int, int], log_dir: Path
    ) -> profile.Profile | None:
        """py-spy on one process of `side` (its first worker) while it serves `query` to
        `browsers`; None if py-spy failed."""
        side, query, browsers, latency_ms = key
        await self.set_latency(latency_ms)
        child = {"bare": self.bare, "workers": self.workers}.get(side, self.service)
        assert child is not None
        raw = log_dir / f"{side}-{query}-{browsers}-{latency_ms}.pyspy"
        seconds = max(1, self.o.profile_seconds)
        load = asyncio.create_task(self.load_side(side, query, browsers, seconds + 1.0))
        try:
            await asyncio.sleep(self.o.warmup_seconds + 0.5)
            recorded = await profile.record(py_spy, worker_pids(child.pid)[0], seconds, raw)
        finally:
            await load
        return profile.summarize(raw.read_text()) if recorded else None


# (query, upstream latency, browsers, the sides measured), each in alternating slices.
def settings_measured(options: Options) -> list[tuple[str, int, int, tuple[str, ...]]]:
    few, many, latency = options.few, options.many, options.latency_ms
    return [
        ("cart", 0, few, ("bare", "plain", "service")),
        ("listing", 0, few, ("bare", "service")),
        ("cart", latency, few, ("bare", "service")),
        ("cart", latency, many, ("bare", "service", "workers")),
    ]


async def measure_pairs(bench: Bench, rows: list[report.Row]) -> Runs:
    """Each setting's sides in `rounds` slices, in the order bare, service, service, bare, ...
    (with workers: bare, service, workers, workers, service, bare): the other processes of a
    shared machine then disturb every side alike, and a drift cancels."""
    runs: Runs = {}
    for query, latency_ms, browsers, sides in settings_measured(bench.o):
        await bench.set_latency(latency_ms)
        say(f"{query}: {', '.join(sides)}; {browsers} browsers, upstream +{latency_ms} ms")
        slices: dict[str, list[dict[str, Any]]] = {side: [] for side in sides}
        for round_ in range(bench.o.rounds):
            for side in sides if round_ % 2 == 0 else tuple(reversed(sides)):
                slices[side].append(
                    await bench.load_side(side, query, browsers, bench.slice_seconds)
                )
        for side in sides:
            runs[(side, query, browsers, latency_ms)] = merge(slices[side])
        bare = runs[("bare", query, browsers, latency_ms)]
        plain = runs.get(("plain", query, browsers, latency_ms))
        rows.append(
            report.load_row(
                "same upstream call: bare Starlette route, aiohttp (the floor)",
                bare,
                browsers=browsers,
                latency_ms=latency_ms,
                cpu_process="bare",
            )
        )
        if plain is not None:
            rows.append(
                report.load_row(
                    "same, with standard library JSON, nothing frozen (issue 16's floor)",
                    plain,
                    browsers=browsers,
                    latency_ms=latency_ms,
                    cpu_process="bare",
                )
            )
        for side in sides:
            if side in FLOORS:
                continue
            found = runs[(side, query, browsers, latency_ms)]
            ratio = found["rate"] / bare["rate"] if bare["rate"] else 0.0
            what = "`cart` query, 5 lines" if query == "cart" else "product listing, 20 + facets"
            workers = f"{WORKERS} workers" if side == "workers" else "1 worker"
            versus = f"ratio to the floor {ratio:.2f}"
            if plain is not None and plain["rate"]:
                versus += f"; to issue 16's floor {found['rate'] / plain['rate']:.2f}"
            row = report.load_row(
                f"{what}: service, {workers} ({versus})",
                found,
                browsers=browsers,
                latency_ms=latency_ms,
                cpu_process="service",
            )
            if latency_ms == 0:
                row.target = f"ratio ≥ {TARGET_RATIO}"
                row.result = report.verdict(ratio >= TARGET_RATIO)
            elif side == "workers":
                row.target = f"no errors, p99 < {TARGET_P99_MS:.0f} ms"
                row.result = report.verdict(not found["errors"] and found["p99_ms"] < TARGET_P99_MS)
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
    for key in profiled_settings(few, many, latency):
        side, query, browsers, latency_ms = key
        say(f"profile: py-spy on the {side}, {query}, {browsers} browsers, +{latency_ms} ms")
        found = await bench.profile(py_spy, key, log_dir)
        if found is not None:
            profiles[key] = found
    await bench.set_latency(0)
    return profiles


def profiled_settings(few: int, many: int, latency: int) -> list[tuple[str, str, int, int]]:
    return [
        ("service", "cart", few, 0),
        ("bare", "cart", few, 0),
        ("service", "listing", few, 0),
        ("workers", "cart", many, latency),
    ]


async def measure_startups(bench: Bench) -> list[report.Row]:
    """The demo (embedded emulator) and a real project's configuration, 1 and WORKERS workers."""
    rows: list[report.Row] = []
    demo = {"HOST": LOOPBACK, "APP_ENV": "development"}
    for name, env in (
        ("demo, 1 worker", demo),
        ("1 worker", bench.ctp_env),
        (f"{WORKERS} workers", {**bench.ctp_env, "WEB_CONCURRENCY": str(WORKERS)}),
    ):
        say(f"start-up: {name}")
        found = await startup.measure(bench.procs, name.replace(" ", "-"), env)
        rows.append(
            report.Row(
                measurement=f"start-up to the first answered request: {name}",
                throughput=f"/healthz {1000 * found.healthz_seconds:.0f} ms, first product "
                f"listing {1000 * found.first_query_seconds:.0f} ms",
                target=f"< {TARGET_STARTUP_SECONDS:.0f} s",
                result=report.verdict(found.first_query_seconds < TARGET_STARTUP_SECONDS),
            )
        )
    return rows


async def run(options: Options, log_dir: Path) -> report.Report:
    result = report.Report(report.machine())
    rows = result.rows
    if options.only_overhead:
        with Processes(log_dir) as procs:
            bench = Bench(options, procs)
            await bench.start_overhead_only()
            say("overhead: cart, metrics and tracing off / metrics / tracing / both")
            overhead_rows, text = await overhead.measure(
                options.rounds, bench.slice_seconds, options.few, bench.load_side
            )
        rows.extend(overhead_rows)
        result.sections.append(("Overhead of metrics and tracing", text))
        return result
    with Processes(log_dir) as procs:
        bench = Bench(options, procs)
        await bench.start()
        assert bench.service is not None
        startups = await measure_startups(bench)

        calls = {query: await bench.upstream_calls_per_request(query) for query in QUERIES}
        say(f"upstream calls per request: {calls}")

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
        runs = await measure_pairs(bench, rows)
        overhead_notes = None
        if options.overhead:
            say("overhead: cart, metrics and tracing off / metrics / tracing / both")
            overhead_rows, overhead_notes = await overhead.measure(
                options.rounds, bench.slice_seconds, options.few, bench.load_side
            )
            rows.extend(overhead_rows)
        counted, journeys = await measure_journeys(bench, rows)
        profiles = await measure_profiles(bench, options.py_spy, log_dir) if options.py_spy else {}

        assert bench.workers is not None
        workers = worker_pids(bench.workers.pid)
        memory = {
            "1 worker": [memory_kib(bench.service.pid, "VmHWM") / 1024],
            f"{WORKERS} workers": [memory_kib(pid, "VmHWM") / 1024 for pid in workers],
        }
        shared = {
            "workers now (Pss)": [memory_kib(pid, "Pss") / 1024 for pid in workers],
            "their parent now (Pss)": [memory_kib(bench.workers.pid, "Pss") / 1024],
        }
        peak_mib = max(max(found) for found in memory.values())
        rows.append(
            report.Row(
                measurement="service peak memory (VmHWM) per worker, after every run above",
                throughput="; ".join(
                    f"{name}: {', '.join(f'{mib:.0f}' for mib in found)} MiB"
                    for name, found in {**memory, **shared}.items()
                ),
                target=f"< {TARGET_MEMORY_MIB:.0f} MiB",
                result=report.verdict(peak_mib < TARGET_MEMORY_MIB),
            )
        )
        rows.extend(startups)

    result.sections.append(("Upstream calls", upstream_section(calls, counted)))
    notes = what_limits(
        options, result.machine.cores, ceiling, runs, journeys, memory, shared, profiles
    )
    result.sections.append(("What limits the numbers", notes))
    if overhead_notes is not None:
        result.sections.append(("Overhead of metrics and tracing", overhead_notes))
    if profiles:
        titled = [
            (f"{side}, {query}, {n} browsers, +{ms} ms", found)
            for (side, query, n, ms), found in profiles.items()
        ]
        result.sections.append(("Profiles", report.profile_markdown(titled)))
    result.sections.append(("What issue 16's changes bought", HISTORY.read_text()))
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
    print(result.sections[-1 if options.only_overhead else 1][1])
    if options.output is not None:
        options.output.write_text(text)
        say(f"wrote {options.output}")
    say(f"done in {time.monotonic() - started:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
