"""How browsers reach the service (docs/deployment.md): the session cookie's SameSite and its
`__Host-` name in production, the monitoring headers storefronts add to CORS requests, the
host names the service answers for, the `/graphql/` redirect, and the start-up warning about
storefront origins on another site."""

from __future__ import annotations

from collections.abc import Callable

import httpx
import pytest

from app.settings import ConfigurationError
from bootstrap.browser_checks import browser_warnings
from tests.conftest import RunningService, make_settings
from tests.support.production import production_service
from tests.support.service_process import ServiceProcess

pytestmark = pytest.mark.anyio

SHOP = "https://shop.example.com"
MONITORING = (
    "traceparent, tracestate, baggage, sentry-trace, apollographql-client-name, "
    "apollographql-client-version"
)
SIGN_IN = (
    'mutation { signIn(email: "demo@example.com", password: "Demo-Passw0rd!") { __typename } }'
)


def preflight(headers: str, origin: str = SHOP) -> dict[str, str]:
    return {
        "origin": origin,
        "access-control-request-method": "POST",
        "access-control-request-headers": headers,
    }


# -- CORS request headers ------------------------------------------------------------------


async def test_tracing_and_monitoring_headers_pass_the_preflight(
    start_service: Callable[..., RunningService],
) -> None:
    service = start_service(cors_allowed_origins=SHOP)
    async with httpx.AsyncClient(base_url=service.url) as http:
        asked = f"content-type, x-csrf-protection, {MONITORING}"
        answer = await http.options("/graphql", headers=preflight(asked))
        assert answer.status_code == 204
        allowed = {h.strip() for h in answer.headers["access-control-allow-headers"].split(",")}
        assert {h.strip() for h in asked.split(",")} <= allowed
        # The request itself, with a trace header, gets the grant.
        traced = await http.post(
            "/graphql",
            json={"query": "{ __typename }"},
            headers={"origin": SHOP, "traceparent": "00-" + "1" * 32 + "-" + "2" * 16 + "-01"},
        )
        assert traced.headers["access-control-allow-origin"] == SHOP
        # Anything else is still refused.
        assert (await http.options("/graphql", headers=preflight("x-evil"))).status_code == 403


async def test_the_extra_headers_are_a_setting(
    start_service: Callable[..., RunningService],
) -> None:
    service = start_service(cors_allowed_origins=SHOP, cors_allowed_headers="X-Shop-Tenant")
    async with httpx.AsyncClient(base_url=service.url) as http:
        tenant = await http.options("/graphql", headers=preflight("content-type, x-shop-tenant"))
        assert tenant.status_code == 204
        trace = await http.options("/graphql", headers=preflight("traceparent"))
        assert trace.status_code == 403


def test_header_names_are_checked_at_start_up() -> None:
    with pytest.raises(ValueError, match="CORS_ALLOWED_HEADERS"):
        make_settings(cors_allowed_headers="traceparent, not a header")


# -- SameSite --------------------------------------------------------------------------------


def set_cookie(service: RunningService) -> str:
    with httpx.Client(base_url=service.url) as http:
        signed_in = http.post("/graphql", json={"query": SIGN_IN})
    assert signed_in.status_code == 200, signed_in.text
    return signed_in.headers["set-cookie"]


@pytest.mark.parametrize(
    ("setting", "attributes", "secure"),
    [
        ({}, "SameSite=Lax", False),
        ({"session_cookie_samesite": "strict"}, "SameSite=Strict", False),
        (
            # In development over http: browsers keep Secure cookies from loopback hosts.
            {"session_cookie_samesite": "none", "public_url": "http://localhost:8000"},
            "SameSite=None",
            True,
        ),
    ],
)
def test_same_site_is_a_setting(
    start_service: Callable[..., RunningService],
    setting: dict[str, str],
    attributes: str,
    secure: bool,
) -> None:
    header = set_cookie(start_service(**setting))
    assert f"; {attributes}" in header
    assert ("; Secure" in header) is secure
    assert header.startswith("ctp_session=")


