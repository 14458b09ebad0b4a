"""Child processes of a bench run: started on loopback, watched through /proc, always stopped.

Every child gets its own session (so a Ctrl-C in the terminal reaches only the driver, which
then stops them in order) and its output goes to a file, never to a pipe nobody reads.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType
from typing import Any

import httpx

LOOPBACK = "127.0.0.1"
_ROOT = Path(__file__).resolve().parent.parent
_CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((LOOPBACK, 0))
        port: int = sock.getsockname()[1]
        return port


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of a process so far (0.0 once it is gone)."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return 0.0
    # The command name (field 2) may hold spaces; the fields after its ')' are fixed.
    fields = stat[stat.rindex(")") + 2 :].split()
    return (int(fields[11]) + int(fields[12])) / _CLOCK_TICKS


def machine_busy_seconds() -> float:
    """CPU time all processes of the machine used since boot (user, nice and system time;
    interrupt time is left out, as it is in a process's own figures)."""
    try:
        first = Path("/proc/stat").read_text().split("\n", 1)[0].split()
    except OSError:
        return 0.0
    # cpu user nice system idle ...
    return sum(int(value) for value in first[1:4]) / _CLOCK_TICKS


def worker_pids(pid: int) -> list[int]:
    """The worker processes of the service `pid` (WEB_CONCURRENCY > 1: its children, but for
    multiprocessing's resource tracker should one run), oldest first; [pid] itself when it has
    none."""
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            text = stat.read_text()
            command = (stat.parent / "cmdline").read_bytes()
        except OSError:
            continue
        fields = text[text.rindex(")") + 2 :].split()
        if int(fields[1]) == pid and b"resource_tracker" not in command:
            found.append((int(fields[19]), int(stat.parent.name)))
    return [child for _, child in sorted(found)] or [pid]


def memory_kib(pid: int, field: str) -> int:
    """A `VmHWM`/`VmRSS`/... line of /proc/<pid>/status, or `Pss` of smaps_rollup (resident
    memory with each shared page divided among the processes sharing it), in KiB (0 when
    unreadable)."""
    source = "smaps_rollup" if field == "Pss" else "status"
    try:
        lines = Path(f"/proc/{pid}/{source}").read_text().splitlines()
    except OSError:
        return 0
    for line in lines:
        if line.startswith(field + ":"):
            return int(line.split()[1])
    return 0


@dataclass
class Child:
    name: str
    process: subprocess.Popen[bytes]
    log_path: Path

    @property
    def pid(self) -> int:
        return self.process.pid

    def alive(self) -> bool:
        return self.process.poll() is None

    def log_tail(self, lines: int = 20) -> str:
        try:
            text = self.log_path.read_text(errors="replace")
        except OSError:
            return ""
        return "\n".join(text.splitlines()[-lines:])


class ChildFailed(RuntimeError):
    pass


class Processes:
    """Starts children and stops every one of them on exit, also after an error or Ctrl-C."""

    def __init__(self, log_dir: Path) -> None:
        self._log_dir = log_dir
        self._children: list[Child] = []
        self._previous_sigterm: Any = signal.SIG_DFL

    def __enter__(self) -> Processes:
        # A SIGTERM to the driver unwinds like Ctrl-C, so the `finally` below still runs.
        self._previous_sigterm = signal.signal(signal.SIGTERM, _raise_keyboard_interrupt)
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop_all()
        signal.signal(signal.SIGTERM, self._previous_sigterm)

    def start(self, name: str, argv: Sequence[str], env: Mapping[str, str] | None = None) -> Child:
        log_path = self._log_dir / f"{name}.log"
        full_env = {**os.environ, "PYTHONUNBUFFERED": "1", **(env or {})}
        with log_path.open("wb") as log:
            process = subprocess.Popen(
                [sys.executable, *argv],
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
                env=full_env,
                start_new_session=True,
            )
        child = Child(name, process, log_path)
        self._children.append(child)
        return child

    def stop(self, child: Child, timeout: float = 5.0) -> None:
        if child.alive():
            child.process.send_signal(signal.SIGTERM)
            try:
                child.process.wait(timeout)
            except subprocess.TimeoutExpired:
                child.process.kill()
                child.process.wait(timeout)
        if child in self._children:
            self._children.remove(child)

    def stop_all(self) -> None:
        for child in reversed(list(self._children)):
            with contextlib.suppress(OSError, subprocess.TimeoutExpired):
                self.stop(child)


def _raise_keyboard_interrupt(signum: int, frame: object) -> None:
    raise KeyboardInterrupt


async def wait_ready(child: Child, url: str, within: float = 30.0) -> None:
    """Polls `url` until it answers 2xx; fails early when the child dies."""
    deadline = time.monotonic() + within
    async with httpx.AsyncClient(timeout=2.0) as client:
        while time.monotonic() < deadline:
            if not child.alive():
                raise ChildFailed(f"{child.name} exited:\n{child.log_tail()}")
            try:
                response = await client.get(url)
                if response.is_success:
                    return
            except httpx.HTTPError:
                pass
            await asyncio.sleep(0.1)
    raise ChildFailed(f"{child.name} not ready after {within:.0f} s:\n{child.log_tail()}")


async def run_json_child(module: str, spec: dict[str, Any], limit: float) -> dict[str, Any]:
    """Runs `python -m module` with `spec` on stdin; its JSON answer on stdout."""
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        module,
        stdin=asyncio.subprocess.PIPE,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
        cwd=_ROOT,
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
