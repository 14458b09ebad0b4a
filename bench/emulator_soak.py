"""`python -m bench.emulator_soak`: a long journey load against the emulator alone.

Starts `python -m emulator` (with any caps given after `--`) on loopback and runs shoppers, each
repeating the 14-request journey of bench/ctp_journey.py on its own keep-alive connection,
without think time, for `--seconds`. Reports requests per second in the first and the last
minute after the warm-up (the last must stay within 10 % of the first: the cost of a request
must not grow with what the emulator holds), the emulator's resident memory against journeys
done (MiB per 1,000 journeys, from a least-squares line through the samples), and what the
stores hold and purged at the end (`GET /_emulator/stats`).

    .venv/bin/python -m bench.emulator_soak --seconds 600 --shoppers 8
    .venv/bin/python -m bench.emulator_soak --seconds 180 -- --max-carts 1000 --max-orders 1000
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import httpx

from bench import ctp_journey
from bench.load import ProtocolError, http_request, install_uvloop, read_response
from bench.processes import (
    LOOPBACK,
    Processes,
    cpu_seconds,
    free_port,
    machine_busy_seconds,
    memory_kib,
    wait_ready,
)

REQUEST_TIMEOUT_SECONDS = 30.0
WINDOW_SECONDS = 60.0


@dataclass(frozen=True)
class Options:
    seconds: float
    warmup_seconds: float
    shoppers: int
    sample_seconds: float
    emulator_args: list[str]
    json_path: Path | None


def parse_options(argv: Sequence[str] | None) -> Options:
    parser = argparse.ArgumentParser(
        prog="python -m bench.emulator_soak",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--seconds", type=float, default=600.0, help="measured time (600)")
    parser.add_argument("--warmup", type=float, default=15.0, help="unmeasured start (15)")
    parser.add_argument("--shoppers", type=int, default=8, help="concurrent shoppers (8)")
    parser.add_argument("--sample-seconds", type=float, default=5.0, help="memory samples")
    parser.add_argument("--json", type=Path, default=None, help="write every number here")
    parser.add_argument(
        "emulator_args", nargs="*", help="after --: options for python -m emulator (caps)"
    )
    args = parser.parse_args(argv)
    return Options(
        seconds=args.seconds,
        warmup_seconds=args.warmup,
        shoppers=max(1, args.shoppers),
        sample_seconds=args.sample_seconds,
        emulator_args=list(args.emulator_args),
        json_path=args.json,
    )


def say(message: str) -> None:
    print(f"[soak {time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


class Connection:
    """One shopper's keep-alive HTTP/1.1 connection, speaking just enough for the journey."""

    def __init__(self, port: int, tally: Tally) -> None:
        self.port = port
        self.tally = tally
        self._streams: tuple[asyncio.StreamReader, asyncio.StreamWriter] | None = None

    async def send(
        self, method: str, path: str, headers: dict[str, str], body: bytes
    ) -> tuple[int, Any]:
        request = http_request(method, LOOPBACK, self.port, path, body=body, headers=headers)
        async with asyncio.timeout(REQUEST_TIMEOUT_SECONDS):
            if self._streams is None:
                self._streams = await asyncio.open_connection(LOOPBACK, self.port)
            reader, writer = self._streams
            writer.write(request.encode("latin-1"))
            status, raw, keep_alive = await read_response(reader)
        if not keep_alive:
            self.close()
        self.tally.request_done()
        return status, json.loads(raw) if raw else None

    def close(self) -> None:
        if self._streams is not None:
            self._streams[1].close()
            self._streams = None


@dataclass
class Tally:
    """Completions per second since the start, and errors by kind."""

    started: float = field(default_factory=time.perf_counter)
    requests: Counter[int] = field(default_factory=Counter)
    journeys: Counter[int] = field(default_factory=Counter)
    errors: Counter[str] = field(default_factory=Counter)
    token_renewals: int = 0

    def second(self) -> int:
        return int(time.perf_counter() - self.started)

    def request_done(self) -> None:
        self.requests[self.second()] += 1

    def journey_done(self) -> None:
        self.journeys[self.second()] += 1

    def journeys_total(self) -> int:
        return sum(self.journeys.values())

    def rate(self, counts: Counter[int], start: float, end: float) -> float:
        seconds = range(int(start), int(end))
        return sum(counts[s] for s in seconds) / max(1, len(seconds))


@dataclass(frozen=True)
class Sample:
    at_seconds: float
    journeys: int
    rss_mib: float
    cpu_seconds: float
    # CPU time of every process of the machine so far (to tell a busy machine from a slow one).
    machine_cpu_seconds: float
    driver_cpu_seconds: float


