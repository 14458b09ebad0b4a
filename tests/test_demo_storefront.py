"""The demo storefront (docs/demo-storefront.md): when it is served, where its pages call the
API, what its server answers, and that every GraphQL document it sends fits the schema and the
service's limits. The page itself is walked by a real browser in
tests/test_demo_storefront_browser.py."""

from __future__ import annotations

import json
import shutil
import subprocess
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from graphql import build_schema, parse, specified_rules, validate

from app.settings import ConfigurationError
from bootstrap.browser_checks import browser_warnings
from bootstrap.demo_storefront import STOREFRONT_DIR, create_storefront_app
from schema.limits import cost_limit_rule, depth_limit_rule
from tests.conftest import RunningService, make_settings
from tests.support.servers import ServerThread

DOCUMENTS = STOREFRONT_DIR / "js" / "graphql-documents.js"
SCHEMA = Path(__file__).resolve().parent.parent / "schema.graphql"

# -- when it is served, and where its pages call the API ---------------------------------------


def test_the_development_demo_serves_it_and_nothing_else_does_by_default() -> None:
    assert make_settings(app_env="development").serves_demo_storefront
    assert not make_settings(app_env="test").serves_demo_storefront
    real_project = make_settings(
        app_env="development",
        ctp_project_key="shop",
        ctp_client_id="id",
        ctp_client_secret="secret",
        ctp_api_url="https://api.example.com",
        ctp_auth_url="https://auth.example.com",
    )
    assert not real_project.serves_demo_storefront
    # A STOREFRONT_URL it cannot listen on (links in mails to a real shop) turns it off.
    assert not make_settings(
        app_env="development", storefront_url="https://shop.example.com"
    ).serves_demo_storefront
    assert make_settings(app_env="test", demo_storefront=True).serves_demo_storefront
    assert not make_settings(app_env="development", demo_storefront=False).serves_demo_storefront


@pytest.mark.parametrize(
    ("overrides", "named"),
    [
        ({"storefront_url": "https://shop.example.com"}, "not a plain http:// origin"),
        ({"storefront_url": "http://localhost:3000/shop"}, "not a plain http:// origin"),
        ({"storefront_url": "http://localhost:8000", "port": 8000}, "PORT=8000"),
    ],
)
def test_asking_for_it_where_it_cannot_listen_is_refused(
    overrides: dict[str, Any], named: str
) -> None:
    with pytest.raises(ConfigurationError, match=named):
        make_settings(app_env="development", demo_storefront=True, **overrides)


def test_production_refuses_it() -> None:
    with pytest.raises(ConfigurationError, match="DEMO_STOREFRONT is a development demo"):
        make_settings(
            app_env="production",
            demo_storefront=True,
            ctp_project_key="shop",
            ctp_client_id="id",
            ctp_client_secret="secret",
            ctp_api_url="https://api.example.com",
            ctp_auth_url="https://auth.example.com",
            webhook_secret="w" * 40,
            public_url="https://api.example.com",
        )


@pytest.mark.parametrize(
    ("overrides", "api_url"),
    [
        # make run: the page on localhost calls localhost, never 127.0.0.1 (another site).
        ({"host": "127.0.0.1", "port": 8000}, "http://localhost:8000"),
        ({"host": "0.0.0.0", "port": 9000}, "http://localhost:9000"),  # noqa: S104
        ({"host": "::1", "storefront_url": "http://shop.test:3000"}, "http://shop.test:8000"),
        ({"host": "10.0.0.5"}, "http://10.0.0.5:8000"),
        ({"public_url": "http://api.shop.test:8000"}, "http://api.shop.test:8000"),
    ],
)
def test_its_pages_call_the_api_on_the_pages_host_name(
    overrides: dict[str, Any], api_url: str
) -> None:
    settings = make_settings(app_env="development", **overrides)
    assert settings.demo_storefront_api_url == api_url


def test_its_origin_is_allowed_and_no_warning_is_given_for_make_runs_defaults() -> None:
    settings = make_settings(app_env="development", cors_allowed_origins="https://shop.example")
    assert settings.cors_origins == ["https://shop.example", "http://localhost:3000"]
    assert "localhost" in (settings.allowed_hosts or ())
    assert browser_warnings(make_settings(app_env="development")) == []
    assert make_settings(app_env="test").cors_origins == []


