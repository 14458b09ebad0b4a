"""The prose sections of docs/performance.md, written from one run's numbers: which upstream
calls a request and a journey make, what limits the numbers (CPU per request, the load
generator's ceiling, a busy machine, Little's law at many browsers, memory per worker), and how
to reproduce them. The table itself and the document around it are in report.py."""

from __future__ import annotations

from typing import Any

from bench import journey, profile, report
from bench.options import Options
from bench.targets import (
    GOAL_P99_MS,
    QUIET_OTHER_PERCENT,
    TARGET_MEMORY_MIB,
    TARGET_P99_MS,
    TARGET_RATIO,
    WORKERS,
)

# (side, query, browsers, upstream latency ms) -> a load result, or the profile taken meanwhile.
# side: "bare", "service" (one worker) or "workers"; query: "cart" or "listing".
Runs = dict[tuple[str, str, int, int], dict[str, Any]]
Profiles = dict[tuple[str, str, int, int], profile.Profile]

_NAMES = {"cart": "`cart`", "listing": "product listing"}


def upstream_section(
    calls: dict[str, dict[str, list[str]]], counted: journey.CountedJourney
) -> str:
    lines = []
    for query, seen in calls.items():
        lines.append(
            f"One {_NAMES[query]} request, from the emulator's request log: service "
            f"{len(seen['service'])} ({', '.join(map(_shorten, seen['service']))}), bare "
            f"{len(seen['bare'])} ({', '.join(map(_shorten, seen['bare']))})."
        )
    lines += [
        "",
        "One journey with a warm category cache and app token (a new browser, a new customer):",
        "",
        "| step | upstream calls |",
        "|---|---|",
    ]
    steps = counted.steps
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


def _cpu(result: dict[str, Any], process: str) -> float:
    return report.cpu_ms_per_request(result, process)


def what_limits(
    options: Options,
    cores: int,
    ceiling: dict[str, Any],
    runs: Runs,
    journeys: dict[str, Any] | None,
    memory: dict[str, list[float]],
    shared: dict[str, list[float]],
    profiles: Profiles,
) -> str:
    few, many, latency = options.few, options.many, options.latency_ms
    cart, cart_bare = runs[("service", "cart", few, 0)], runs[("bare", "cart", few, 0)]
    svc_cpu, bare_cpu = _cpu(cart, "service"), _cpu(cart_bare, "bare")
    out = [
        "- **CPU per request** (CPU time during the window / answers), 32 browsers, no added "
        f"latency: the service {svc_cpu:.2f} ms per `cart` and "
        f"{_cpu(runs[('service', 'listing', few, 0)], 'service'):.2f} ms per product listing; "
        f"the bare aiohttp route {bare_cpu:.2f} ms and "
        f"{_cpu(runs[('bare', 'listing', few, 0)], 'bare'):.2f} ms; the emulator "
        f"{_cpu(cart_bare, 'emulator'):.2f} ms per cart read. A worker is one event loop: it "
        "saturates at 100 % of one core, i.e. at about 1000 / (CPU ms per request) requests "
        f"per second. The machine has {cores} cores for the service, the emulator and the load "
        "generator together.",
        f"- **Load generator**: its ceiling against a trivial route is "
        f"{ceiling['rate']:,.0f} req/s using {ceiling['cpu_percent'].get('load', 0):.0f} % "
        f"of a core; the bare `cart` route reached {cart_bare['rate']:,.0f} req/s "
        f"({100 * cart_bare['rate'] / ceiling['rate']:.0f} % of that ceiling) with the generator "
        f"at {cart_bare['cpu_percent'].get('load', 0):.0f} %, so the floor is "
        + (
            "not capped by the generator."
            if cart_bare["rate"] < 0.7 * ceiling["rate"]
            else "close to the generator's ceiling: the true floor may be higher and the "
            "ratio lower."
        ),
    ]
    busiest = max(r["cpu_percent"].get("other", 0.0) for r in (ceiling, *runs.values()))
    if busiest > QUIET_OTHER_PERCENT:
        out.append(
            f"- **The machine was not quiet**: processes outside the bench used up to "
            f"{busiest:.0f} % of a core during a measuring window (last column), so "
            "throughput and latency are worse than on a quiet machine. The sides of a ratio "
            "were measured in alternating slices and so disturbed alike; CPU per request is "
            "the steadier figure."
        )
    for query in ("cart", "listing"):
        out.append(_ratio_note(query, runs, profiles, few))
    out.append(_many_browsers_note(runs, profiles, cores, few, many, latency))
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
    peak = max(max(found) for found in memory.values())
    out.append(
        "- **Memory**: peak RSS per worker "
        + "; ".join(
            f"{name}: {', '.join(f'{mib:.0f}' for mib in found)} MiB"
            for name, found in memory.items()
        )
        + f" ({'within' if peak < TARGET_MEMORY_MIB else 'over'} the "
        f"{TARGET_MEMORY_MIB:.0f} MiB target). RSS counts pages a worker shares with the others: "
        "the parent builds the app once and forks the workers, so what it built is shared until "
        "written. With each shared page divided among its sharers (Pss), now: "
        + "; ".join(
            f"{name} {', '.join(f'{mib:.0f}' for mib in found)} MiB"
            for name, found in shared.items()
        )
        + "."
    )
    if not profiles:
        out.append(
            "- No profile: py-spy was not found (set BENCH_PY_SPY or put it on PATH; see "
            "Reproduce)."
        )
    return "\n".join(out)