async def shopper(port: int, tally: Tally, stop_at: float) -> None:
    connection = Connection(port, tally)
    backend: str | None = None
    try:
        while time.perf_counter() < stop_at:
            try:
                if backend is None:
                    backend = await ctp_journey.app_token(connection.send)
                await ctp_journey.run_journey(connection.send, backend)
                tally.journey_done()
            except ctp_journey.TokenRejected:
                # The app token went at the token cap: a new one, as the service would do.
                tally.token_renewals += 1
                backend = None
            except (ctp_journey.JourneyFailed, OSError, TimeoutError, ProtocolError) as exc:
                tally.errors[f"{type(exc).__name__}: {str(exc)[:100]}"] += 1
                connection.close()
                await asyncio.sleep(0.1)
            except asyncio.IncompleteReadError:
                tally.errors["connection closed"] += 1
                connection.close()
    finally:
        connection.close()


async def sampler(pid: int, tally: Tally, every: float, stop_at: float) -> list[Sample]:
    samples = []
    while True:
        samples.append(
            Sample(
                at_seconds=round(time.perf_counter() - tally.started, 1),
                journeys=tally.journeys_total(),
                rss_mib=memory_kib(pid, "VmRSS") / 1024,
                cpu_seconds=cpu_seconds(pid),
                machine_cpu_seconds=machine_busy_seconds(),
                driver_cpu_seconds=time.process_time(),
            )
        )
        if time.perf_counter() >= stop_at:
            return samples
        await asyncio.sleep(min(every, max(0.0, stop_at - time.perf_counter())))


def slope_per_thousand(samples: list[Sample]) -> float:
    """MiB per 1,000 journeys: the least-squares line of RSS over journeys done."""
    if len(samples) < 2:
        return 0.0
    xs = [float(s.journeys) for s in samples]
    ys = [s.rss_mib for s in samples]
    mean_x, mean_y = sum(xs) / len(xs), sum(ys) / len(ys)
    spread = sum((x - mean_x) ** 2 for x in xs)
    if spread == 0:
        return 0.0
    slope = sum((x - mean_x) * (y - mean_y) for x, y in zip(xs, ys, strict=True)) / spread
    return 1000 * slope


async def soak(options: Options, log_dir: Path) -> dict[str, Any]:
    port = free_port()
    with Processes(log_dir) as procs:
        emulator = procs.start(
            "emulator", ["-m", "emulator", "--port", str(port), *options.emulator_args]
        )
        await wait_ready(emulator, f"http://{LOOPBACK}:{port}/_emulator/faults")
        caps = " ".join(options.emulator_args) or "default caps"
        say(
            f"emulator pid {emulator.pid} on port {port} ({caps}); "
            f"{options.shoppers} shoppers, {options.warmup_seconds:.0f} s warm-up, "
            f"{options.seconds:.0f} s measured"
        )
        tally = Tally()
        measure_from = options.warmup_seconds
        stop_at = tally.started + options.warmup_seconds + options.seconds
        shoppers = [
            asyncio.create_task(shopper(port, tally, stop_at)) for _ in range(options.shoppers)
        ]
        samples = await sampler(emulator.pid, tally, options.sample_seconds, stop_at)
        await asyncio.wait(shoppers, timeout=REQUEST_TIMEOUT_SECONDS + 5)
        async with httpx.AsyncClient(timeout=30) as client:
            stats = (await client.get(f"http://{LOOPBACK}:{port}/_emulator/stats")).json()
        peak_mib = memory_kib(emulator.pid, "VmHWM") / 1024
    return summarize(options, tally, samples, stats, measure_from, peak_mib)


def summarize(
    options: Options,
    tally: Tally,
    samples: list[Sample],
    stats: dict[str, Any],
    measure_from: float,
    peak_mib: float,
) -> dict[str, Any]:
    end = measure_from + options.seconds
    window = min(WINDOW_SECONDS, options.seconds / 4)
    first = tally.rate(tally.requests, measure_from, measure_from + window)
    last = tally.rate(tally.requests, end - window, end)
    measured = [s for s in samples if s.at_seconds >= measure_from]
    halves = len(measured) // 2
    cpu = measured[-1].cpu_seconds - measured[0].cpu_seconds if len(measured) > 1 else 0.0
    journeys = measured[-1].journeys - measured[0].journeys if len(measured) > 1 else 0
    return {
        "options": {**asdict(options), "json_path": str(options.json_path or "")},
        "other_cpu_percent_first": other_cpu(measured, measure_from, measure_from + window),
        "other_cpu_percent_last": other_cpu(measured, end - window, end),
        "cpu_ms_per_journey_first": cpu_ms_per_journey(
            measured, measure_from, measure_from + window
        ),
        "cpu_ms_per_journey_last": cpu_ms_per_journey(measured, end - window, end),
        "window_seconds": window,
        "requests_per_second_first": first,
        "requests_per_second_last": last,
        "last_to_first": last / first if first else 0.0,
        "journeys_per_second": tally.rate(tally.journeys, measure_from, end),
        "journeys_measured": journeys,
        "journeys_total": tally.journeys_total(),
        "requests_per_journey": ctp_journey.STEPS,
        "emulator_cpu_ms_per_journey": 1000 * cpu / journeys if journeys else 0.0,
        "errors": dict(tally.errors),
        "app_token_renewals": tally.token_renewals,
        "rss_mib_start": measured[0].rss_mib if measured else 0.0,
        "rss_mib_end": measured[-1].rss_mib if measured else 0.0,
        "rss_mib_peak": peak_mib,
        "mib_per_1000_journeys": slope_per_thousand(measured),
        "mib_per_1000_journeys_first_half": slope_per_thousand(measured[: halves + 1]),
        "mib_per_1000_journeys_second_half": slope_per_thousand(measured[halves:]),
        "stores": {
            name: {k: v for k, v in store.items() if k in ("size", "expired", "evicted")}
            for name, store in stats.items()
            if store.get("size")
        },
        "samples": [asdict(s) for s in samples],
    }


