"""The load generator: `python -m bench.load < spec.json > result.json`, one process.

Each simulated browser is one coroutine on its own keep-alive connection, sending its own
request (its own cookie) again as soon as the answer is in (a closed loop, no think time). It
speaks HTTP/1.1 directly on asyncio streams (uvloop when installed): a general-purpose client
such as httpx costs several times more CPU per request, and on a small machine the generator
would then measure itself. Its own ceiling is measured against a trivial route in the same run.

Only answers completed inside the measuring window count; everything is bounded in time.
"""

from __future__ import annotations

import asyncio
import json
import math
import sys
import time
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from bench.processes import cpu_seconds, machine_busy_seconds

REQUEST_TIMEOUT_SECONDS = 10.0


@dataclass(frozen=True)
class LoadSpec:
    host: str
    port: int
    # Raw HTTP/1.1 requests; browser i sends requests[i % len(requests)].
    requests: list[str]
    browsers: int
    warmup_seconds: float
    measure_seconds: float
    # "graphql": 200 and no "errors" in the body; "status": 200.
    check: str = "status"
    # name -> pids of processes whose CPU use during the window is reported (summed per name:
    # a service's workers).
    watch: dict[str, list[int]] = field(default_factory=dict)

    @classmethod
    def from_json(cls, raw: dict[str, Any]) -> LoadSpec:
        return cls(**raw)


@dataclass
class LoadResult:
    ok: int
    errors: dict[str, int]
    seconds: float
    latencies_ms: list[float]
    # name -> CPU used during the window, in % of one core ("load" is this process).
    cpu_percent: dict[str, float]

    @property
    def rate(self) -> float:
        return self.ok / self.seconds if self.seconds else 0.0

    def percentile(self, p: float) -> float:
        return percentile(self.latencies_ms, p)

    def summary(self) -> dict[str, Any]:
        return {
            "ok": self.ok,
            "errors": self.errors,
            "seconds": self.seconds,
            "rate": self.rate,
            "p50_ms": self.percentile(50),
            "p99_ms": self.percentile(99),
            "max_ms": max(self.latencies_ms, default=0.0),
            "cpu_percent": self.cpu_percent,
            # Rounded to 10 µs: merge() computes percentiles over several runs.
            "latencies_ms": [round(value, 2) for value in self.latencies_ms],
        }


def merge(results: list[dict[str, Any]]) -> dict[str, Any]:
    """Several runs of the same measurement (summaries) as one."""
    latencies = [value for result in results for value in result["latencies_ms"]]
    seconds = sum(float(result["seconds"]) for result in results)
    errors: Counter[str] = Counter()
    cpu: Counter[str] = Counter()
    for result in results:
        errors.update(result["errors"])
        for name, share in result["cpu_percent"].items():
            cpu[name] += share * float(result["seconds"]) / seconds
    ok = sum(int(result["ok"]) for result in results)
    return {
        "ok": ok,
        "errors": dict(errors),
        "seconds": seconds,
        "rate": ok / seconds if seconds else 0.0,
        "p50_ms": percentile(latencies, 50),
        "p99_ms": percentile(latencies, 99),
        "max_ms": max(latencies, default=0.0),
        "cpu_percent": dict(cpu),
        "latencies_ms": latencies,
    }


def percentile(values: list[float], p: float) -> float:
    """Nearest-rank percentile (0.0 for no values)."""
    if not values:
        return 0.0
    ordered = sorted(values)
    rank = min(len(ordered), max(1, math.ceil(p / 100 * len(ordered))))
    return ordered[rank - 1]


class ProtocolError(Exception):
    pass


async def read_response(reader: asyncio.StreamReader) -> tuple[int, bytes, bool]:
    """(status, body, connection stays open) of one HTTP/1.1 response with Content-Length."""
    head = await reader.readuntil(b"\r\n\r\n")
    if not head.startswith(b"HTTP/1.1 "):
        raise ProtocolError("not an HTTP/1.1 response")
    status = int(head[9:12])
    lowered = head.lower()
    start = lowered.find(b"\r\ncontent-length:")
    if start < 0:
        raise ProtocolError("no Content-Length")
    end = lowered.index(b"\r\n", start + 2)
    length = int(lowered[start + 17 : end])
    body = await reader.readexactly(length) if length else b""
    keep_alive = b"\r\nconnection: close" not in lowered
    return status, body, keep_alive


class _Window:
    def __init__(self, spec: LoadSpec) -> None:
        now = time.perf_counter()
        self.start = now + spec.warmup_seconds
        self.stop = self.start + spec.measure_seconds
        self.ok = 0
        self.latencies_ms: list[float] = []
        self.errors: Counter[str] = Counter()

    def record(self, began: float, ended: float, error: str | None) -> None:
        if not self.start <= ended <= self.stop:
            return
        if error is None:
            self.ok += 1
            self.latencies_ms.append((ended - began) * 1000)
        else:
            self.errors[error] += 1