def _ratio_note(query: str, runs: Runs, profiles: Profiles, few: int) -> str:
    service, bare = runs[("service", query, few, 0)], runs[("bare", query, few, 0)]
    ratio = service["rate"] / bare["rate"] if bare["rate"] else 0.0
    svc_cpu, bare_cpu = _cpu(service, "service"), _cpu(bare, "bare")
    verdict = "meets" if ratio >= TARGET_RATIO else "misses"
    text = (
        f"- **{_NAMES[query].capitalize()}: ratio service/floor {ratio:.2f}** ({verdict} the "
        f"target ≥ {TARGET_RATIO}): {service['rate']:,.0f} against {bare['rate']:,.0f} req/s; "
        f"the service spends {svc_cpu:.2f} ms of CPU per request, the bare route {bare_cpu:.2f} "
        "ms."
    )
    plain = runs.get(("plain", query, few, 0))
    if plain is not None and plain["rate"]:
        ratio_plain = service["rate"] / plain["rate"]
        text += (
            f" Against the floor as issue 16 measured it (standard library JSON, start-up "
            f"objects not frozen: {plain['rate']:,.0f} req/s, {_cpu(plain, 'bare'):.2f} ms of "
            f"CPU per request) the ratio is {ratio_plain:.2f} "
            f"({'meets' if ratio_plain >= TARGET_RATIO else 'misses'} the target); the floor "
            "above does what the service does with JSON and memory, so it is the stricter one."
        )
    if query == "cart":
        text += _extra_cost(
            profiles.get(("service", "cart", few, 0)),
            svc_cpu,
            profiles.get(("bare", "cart", few, 0)),
            bare_cpu,
        )
    return text


def _many_browsers_note(
    runs: Runs, profiles: Profiles, cores: int, few: int, many: int, latency: int
) -> str:
    one = runs[("service", "cart", many, latency)]
    two = runs[("workers", "cart", many, latency)]
    bare = runs[("bare", "cart", many, latency)]
    passed = not two["errors"] and two["p99_ms"] < TARGET_P99_MS
    mean = 1000 * many / two["rate"] if two["rate"] else float("inf")
    svc_cpu = _cpu(two, "service")
    emu_cpu = _cpu(two, "emulator")
    load_cpu = _cpu(two, "load")
    # The tail as measured: how far the p99 stands above the mean Little's law gives.
    tail = two["p99_ms"] / mean if mean else 1.0
    goal_mean = GOAL_P99_MS / max(tail, 1.0)
    goal_rate = 1000 * many / goal_mean
    all_cores = goal_rate * (svc_cpu + emu_cpu + load_cpu) / 1000
    service_cores = goal_rate * svc_cpu / 1000
    text = (
        f"- **{many} browsers with +{latency} ms upstream**: one worker "
        f"{one['rate']:,.0f} req/s, p99 {one['p99_ms']:,.0f} ms; {WORKERS} workers "
        f"{two['rate']:,.0f} req/s, p99 {two['p99_ms']:,.0f} ms, "
        f"{report.format_errors(two['errors'])} errors (target: none and p99 < "
        f"{TARGET_P99_MS:,.0f} ms: {'PASS' if passed else 'MISS'}); the bare route (one "
        f"process) {bare['rate']:,.0f} req/s. Each browser sends its next request as soon as "
        "the last is answered, so by Little's law the mean latency is browsers / throughput = "
        f"{many} / {two['rate']:,.0f} req/s = {mean:,.0f} ms, of which {latency} ms is the "
        "upstream's; the rest is waiting for a busy CPU, and the p99 stood at "
        f"{tail:.1f} times that mean. **A p99 under {GOAL_P99_MS:.0f} ms**"
        f"{' (held in this run)' if two['p99_ms'] < GOAL_P99_MS else ''} at that tail needs a "
        f"mean of {goal_mean:,.0f} ms, i.e. {goal_rate:,.0f} req/s. At this run's CPU per "
        f"request — service {svc_cpu:.2f} ms (both workers), emulator {emu_cpu:.2f} ms, load "
        f"generator {load_cpu:.2f} ms — that keeps {all_cores:.1f} cores busy, against the "
        f"{cores} this machine has for all of them. In production the emulator and the "
        f"browsers are elsewhere: the service alone would need {service_cores:.1f} cores, so "
        f"{max(WORKERS, int(service_cores) + 1)} workers on as many cores, or its CPU per "
        f"request cut to {1000 * WORKERS / goal_rate:.2f} ms for {WORKERS} workers on "
        f"{WORKERS} cores of their own."
    )
    found = profiles.get(("workers", "cart", many, latency))
    if found is not None and found.buckets:
        label, share = max(found.buckets, key=lambda b: b[1])
        text += f" The profile of one of the {WORKERS} workers puts {share:.0f} % in {label}."
    return text


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
            "make bench                      # about 5 minutes; rewrites this file",
            "python3 -m venv /tmp/pyspy && /tmp/pyspy/bin/pip install py-spy",
            "BENCH_PY_SPY=/tmp/pyspy/bin/py-spy make bench   # adds the profile section",
            ".venv/bin/python -m bench --help                # windows, browsers, latency",
            "BENCH_ARGS=--no-overhead make bench             # without the telemetry rows",
            "```",
            "",
            "Browsers are closed loops without think time: each sends its next request as "
            "soon as the previous one is answered, over its own keep-alive connection with its "
            "own session cookie (service) or its own guest cart (bare). The service runs as "
            "`python -m bootstrap serve` with the CTP_* settings pointing at the emulator, once "
            f"with one worker and once with WEB_CONCURRENCY={WORKERS}; the bare app "
            "(`bench/bare_app.py`) makes the same upstream call with a plain aiohttp session "
            "of the same pool size and answers the JSON it got. Upstream latency is the "
            "emulator's fault injection (`POST /_emulator/faults`).",
        ]
    )
