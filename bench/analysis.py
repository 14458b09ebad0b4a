"""The prose sections of docs/performance.md, written from one run's numbers: which upstream
calls a request and a journey make, what limits the numbers (CPU per request, the load
generator's ceiling, a busy machine, Little's law at many browsers, memory), and how to
reproduce them. The table itself and the document around it are in report.py."""

from __future__ import annotations

from typing import Any

from app.settings import Settings
from bench import journey, profile, report
from bench.options import Options
from bench.targets import QUIET_OTHER_PERCENT, TARGET_MEMORY_MIB, TARGET_P99_MS, TARGET_RATIO

# (side, browsers, upstream latency ms) -> a load result, or the profile taken meanwhile.
Runs = dict[tuple[str, int, int], dict[str, Any]]
Profiles = dict[tuple[str, int, int], profile.Profile]


def upstream_section(calls: dict[str, list[str]], counted: journey.CountedJourney) -> str:
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


def what_limits(
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


def reproduce_section() -> str:
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
            "`python -m app serve` with the CTP_* settings pointing at the emulator; the bare "
            "app builds its upstream client with the service's own `build_http_client()` and "
            "settings. Upstream latency is the emulator's fault injection "
            "(`POST /_emulator/faults`).",
        ]
    )
