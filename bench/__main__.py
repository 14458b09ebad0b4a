"""`python -m bench` (`make bench`): measure the service against a floor, in one run.

Processes, all on 127.0.0.1: the emulator, the service, the bare reference app, and a load
generator started afresh for each measurement. Every phase is bounded in time; the children
are stopped at the end, also after a failure or Ctrl-C. Prints one table and writes it, with
the machine and the analysis, to docs/performance.md.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import secrets
import shutil
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import httpx

from app.settings import Settings
from bench import journey, profile, report, storefront
from bench.load import http_request, merge
from bench.processes import LOOPBACK, Child, Processes, free_port, memory_kib, wait_ready

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_OUTPUT = ROOT / "docs" / "performance.md"

TARGET_RATIO = 0.5
TARGET_P99_MS = 300.0
TARGET_MEMORY_MIB = 200.0
# Above this share of a core used by other processes, the report says the machine was busy.
QUIET_OTHER_PERCENT = 15.0


@dataclass(frozen=True)
class Options:
    measure_seconds: float
    warmup_seconds: float
    few: int
    many: int
    latency_ms: int
    journey_browsers: int
    journey_seconds: float
    profile_seconds: int
    rounds: int
    py_spy: str | None
    output: Path | None
    keep_logs: bool


def parse_options(argv: Sequence[str] | None) -> Options:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument(
        "--seconds", type=float, default=10.0, help="measured seconds per side and setting"
    )
    parser.add_argument("--warmup", type=float, default=2.0, help="unmeasured start of each run")
    parser.add_argument("--few", type=int, default=32, help="concurrent browsers, low")
    parser.add_argument("--many", type=int, default=256, help="concurrent browsers, high")
    parser.add_argument("--latency-ms", type=int, default=50, help="injected upstream latency")
    parser.add_argument("--journey-browsers", type=int, default=8)
    parser.add_argument("--journey-seconds", type=float, default=15.0)
    parser.add_argument("--profile-seconds", type=int, default=8)
    parser.add_argument(
        "--rounds", type=int, default=2, help="slices per bare/service pair (ABBA order)"
    )
    parser.add_argument("--no-profile", action="store_true", help="skip py-spy even if found")
    parser.add_argument("--output", type=Path, default=DEFAULT_OUTPUT)
    parser.add_argument("--no-write", action="store_true", help="print only")
    parser.add_argument(
        "--keep-logs", action="store_true", help="keep the children's logs and py-spy stacks"
    )
    args = parser.parse_args(argv)
    return Options(
        measure_seconds=args.seconds,
        warmup_seconds=args.warmup,
        few=args.few,
        many=args.many,
        latency_ms=args.latency_ms,
        journey_browsers=args.journey_browsers,
        journey_seconds=args.journey_seconds,
        profile_seconds=args.profile_seconds,
        rounds=max(1, args.rounds),
        py_spy=None if args.no_profile else profile.find_py_spy(),
        output=None if args.no_write else args.output,
        keep_logs=args.keep_logs,
    )


def say(message: str) -> None:
    print(f"[bench {time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


async def run_json_child(module: str, spec: dict[str, Any], limit: float) -> dict[str, Any]:
    """Runs `python -m module` with `spec` on stdin; its JSON answer on stdout."""
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        module,
        stdin=asyncio.subprocess.PIPE,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
        cwd=ROOT,
    )
    try:
        out, err = await asyncio.wait_for(process.communicate(json.dumps(spec).encode()), limit)
    finally:
        if process.returncode is None:
            process.kill()
            await process.wait()
    if process.returncode != 0:
        raise RuntimeError(f"{module} failed:\n{err.decode(errors='replace')[-2000:]}")
    result: dict[str, Any] = json.loads(out)
    return result


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


Runs = dict[tuple[str, int, int], dict[str, Any]]
Profiles = dict[tuple[str, int, int], profile.Profile]


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

    result.sections.append(("Upstream calls", _upstream_section(calls, counted)))
    notes = _analysis(options, result.machine.cores, ceiling, runs, journeys, peak_mib, profiles)
    result.sections.append(("What limits the numbers", notes))
    if profiles:
        titled = [
            (f"{side}, {n} browsers, +{ms} ms", found) for (side, n, ms), found in profiles.items()
        ]
        result.sections.append(("Profiles", report.profile_markdown(titled)))
    result.sections.append(("Reproduce", _reproduce_section()))
    return result


def _upstream_section(calls: dict[str, list[str]], counted: journey.CountedJourney) -> str:
    steps = counted.steps
    lines = [
        "One `cart` request, from the emulator's request log: service "
        f"{len(calls['service'])} ({', '.join(map(_shorten, calls['service']))}), bare "
        f"{len(calls['bare'])} ({', '.join(map(_shorten, calls['bare']))}): both sides do the "
        "same upstream work, each for its own guest's cart.",
        "",
        "One journey with a warm category cache and app token (a new browser, a new customer):",
        "",
        "| step | upstream calls |",
        "|---|---|",
    ]
    for step in steps:
        shown = "; ".join(_shorten(call) for call in step.calls) or "none"
        lines.append(f"| {step.step} | {len(step.calls)}: {shown} |")
    if counted.failure is None:
        lines.append(f"| **journey** | **{sum(len(s.calls) for s in steps)}** |")
    else:
        lines.append(f"| **journey did not finish** | {counted.failure} |")
    return "\n".join(lines)


def _shorten(call: str) -> str:
    """Replaces ids in a logged path by `{id}`."""
    method, _, path = call.partition(" ")
    parts = [
        "{id}" if len(part) == 36 and part.count("-") == 4 else part for part in path.split("/")
    ]
    return f"`{method} {'/'.join(parts)}`"


def _analysis(
    options: Options,
    cores: int,
    ceiling: dict[str, Any],
    runs: Runs,
    journeys: dict[str, Any] | None,
    peak_mib: float,
    profiles: Profiles,
) -> str:
    few, many, latency = options.few, options.many, options.latency_ms
    pool_size = Settings().upstream.max_connections
    service = runs[("service", few, 0)]
    bare = runs[("bare", few, 0)]
    ratio = service["rate"] / bare["rate"] if bare["rate"] else 0.0
    svc_cpu = report.cpu_ms_per_request(service, "service")
    bare_cpu = report.cpu_ms_per_request(bare, "bare")
    emu_cpu = report.cpu_ms_per_request(bare, "emulator")
    out = [
        f"- **CPU per request** (CPU time during the window / answers): the service "
        f"{svc_cpu:.2f} ms per `cart`, the bare route {bare_cpu:.2f} ms, the emulator "
        f"{emu_cpu:.2f} ms per upstream call. Each server is one process (one event loop): "
        "it saturates at 100 % of one core, i.e. at about 1000 / (CPU ms per request) "
        f"requests per second. The machine has {cores} cores for the "
        "service, the emulator and the load generator together.",
        f"- **Load generator**: its ceiling against a trivial route is "
        f"{ceiling['rate']:,.0f} req/s using {ceiling['cpu_percent'].get('load', 0):.0f} % "
        f"of a core; the bare `cart` route reached {bare['rate']:,.0f} req/s "
        f"({100 * bare['rate'] / ceiling['rate']:.0f} % of that ceiling) with the generator at "
        f"{bare['cpu_percent'].get('load', 0):.0f} %, so the floor is "
        + (
            "not capped by the generator."
            if bare["rate"] < 0.7 * ceiling["rate"]
            else "close to the generator's ceiling: the true floor may be higher and the "
            "ratio lower."
        ),
    ]
    busiest = max(r["cpu_percent"].get("other", 0.0) for r in (ceiling, *runs.values()))
    if busiest > QUIET_OTHER_PERCENT:
        out.append(
            f"- **The machine was not quiet**: processes outside the bench used up to "
            f"{busiest:.0f} % of a core during a measuring window (last column), so "
            "throughput and latency are worse than on a quiet machine, and the ratios compare "
            "runs that were disturbed differently. CPU per request is the steadier figure: "
            f"bare / service = {bare_cpu / svc_cpu if svc_cpu else 0:.2f}."
        )
    if ratio < TARGET_RATIO:
        needed = TARGET_RATIO * bare["rate"]
        out.append(
            f"- **Ratio service/bare {ratio:.2f} (target ≥ {TARGET_RATIO}, MISS)**: the gap is "
            f"{needed - service['rate']:,.0f} req/s ({service['rate']:,.0f} measured, "
            f"{needed:,.0f} needed). Measured cause: the service process is CPU-bound "
            f"({service['cpu_percent'].get('service', 0):.0f} % of a core) at {svc_cpu:.2f} ms "
            f"of CPU per request against the bare route's {bare_cpu:.2f} ms; to pass it must "
            f"spend at most {2 * bare_cpu:.2f} ms."
            + _extra_cost(
                profiles.get(("service", few, 0)), svc_cpu, profiles.get(("bare", few, 0)), bare_cpu
            )
        )
    else:
        out.append(
            f"- **Ratio service/bare {ratio:.2f}**: meets the target (≥ {TARGET_RATIO}); the "
            f"service spends {svc_cpu:.2f} ms of CPU per request, the bare route {bare_cpu:.2f} "
            "ms."
            + _extra_cost(
                profiles.get(("service", few, 0)), svc_cpu, profiles.get(("bare", few, 0)), bare_cpu
            )
        )
    high = runs[("service", many, latency)]
    high_bare = runs[("bare", many, latency)]
    high_cpu = report.cpu_ms_per_request(high, "service")
    high_bare_cpu = report.cpu_ms_per_request(high_bare, "bare")
    if high["errors"] or high["p99_ms"] >= TARGET_P99_MS:
        little = 1000 * many / high["rate"] if high["rate"] else float("inf")
        needed_rate = 1000 * many / TARGET_P99_MS
        text = (
            f"- **{many} browsers with +{latency} ms upstream (p99 {high['p99_ms']:.0f} ms, "
            f"{report.format_errors(high['errors'])} errors; target p99 < "
            f"{TARGET_P99_MS:.0f} ms and no errors: MISS)**: each browser sends its next "
            "request as soon as the last is answered, so by Little's law the mean latency is "
            f"browsers / throughput = {many} / {high['rate']:,.0f} req/s = {little:,.0f} ms. "
            f"A p99 under {TARGET_P99_MS:.0f} ms needs more than {needed_rate:,.0f} req/s; "
            f"the +{latency} ms alone would allow {1000 * pool_size / latency:,.0f} req/s "
            f"through the client's {pool_size} pooled connections. The gap is CPU: the "
            f"service spent {high_cpu:.2f} ms of CPU per request here, against {svc_cpu:.2f} "
            f"ms with {few} browsers and no latency; the bare route, with the same client and "
            f"pool, spent {high_bare_cpu:.2f} ms (against {bare_cpu:.2f} ms) and reached "
            f"{high_bare['rate']:,.0f} req/s, p99 {high_bare['p99_ms']:,.0f} ms."
        )
        found = profiles.get(("service", many, latency))
        calm = profiles.get(("service", few, 0))
        if found is not None and found.buckets:
            label, share = max(found.buckets, key=lambda b: b[1])
            before = dict(calm.buckets).get(label, 0.0) if calm is not None else None
            text += (
                f" The profile at {many} browsers puts {share:.0f} % of the service's CPU in "
                f"{label}"
                + (f" (against {before:.0f} % with {few} browsers)" if before is not None else "")
                + "."
            )
        out.append(text)
    else:
        out.append(
            f"- **{many} browsers with +{latency} ms upstream**: no errors, p99 "
            f"{high['p99_ms']:.0f} ms (target < {TARGET_P99_MS:.0f} ms)."
        )
    if journeys is not None:
        out.append(
            f"- **Journeys**: {journeys['rate']:.1f} journeys/s with "
            f"{options.journey_browsers} shoppers; each signs up a new customer, and the "
            "emulator hashes the password with scrypt on sign-up and again for the password "
            f"token, so the emulator's share ({journeys['cpu_percent'].get('emulator', 0):.0f} % "
            "of a core) is not the service's."
        )
    else:
        out.append("- **Journeys**: not measured, the journey failed (see the table).")
    out.append(
        f"- **Memory**: peak RSS of the service {peak_mib:.0f} MiB "
        f"({'within' if peak_mib < TARGET_MEMORY_MIB else 'over'} the "
        f"{TARGET_MEMORY_MIB:.0f} MiB target)."
    )
    if not profiles:
        out.append(
            "- No profile: py-spy was not found (set BENCH_PY_SPY or put it on PATH; see "
            "Reproduce)."
        )
    return "\n".join(out)


def _extra_cost(
    service: profile.Profile | None, service_ms: float, bare: profile.Profile | None, bare_ms: float
) -> str:
    """Per profile bucket, the CPU ms per request the service spends beyond the bare route."""
    if service is None or bare is None or not service.samples or not bare.samples:
        return " Run with py-spy (see Reproduce) to see where the difference goes."
    bare_shares = dict(bare.buckets)
    extra = [
        (label, share / 100 * service_ms - bare_shares.get(label, 0.0) / 100 * bare_ms)
        for label, share in service.buckets
    ]
    extra.sort(key=lambda item: -item[1])
    shown = "; ".join(f"{label}: {ms:+.2f} ms" for label, ms in extra[:5] if ms > 0)
    return (
        " Where the difference goes, from the profiles (bucket share times CPU per request, "
        f"service minus bare): {shown}."
    )


def _reproduce_section() -> str:
    return "\n".join(
        [
            "```sh",
            "make bench                      # 2-3 minutes; rewrites this file",
            "python3 -m venv /tmp/pyspy && /tmp/pyspy/bin/pip install py-spy",
            "BENCH_PY_SPY=/tmp/pyspy/bin/py-spy make bench   # adds the profile section",
            ".venv/bin/python -m bench --help                # windows, browsers, latency",
            "```",
            "",
            "Browsers are closed loops without think time: each sends its next request as "
            "soon as the previous one is answered, over its own keep-alive connection with its "
            "own session cookie (service) or its own guest cart (bare). The service runs as "
            "`python -m bootstrap serve` with the CTP_* settings pointing at the emulator; "
            "the bare app builds its upstream client with the service's own "
            "`build_http_client()` and settings. Upstream latency is the emulator's fault "
            "injection (`POST /_emulator/faults`).",
        ]
    )


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
