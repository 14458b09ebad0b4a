"""Build the Docker image for real, run it, and talk to it over HTTP.

The image is built from this working tree with the repository's Dockerfile, on a private dockerd
(tests/support/docker_daemon.py says how and why), and run with no CTP_* variables: it must serve
the demo on the embedded emulator, as a non-root user, with a HEALTHCHECK that turns healthy.
Skipped, with the reason, where no Docker daemon can be started (not root, no apt, ...).
"""

from __future__ import annotations

import contextlib
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass

import httpx
import pytest

from tests.support.docker_daemon import (
    NETWORK,
    REPO_ROOT,
    DockerDaemon,
    DockerUnavailable,
    build_image,
    ensure_base_image,
    ensure_wheels,
    free_loopback_port,
    log,
    offline_build_context,
    private_docker_daemon,
    timed,
)

pytestmark = pytest.mark.docker

IMAGE = "ctp-bff:test"
READY_TIMEOUT = 60.0  # from `docker run` to /healthz answering 200
HEALTHY_TIMEOUT = 30.0  # from ready to docker's health status "healthy"


@pytest.fixture(scope="session")
def docker_daemon() -> Iterator[DockerDaemon]:
    # Session-scoped: the finalizer (leaving the `with` after `yield`) stops dockerd by its PID.
    with contextlib.ExitStack() as stack:
        try:
            daemon = stack.enter_context(private_docker_daemon())
        except DockerUnavailable as exc:
            pytest.skip(f"no Docker daemon: {exc}")
        yield daemon


@pytest.fixture(scope="session")
def image(docker_daemon: DockerDaemon) -> str:
    try:
        base = ensure_base_image(docker_daemon)
        wheels = ensure_wheels(REPO_ROOT / "requirements.lock")
    except DockerUnavailable as exc:
        pytest.skip(f"cannot prepare an offline build here: {exc}")
    with offline_build_context(wheels) as context:
        build_image(docker_daemon, IMAGE, base, context)
    return IMAGE


@dataclass
class Container:
    name: str
    url: str
    daemon: DockerDaemon

    def logs(self) -> str:
        result = self.daemon.docker("logs", "--tail=60", self.name)
        return (result.stdout + result.stderr).strip()

    def inspect(self, template: str) -> str:
        return self.daemon.check("inspect", f"--format={template}", self.name)


def _wait_until_serving(container: Container) -> None:
    deadline = time.monotonic() + READY_TIMEOUT
    last_error = "no attempt"
    while time.monotonic() < deadline:
        if container.inspect("{{.State.Running}}") != "true":
            pytest.fail(f"the container stopped while starting; its log:\n{container.logs()}")
        try:
            if httpx.get(f"{container.url}/healthz", timeout=2.0).status_code == 200:
                return
            last_error = "not 200 yet"
        except httpx.TransportError as exc:  # refused / reset while uvicorn starts
            last_error = repr(exc)
        time.sleep(0.25)
    pytest.fail(
        f"/healthz did not answer 200 within {READY_TIMEOUT:.0f}s ({last_error}); "
        f"the container's log:\n{container.logs()}"
    )


# How docs/docker.md tells people to run it in production; the demo must work like that too.
HARDENED = (
    "--read-only",
    "--tmpfs=/tmp:rw,noexec,nosuid,size=16m",
    "--cap-drop=ALL",
    "--security-opt=no-new-privileges",
)


@contextlib.contextmanager
def running_container(daemon: DockerDaemon, image: str, *options: str) -> Iterator[Container]:
    """`docker run` the image with no CTP_* variables, wait until it serves, always remove it."""
    name = f"ctp-bff-test-{uuid.uuid4().hex[:8]}"
    port = free_loopback_port()
    # Publish on loopback only: nothing of the test is reachable from outside this machine.
    result = daemon.docker(
        "run", "--detach", f"--name={name}", f"--network={NETWORK}",
        f"--publish=127.0.0.1:{port}:8000", *HARDENED, *options, image,
    )  # fmt: skip
    container = Container(name, f"http://127.0.0.1:{port}", daemon)
    try:
        assert result.returncode == 0, f"docker run failed: {result.stderr}"
        with timed("container ready"):
            _wait_until_serving(container)
        yield container
    finally:
        daemon.docker("rm", "--force", "--volumes", name)


@pytest.fixture(scope="module")
def container(docker_daemon: DockerDaemon, image: str) -> Iterator[Container]:
    # --health-interval only shortens the image's HEALTHCHECK interval (30s) so that the test
    # need not wait for it; the check command itself is the image's.
    with running_container(docker_daemon, image, "--health-interval=1s") as running:
        yield running


def test_healthz_answers_200(container: Container) -> None:
    response = httpx.get(f"{container.url}/healthz", timeout=5.0)
    assert response.status_code == 200, response.text


def test_graphql_serves_the_demo_without_credentials(container: Container) -> None:
    response = httpx.post(
        f"{container.url}/graphql",
        json={"query": "{ __typename }"},
        headers={"Content-Type": "application/json"},
        timeout=10.0,
    )
    assert response.status_code == 200, response.text
    assert response.json() == {"data": {"__typename": "Query"}}


def test_runs_as_a_non_root_user(container: Container) -> None:
    uid = container.daemon.check("exec", container.name, "id", "-u")
    assert uid.isdigit() and int(uid) != 0, f"the service runs as uid {uid}"
    # The image itself says so too, so orchestrators can enforce runAsNonRoot.
    user = container.inspect("{{.Config.User}}")
    assert user and user.split(":")[0] not in ("0", "root"), f"image USER is {user!r}"


def test_healthcheck_turns_healthy(container: Container) -> None:
    deadline = time.monotonic() + HEALTHY_TIMEOUT
    status = ""
    while time.monotonic() < deadline:
        status = container.inspect("{{.State.Health.Status}}")
        if status == "healthy":
            return
        time.sleep(0.5)
    pytest.fail(
        f"health status is {status!r} after {HEALTHY_TIMEOUT:.0f}s: "
        f"{container.inspect('{{json .State.Health}}')}"
    )


def test_stops_promptly_and_cleanly_on_sigterm(docker_daemon: DockerDaemon, image: str) -> None:
    # The server is PID 1 in the container: unless it handles SIGTERM itself, `docker stop` waits
    # out its whole grace period and then SIGKILLs it, cutting requests in flight.
    with running_container(docker_daemon, image) as running:
        started = time.monotonic()
        docker_daemon.check("stop", "--time=20", running.name, timeout=40)
        elapsed = time.monotonic() - started
        exit_code = running.inspect("{{.State.ExitCode}}")
    log(f"docker stop: {elapsed:.1f}s, exit code {exit_code}")
    assert elapsed < 10, f"`docker stop` took {elapsed:.1f}s: SIGTERM seems to be ignored"
    assert exit_code == "0", f"exit code {exit_code} after SIGTERM"