@pytest.mark.parametrize(
    "setting",
    [
        {"session_cookie_samesite": "none", "public_url": "http://shop-api.example.com"},
        {"session_cookie_samesite": "none", "host": "::"},
        {"session_cookie_samesite": "none", "public_url": "http://192.0.2.7:8000"},
    ],
)
def test_same_site_none_needs_https_or_loopback(setting: dict[str, str]) -> None:
    with pytest.raises(ConfigurationError, match="SESSION_COOKIE_SAMESITE=none"):
        make_settings(**setting)


def test_same_site_none_over_https_starts() -> None:
    settings = make_settings(
        session_cookie_samesite="none", public_url="https://api.shop.example", host="::"
    )
    assert settings.secure_cookies


# -- __Host- in production -----------------------------------------------------------------


def test_production_names_the_cookie_with_the_host_prefix() -> None:
    with production_service() as service, httpx.Client(base_url=service.url) as http:
        signed_in = http.post("/graphql", json={"query": SIGN_IN})
        header = signed_in.headers["set-cookie"]
        name, _, rest = header.partition("=")
        value = rest.split(";", 1)[0]
        assert name == "__Host-ctp_session"
        attributes = [part.strip() for part in header.split(";")[1:]]
        assert "Path=/" in attributes and "Secure" in attributes
        assert not [a for a in attributes if a.lower().startswith("domain")]

        me = {"query": "{ me { __typename } }"}
        with_prefix = http.post("/graphql", json=me, headers={"cookie": f"{name}={value}"})
        assert with_prefix.json() == {"data": {"me": {"__typename": "Customer"}}}
        # A cookie without the prefix (which any subdomain could plant) is not the session.
        planted = http.post("/graphql", json=me, headers={"cookie": f"ctp_session={value}"})
        assert planted.json() == {"data": {"me": None}}


def test_prefixed_cookie_names_are_refused_in_the_setting() -> None:
    with pytest.raises(ValueError, match="SESSION_COOKIE_NAME"):
        make_settings(session_cookie_name="__Host-session")


@pytest.mark.parametrize(
    ("setting", "named"),
    [
        ({"public_url": None}, "PUBLIC_URL"),
        ({"public_url": "http://api.shop.example"}, "https"),
    ],
)
def test_production_needs_an_https_public_url(setting: dict[str, str | None], named: str) -> None:
    production = {
        "app_env": "production",
        "ctp_project_key": "shop",
        "ctp_client_id": "id",
        "ctp_client_secret": "secret",
        "ctp_api_url": "https://api.example.com",
        "ctp_auth_url": "https://auth.example.com",
        "webhook_secret": "w" * 40,
    }
    with pytest.raises(ConfigurationError, match=named):
        make_settings(**production, **setting)


# -- allowed hosts ---------------------------------------------------------------------------


def host_header(url: str, path: str, host: str) -> httpx.Response:
    with httpx.Client(base_url=url) as http:
        return http.post(path, json={"query": "{ __typename }"}, headers={"host": host})


def test_other_hosts_are_refused_outside_production_too(service: RunningService) -> None:
    for host in ("evil.example", "evil.example:8000", "127.0.0.1.evil.example", ""):
        refused = host_header(service.url, "/graphql", host)
        assert refused.status_code == 400, host
        assert refused.json()["errors"][0]["extensions"]["code"] == "HOST_NOT_ALLOWED"
        assert "evil" not in refused.text
    assert host_header(service.url, "/webhooks/events", "evil.example").status_code == 400
    for host in ("localhost:3000", "127.0.0.1", "[::1]:8000", "LOCALHOST."):
        assert host_header(service.url, "/graphql", host).status_code == 200, host
    with httpx.Client(base_url=service.url) as http:
        # Probes call by address.
        assert http.get("/healthz", headers={"host": "10.1.2.3:8000"}).status_code == 200


