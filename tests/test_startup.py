"""Start-up as a user meets it: `python -m app serve`, the demo mode, production refusals,
and a real-project configuration (pointed at the emulator on a loopback port)."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from app.main import create_app
from emulator.app import create_emulator_app
from emulator.state import Emulator
from tests.conftest import SESSION_KEY, make_settings
from tests.support.servers import ServerThread

ROOT = Path(__file__).resolve().parent.parent
CLEAN_ENV = {k: v for k, v in os.environ.items() if not k.startswith(("CTP_", "APP_", "SESSION_"))}


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def run_app(env: dict[str, str]) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "app", "serve"],
        cwd=ROOT,
        env={**CLEAN_ENV, **env},
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )


@pytest.fixture
def demo_server() -> Iterator[tuple[str, subprocess.Popen[str]]]:
    port = free_port()
    process = run_app({"HOST": "127.0.0.1", "PORT": str(port)})
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"{url}/healthz", timeout=1).status_code == 200:
                break
        except httpx.TransportError:
            time.sleep(0.05)
    yield url, process
    process.terminate()
    process.wait(timeout=10)


def test_serve_runs_the_demo_on_the_embedded_emulator(
    demo_server: tuple[str, subprocess.Popen[str]],
) -> None:
    url, process = demo_server
    assert httpx.get(f"{url}/healthz").json() == {"status": "ok"}
    with httpx.Client(base_url=url) as browser:
        typename = browser.post("/graphql", json={"query": "{ __typename }"})
        assert typename.json() == {"data": {"__typename": "Query"}}
        signed_in = browser.post(
            "/graphql",
            json={
                "query": 'mutation { signIn(email: "demo@example.com", '
                'password: "Demo-Passw0rd!") { email } }'
            },
        )
        assert signed_in.json() == {"data": {"signIn": {"email": "demo@example.com"}}}
        explorer = browser.get("/graphql", headers={"accept": "text/html"})
        assert explorer.status_code == 200 and "text/html" in explorer.headers["content-type"]
    process.terminate()
    output, _ = process.communicate(timeout=10)
    assert "embedded commercetools emulator" in output


@pytest.mark.parametrize(
    ("env", "named"),
    [
        ({"APP_ENV": "production"}, "CTP_PROJECT_KEY"),
        (
            {
                "APP_ENV": "production",
                "CTP_PROJECT_KEY": "shop",
                "CTP_CLIENT_ID": "id",
                "CTP_CLIENT_SECRET": "secret",
                "CTP_API_URL": "https://api.example.com",
                "CTP_AUTH_URL": "https://auth.example.com",
            },
            "SESSION_SECRET_KEYS",
        ),
        (
            {
                "APP_ENV": "production",
                "CTP_PROJECT_KEY": "shop",
                "CTP_CLIENT_ID": "id",
                "CTP_CLIENT_SECRET": "secret",
                "CTP_API_URL": "https://api.example.com",
                "CTP_AUTH_URL": "https://auth.example.com",
                "SESSION_SECRET_KEYS": "too-short",
            },
            "SESSION_SECRET_KEYS",
        ),
    ],
)
def test_production_refuses_to_start_without_a_real_project_and_key(
    env: dict[str, str], named: str
) -> None:
    process = run_app(env)
    output, _ = process.communicate(timeout=30)
    assert process.returncode == 2
    assert named in output
    assert "Traceback" not in output


def test_a_real_project_configuration_talks_to_its_urls() -> None:
    """CTP_* pointed at the emulator on loopback: the production code path, over sockets."""
    emulator = Emulator()
    with ServerThread(create_emulator_app(emulator)) as upstream:
        settings = make_settings(
            app_env="production",
            ctp_project_key="demo",
            ctp_client_id="demo-client",
            ctp_client_secret="demo-secret",
            ctp_scopes="manage_project:demo",
            ctp_api_url=upstream.url,
            ctp_auth_url=upstream.url,
            session_secret_keys=SESSION_KEY,
            webhook_secret="test-webhook-secret-0123456789-abcdefghij",
        )
        assert not settings.uses_embedded_emulator
        with ServerThread(create_app(settings)) as service, httpx.Client(base_url=service.url) as c:
            signed_in = c.post(
                "/graphql",
                json={
                    "query": 'mutation { signIn(email: "demo@example.com", '
                    'password: "Demo-Passw0rd!") { email } }'
                },
            )
            assert signed_in.json() == {"data": {"signIn": {"email": "demo@example.com"}}}
            cookie = signed_in.headers["set-cookie"]
            assert "; Secure" in cookie and "HttpOnly" in cookie
            # Production hides the explorer and introspection.
            assert c.get("/graphql", headers={"accept": "text/html"}).status_code == 405
            schema = c.post("/graphql", json={"query": "{ __schema { types { name } } }"})
            assert schema.status_code == 400
        assert ("POST", "/oauth/demo/customers/token") in emulator.request_log
