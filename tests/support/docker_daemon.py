"""A private Docker daemon, a local base image and offline wheels, for tests that build the image.

Why this exists (docs/docker.md has the manual steps): the machines these tests run on have no
reachable Docker Hub and no running Docker daemon, and PyPI cannot be reached from inside a build
container (pip there fails on the certificate). As root with apt we can still do it for real:

* install Debian's ``docker.io`` (plus ``debootstrap`` and ``iptables``) when missing;
* start our own ``dockerd`` with its own data/exec roots, pid file and unix socket, stopped by its
  PID when the test session ends;
* build a ``bookworm`` base image (python3 3.11) with ``debootstrap`` + ``docker import``, since
  no base image can be pulled;
* download the locked wheels on the host and build with ``OFFLINE_WHEELS=1 --network none``,
  with the classic builder (``DOCKER_BUILDKIT=0``), which needs nothing beyond the daemon.

The daemon changes nothing on the host's network: no iptables rules, no IP forwarding, no default
``docker0`` bridge. Containers join one user-defined bridge network (removed at the end), and
ports are published on 127.0.0.1 only, through docker's userland proxy, which needs no iptables.

Anything that makes this impossible (not root, no apt, dockerd does not start, the Debian mirror
is unreachable) raises :class:`DockerUnavailable` with the exact reason, which tests turn into a
skip. Everything slow is cached under :data:`CACHE_DIR`, so a second run takes a minute or two.
"""

from __future__ import annotations

import contextlib
import errno
import fcntl
import hashlib
import os
import platform
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

REPO_ROOT = Path(__file__).resolve().parents[2]

# Stable, so that reruns reuse the daemon's image store, the base rootfs and the wheels.
CACHE_DIR = Path(os.environ.get("CTP_BFF_DOCKER_CACHE", "/var/cache/ctp-bff-test"))
DEBIAN_SUITE = "bookworm"  # its python3 is 3.11, the project's version
DEBIAN_MIRROR = os.environ.get("CTP_BFF_DEBIAN_MIRROR", "http://deb.debian.org/debian")
BASE_IMAGE = f"ctp-bff-base:{DEBIAN_SUITE}"
# Rebuild the base after this long, so that the test does not run on a stale, unpatched Debian.
BASE_MAX_AGE_SECONDS = 30 * 86_400
NETWORK = "ctp-bff-test"
BRIDGE = "ctpbff0"  # a recognisable name, should a crash ever leave the interface behind
APT_PACKAGES = ("docker.io", "debootstrap", "iptables")

# Timeouts (seconds) for each external step; the worst case from nothing stays well under the
# 15 minutes a test session may take, and each step fails on its own instead of hanging.
LOCK_WAIT = 300
APT_TIMEOUT = 300
DOCKERD_START_TIMEOUT = 60
DOCKERD_STOP_TIMEOUT = 30
DEBOOTSTRAP_TIMEOUT = 600
IMPORT_TIMEOUT = 180
PIP_DOWNLOAD_TIMEOUT = 300
BUILD_TIMEOUT = 600
DOCKER_TIMEOUT = 60


class DockerUnavailable(Exception):
    """No private Docker daemon (or what it needs) can be had here; the message says why."""


def log(message: str) -> None:
    # Progress on stdout: visible with `pytest -s`, which is how slow phases get measured.
    print(f"[docker-test] {message}", flush=True)


@contextlib.contextmanager
def timed(what: str) -> Iterator[None]:
    started = time.monotonic()
    yield
    log(f"{what}: {time.monotonic() - started:.1f}s")


def _tail(text: str | bytes | None, lines: int = 25) -> str:
    if text is None:
        return ""
    if isinstance(text, bytes):
        text = text.decode("utf-8", "replace")
    return "\n".join(text.strip().splitlines()[-lines:])


def _run(
    argv: Sequence[str],
    *,
    timeout: float,
    env: dict[str, str] | None = None,
    stdin: IO[bytes] | None = None,
) -> subprocess.CompletedProcess[str]:
    """Run a command with a timeout; never raises for a non-zero exit (callers decide)."""
    try:
        return subprocess.run(
            list(argv),
            stdin=stdin,
            capture_output=True,
            text=True,
            timeout=timeout,
            env=env,
            check=False,
        )
    except subprocess.TimeoutExpired as exc:
        return subprocess.CompletedProcess(
            list(argv),
            124,
            _tail(exc.stdout),
            f"timed out after {timeout:.0f}s\n{_tail(exc.stderr)}",
        )