def test_allowed_hosts_is_a_setting(start_service: Callable[..., RunningService]) -> None:
    named = start_service(allowed_hosts="shop-api.internal, 10.0.0.5")
    assert host_header(named.url, "/graphql", "shop-api.internal:8000").status_code == 200
    assert host_header(named.url, "/graphql", "10.0.0.5").status_code == 200
    assert host_header(named.url, "/graphql", "shop-api.internal.evil").status_code == 400
    anything = start_service(allowed_hosts="*")
    assert host_header(anything.url, "/graphql", "whatever.example").status_code == 200


def test_production_answers_for_its_public_host_only() -> None:
    with production_service(public_url="https://api.shop.example") as service:
        assert host_header(service.url, "/graphql", "api.shop.example").status_code == 200
        assert host_header(service.url, "/graphql", "localhost").status_code == 400


def test_malformed_allowed_hosts_are_refused() -> None:
    with pytest.raises(ValueError, match="ALLOWED_HOSTS"):
        make_settings(allowed_hosts="https://api.shop.example/")


# -- the /graphql/ redirect ------------------------------------------------------------------


def test_the_trailing_slash_redirect_names_no_host(
    start_service: Callable[..., RunningService],
) -> None:
    service = start_service(allowed_hosts="*")
    with httpx.Client(base_url=service.url) as http:
        answer = http.get(
            "/graphql/", params={"query": "{ __typename }"}, headers={"host": "evil.example"}
        )
        assert answer.status_code == 308
        assert answer.headers["location"] == "/graphql?query=%7B+__typename+%7D"
        followed = http.get(
            answer.headers["location"], headers={"x-csrf-protection": "1", "accept": "*/*"}
        )
        assert followed.json() == {"data": {"__typename": "Query"}}
    # By default a foreign host gets no redirect at all.
    default = start_service()
    with httpx.Client(base_url=default.url) as http:
        assert http.get("/graphql/", headers={"host": "evil.example"}).status_code == 400
        assert http.get("/graphql/").headers["location"] == "/graphql"


# -- the cross-site warning ------------------------------------------------------------------


def test_the_issues_case_is_warned_about_when_the_service_starts() -> None:
    """A storefront page on http://localhost:3000 calling `make run`'s http://127.0.0.1:8000."""
    with ServiceProcess({"CORS_ALLOWED_ORIGINS": "http://localhost:3000"}) as process:
        process.stop()
        log = process.output()
    assert "another site than the API" in log
    assert "(http://localhost vs http://127.0.0.1)" in log and "new cart" in log


@pytest.mark.parametrize(
    ("origins", "public_url", "warned"),
    [
        ("http://localhost:3000", "http://localhost:8000", []),
        (SHOP, "https://api.example.com", []),
        # Schemes count: http and https of one domain are two sites.
        (SHOP, "http://api.example.com", ["https://example.com vs http://example.com"]),
        ("https://shop.example.co.uk", "https://api.example.co.uk", []),
        ("https://shop.example.co.uk", "https://api.other.co.uk", ["example.co.uk vs"]),
        # github.io is a public suffix: two projects there are two sites.
        ("https://shop.github.io", "https://api.github.io", ["shop.github.io vs"]),
        (f"{SHOP},http://localhost:3000", "https://api.example.com", ["http://localhost vs"]),
    ],
)
def test_which_origins_are_another_site(origins: str, public_url: str, warned: list[str]) -> None:
    warnings = browser_warnings(make_settings(cors_allowed_origins=origins, public_url=public_url))
    assert len(warnings) == len(warned)
    for warning, expected in zip(warnings, warned, strict=True):
        assert expected in warning and "new cart" in warning


def test_same_site_none_is_warned_about_differently() -> None:
    settings = make_settings(
        cors_allowed_origins="https://shop.example.net",
        public_url="https://api.example.com",
        session_cookie_samesite="none",
    )
    (warning,) = browser_warnings(settings)
    assert "third-party cookies" in warning
