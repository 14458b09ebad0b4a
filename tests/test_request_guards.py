"""Guards in front of GraphQL: CSRF, body size, JSON nesting, slow bodies, depth, aliases,
tokens and cost limits. Every refusal happens before any upstream call and leaves the session
alone."""

from __future__ import annotations

import asyncio
import base64
import json
import socket
from collections.abc import AsyncIterator, Callable

import pytest

from tests.conftest import RunningService
from tests.support.browser import Browser
from tests.support.webhooks import SECRET, bearer

pytestmark = pytest.mark.anyio

ADD = 'mutation { addToCart(sku: "TSHIRT-CLASSIC-BLUE-M") { cart { id } } }'


def category_chain(depth: int) -> str:
    """A query `depth` fields deep: categories, then children of children, then a name."""
    inner = "name"
    for _ in range(depth - 2):
        inner = f"children {{ {inner} }}"
    return f"{{ categories {{ {inner} }} }}"


@pytest.mark.parametrize(
    ("content_type", "body"),
    [
        ("application/x-www-form-urlencoded", f"query={ADD}"),
        (
            "multipart/form-data; boundary=x",
            '--x\r\nContent-Disposition: form-data; name="operations"\r\n\r\n'
            f'{{"query": "{ADD}"}}\r\n--x--',
        ),
        ("text/plain", f'{{"query": "{ADD}"}}'),
        (None, f'{{"query": "{ADD}"}}'),
    ],
)
async def test_simple_cross_site_requests_cannot_run_operations(
    service: RunningService, browser: Browser, content_type: str | None, body: str
) -> None:
    service.emulator.clear_request_log()
    headers = {"content-type": content_type} if content_type else {}
    request = browser.http.build_request("POST", "/graphql", content=body.encode(), headers=headers)
    if content_type is None:
        request.headers.pop("content-type", None)
    response = await browser.http.send(request)
    assert response.status_code == 400
    assert response.json()["errors"][0]["extensions"]["code"] == "CSRF_PREVENTED"
    assert "set-cookie" not in response.headers
    assert service.emulator.request_log == []


async def test_get_runs_queries_only_and_only_with_a_preflight_header(browser: Browser) -> None:
    plain = await browser.http.get("/graphql", params={"query": "{ __typename }"})
    assert plain.status_code == 400
    assert plain.json()["errors"][0]["extensions"]["code"] == "CSRF_PREVENTED"
    protected = {"x-csrf-protection": "1"}
    query = await browser.http.get(
        "/graphql", params={"query": "{ __typename }"}, headers=protected
    )
    assert query.status_code == 200 and query.json() == {"data": {"__typename": "Query"}}
    mutation = await browser.http.get("/graphql", params={"query": ADD}, headers=protected)
    assert mutation.status_code == 405 and mutation.headers["allow"] == "POST"
    assert mutation.json()["errors"][0]["extensions"]["code"] == "METHOD_NOT_ALLOWED"
    assert browser.cookie() is None


@pytest.mark.parametrize(
    "query_string", ["%71uery=%7B__typename%7D", "q%75ery={__typename}", "a=1&%71%75%65%72%79={a}"]
)
async def test_get_cannot_hide_the_query_parameter_by_encoding_its_name(
    service: RunningService, browser: Browser, query_string: str
) -> None:
    """The guard reads the parameter names as the GraphQL layer will: percent-decoded."""
    response = await browser.http.get(f"/graphql?{query_string}")
    assert response.status_code == 400
    assert response.json()["errors"][0]["extensions"]["code"] == "CSRF_PREVENTED"


async def test_the_explorer_page_still_opens(browser: Browser) -> None:
    page = await browser.http.get("/graphql", headers={"accept": "text/html"})
    assert page.status_code == 200 and "text/html" in page.headers["content-type"]


async def test_oversized_bodies_are_refused(service: RunningService, browser: Browser) -> None:
    padding = " " * (service.settings.graphql.max_body_bytes + 1)
    response = await browser.http.post(
        "/graphql",
        content=f'{{"query": "{{ __typename }}{padding}"}}'.encode(),
        headers={"content-type": "application/json"},
    )
    assert response.status_code == 413
    assert response.json()["errors"][0]["extensions"]["code"] == "REQUEST_TOO_LARGE"