def _describe(result: subprocess.CompletedProcess[str]) -> str:
    return (
        f"`{' '.join(result.args)}` exited with {result.returncode}:\n"
        f"{_tail(result.stderr) or _tail(result.stdout)}"
    )


# --- host prerequisites -------------------------------------------------------------------------


def _check_host() -> None:
    if sys.platform != "linux":
        raise DockerUnavailable(f"a private dockerd needs Linux, this is {sys.platform}")
    if os.geteuid() != 0:
        raise DockerUnavailable(
            "not running as root, so no private dockerd can be started "
            "(run the docker tests as root, e.g. in CI)"
        )


def _missing_tools() -> list[str]:
    return [tool for tool in ("dockerd", "debootstrap", "tar") if shutil.which(tool) is None]


def ensure_host_packages() -> None:
    """Install docker.io, debootstrap and iptables with apt-get when they are missing."""
    if not _missing_tools():
        return
    if shutil.which("apt-get") is None:
        raise DockerUnavailable(
            f"{', '.join(_missing_tools())} not installed and there is no apt-get to install them"
        )
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    # Wait for a concurrent apt/dpkg instead of failing on its lock.
    # No recommends: they add services and apt hooks (apparmor, needrestart, ...) that a
    # private, test-only dockerd does not need.
    install = ["apt-get", "-o", "DPkg::Lock::Timeout=120", "install", "-y"]
    install += ["--no-install-recommends", *APT_PACKAGES]
    with timed("apt-get install " + " ".join(APT_PACKAGES)):
        result = _run(install, timeout=APT_TIMEOUT, env=env)
        if result.returncode != 0:
            # Stale package lists are the usual cause; refresh only then, as it is slow.
            update = _run(
                ["apt-get", "-o", "DPkg::Lock::Timeout=120", "update"], timeout=APT_TIMEOUT, env=env
            )
            if update.returncode != 0:
                raise DockerUnavailable("apt-get update failed: " + _describe(update))
            result = _run(install, timeout=APT_TIMEOUT, env=env)
    if result.returncode != 0:
        raise DockerUnavailable("apt-get install failed: " + _describe(result))
    if _missing_tools():
        raise DockerUnavailable(f"still missing after apt-get install: {_missing_tools()}")


def _docker_client() -> str:
    # Prefer the client packaged with Debian's dockerd (same version); another `docker` earlier on
    # PATH (e.g. a newer static binary) also works, as the client negotiates the API version.
    packaged = Path("/usr/bin/docker")
    if packaged.exists():
        return str(packaged)
    found = shutil.which("docker")
    if found is None:
        raise DockerUnavailable("dockerd is installed but no docker client was found")
    return found


# --- the cache lock -----------------------------------------------------------------------------


@contextlib.contextmanager
def _cache_lock() -> Iterator[None]:
    """Serialise sessions: they share the daemon's data root, the rootfs and the wheel cache."""
    CACHE_DIR.mkdir(parents=True, exist_ok=True)
    with open(CACHE_DIR / "lock", "w") as handle:
        deadline = time.monotonic() + LOCK_WAIT
        while True:
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except OSError as exc:
                if exc.errno not in (errno.EAGAIN, errno.EACCES):
                    raise
                if time.monotonic() > deadline:
                    raise DockerUnavailable(
                        f"another test session has held {CACHE_DIR / 'lock'} for over "
                        f"{LOCK_WAIT}s (it uses the same private dockerd)"
                    ) from None
                time.sleep(1)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


# --- the daemon ---------------------------------------------------------------------------------


@dataclass
class DockerDaemon:
    """A running private dockerd and the way to talk to it."""

    process: subprocess.Popen[bytes]
    client: str
    socket_path: Path
    env: dict[str, str] = field(repr=False)
    log_path: Path

    def docker(
        self, *args: str, timeout: float = DOCKER_TIMEOUT, stdin: IO[bytes] | None = None
    ) -> subprocess.CompletedProcess[str]:
        return _run([self.client, *args], timeout=timeout, env=self.env, stdin=stdin)

    def check(self, *args: str, timeout: float = DOCKER_TIMEOUT) -> str:
        result = self.docker(*args, timeout=timeout)
        if result.returncode != 0:
            raise RuntimeError(_describe(result))
        return result.stdout.strip()

    def log_tail(self, lines: int = 25) -> str:
        try:
            return _tail(self.log_path.read_text(errors="replace"), lines)
        except OSError:
            return ""


