"""Start-up as a user meets it: `python -m bootstrap serve`, the demo mode, production refusals,
and a real-project configuration (pointed at the emulator on a loopback port)."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest

from bootstrap.app import create_app
from emulator.app import create_emulator_app
from emulator.state import Emulator
from tests.conftest import SESSION_KEY, make_settings
from tests.support.browser import GRAPHQL_ACCEPT
from tests.support.servers import ServerThread
from tests.support.service_process import ServiceProcess, serve


@pytest.fixture
def demo_server() -> Iterator[ServiceProcess]:
    with ServiceProcess({}) as process:
        yield process


def test_serve_runs_the_demo_on_the_embedded_emulator(demo_server: ServiceProcess) -> None:
    url = demo_server.url
    assert httpx.get(f"{url}/healthz").json() == {"status": "ok"}
    with httpx.Client(base_url=url) as browser:
        typename = browser.post("/graphql", json={"query": "{ __typename }"})
        assert typename.json() == {"data": {"__typename": "Query"}}
        signed_in = browser.post(
            "/graphql",
            json={
                "query": 'mutation { signIn(email: "demo@example.com", '
                'password: "Demo-Passw0rd!") { customer { email } } }'
            },
        )
        assert signed_in.json() == {"data": {"signIn": {"customer": {"email": "demo@example.com"}}}}
        explorer = browser.get("/graphql", headers={"accept": "text/html"})
        assert explorer.status_code == 200 and "text/html" in explorer.headers["content-type"]
    demo_server.stop()
    assert "embedded commercetools emulator" in demo_server.output()


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
    process = serve(env)
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
            public_url="http://127.0.0.1",
        )
        assert not settings.commercetools.uses_embedded_emulator
        with ServerThread(create_app(settings)) as service, httpx.Client(base_url=service.url) as c:
            signed_in = c.post(
                "/graphql",
                json={
                    "query": 'mutation { signIn(email: "demo@example.com", '
                    'password: "Demo-Passw0rd!") { customer { email } } }'
                },
            )
            customer = {"customer": {"email": "demo@example.com"}}
            assert signed_in.json() == {"data": {"signIn": customer}}
            cookie = signed_in.headers["set-cookie"]
            assert "; Secure" in cookie and "HttpOnly" in cookie
            # Production hides the explorer and introspection.
            assert c.get("/graphql", headers={"accept": "text/html"}).status_code == 405
            schema = c.post(
                "/graphql",
                json={"query": "{ __schema { types { name } } }"},
                headers={"accept": GRAPHQL_ACCEPT},
            )
            assert schema.status_code == 400 and "data" not in schema.json()
        assert ("POST", "/oauth/demo/customers/token") in emulator.request_log
