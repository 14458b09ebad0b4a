"""Runs the service as its own process (`python -m bootstrap serve`), as production does."""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from types import TracebackType
from typing import IO

import httpx

from tests.support.ports import free_port

ROOT = Path(__file__).resolve().parents[2]
# A developer's own settings must not leak into a test's service.
CLEAN_ENV = {k: v for k, v in os.environ.items() if not k.startswith(("CTP_", "APP_", "SESSION_"))}


def serve(env: dict[str, str], output: int | IO[str] = subprocess.PIPE) -> subprocess.Popen[str]:
    """`python -m bootstrap serve` from the repository root, with only `env` on top of a clean
    one;
    stderr goes where stdout does."""
    return subprocess.Popen(
        [sys.executable, "-m", "bootstrap", "serve"],
        cwd=ROOT,
        env={**CLEAN_ENV, **env},
        stdout=output,
        stderr=subprocess.STDOUT,
        text=True,
    )


class ServiceProcess:
    def __init__(self, env: dict[str, str]) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        # The development demo would also serve the demo storefront on port 3000, which
        # parallel runs (and a developer's `make run`) share; a test that wants it says so.
        self._env = {"DEMO_STOREFRONT": "false", **env, "HOST": "127.0.0.1", "PORT": str(self.port)}
        self._log = tempfile.TemporaryFile(mode="w+")  # noqa: SIM115 - closed in stop()
        self._process: subprocess.Popen[str] | None = None

    def start(self, timeout: float = 20.0) -> ServiceProcess:
        self._process = serve(self._env, self._log)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self._process.poll() is not None:
                raise RuntimeError(f"the service exited: {self.output()[-2000:]}")
            try:
                if httpx.get(f"{self.url}/healthz", timeout=1).status_code == 200:
                    return self
            except httpx.TransportError:
                time.sleep(0.05)
        self.stop()
        raise RuntimeError("the service did not become healthy")

    def output(self) -> str:
        """What the process printed so far (its logs)."""
        self._log.flush()
        self._log.seek(0)
        return self._log.read()

    def stop(self) -> None:
        if self._process is not None and self._process.poll() is None:
            self._process.terminate()
            try:
                self._process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self._process.kill()

    def __enter__(self) -> ServiceProcess:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()
        self._log.close()