def test_a_public_url_on_another_site_is_warned_about() -> None:
    settings = make_settings(app_env="development", public_url="http://127.0.0.1:8000")
    (warning,) = browser_warnings(settings)
    assert "The demo storefront at http://localhost:3000 calls the API at" in warning
    assert "new cart" in warning


def test_the_api_answers_its_preflight(start_service: Callable[..., RunningService]) -> None:
    service = start_service(demo_storefront=True, storefront_url="http://localhost:3000")
    preflight = httpx.options(
        f"{service.url}/graphql",
        headers={
            "origin": "http://localhost:3000",
            "access-control-request-method": "POST",
            "access-control-request-headers": "content-type, accept",
        },
    )
    assert preflight.status_code == 204
    assert preflight.headers["access-control-allow-origin"] == "http://localhost:3000"
    assert preflight.headers["access-control-allow-credentials"] == "true"


# -- its server -----------------------------------------------------------------------------


@pytest.fixture
def storefront_server() -> Iterator[ServerThread]:
    settings = make_settings(
        app_env="development", storefront_url="http://localhost:3000", port=8123
    )
    with ServerThread(create_storefront_app(settings)) as server:
        yield server


def _get(server: ServerThread, path: str) -> httpx.Response:
    # As a browser that opened http://localhost:3000 asks.
    return httpx.get(f"{server.url}{path}", headers={"host": "localhost:3000"})


def test_config_js_names_the_api(storefront_server: ServerThread) -> None:
    config = _get(storefront_server, "/config.js")
    assert config.headers["content-type"].startswith("text/javascript")
    assert 'export const GRAPHQL_URL = "http://localhost:8123/graphql";' in config.text


def test_every_page_path_is_the_app_with_a_strict_policy(storefront_server: ServerThread) -> None:
    for path in ("/", "/p/tshirt-classic", "/reset-password?token=abc"):
        page = _get(storefront_server, path)
        assert page.status_code == 200 and "<main" in page.text
        policy = page.headers["content-security-policy"]
        assert "script-src 'self'" in policy and "connect-src http://localhost:8123" in policy
        # The reset link's token must not leak to other sites through the Referer.
        assert page.headers["referrer-policy"] == "no-referrer"
    script = _get(storefront_server, "/js/main.js")
    assert script.status_code == 200 and "javascript" in script.headers["content-type"]
    assert _get(storefront_server, "/js/missing.js").status_code == 404


def test_another_host_name_is_sent_to_storefront_url(storefront_server: ServerThread) -> None:
    answer = httpx.get(f"{storefront_server.url}/cart?x=1")  # Host: 127.0.0.1:<port>
    assert answer.status_code == 307
    assert answer.headers["location"] == "http://localhost:3000/cart?x=1"


# -- its GraphQL documents --------------------------------------------------------------------


@pytest.fixture(scope="module")
def documents() -> dict[str, str]:
    node = shutil.which("node")
    if node is None:
        pytest.skip("reading storefront/js/graphql-documents.js needs node")
    script = f"import * as d from {json.dumps(DOCUMENTS.as_uri())}; console.log(JSON.stringify(d))"
    printed = subprocess.run(
        [node, "--input-type=module", "-e", script],
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    ).stdout
    loaded: dict[str, str] = json.loads(printed)
    return loaded


def test_every_document_fits_the_schema_and_the_limits(documents: dict[str, str]) -> None:
    schema = build_schema(SCHEMA.read_text())
    settings = make_settings()
    rules = [
        *specified_rules,
        depth_limit_rule(settings.graphql.max_depth),
        # Pages as large as the lists' default size (the page asks for fewer).
        cost_limit_rule(settings.graphql.max_cost, {"limit": 20}),
    ]
    assert len(documents) > 20
    problems = {
        name: [error.message for error in errors]
        for name, document in documents.items()
        if (errors := validate(schema, parse(document), rules))
    }
    assert problems == {}