def _window(samples: list[Sample], start: float, end: float) -> tuple[Sample, Sample] | None:
    inside = [s for s in samples if start - 1e-6 <= s.at_seconds <= end + 1e-6]
    return (inside[0], inside[-1]) if len(inside) >= 2 else None


def cpu_ms_per_journey(samples: list[Sample], start: float, end: float) -> float:
    """The emulator's CPU per journey between two instants: on a shared machine the steadier
    sign of whether a request costs more as the stores fill (throughput also moves with what
    other processes take)."""
    found = _window(samples, start, end)
    if found is None or found[1].journeys == found[0].journeys:
        return 0.0
    a, b = found
    return 1000 * (b.cpu_seconds - a.cpu_seconds) / (b.journeys - a.journeys)


def other_cpu(samples: list[Sample], start: float, end: float) -> float:
    """CPU used by processes other than the emulator and this driver between two instants, in
    % of one core (from the samples nearest to them)."""
    found = _window(samples, start, end)
    if found is None:
        return 0.0
    a, b = found
    own = (b.cpu_seconds - a.cpu_seconds) + (b.driver_cpu_seconds - a.driver_cpu_seconds)
    other = (b.machine_cpu_seconds - a.machine_cpu_seconds) - own
    return max(0.0, 100 * other / (b.at_seconds - a.at_seconds))


def render(result: dict[str, Any]) -> str:
    options = result["options"]
    caps = " ".join(options["emulator_args"]) or "default caps"
    stores = ", ".join(
        f"{name} {store['size']:,}"
        + (f" (expired {store['expired']:,})" if store.get("expired") else "")
        + (f" (evicted {store['evicted']:,})" if store.get("evicted") else "")
        for name, store in result["stores"].items()
    )
    errors = sum(result["errors"].values())
    return "\n".join(
        [
            f"emulator soak: {options['shoppers']} shoppers, {options['seconds']:.0f} s "
            f"after {options['warmup_seconds']:.0f} s warm-up, {caps}",
            f"- requests/s, first {result['window_seconds']:.0f} s: "
            f"{result['requests_per_second_first']:.1f}; last: "
            f"{result['requests_per_second_last']:.1f} "
            f"(last/first {result['last_to_first']:.2f}, target >= 0.90); other processes "
            f"used {result['other_cpu_percent_first']:.0f} % / "
            f"{result['other_cpu_percent_last']:.0f} % of a core in those windows; emulator CPU "
            f"per journey {result['cpu_ms_per_journey_first']:.2f} / "
            f"{result['cpu_ms_per_journey_last']:.2f} ms",
            f"- journeys: {result['journeys_measured']:,} measured "
            f"({result['journeys_per_second']:.1f}/s, {result['requests_per_journey']} requests "
            f"each); emulator CPU {result['emulator_cpu_ms_per_journey']:.1f} ms per journey; "
            f"errors: {errors}"
            + (f" {result['errors']}" if errors else "")
            + f"; app tokens renewed after a 401: {result['app_token_renewals']}",
            f"- RSS: {result['rss_mib_start']:.0f} MiB after warm-up, "
            f"{result['rss_mib_end']:.0f} MiB at the end (peak {result['rss_mib_peak']:.0f}); "
            f"{result['mib_per_1000_journeys']:.1f} MiB per 1,000 journeys (first half "
            f"{result['mib_per_1000_journeys_first_half']:.1f}, second half "
            f"{result['mib_per_1000_journeys_second_half']:.1f})",
            f"- stores at the end: {stores}",
        ]
    )


def main(argv: Sequence[str] | None = None) -> int:
    options = parse_options(argv)
    install_uvloop()
    with tempfile.TemporaryDirectory(prefix="ctp-soak-") as log_dir:
        try:
            result = asyncio.run(soak(options, Path(log_dir)))
        except KeyboardInterrupt:
            say("interrupted; the emulator was stopped")
            return 130
    print(render(result))
    if options.json_path is not None:
        options.json_path.write_text(json.dumps(result, indent=1))
        say(f"wrote {options.json_path}")
    return 0 if result["last_to_first"] >= 0.9 and not result["errors"] else 1


if __name__ == "__main__":
    sys.exit(main())
