"""Where the service's CPU goes: py-spy samples of the running process, sorted into buckets.

py-spy is not a project dependency: the bench uses it when BENCH_PY_SPY names it or it is on
PATH (e.g. `python3 -m venv /tmp/pyspy && /tmp/pyspy/bin/pip install py-spy`, then
`BENCH_PY_SPY=/tmp/pyspy/bin/py-spy make bench`). It samples in its default (blocking) mode:
each sample pauses the process briefly, which slows it, but the shares stay honest.
"""

from __future__ import annotations

import asyncio
import os
import shutil
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

SAMPLE_RATE_HZ = 100

# (label, does this stack belong to it); a sample goes to the first bucket that matches.
Matcher = Callable[[list[str]], bool]


def _any(*needles: str) -> Matcher:
    return lambda frames: any(needle in frame for frame in frames for needle in needles)


BUCKETS: list[tuple[str, Matcher]] = [
    (
        "upstream HTTP client (aiohttp, yarl, multidict; the demo's in-process transport)",
        _any("aiohttp/", "yarl/", "multidict/", "aiohttp_transport.py", "asgi_transport.py"),
    ),
    (
        "JSON decoding and encoding (upstream answers, GraphQL responses)",
        _any("json/", "orjson", "_decode (app/ctp"),
    ),
    (
        "GraphQL validation (rules that depend on variables run per request)",
        _any("DocumentCache.validate", "validate (graphql/validation"),
    ),
    ("GraphQL parsing (cached)", _any("DocumentCache.parse", "parse (graphql/language")),
    ("session cookie (decrypt, encrypt)", _any("cookie_store.py", "fernet.py")),
    (
        "GraphQL execution, resolvers, mapping",
        _any("graphql/execution", "schema/resolvers", "app/services"),
    ),
    ("logging (the access log)", _any("logging/__init__", "logging/handlers")),
    ("uvicorn, Starlette, middleware, event loop", lambda frames: True),
]


@dataclass(frozen=True)
class Profile:
    samples: int
    buckets: list[tuple[str, float]]  # label, share in %
    top_self: list[tuple[str, float]]  # function, share in %


def find_py_spy() -> str | None:
    named = os.environ.get("BENCH_PY_SPY")
    if named:
        return named if Path(named).exists() else None
    return shutil.which("py-spy")


async def record(py_spy: str, pid: int, seconds: int, out: Path) -> bool:
    process = await asyncio.create_subprocess_exec(
        py_spy,
        "record",
        "--pid",
        str(pid),
        "--duration",
        str(seconds),
        "--rate",
        str(SAMPLE_RATE_HZ),
        "--format",
        "raw",
        "--output",
        str(out),
        stdout=asyncio.subprocess.DEVNULL,
        stderr=asyncio.subprocess.DEVNULL,
    )
    try:
        await asyncio.wait_for(process.wait(), seconds + 30)
    finally:
        if process.returncode is None:
            process.kill()
            await process.wait()
    return process.returncode == 0


def summarize(raw: str, top: int = 12) -> Profile:
    """Buckets and the functions with the most self time, from py-spy's collapsed stacks."""
    buckets: Counter[str] = Counter()
    self_time: Counter[str] = Counter()
    total = 0
    for line in raw.splitlines():
        stack, _, count = line.rpartition(" ")
        if not stack or not count.isdigit():
            continue
        n = int(count)
        frames = stack.split(";")
        total += n
        self_time[frames[-1]] += n
        for label, matches in BUCKETS:
            if matches(frames):
                buckets[label] += n
                break
    if total == 0:
        return Profile(0, [], [])
    return Profile(
        samples=total,
        buckets=[(label, 100 * buckets[label] / total) for label, _ in BUCKETS],
        top_self=[(name, 100 * n / total) for name, n in self_time.most_common(top)],
    )