def _is_our_stale_dockerd(pid: int, data_root: Path) -> bool:
    try:
        argv = Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")
    except OSError:
        return False
    return bool(argv) and argv[0].endswith(b"dockerd") and str(data_root).encode() in argv


def _alive(pid: int) -> bool:
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    return stat.rpartition(")")[2].split()[0] != "Z"  # a zombie has exited already


def _stop(pid: int, process: subprocess.Popen[bytes] | None = None) -> None:
    """SIGTERM, then SIGKILL: dockerd stops its containers and its containerd on SIGTERM."""
    if process is not None and process.poll() is not None:
        return  # already exited and reaped: its PID may belong to someone else by now
    with contextlib.suppress(ProcessLookupError):
        os.kill(pid, signal.SIGTERM)
    deadline = time.monotonic() + DOCKERD_STOP_TIMEOUT
    while time.monotonic() < deadline:
        if process is not None:
            if process.poll() is not None:
                return
        elif not _alive(pid):
            return
        time.sleep(0.2)
    with contextlib.suppress(ProcessLookupError):
        os.kill(pid, signal.SIGKILL)
    if process is not None:
        process.wait(timeout=10)


def _stop_stale_daemon(pidfile: Path, data_root: Path) -> None:
    """A session killed hard can leave its dockerd running on our data root: stop that one."""
    try:
        pid = int(pidfile.read_text().strip())
    except (OSError, ValueError):
        return
    if _is_our_stale_dockerd(pid, data_root):
        log(f"stopping a dockerd (pid {pid}) left running by an earlier session")
        _stop(pid)
    pidfile.unlink(missing_ok=True)


