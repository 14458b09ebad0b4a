"""The command line of `python -m bench` (`make bench`, BENCH_ARGS)."""

from __future__ import annotations

import argparse
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from bench import profile

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_OUTPUT = ROOT / "docs" / "performance.md"


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
    overhead: bool
    only_overhead: bool


def parse_options(argv: Sequence[str] | None) -> Options:
    parser = argparse.ArgumentParser(
        prog="python -m bench", description="Measure the service against a floor, in one run."
    )
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
    parser.add_argument(
        "--no-overhead",
        action="store_true",
        help="skip measuring what metrics and tracing cost (bench/overhead.py)",
    )
    parser.add_argument(
        "--only-overhead",
        action="store_true",
        help="measure only what metrics and tracing cost, and print it (writes nothing)",
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
        output=None if args.no_write or args.only_overhead else args.output,
        keep_logs=args.keep_logs,
        overhead=not args.no_overhead or args.only_overhead,
        only_overhead=args.only_overhead,
    )