def _failure(status: int, body: bytes, check: str) -> str | None:
    if status != 200:
        return f"HTTP {status}"
    if check == "graphql" and b'"errors"' in body:
        return "GraphQL " + ",".join(_error_codes(body))
    return None


def _error_codes(body: bytes) -> list[str]:
    """The `extensions.code`s of a GraphQL answer (the failure path only: it parses JSON)."""
    try:
        errors = json.loads(body).get("errors") or []
    except (ValueError, AttributeError):
        return ["(unreadable answer)"]
    codes = {str((e.get("extensions") or {}).get("code", "no code")) for e in errors}
    return sorted(codes) or ["errors"]


async def _browser(spec: LoadSpec, request: bytes, window: _Window) -> None:
    reader: asyncio.StreamReader | None = None
    writer: asyncio.StreamWriter | None = None
    try:
        while time.perf_counter() < window.stop:
            began = time.perf_counter()
            try:
                async with asyncio.timeout(REQUEST_TIMEOUT_SECONDS):
                    if writer is None or reader is None:
                        reader, writer = await asyncio.open_connection(spec.host, spec.port)
                    writer.write(request)
                    status, body, keep_alive = await read_response(reader)
            except (OSError, TimeoutError, asyncio.IncompleteReadError, ProtocolError) as exc:
                window.record(began, time.perf_counter(), type(exc).__name__)
                if writer is not None:
                    writer.close()
                reader = writer = None
                await asyncio.sleep(0.05)
                continue
            window.record(began, time.perf_counter(), _failure(status, body, spec.check))
            if not keep_alive:
                writer.close()
                reader = writer = None
    finally:
        if writer is not None:
            writer.close()


async def cpu_during(start: float, stop: float, watch: dict[str, list[int]]) -> dict[str, float]:
    """CPU used between two perf_counter() instants, in % of one core: by each watched name (its
    pids together), by "load" (this process) and by "other" (every other process of the
    machine)."""

    def sample() -> dict[str, float]:
        used = {name: sum(cpu_seconds(pid) for pid in pids) for name, pids in watch.items()}
        used["load"] = time.process_time()
        used["machine"] = machine_busy_seconds()
        return used

    await asyncio.sleep(max(0.0, start - time.perf_counter()))
    before, began = sample(), time.perf_counter()
    await asyncio.sleep(max(0.0, stop - time.perf_counter()))
    after, elapsed = sample(), time.perf_counter() - began
    shares = {name: 100 * (after[name] - before[name]) / elapsed for name in after}
    machine = shares.pop("machine")
    shares["other"] = max(0.0, machine - sum(shares.values()))
    return shares


async def run_load(spec: LoadSpec) -> LoadResult:
    window = _Window(spec)
    payloads = [r.encode("latin-1") for r in spec.requests]
    cpu = asyncio.create_task(cpu_during(window.start, window.stop, spec.watch))
    browsers = [
        asyncio.create_task(_browser(spec, payloads[i % len(payloads)], window))
        for i in range(spec.browsers)
    ]
    # Each browser ends by itself after the window (its last request is bounded by the timeout).
    done, pending = await asyncio.wait(
        browsers, timeout=spec.warmup_seconds + spec.measure_seconds + REQUEST_TIMEOUT_SECONDS + 5
    )
    for task in pending:
        task.cancel()
    for task in done:
        if task.exception() is not None:
            window.errors[type(task.exception()).__name__] += 1
    return LoadResult(
        ok=window.ok,
        errors=dict(window.errors),
        seconds=spec.measure_seconds,
        latencies_ms=window.latencies_ms,
        cpu_percent=await cpu,
    )


def http_request(
    method: str,
    host: str,
    port: int,
    path: str,
    *,
    body: bytes = b"",
    headers: dict[str, str] | None = None,
) -> str:
    """One raw HTTP/1.1 keep-alive request, as text for a LoadSpec."""
    lines = [f"{method} {path} HTTP/1.1", f"Host: {host}:{port}"]
    lines += [f"{name}: {value}" for name, value in (headers or {}).items()]
    if body or method == "POST":
        lines.append(f"Content-Length: {len(body)}")
    return "\r\n".join(lines) + "\r\n\r\n" + body.decode("latin-1")


def install_uvloop() -> None:
    try:
        import uvloop
    except ImportError:  # pragma: no cover - uvicorn[standard] brings it
        return
    asyncio.set_event_loop_policy(uvloop.EventLoopPolicy())


def main() -> None:
    spec = LoadSpec.from_json(json.load(sys.stdin))
    install_uvloop()
    result = asyncio.run(run_load(spec))
    json.dump(result.summary(), sys.stdout)


if __name__ == "__main__":
    main()
