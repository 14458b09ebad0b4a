"""WEB_CONCURRENCY: several worker processes on one port (`python -m bootstrap serve`), and the
demo, which runs one whatever it is asked."""

from __future__ import annotations

import re

import httpx
import pytest

from bootstrap.workers import available_cores, worker_count
from emulator.app import create_emulator_app
from emulator.state import Emulator
from tests.conftest import make_settings
from tests.support.servers import ServerThread
from tests.support.service_process import ServiceProcess

SIGN_IN = (
    'mutation { signIn(email: "demo@example.com", password: "Demo-Passw0rd!") '
    "{ customer { email } } }"
)
ME = "{ me { email } }"
SIGN_OUT = "mutation { signOut { userErrors { code } } }"


def started_workers(output: str) -> set[str]:
    return set(re.findall(r"Started server process \[(\d+)\]", output))


def project(upstream_url: str) -> dict[str, str]:
    return {
        "CTP_PROJECT_KEY": "demo",
        "CTP_CLIENT_ID": "demo-client",
        "CTP_CLIENT_SECRET": "demo-secret",
        "CTP_SCOPES": "manage_project:demo",
        "CTP_API_URL": upstream_url,
        "CTP_AUTH_URL": upstream_url,
    }


# A new connection per request: the kernel spreads them over the workers.
FRESH = httpx.Limits(max_keepalive_connections=0)


def test_two_workers_share_the_port_and_open_each_others_cookies() -> None:
    emulator = Emulator()
    with ServerThread(create_emulator_app(emulator)) as upstream:
        # No SESSION_SECRET_KEYS: the workers must still agree on the (random) key.
        env = {**project(upstream.url), "WEB_CONCURRENCY": "2"}
        with ServiceProcess(env) as service:
            with httpx.Client(base_url=service.url, limits=FRESH) as browser:
                signed_in = browser.post("/graphql", json={"query": SIGN_IN})
                assert signed_in.json()["data"]["signIn"]["customer"]
                for _ in range(12):
                    me = browser.post("/graphql", json={"query": ME}).json()
                    assert me == {"data": {"me": {"email": "demo@example.com"}}}
            service.stop()
            output = service.output()
    assert len(started_workers(output)) == 2, output
    assert "with 2 workers" in output
    assert "the workers share a random key" in output


def test_with_redis_sessions_a_sign_out_ends_the_session_in_every_worker(
    redis_url: str,
) -> None:
    emulator = Emulator()
    with ServerThread(create_emulator_app(emulator)) as upstream:
        env = {
            **project(upstream.url),
            "WEB_CONCURRENCY": "2",
            "SESSION_STORE": "redis",
            "REDIS_URL": redis_url,
        }
        with (
            ServiceProcess(env) as service,
            httpx.Client(base_url=service.url, limits=FRESH) as browser,
            httpx.Client(base_url=service.url, limits=FRESH) as thief,
        ):
            browser.post("/graphql", json={"query": SIGN_IN}).raise_for_status()
            stolen = browser.cookies.get("ctp_session")
            assert stolen is not None
            thief.cookies.set("ctp_session", stolen, domain="127.0.0.1")
            for _ in range(6):
                me = thief.post("/graphql", json={"query": ME}).json()
                assert me == {"data": {"me": {"email": "demo@example.com"}}}
            signed_out = browser.post("/graphql", json={"query": SIGN_OUT})
            assert signed_out.json()["data"]["signOut"]["userErrors"] == []
            for _ in range(6):
                assert thief.post("/graphql", json={"query": ME}).json() == {"data": {"me": None}}


def test_the_demo_runs_one_worker_and_says_why() -> None:
    with ServiceProcess({"WEB_CONCURRENCY": "2"}) as service:
        assert httpx.get(f"{service.url}/healthz").json() == {"status": "ok"}
        service.stop()
        output = service.output()
    assert len(started_workers(output)) == 1, output
    assert "WEB_CONCURRENCY=2 ignored: the demo runs 1 worker" in output


@pytest.mark.parametrize(("wanted", "expected"), [(1, 1), (3, 3), ("auto", available_cores())])
def test_worker_count_for_a_real_project(wanted: int | str, expected: int) -> None:
    settings = make_settings(
        ctp_project_key="shop",
        ctp_client_id="id",
        ctp_client_secret="secret",
        ctp_api_url="https://api.example.com",
        ctp_auth_url="https://auth.example.com",
        web_concurrency=wanted,
    )
    assert worker_count(settings) == expected
    assert available_cores() >= 1