@contextlib.contextmanager
def private_docker_daemon() -> Iterator[DockerDaemon]:
    """Start a private dockerd for the duration of the ``with`` block, then stop it by its PID."""
    _check_host()
    with contextlib.ExitStack() as stack:
        stack.enter_context(_cache_lock())
        ensure_host_packages()
        client = _docker_client()

        data_root = CACHE_DIR / "docker"
        pidfile = CACHE_DIR / "dockerd.pid"
        log_path = CACHE_DIR / "dockerd.log"
        _stop_stale_daemon(pidfile, data_root)
        # Short path on purpose: containerd's sockets live below it and a unix socket path is
        # limited to 108 bytes.
        exec_root = Path(tempfile.mkdtemp(prefix="ctpbff-dockerd-", dir="/tmp"))
        stack.callback(shutil.rmtree, exec_root, ignore_errors=True)
        socket_path = exec_root / "docker.sock"
        config_dir = exec_root / "client-config"  # ignore the user's ~/.docker (cred helpers)
        config_dir.mkdir()

        argv = [
            "dockerd",
            f"--data-root={data_root}",
            f"--exec-root={exec_root / 'exec'}",
            f"--pidfile={pidfile}",
            f"--host=unix://{socket_path}",
            # Leave the host's network alone: no iptables rules, no forwarding, no docker0.
            # Port publishing on 127.0.0.1 still works through the userland proxy.
            "--iptables=false",
            "--ip6tables=false",
            "--ip-forward=false",
            "--ip-masq=false",
            "--bridge=none",
            # If a system containerd is running, dockerd would share it: keep to our namespace.
            "--containerd-namespace=ctp-bff-test",
            "--containerd-plugins-namespace=ctp-bff-test-plugins",
        ]
        started = time.monotonic()
        with open(log_path, "wb") as log_file:
            # Own session: a Ctrl-C in pytest reaches pytest, whose finalizer stops the daemon
            # cleanly, rather than killing dockerd under a running build.
            process = subprocess.Popen(
                argv,
                stdin=subprocess.DEVNULL,
                stdout=log_file,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        stack.callback(_stop, process.pid, process)

        env = {
            key: value
            for key, value in os.environ.items()
            if key not in ("DOCKER_CONTEXT", "DOCKER_TLS_VERIFY", "DOCKER_CERT_PATH")
        }
        env |= {
            "DOCKER_HOST": f"unix://{socket_path}",
            "DOCKER_CONFIG": str(config_dir),
            "DOCKER_BUILDKIT": "0",  # BuildKit would fetch its Dockerfile frontend from Docker Hub
        }
        daemon = DockerDaemon(process, client, socket_path, env, log_path)
        _wait_until_answering(daemon)
        log(f"start dockerd: {time.monotonic() - started:.1f}s")

        _ensure_network(daemon)
        stack.callback(_remove_network, daemon)
        yield daemon
        # Bound the cache's growth: each build leaves the previous test image untagged.
        daemon.docker("image", "prune", "--force", timeout=120)


def _wait_until_answering(daemon: DockerDaemon) -> None:
    deadline = time.monotonic() + DOCKERD_START_TIMEOUT
    while True:
        if daemon.process.poll() is not None:
            raise DockerUnavailable(
                f"dockerd exited with {daemon.process.returncode} at start; its log:\n"
                + daemon.log_tail()
            )
        if daemon.socket_path.exists() and daemon.docker("version", timeout=10).returncode == 0:
            return
        if time.monotonic() > deadline:
            raise DockerUnavailable(
                f"dockerd did not answer within {DOCKERD_START_TIMEOUT}s; its log:\n"
                + daemon.log_tail()
            )
        time.sleep(0.3)


def _ensure_network(daemon: DockerDaemon) -> None:
    if daemon.docker("network", "inspect", NETWORK).returncode == 0:
        return
    result = daemon.docker(
        "network", "create", "--driver=bridge",
        f"--opt=com.docker.network.bridge.name={BRIDGE}", NETWORK,
    )  # fmt: skip
    if result.returncode != 0:
        raise DockerUnavailable("cannot create a bridge network: " + _describe(result))


def _remove_network(daemon: DockerDaemon) -> None:
    # Removing the network removes its bridge interface from the host.
    daemon.docker("network", "rm", NETWORK)


# --- the base image -----------------------------------------------------------------------------


def ensure_base_image(daemon: DockerDaemon) -> str:
    """A Debian bookworm image with python3 (3.11) and venv, standing in for python:3.11-slim."""
    rootfs = CACHE_DIR / f"rootfs-{DEBIAN_SUITE}"
    stamp = CACHE_DIR / f"rootfs-{DEBIAN_SUITE}.done"
    fresh = stamp.exists() and time.time() - stamp.stat().st_mtime < BASE_MAX_AGE_SECONDS
    if fresh and daemon.docker("image", "inspect", BASE_IMAGE).returncode == 0:
        return BASE_IMAGE
    if not fresh:
        _debootstrap(rootfs, stamp)
    with timed(f"docker import {BASE_IMAGE}"):
        tar = subprocess.Popen(
            ["tar", "--numeric-owner", "-C", str(rootfs), "-c", "."], stdout=subprocess.PIPE
        )
        assert tar.stdout is not None
        try:
            result = daemon.docker(
                "import", "-", BASE_IMAGE, timeout=IMPORT_TIMEOUT, stdin=tar.stdout
            )
        finally:
            tar.stdout.close()
            try:
                tar.wait(timeout=30)
            except subprocess.TimeoutExpired:
                tar.kill()
                tar.wait()
    if result.returncode != 0 or tar.returncode != 0:
        raise RuntimeError(
            f"importing the base rootfs failed (tar: {tar.returncode}): " + _describe(result)
        )
    return BASE_IMAGE


def _debootstrap(rootfs: Path, stamp: Path) -> None:
    stamp.unlink(missing_ok=True)
    partial = rootfs.with_name(rootfs.name + ".partial")
    shutil.rmtree(partial, ignore_errors=True)
    argv = [
        "debootstrap", "--variant=minbase", "--include=python3,python3-venv,ca-certificates",
        DEBIAN_SUITE, str(partial), DEBIAN_MIRROR,
    ]  # fmt: skip
    with timed(f"debootstrap {DEBIAN_SUITE}"):
        result = _run(argv, timeout=DEBOOTSTRAP_TIMEOUT)
    if result.returncode != 0:
        shutil.rmtree(partial, ignore_errors=True)
        raise DockerUnavailable(
            f"cannot debootstrap a base image from {DEBIAN_MIRROR}: " + _describe(result)
        )
    # Like the official Debian images: no downloaded packages or package lists in the image.
    for leftover in ("var/cache/apt/archives", "var/lib/apt/lists"):
        for path in (partial / leftover).glob("*"):
            if path.is_file():
                path.unlink()
    shutil.rmtree(rootfs, ignore_errors=True)
    partial.rename(rootfs)
    stamp.touch()


# --- wheels and the build -----------------------------------------------------------------------


def _target_platforms() -> list[str]:
    # The base is bookworm (glibc 2.36) on the host's architecture: every manylinux tag up to it.
    machine = platform.machine()
    tags = [f"manylinux_2_{minor}_{machine}" for minor in range(36, 4, -1)]
    return [*tags, f"manylinux2014_{machine}", f"manylinux1_{machine}", f"linux_{machine}"]


def _pins_with_full_version_markers(lock: Path) -> list[str]:
    pins = []
    for line in lock.read_text().splitlines():
        name, _, marker = line.partition(";")
        if "python_full_version" in marker and "==" in name:
            pins.append(name.strip())
    return pins


def ensure_wheels(lock: Path) -> Path:
    """The wheels of every pin in the lock for CPython 3.11 on bookworm, checked against hashes."""
    digest = hashlib.sha256(lock.read_bytes()).hexdigest()[:16]
    # The "v2" names how the download is done: a change to it must not reuse old downloads.
    wheels = CACHE_DIR / "wheels" / f"{digest}-v2-cp311-{platform.machine()}"
    if (wheels / ".done").exists():
        return wheels
    partial = wheels.with_name(wheels.name + ".partial")
    shutil.rmtree(partial, ignore_errors=True)
    argv = [
        sys.executable, "-m", "pip", "download", "--quiet", "--disable-pip-version-check",
        "--require-hashes", "-r", str(lock), "-d", str(partial), "--only-binary=:all:",
        "--python-version=3.11", "--implementation=cp", "--abi=cp311",
    ]  # fmt: skip
    argv += [f"--platform={tag}" for tag in _target_platforms()]
    with timed("pip download wheels"):
        result = _run(argv, timeout=PIP_DOWNLOAD_TIMEOUT)
        # pip judges `python_full_version` markers by the host's Python, not the target's
        # (bookworm's 3.11.2): fetch those pins too; the image build checks their hashes.
        marked = _pins_with_full_version_markers(lock)
        if result.returncode == 0 and marked:
            extra = [a for a in argv if a not in ("--require-hashes", "-r", str(lock))]
            result = _run([*extra, "--no-deps", *marked], timeout=PIP_DOWNLOAD_TIMEOUT)
    if result.returncode != 0:
        shutil.rmtree(partial, ignore_errors=True)
        raise DockerUnavailable(
            "cannot download the locked wheels on the host: " + _describe(result)
        )
    shutil.rmtree(wheels, ignore_errors=True)
    partial.rename(wheels)
    (wheels / ".done").touch()
    # Wheel directories of older locks are dead weight.
    for old in wheels.parent.iterdir():
        if old != wheels:
            shutil.rmtree(old, ignore_errors=True)
    return wheels


# Working-tree entries never sent to docker (.dockerignore filters the rest); skipping them here
# just avoids copying a virtualenv around.
_NOT_CONTEXT = [".git", ".venv", "var", "wheels", "__pycache__", "*.pyc", ".mypy_cache"]
_NOT_CONTEXT += [".ruff_cache", ".pytest_cache", ".hypothesis", "node_modules"]


@contextlib.contextmanager
def offline_build_context(wheels: Path, repo: Path = REPO_ROOT) -> Iterator[Path]:
    """A copy of the working tree plus ./wheels/, so the repository itself is never written to."""
    with tempfile.TemporaryDirectory(prefix="ctpbff-context-") as tmp:
        context = Path(tmp) / "context"
        shutil.copytree(repo, context, ignore=shutil.ignore_patterns(*_NOT_CONTEXT), symlinks=True)
        target = context / "wheels"
        target.mkdir()
        for wheel in wheels.glob("*.whl"):
            try:
                os.link(wheel, target / wheel.name)  # same filesystem: free
            except OSError:
                shutil.copy2(wheel, target / wheel.name)
        yield context


def build_image(daemon: DockerDaemon, tag: str, base_image: str, context: Path) -> None:
    """Build offline (no network at all in the build) from the context's ./wheels/."""
    common = [
        "build", "--network=none", "--force-rm",
        f"--build-arg=BASE_IMAGE={base_image}", "--build-arg=OFFLINE_WHEELS=1",
    ]  # fmt: skip
    # The builder stage is tagged too: untagged, the classic builder leaves it dangling, the
    # session's final `image prune` deletes it, and every run would reinstall all the wheels.
    steps = [
        ("docker build (builder stage)", [*common, "--target=builder", f"--tag={tag}-builder"]),
        ("docker build", [*common, f"--tag={tag}"]),
    ]
    for what, argv in steps:
        with timed(what):
            result = daemon.docker(*argv, str(context), timeout=BUILD_TIMEOUT)
        if result.returncode != 0:
            raise AssertionError(
                f"{what} failed ({result.returncode}):\n{_tail(result.stdout, 40)}\n"
                f"{_tail(result.stderr)}"
            )


def free_loopback_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port
