"""Metrics of several worker processes (WEB_CONCURRENCY > 1) in one scrape.

prometheus_client's multiprocess mode: each worker writes its values to files in one directory
(named by PROMETHEUS_MULTIPROC_DIR, read when prometheus_client is first imported), and a
scrape, whichever worker answers it, adds up the files of all. The supervisor calls
`prepare()` before anything imports prometheus_client: it names the directory (the operator's
PROMETHEUS_MULTIPROC_DIR, or a new temporary one) and empties it, so that values of an earlier
run never count; `worker_exited()` retires a dead worker's gauges.
"""

from __future__ import annotations

import os
import shutil
import sys
import tempfile
from pathlib import Path

ENV = "PROMETHEUS_MULTIPROC_DIR"


class MultiprocessDirectory:
    def __init__(self, path: Path, *, owned: bool) -> None:
        self.path = path
        self._owned = owned

    def remove(self) -> None:
        """At the end of the supervisor: a directory it made goes; the operator's stays."""
        if self._owned:
            shutil.rmtree(self.path, ignore_errors=True)


def prepare() -> MultiprocessDirectory:
    if "prometheus_client" in sys.modules:
        raise RuntimeError("prometheus_client was imported before its multiprocess directory")
    given = os.environ.get(ENV)
    if given:
        path = Path(given)
        path.mkdir(parents=True, exist_ok=True)
        for stale in path.glob("*.db"):
            stale.unlink()
        return MultiprocessDirectory(path, owned=False)
    path = Path(tempfile.mkdtemp(prefix="ctp-bff-metrics-"))
    os.environ[ENV] = str(path)
    return MultiprocessDirectory(path, owned=True)


def active() -> bool:
    return bool(os.environ.get(ENV))


def worker_exited(pid: int) -> None:
    if not active():
        return
    from prometheus_client import multiprocess

    multiprocess.mark_process_dead(pid)  # type: ignore[no-untyped-call]
