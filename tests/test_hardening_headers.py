"""Security headers, caching rules and CORS, over HTTP."""

from __future__ import annotations

import base64
import hashlib
import json
from collections.abc import Callable
from html.parser import HTMLParser
from urllib.parse import urlsplit

import httpx
import pytest
from pydantic import ValidationError

from app.session.middleware import SessionMiddleware
from tests.conftest import RunningService, make_settings
from tests.support.browser import Browser
from tests.support.catalog import priced_skus
from tests.support.production import production_service

pytestmark = pytest.mark.anyio

SHOP = "https://shop.example.com"
ADD = "mutation($sku: String!) { addToCart(sku: $sku) { cart { id } } }"
CSRF_HEADERS = ("x-csrf-protection", "apollo-require-preflight", "x-apollo-operation-name")


def assert_api_headers(response: httpx.Response) -> None:
    assert response.headers["x-content-type-options"] == "nosniff"
    assert response.headers["referrer-policy"] == "no-referrer"
    assert response.headers["x-frame-options"] == "DENY"
    csp = response.headers["content-security-policy"]
    assert "default-src 'none'" in csp and "frame-ancestors 'none'" in csp
    assert "strict-transport-security" not in response.headers


def vary(response: httpx.Response) -> set[str]:
    return {part.strip().lower() for part in response.headers.get("vary", "").split(",")}


async def test_every_kind_of_answer_carries_the_api_headers(
    service: RunningService, browser: Browser
) -> None:
    answers = [
        await browser.http.post("/graphql", json={"query": "{ __typename }"}),
        await browser.http.post("/graphql", content=b"{}", headers={"content-type": "text/plain"}),
        await browser.http.get("/healthz"),
        await browser.http.get("/readyz"),
        await browser.http.get("/nowhere"),
        await browser.http.post("/webhooks/events", content=b"{}"),
    ]
    for response in answers:
        assert_api_headers(response)
        assert response.headers["cache-control"] == "no-store", response.request.url


async def test_session_answers_are_never_stored_guest_get_queries_may_be(
    service: RunningService, browser: Browser
) -> None:
    protected = {"x-csrf-protection": "1"}
    query = {"query": "{ products(limit: 1) { pageInfo { total } } }"}
    guest_get = await browser.http.get("/graphql", params=query, headers=protected)
    assert guest_get.status_code == 200
    assert "cache-control" not in guest_get.headers
    assert {"cookie", "accept-language"} <= vary(guest_get)

    post = await browser.gql(ADD, {"sku": priced_skus(service.emulator, 1)[0]})
    assert post.response.headers["cache-control"] == "no-store"
    assert browser.cookie() is not None
    with_session = await browser.http.get("/graphql", params=query, headers=protected)
    assert with_session.status_code == 200
    assert with_session.headers["cache-control"] == "no-store"
    assert "cookie" in vary(with_session)


async def test_the_last_resort_500_has_no_trace_and_all_headers(
    service: RunningService, browser: Browser, monkeypatch: pytest.MonkeyPatch
) -> None:
    async def broken(*_args: object) -> None:
        raise RuntimeError("internal detail /srv/app/secret.py line 42")

    monkeypatch.setattr(SessionMiddleware, "_load", broken)
    response = await browser.http.post(
        "/graphql",
        json={"query": "{ __typename }"},
        headers={"cookie": "ctp_session=x"},
    )
    assert response.status_code == 500
    assert response.json()["errors"][0]["extensions"]["code"] == "INTERNAL_SERVER_ERROR"
    assert "secret.py" not in response.text and "Traceback" not in response.text
    assert_api_headers(response)
    assert len(response.headers["x-request-id"]) == 32


class _Page(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.inline_scripts: list[str] = []
        self.script_urls: list[str] = []
        self.style_urls: list[str] = []
        self._in_script: dict[str, str | None] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        if tag == "script":
            self._in_script = found
            if found.get("src"):
                self.script_urls.append(str(found["src"]))
        elif tag == "link" and found.get("href"):
            rel = found.get("rel")
            target = self.style_urls if rel == "stylesheet" else self.script_urls
            target.append(str(found["href"]))

    def handle_endtag(self, tag: str) -> None:
        if tag == "script":
            self._in_script = None

    def handle_data(self, data: str) -> None:
        if self._in_script is None or self._in_script.get("src"):
            return
        self.inline_scripts.append(data)
        if self._in_script.get("type") == "importmap":
            self.script_urls.extend(json.loads(data)["imports"].values())


def _directives(csp: str) -> dict[str, list[str]]:
    parsed = {}
    for directive in csp.split(";"):
        name, *values = directive.split()
        parsed[name] = values
    return parsed


def _allowed(url: str, sources: list[str]) -> bool:
    if url.startswith("data:"):
        return "data:" in sources
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}" in sources


