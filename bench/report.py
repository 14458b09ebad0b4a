"""The bench's one table, the machine it ran on, and what limits the numbers: printed, and
written to docs/performance.md."""

from __future__ import annotations

import datetime as dt
import os
import platform
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path
from typing import Any

from bench.profile import Profile

PACKAGES = (
    "uvicorn",
    "uvloop",
    "httptools",
    "starlette",
    "ariadne",
    "graphql-core",
    "aiohttp",
    "orjson",
)


@dataclass(frozen=True)
class Machine:
    cpu: str
    cores: int
    ram_gib: float
    python: str
    os: str
    date: str
    packages: str

    def lines(self) -> list[str]:
        return [
            f"- CPU: {self.cpu}, {self.cores} cores",
            f"- RAM: {self.ram_gib:.1f} GiB",
            f"- Python {self.python} on {self.os}",
            f"- Date: {self.date}",
            f"- Packages: {self.packages}",
        ]


def machine() -> Machine:
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    ram = 0.0
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                ram = int(line.split()[1]) / 1024 / 1024
                break
    except OSError:
        pass
    versions = []
    for name in PACKAGES:
        try:
            versions.append(f"{name} {metadata.version(name)}")
        except metadata.PackageNotFoundError:
            continue
    return Machine(
        cpu=cpu,
        cores=len(os.sched_getaffinity(0)),
        ram_gib=ram,
        python=platform.python_version(),
        os=f"{platform.system()} {platform.release()}",
        date=dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC"),
        packages=", ".join(versions),
    )


@dataclass
class Row:
    measurement: str
    browsers: str = ""
    upstream_latency: str = ""
    throughput: str = ""
    p50: str = ""
    p99: str = ""
    errors: str = ""
    cpu_per_request: str = ""
    cpu: str = ""
    target: str = ""
    result: str = ""


COLUMNS = (
    ("measurement", "measurement"),
    ("browsers", "browsers"),
    ("upstream_latency", "upstream latency"),
    ("throughput", "throughput"),
    ("p50", "p50"),
    ("p99", "p99"),
    ("errors", "errors"),
    ("cpu_per_request", "server CPU per request"),
    ("cpu", "CPU % of a core: service / emulator / bare / load generator / other processes"),
    ("target", "target"),
    ("result", "result"),
)


def load_row(
    measurement: str,
    result: dict[str, Any],
    *,
    browsers: int,
    latency_ms: int,
    cpu_process: str,
    unit: str = "req/s",
    per: str = "request",
) -> Row:
    rate = float(result["rate"])
    return Row(
        measurement=measurement,
        browsers=str(browsers),
        upstream_latency=f"+{latency_ms} ms" if latency_ms else "0",
        throughput=f"{rate:,.0f} {unit}" if rate >= 10 else f"{rate:.1f} {unit}",
        p50=f"{result['p50_ms']:.1f} ms",
        p99=f"{result['p99_ms']:.1f} ms",
        errors=format_errors(result["errors"]),
        cpu_per_request=f"{cpu_ms_per_request(result, cpu_process):.2f} ms ({cpu_process})"
        if per == "request"
        else f"{cpu_ms_per_request(result, cpu_process):.1f} ms per {per} ({cpu_process})",
        cpu=format_cpu(result["cpu_percent"]),
    )


def format_errors(errors: dict[str, int]) -> str:
    if not errors:
        return "0"
    total = sum(errors.values())
    kinds = ", ".join(f"{n} {kind}" for kind, n in sorted(errors.items(), key=lambda e: -e[1]))
    return f"{total} ({kinds})"


def format_cpu(cpu: dict[str, float]) -> str:
    order = ("service", "emulator", "bare", "load", "other")
    return " / ".join(f"{cpu[name]:.0f}" if name in cpu else "-" for name in order)


def cpu_ms_per_request(result: dict[str, Any], process: str) -> float:
    rate = float(result["rate"])
    return 10 * float(result["cpu_percent"].get(process, 0.0)) / rate if rate else 0.0


def verdict(passed: bool) -> str:
    return "PASS" if passed else "**MISS**"


def table(rows: list[Row]) -> str:
    header = "| " + " | ".join(title for _, title in COLUMNS) + " |"
    rule = "|" + "|".join("---" for _ in COLUMNS) + "|"
    body = [
        "| " + " | ".join(getattr(row, name).replace("|", "/") for name, _ in COLUMNS) + " |"
        for row in rows
    ]
    return "\n".join([header, rule, *body])


@dataclass
class Report:
    machine: Machine
    rows: list[Row] = field(default_factory=list)
    # Extra sections: (title, markdown).
    sections: list[tuple[str, str]] = field(default_factory=list)

    def markdown(self) -> str:
        parts = [
            "# Performance",
            "",
            "Written by `make bench` (`bench/`); do not edit by hand: run it again. The "
            "service (`python -m bootstrap serve`, once with one worker and once with two), the "
            "commercetools emulator (`python -m emulator`), two bare reference routes "
            "(`bench/bare_app.py`: the floor, and the floor as issue 16 measured it) and the load "
            "generator (`bench/load.py`, `bench/journey.py`) run as separate processes on "
            "loopback, and for the overhead of metrics and tracing four more single-worker "
            "services with them switched on (`bench/overhead.py`); every number below comes "
            "from one run. The sides compared in a row group "
            "are measured in alternating slices (bare, service, service, bare), so they see the "
            "same machine.",
            "",
            "**The machine this ran on is shared** with other work (the last column shows how "
            "much of a core other processes took during each window). Absolute "
            "throughput and latency move with their load from run to run; the ratios (sides "
            "measured alternately) and the CPU per request are the figures to compare. Timings "
            "never decide a test's pass or fail; the targets below are read, not asserted.",
            "",
            "## Machine",
            "",
            *self.machine.lines(),
            "",
            "## Results",
            "",
            table(self.rows),
        ]
        for title, text in self.sections:
            parts += ["", f"## {title}", "", text.rstrip()]
        return "\n".join(parts) + "\n"


def profile_markdown(profiles: list[tuple[str, Profile]], top: int = 8) -> str:
    """One column per profile: where the CPU goes, then each one's top self-time functions."""
    titles = [title for title, _ in profiles]
    labels = [label for label, _ in profiles[0][1].buckets] if profiles else []
    lines = [
        "py-spy (blocking mode, 100 Hz) on the process serving `cart`, "
        "while the load generator runs as above. Each sample is counted once, in the first "
        "bucket its stack matches (`bench/profile.py`); samples per profile: "
        + ", ".join(f"{title}: {found.samples}" for title, found in profiles)
        + ".",
        "",
        "| where the CPU goes | " + " | ".join(titles) + " |",
        "|---|" + "---|" * len(titles),
    ]
    for label in labels:
        shares = [dict(found.buckets).get(label, 0.0) for _, found in profiles]
        lines.append(f"| {label} | " + " | ".join(f"{share:.1f} %" for share in shares) + " |")
    for title, found in profiles:
        lines += [
            "",
            f"Most self time, {title}:",
            "",
            "| function | self |",
            "|---|---|",
            *[f"| `{name}` | {share:.1f} % |" for name, share in found.top_self[:top]],
        ]
    return "\n".join(lines)
