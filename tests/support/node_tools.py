"""The npm packages of tests/js (graphql-http's audit, graphql-codegen, graphql-js), installed
once with `npm ci` into a cache outside the repository and reused across test runs.

The cache is `$CTP_BFF_NODE_CACHE`, else `~/.cache/ctp-bff-node`, with one directory per
content of tests/js/package.json and package-lock.json: editing either installs afresh. An
install goes to a temporary directory renamed into place when complete, under a file lock, so
parallel test runs (several worktrees on one machine) neither install twice nor see half an
install. Without node or npm, or when the registry cannot be reached, `NodeUnavailable` says
why, and the tests skip with that reason.
"""

from __future__ import annotations

import fcntl
import hashlib
import os
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

JS_DIR = Path(__file__).resolve().parent.parent / "js"
MANIFESTS = ("package.json", "package-lock.json")
MIN_NODE_MAJOR = 18  # the audit uses the global fetch
INSTALL_TIMEOUT_SECONDS = 300
RUN_TIMEOUT_SECONDS = 120


class NodeUnavailable(RuntimeError):
    """The packages cannot be run here; the message says why."""


@dataclass(frozen=True)
class NodeTools:
    node: str
    modules: Path

    def run(self, script: str, *args: str) -> str:
        """Runs tests/js/`script` with the installed packages; its standard output."""
        completed = subprocess.run(
            [self.node, str(JS_DIR / script), *args],
            capture_output=True,
            text=True,
            timeout=RUN_TIMEOUT_SECONDS,
            env={**os.environ, "NODE_PATH": str(self.modules)},
            check=False,
        )
        if completed.returncode != 0:
            raise AssertionError(f"{script} failed:\n{completed.stderr[-4000:]}")
        return completed.stdout


def cache_root() -> Path:
    configured = os.environ.get("CTP_BFF_NODE_CACHE")
    return Path(configured) if configured else Path.home() / ".cache" / "ctp-bff-node"


def _key() -> str:
    digest = hashlib.sha256()
    for name in MANIFESTS:
        digest.update((JS_DIR / name).read_bytes())
    return digest.hexdigest()[:16]


def _executable(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        raise NodeUnavailable(f"no {name} on PATH (install Node.js 18 or newer with npm)")
    return path


def _check_node_version(node: str) -> None:
    version = subprocess.run(
        [node, "--version"], capture_output=True, text=True, timeout=30, check=False
    ).stdout.strip()
    try:
        major = int(version.lstrip("v").split(".")[0])
    except ValueError:
        raise NodeUnavailable(f"cannot read node's version ({version!r})") from None
    if major < MIN_NODE_MAJOR:
        raise NodeUnavailable(f"node {version} is too old: {MIN_NODE_MAJOR} or newer is needed")


def _install(npm: str, target: Path) -> None:
    staging = Path(tempfile.mkdtemp(prefix=f"{target.name}.", dir=target.parent))
    try:
        for name in MANIFESTS:
            shutil.copy2(JS_DIR / name, staging / name)
        try:
            completed = subprocess.run(
                [
                    npm,
                    "ci",
                    "--ignore-scripts",
                    "--prefer-offline",
                    "--no-audit",
                    "--no-fund",
                    "--loglevel=error",
                ],
                cwd=staging,
                capture_output=True,
                text=True,
                timeout=INSTALL_TIMEOUT_SECONDS,
                check=False,
            )
        except subprocess.TimeoutExpired:
            raise NodeUnavailable(
                f"npm ci did not finish within {INSTALL_TIMEOUT_SECONDS}s (registry unreachable?)"
            ) from None
        if completed.returncode != 0:
            # npm names the cause (e.g. "npm error code ECONNREFUSED") first.
            first_lines = "\n".join(completed.stderr.strip().splitlines()[:3])
            raise NodeUnavailable(f"npm ci failed (registry unreachable?):\n{first_lines}")
        staging.rename(target)
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def install_node_tools() -> NodeTools:
    """The installed packages, installing them first when this content was never installed."""
    node = _executable("node")
    npm = _executable("npm")
    _check_node_version(node)
    root = cache_root()
    try:
        root.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise NodeUnavailable(f"cannot create the cache {root} ({exc.strerror})") from None
    target = root / _key()
    with (root / f"{target.name}.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not (target / "node_modules").is_dir():
            shutil.rmtree(target, ignore_errors=True)  # what a killed run may have left
            _install(npm, target)
    return NodeTools(node=node, modules=target / "node_modules")
