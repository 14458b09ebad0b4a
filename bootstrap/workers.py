"""`python -m bootstrap serve` with WEB_CONCURRENCY worker processes.

Each worker is a whole service (its own event loop, upstream pool, caches and circuit breakers)
with its own listening socket on the same port (SO_REUSEPORT): the kernel spreads new
connections evenly over the sockets by their addresses. With one shared socket, whichever idle
worker wakes first accepts a whole burst of connections (a browser keeps its keep-alive
connection, so that imbalance lasts). Nothing is shared between workers: cookie sessions need
nothing shared, Redis sessions live in Redis; what is per process (the in-memory credential
throttles, the webhook message ledger) is listed in docs/deployment.md.

The parent builds the app once (imports, schema, containers: nothing that holds a socket, a
thread or an event loop), then forks the workers: each runs the app's start-up (lifespan) and
serves, and what the parent built stays shared between them (copy-on-write). Spawning fresh
interpreters made each worker import and build everything again: 1.8 s to the first answer with
two workers on two busy cores. The parent only starts, watches and stops the workers: a worker
that dies is replaced, unless it died while starting (a broken configuration fails the same way
every time): then everything stops.
"""

from __future__ import annotations

import gc
import logging
import math
import multiprocessing
import os
import secrets
import signal
import socket
import time
from multiprocessing.connection import wait
from multiprocessing.process import BaseProcess
from pathlib import Path
from types import FrameType

import uvicorn

from app.observability import multiprocess
from app.settings import Settings

log = logging.getLogger("app")

# A worker that ends sooner than this after its start failed to start.
STARTUP_SECONDS = 10.0
# How long a worker may take to finish its requests after SIGTERM before it is killed.
STOP_SECONDS = 30.0
_LISTEN_BACKLOG = 2048
_fork = multiprocessing.get_context("fork")


def worker_count(settings: Settings) -> int:
    """WEB_CONCURRENCY as a number; always 1 in the demo, whose emulator lives in the process."""
    wanted = settings.web_concurrency
    count = available_cores() if wanted == "auto" else wanted
    if count > 1 and settings.commercetools.uses_embedded_emulator:
        log.warning(
            "WEB_CONCURRENCY=%s ignored: the demo runs 1 worker, because each worker would have "
            "its own embedded emulator (a cart made in one would not exist in the others); "
            "set CTP_* to a commercetools project to run several",
            wanted,
        )
        return 1
    return count


def available_cores() -> int:
    """The cores this process may run on, bounded by a container's CPU quota (cgroup v2)."""
    cores = len(os.sched_getaffinity(0))
    try:
        quota, period = Path("/sys/fs/cgroup/cpu.max").read_text().split()
        if quota != "max":
            cores = min(cores, max(1, math.ceil(int(quota) / int(period))))
    except (OSError, ValueError):
        pass
    return cores


def serve(config: uvicorn.Config, workers: int, settings: Settings) -> int:
    """Runs the server `config` describes (its app a factory's import string)."""
    if workers == 1:
        uvicorn.Server(config).run()
        return 0
    _share_random_secrets(settings)
    # Each worker's metrics in files that any worker's scrape adds up: named before the app's
    # import loads prometheus_client (docs/observability.md).
    metrics_dir = multiprocess.prepare() if settings.observability.metrics_enabled else None
    if metrics_dir is not None:
        log.info("Metrics of the workers in the multiprocess directory %s", metrics_dir.path)
    try:
        # The app every worker would build, built once; frozen, so that the collector of a
        # worker never touches (and so copies) the pages it shares with the others.
        config.load()
        gc.freeze()
        return Supervisor(config, workers).run()
    finally:
        if metrics_dir is not None:
            metrics_dir.remove()


def _share_random_secrets(settings: Settings) -> None:
    """Outside production a missing secret becomes a random one per process; workers must agree
    on it (a cookie one worker sealed is opened by another), so the parent draws it once."""
    if not settings.session.keys_newest_first:
        os.environ["SESSION_SECRET_KEYS"] = secrets.token_urlsafe(48)
        log.warning(
            "SESSION_SECRET_KEYS is not set: the workers share a random key; sessions end on "
            "restart"
        )
    if settings.webhooks.secret is None or not settings.webhooks.secret.get_secret_value():
        os.environ["WEBHOOK_SECRET"] = secrets.token_urlsafe(32)
        log.warning("WEBHOOK_SECRET is not set: the workers share a random secret")


def _listening_socket(host: str, port: int, *, listen: bool) -> socket.socket:
    family, kind, proto, _, address = socket.getaddrinfo(
        host, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE
    )[0]
    sock = socket.socket(family, kind, proto)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
    sock.bind(address)
    if listen:
        sock.listen(_LISTEN_BACKLOG)
    return sock


def _run_worker(config: uvicorn.Config, port: int) -> None:
    """A worker process: its own socket on the shared port, then one uvicorn server."""
    # The supervisor's handlers came along with the fork; uvicorn installs its own.
    for signum in (signal.SIGTERM, signal.SIGINT):
        signal.signal(signum, signal.SIG_DFL)
    sock = _listening_socket(config.host, port, listen=True)
    uvicorn.Server(config).run(sockets=[sock])


class Supervisor:
    def __init__(self, config: uvicorn.Config, workers: int) -> None:
        self._config = config
        self._workers = workers
        self._stopping = False
        self._started: dict[BaseProcess, float] = {}

    def run(self) -> int:
        # Bound but not listening: reserves the port (and resolves PORT=0) without taking a share
        # of the connections; a port in use fails here, once, instead of in every worker.
        reserved = _listening_socket(self._config.host, self._config.port, listen=False)
        port = reserved.getsockname()[1]
        for signum in (signal.SIGTERM, signal.SIGINT):
            signal.signal(signum, self._stop)
        log.info(
            "Serving on %s:%s with %d workers (one socket each, SO_REUSEPORT)",
            self._config.host,
            port,
            self._workers,
        )
        failed = False
        try:
            for _ in range(self._workers):
                self._start(port)
            while not self._stopping and not failed:
                failed = self._replace_dead(port)
        finally:
            self._stop_all()
            reserved.close()
        return 1 if failed else 0

    def _start(self, port: int) -> None:
        process = _fork.Process(target=_run_worker, args=(self._config, port), daemon=False)
        process.start()
        self._started[process] = time.monotonic()
        log.info("Worker %s started", process.pid)

    def _replace_dead(self, port: int) -> bool:
        """Waits a second for a worker to end; True when one failed to start."""
        wait([process.sentinel for process in self._started], timeout=1.0)
        for process, started in list(self._started.items()):
            if process.is_alive() or self._stopping:
                continue
            process.join()
            del self._started[process]
            if process.pid is not None:
                multiprocess.worker_exited(process.pid)
            code = process.exitcode
            if time.monotonic() - started < STARTUP_SECONDS:
                log.error("Worker %s exited (code %s) while starting: stopping", process.pid, code)
                return True
            log.warning("Worker %s exited (code %s): starting another", process.pid, code)
            self._start(port)
        return False

    def _stop(self, signum: int, _frame: FrameType | None) -> None:
        self._stopping = True

    def _stop_all(self) -> None:
        for process in self._started:
            if process.is_alive() and process.pid is not None:
                os.kill(process.pid, signal.SIGTERM)
        deadline = time.monotonic() + STOP_SECONDS
        for process in self._started:
            process.join(max(0.0, deadline - time.monotonic()))
            if process.is_alive():
                log.warning("Worker %s did not stop in %.0f s: killed", process.pid, STOP_SECONDS)
                process.kill()
                process.join()