async def test_chunked_oversized_bodies_are_refused(
    service: RunningService, browser: Browser
) -> None:
    limit = service.settings.graphql.max_body_bytes

    async def chunks() -> AsyncIterator[bytes]:
        yield b'{"query": "{ __typename }'
        for _ in range(limit // 1000 + 2):
            yield b" " * 1000
        yield b'"}'

    response = await browser.http.post(
        "/graphql", content=chunks(), headers={"content-type": "application/json"}
    )
    assert response.status_code == 413


DEEP_JSON = "[" * 1000 + "]" * 1000


def deep_bodies() -> list[tuple[str, str]]:
    query = {"query": "query($v: String) { __typename }", "variables": {"v": None}}
    graphql = json.dumps(query).replace("null", DEEP_JSON)
    pubsub = {"message": {"messageId": "1", "data": base64.b64encode(DEEP_JSON.encode()).decode()}}
    return [
        ("/graphql", graphql),
        ("/webhooks/extensions", DEEP_JSON),
        ("/webhooks/events", DEEP_JSON),
        ("/webhooks/events", json.dumps(pubsub)),
    ]


@pytest.mark.parametrize(
    ("path", "body"), deep_bodies(), ids=["graphql", "extension", "event", "pubsub-data"]
)
async def test_deeply_nested_json_is_a_clear_refusal(
    start_service: Callable[..., RunningService], path: str, body: str
) -> None:
    """2 KB of brackets used to exhaust the JSON parser's recursion: a 500 and a traceback."""
    service = start_service(webhook_secret=SECRET)
    async with service.browser(headers=bearer(SECRET)) as client:
        response = await client.http.post(
            path, content=body.encode(), headers={"content-type": "application/json"}
        )
    if "messageId" in body:
        # A well-formed Pub/Sub envelope with unusable data is acknowledged, never redelivered.
        assert response.status_code == 200 and response.json()["status"] == "ignored"
    else:
        assert response.status_code == 400
    assert "nest" in response.text


@pytest.mark.parametrize("path", ["/graphql", "/webhooks/events"])
async def test_a_body_that_never_arrives_is_cut_off(
    start_service: Callable[..., RunningService], path: str
) -> None:
    """Headers promise 100 bytes, 10 arrive, then nothing: the server answers 408 and lets go
    instead of holding the connection for as long as the client likes."""
    service = start_service(request_body_timeout_seconds=0.5, webhook_secret=SECRET)
    port = int(service.url.rsplit(":", 1)[1])

    def send_and_stall() -> bytes:
        with socket.create_connection(("127.0.0.1", port), timeout=20) as conn:
            conn.sendall(
                f"POST {path} HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                f"Authorization: Bearer {SECRET}\r\nContent-Type: application/json\r\n"
                "x-csrf-protection: 1\r\nContent-Length: 100\r\n\r\n".encode()
                + b'{"query":'
            )
            return conn.recv(4096)  # the server's answer, or a timeout after 20 s

    answer = await asyncio.to_thread(send_and_stall)
    assert answer.startswith(b"HTTP/1.1 408")


async def test_deep_queries_are_refused(service: RunningService, browser: Browser) -> None:
    limit = service.settings.graphql.max_depth
    assert (await browser.gql(category_chain(limit))).status_code == 200
    deep = await browser.gql(category_chain(limit + 1))
    assert deep.status_code == 400 and deep.error_codes == ["QUERY_TOO_DEEP"]


async def test_deep_queries_through_fragments_are_refused(
    service: RunningService, browser: Browser
) -> None:
    levels = service.settings.graphql.max_depth
    fragments = "\n".join(
        f"fragment F{i} on Category {{ children {{ ...F{i + 1} }} }}" for i in range(levels)
    )
    query = f"{{ categories {{ ...F0 }} }}\n{fragments}\nfragment F{levels} on Category {{ name }}"
    result = await browser.gql(query)
    assert result.status_code == 400 and "QUERY_TOO_DEEP" in result.error_codes


async def test_too_many_aliases_are_refused(service: RunningService, browser: Browser) -> None:
    limit = service.settings.graphql.max_aliases
    fine = " ".join(f"a{i}: __typename" for i in range(limit))
    assert (await browser.gql(f"{{ {fine} }}")).status_code == 200
    many = " ".join(f"a{i}: __typename" for i in range(limit + 1))
    result = await browser.gql(f"{{ {many} }}")
    assert result.status_code == 400 and result.error_codes == ["TOO_MANY_ALIASES"]


async def test_documents_with_too_many_tokens_are_refused(
    service: RunningService, browser: Browser
) -> None:
    fields = " ".join(["__typename"] * (service.settings.graphql.max_tokens + 1))
    result = await browser.gql(f"{{ {fields} }}")
    assert result.status_code == 400 and result.error_codes == ["GRAPHQL_PARSE_FAILED"]


ORDER_PAGE = """{ pageInfo { total } results {
  id orderNumber createdAt orderState currencyCode totalQuantity email
  lineItems { id sku name quantity unitPrice { centAmount currencyCode }
              totalPrice { centAmount currencyCode } }
  totalPrice { centAmount currencyCode } subtotal { centAmount } discount { centAmount }
  shippingAddress { country city } billingAddress { country city } } }"""
ORDERS_QUERY = (
    f"query($limit: Int) {{ recent: myOrders(limit: $limit) {ORDER_PAGE}"
    f" older: myOrders(limit: $limit, offset: 100) {ORDER_PAGE} }}"
)


async def test_costly_queries_are_refused_before_any_upstream_call(
    service: RunningService, browser: Browser
) -> None:
    service.emulator.clear_request_log()
    result = await browser.gql(ORDERS_QUERY, {"limit": 100})
    assert result.status_code == 400 and result.error_codes == ["QUERY_TOO_COMPLEX"]
    assert service.emulator.request_log == []
    # The same document with a small page is fine (and a guest is told to sign in).
    small = await browser.gql(ORDERS_QUERY, {"limit": 5})
    assert small.error_codes == ["UNAUTHENTICATED"]


async def test_batched_requests_are_refused(browser: Browser) -> None:
    response = await browser.http.post(
        "/graphql", json=[{"query": "{ __typename }"}, {"query": "{ __typename }"}]
    )
    assert response.status_code == 400


async def test_cached_validation_still_applies_the_rules_of_each_app(
    start_service,
) -> None:
    lax = start_service()
    strict = start_service(graphql_max_aliases=1)
    query = "{ a: __typename b: __typename }"
    async with lax.browser() as b1, strict.browser() as b2:
        assert (await b1.gql(query)).status_code == 200
        assert (await b2.gql(query)).error_codes == ["TOO_MANY_ALIASES"]
        assert (await b1.gql(query)).status_code == 200