async def test_the_explorer_page_may_load_exactly_what_it_needs(browser: Browser) -> None:
    page = await browser.http.get("/graphql", headers={"accept": "text/html"})
    assert page.status_code == 200
    csp = _directives(page.headers["content-security-policy"])
    parsed = _Page()
    parsed.feed(page.text)
    assert len(parsed.inline_scripts) == 2 and parsed.script_urls and parsed.style_urls
    for body in parsed.inline_scripts:
        digest = base64.b64encode(hashlib.sha256(body.encode()).digest()).decode()
        assert f"'sha256-{digest}'" in csp["script-src"]
    assert all(_allowed(url, csp["script-src"]) for url in parsed.script_urls)
    assert all(_allowed(url, csp["style-src"]) for url in parsed.style_urls)
    # Nothing more than that: no eval, no inline scripts by blanket permission, no framing.
    assert "'unsafe-inline'" not in csp["script-src"] and "'unsafe-eval'" not in csp["script-src"]
    assert csp["default-src"] == ["'none'"] and csp["frame-ancestors"] == ["'none'"]
    assert csp["connect-src"] == ["'self'"]
    assert {url for url in csp["script-src"] if url.startswith("https:")} == {"https://esm.sh"}


def test_production_adds_hsts_and_has_no_explorer() -> None:
    with production_service() as service, httpx.Client(base_url=service.url) as client:
        response = client.post("/graphql", json={"query": "{ __typename }"})
        assert response.headers["strict-transport-security"].startswith("max-age=31536000")
        page = client.get("/graphql", headers={"accept": "text/html"})
        assert page.status_code == 405
        assert "esm.sh" not in page.headers["content-security-policy"]


# -- CORS ------------------------------------------------------------------------------------


def preflight(origin: str, method: str = "POST", headers: str | None = None) -> dict[str, str]:
    asked = {"origin": origin, "access-control-request-method": method}
    if headers is not None:
        asked["access-control-request-headers"] = headers
    return asked


@pytest.fixture
def cors_service(start_service: Callable[..., RunningService]) -> RunningService:
    return start_service(cors_allowed_origins=f"{SHOP},http://localhost:3000")


async def test_no_origin_is_allowed_by_default(browser: Browser) -> None:
    answer = await browser.http.options("/graphql", headers=preflight(SHOP, headers="content-type"))
    assert answer.status_code == 403
    assert not [h for h in answer.headers if h.startswith("access-control-allow")]
    simple = await browser.http.post(
        "/graphql", json={"query": "{ __typename }"}, headers={"origin": SHOP}
    )
    assert simple.status_code == 200
    assert not [h for h in simple.headers if h.startswith("access-control")]
    assert "origin" in vary(simple)


async def test_allowed_storefronts_get_credentials_and_the_csrf_headers(
    cors_service: RunningService,
) -> None:
    async with cors_service.browser() as browser:
        asked = ", ".join(["content-type", *CSRF_HEADERS])
        answer = await browser.http.options("/graphql", headers=preflight(SHOP, headers=asked))
        assert answer.status_code == 204
        assert answer.headers["access-control-allow-origin"] == SHOP
        assert answer.headers["access-control-allow-credentials"] == "true"
        assert answer.headers["access-control-allow-methods"] == "GET, POST"
        allowed = {h.strip() for h in answer.headers["access-control-allow-headers"].split(",")}
        assert {"content-type", *CSRF_HEADERS} <= allowed
        assert int(answer.headers["access-control-max-age"]) > 0
        assert "origin" in vary(answer)

        real = await browser.http.post(
            "/graphql", json={"query": "{ __typename }"}, headers={"origin": SHOP}
        )
        assert real.headers["access-control-allow-origin"] == SHOP
        assert real.headers["access-control-allow-credentials"] == "true"
        assert "x-request-id" in real.headers["access-control-expose-headers"]
        assert "origin" in vary(real)


@pytest.mark.parametrize(
    "asked",
    [
        preflight("https://evil.example.com", headers="content-type"),
        preflight("https://shop.example.com.evil.example", headers="content-type"),
        preflight("null", headers="content-type"),
        preflight(SHOP, method="PUT"),
        preflight(SHOP, headers="content-type, x-evil"),
        {**preflight(SHOP), "access-control-request-private-network": "true"},
    ],
)
async def test_anything_else_is_refused_and_told_nothing(
    cors_service: RunningService, asked: dict[str, str]
) -> None:
    async with cors_service.browser() as browser:
        answer = await browser.http.options("/graphql", headers=asked)
        assert answer.status_code == 403
        assert not [h for h in answer.headers if h.startswith("access-control-allow")]
        if asked["origin"] == SHOP:
            return  # the storefront itself: only this preflight was out of bounds
        simple = await browser.http.post(
            "/graphql", json={"query": "{ __typename }"}, headers={"origin": asked["origin"]}
        )
        assert "access-control-allow-origin" not in simple.headers
        assert "access-control-allow-credentials" not in simple.headers


async def test_webhooks_are_not_open_to_browsers(cors_service: RunningService) -> None:
    async with cors_service.browser() as browser:
        answer = await browser.http.options(
            "/webhooks/events", headers=preflight(SHOP, headers="content-type")
        )
        assert "access-control-allow-origin" not in answer.headers


@pytest.mark.parametrize("value", ["*", "https://shop.example.com/", "shop.example.com", "ftp://x"])
def test_wildcards_and_non_origins_are_refused_in_the_setting(value: str) -> None:
    with pytest.raises(ValidationError, match="CORS_ALLOWED_ORIGINS"):
        make_settings(cors_allowed_origins=value)
