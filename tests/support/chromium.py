"""Debian's Chromium for the browser tests: found at /usr/bin/chromium, or installed once with
`apt-get install -y chromium` when the tests run as root on a Debian-like machine.

Playwright's own `playwright install` downloads a browser build from its CDN, which machines
without that access cannot reach; Debian's package comes from the same registry as every
other system package. Where neither is possible, `ChromiumUnavailable` says why and the tests
skip with that reason.
"""

from __future__ import annotations

import fcntl
import os
import shutil
import subprocess
import tempfile
from pathlib import Path

CHROMIUM = Path("/usr/bin/chromium")
INSTALL_TIMEOUT_SECONDS = 900
# What a test browser needs and nothing that calls home: no sandbox (containers run as root
# without user namespaces), no GPU, no QUIC, no first-run pages, no background updates or sync.
LAUNCH_ARGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
)


class ChromiumUnavailable(RuntimeError):
    """No Chromium here, and none can be installed; the message says why."""


def _apt_get(*args: str) -> subprocess.CompletedProcess[str]:
    try:
        return subprocess.run(
            ["apt-get", *args],
            capture_output=True,
            text=True,
            timeout=INSTALL_TIMEOUT_SECONDS,
            env={**os.environ, "DEBIAN_FRONTEND": "noninteractive"},
            check=False,
        )
    except subprocess.TimeoutExpired:
        raise ChromiumUnavailable(
            f"apt-get {args[0]} did not finish within {INSTALL_TIMEOUT_SECONDS}s"
        ) from None


def _install() -> None:
    if shutil.which("apt-get") is None:
        raise ChromiumUnavailable(f"no {CHROMIUM} and no apt-get to install Debian's chromium")
    if os.geteuid() != 0:
        raise ChromiumUnavailable(f"no {CHROMIUM}; run `apt-get install -y chromium` as root")
    install = _apt_get("install", "-y", "--no-install-recommends", "chromium")
    if install.returncode != 0:
        # A machine that never ran `apt-get update` has no package lists to install from.
        _apt_get("update")
        install = _apt_get("install", "-y", "--no-install-recommends", "chromium")
    if install.returncode != 0 or not CHROMIUM.exists():
        last_lines = "\n".join(install.stderr.strip().splitlines()[-3:])
        raise ChromiumUnavailable(f"apt-get install chromium failed:\n{last_lines}")


def find_or_install_chromium() -> Path:
    """Debian's Chromium, installing it first when it is missing."""
    if CHROMIUM.exists():
        return CHROMIUM
    # Parallel test runs (several worktrees on one machine) must not run apt-get twice at once.
    lock_path = Path(tempfile.gettempdir()) / "ctp-bff-chromium-install.lock"
    with lock_path.open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not CHROMIUM.exists():
            _install()
    return CHROMIUM
