"""Property-based fuzzing over HTTP: random and hostile GraphQL documents, variables, bodies,
cookies and headers, and webhook bodies. Whatever arrives: never a 5xx, never a stack trace in
the body, and never another browser's data (a victim with a cart is watched throughout).

Bounded (few hundred requests in all, no deadlines) so the file runs in well under a minute.
"""

from __future__ import annotations

import base64
import json
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import httpx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bootstrap.app import create_app
from emulator.state import Emulator
from tests.conftest import make_settings
from tests.support.catalog import priced_skus
from tests.support.servers import ServerThread

WEBHOOK_SECRET = "fuzz-webhook-secret-0123456789-abcdefghij"
FUZZ = settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
    derandomize=False,
)
TRACE_MARKERS = ("Traceback", 'File "', "site-packages", "/work/", "Exception:")


@dataclass
class Target:
    url: str
    http: httpx.Client
    victim_cart_id: str
    victim_cookie: str
    sku: str


@pytest.fixture(scope="module")
def target() -> Iterator[Target]:
    emulator = Emulator()
    app = create_app(
        make_settings(
            webhook_secret=WEBHOOK_SECRET,
            credential_failure_min_seconds=0,
            demo_webhooks=False,
        ),
        embedded_emulator=emulator,
    )
    with ServerThread(app) as server, httpx.Client(base_url=server.url, timeout=30) as victim:
        sku = priced_skus(emulator, 1)[0]
        added = victim.post(
            "/graphql",
            json={
                "query": "mutation($s: String!) { addToCart(sku: $s) { cart { id } } }",
                "variables": {"s": sku},
            },
        )
        cart_id = added.json()["data"]["addToCart"]["cart"]["id"]
        cookie = victim.cookies["ctp_session"]
        # Fuzzed requests go through a client without a cookie jar of its own: each one sends
        # exactly the cookies the example chose.
        with httpx.Client(base_url=server.url, timeout=30) as http:
            yield Target(server.url, http, cart_id, cookie, sku)
        # The victim's session survived everything.
        cart = victim.post("/graphql", json={"query": "{ cart { id } }"}).json()
        assert cart == {"data": {"cart": {"id": cart_id}}}


def check(target: Target, response: httpx.Response) -> None:
    assert response.status_code < 500, (response.status_code, response.text[:500])
    body = response.text
    for marker in TRACE_MARKERS:
        assert marker not in body, body[:500]
    assert target.victim_cart_id not in body, "another session's cart leaked"


# -- strategies ------------------------------------------------------------------------------

_printable = st.characters(min_codepoint=0x20, max_codepoint=0x7E)
header_text = st.text(_printable, max_size=80).map(str.strip)  # h11 refuses padded values
json_scalars = (
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**70), max_value=2**70)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=40)
)
json_values = st.recursive(
    json_scalars,
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=10), inner, max_size=4)
    ),
    max_leaves=15,
)
GRAPHQL_WORDS = [
    "{", "}", "(", ")", ":", "$", "...", "@", "!", "[", "]", "=", ",", '"', '"""', "#",
    "query", "mutation", "subscription", "fragment", "on", "null", "true", "false",
    "cart", "me", "products", "product", "categories", "addToCart", "signIn", "signOut",
    "placeOrder", "myOrders", "order", "__schema", "__type", "__typename", "id", "sku",
    "limit", "offset", "lineItems", "quantity", "email", "password", "x", "1", "-1",
    "1e999", "99999999999999999999", '"\\u0000"', "@include(if: $v)", "@skip(if: true)",
    "$v: Int", "$v: String!", "a: cart", "...F", "fragment F on Query { ...F }",
]  # fmt: skip
documents = st.one_of(
    st.text(max_size=300),
    st.lists(st.sampled_from(GRAPHQL_WORDS), max_size=60).map(" ".join),
    st.sampled_from(
        [
            "{ cart { id lineItems { id sku quantity } } }",
            "query($v: Int) { products(limit: $v) { pageInfo { total } results { id } } }",
            "mutation($s: String!, $q: Int!) { addToCart(sku: $s, quantity: $q) { cart { id } } }",
            "mutation($e: String!, $p: String!) { signIn(email: $e, password: $p) { "
            "customer { id } userErrors { code } } }",
            "query($id: ID!) { order(id: $id) { id } }",
            "query($v: String!) { product(by: {slug: $v}) { id name } }",
            "mutation { signOut { userErrors { code } } }",
            "{ me { id email } lastOrder { id } wishlist { id } }",
        ]
    ),
)
variables = st.one_of(
    st.none(),
    st.dictionaries(st.sampled_from(["v", "s", "q", "e", "p", "id"]), json_values, max_size=4),
    json_values,
)
content_types = st.one_of(
    st.sampled_from(
        [
            "application/json",
            "application/json; charset=utf-8",
            "application/graphql-response+json",
            "application/x-www-form-urlencoded",
            "multipart/form-data; boundary=x",
            "text/plain",
            "application/json; charset=latin-1",
        ]
    ),
    header_text,
)


@st.composite
def cookies(draw: st.DrawFn, victim_cookie: str) -> str | None:
    kind = draw(st.sampled_from(["none", "random", "mutated", "truncated", "many", "foreign"]))
    if kind == "none":
        return None
    if kind == "random":
        return "ctp_session=" + draw(header_text.filter(lambda t: ";" not in t))
    if kind == "mutated":
        index = draw(st.integers(0, len(victim_cookie) - 1))
        char = draw(st.sampled_from("ABCDEFabcdef0123456789-_="))
        mutated = victim_cookie[:index] + char + victim_cookie[index + 1 :]
        if mutated == victim_cookie:
            mutated = victim_cookie[:index] + "!" + victim_cookie[index + 1 :]
        return f"ctp_session={mutated}"
    if kind == "truncated":
        return f"ctp_session={victim_cookie[: draw(st.integers(0, len(victim_cookie) - 1))]}"
    if kind == "many":
        return "; ".join(
            f"c{n}={draw(header_text.filter(lambda t: ';' not in t))}" for n in range(5)
        )
    return "ctp_session=gAAAAA" + base64.urlsafe_b64encode(draw(st.binary(max_size=200))).decode()


@st.composite
def hostile_headers(draw: st.DrawFn, victim_cookie: str) -> dict[str, str]:
    headers: dict[str, str] = {}
    cookie = draw(cookies(victim_cookie))
    if cookie is not None:
        headers["cookie"] = cookie
    optional = {
        "x-request-id": header_text,
        "accept-language": header_text,
        "x-forwarded-for": header_text,
        "origin": header_text,
        "x-csrf-protection": header_text,
        "accept": st.sampled_from(["text/html", "application/json", "*/*"]) | header_text,
        "content-length": st.sampled_from(["0", "-1", "abc", "99999999999"]),
    }
    for name, values in optional.items():
        if draw(st.booleans()):
            headers[name] = draw(values)
    return headers


# -- GraphQL ---------------------------------------------------------------------------------


@FUZZ
@given(data=st.data(), query=documents, variables=variables)
def test_graphql_documents_and_variables(
    target: Target, data: st.DataObject, query: str, variables: Any
) -> None:
    payload: dict[str, Any] = {"query": query}
    if variables is not None:
        payload["variables"] = variables
    if data.draw(st.booleans()):
        payload["operationName"] = data.draw(st.none() | st.text(max_size=20))
    cookie = data.draw(cookies(target.victim_cookie))
    headers = {"cookie": cookie} if cookie else {}
    check(target, target.http.post("/graphql", json=payload, headers=headers))


@FUZZ
@given(data=st.data(), body=st.one_of(st.binary(max_size=400), json_values.map(json.dumps)))
def test_raw_bodies_and_hostile_headers(target: Target, data: st.DataObject, body: Any) -> None:
    headers = data.draw(hostile_headers(target.victim_cookie))
    headers.pop("content-length", None)  # httpx sets the real one for a body
    headers["content-type"] = data.draw(content_types)
    content = body if isinstance(body, bytes) else body.encode()
    check(target, target.http.post("/graphql", content=content, headers=headers))


@FUZZ
@given(data=st.data(), query=documents, variables=st.none() | json_values.map(json.dumps))
def test_get_requests(target: Target, data: st.DataObject, query: str, variables: Any) -> None:
    headers = data.draw(hostile_headers(target.victim_cookie))
    headers.pop("content-length", None)
    params = {"query": query}
    if variables is not None:
        params["variables"] = variables
    check(target, target.http.get("/graphql", params=params, headers=headers))


@FUZZ
@given(data=st.data(), sku=st.text(max_size=60), quantity=st.integers(-(2**40), 2**40))
def test_cart_writes_with_foreign_cookies_never_touch_the_victims_cart(
    target: Target, data: st.DataObject, sku: str, quantity: int
) -> None:
    cookie = data.draw(cookies(target.victim_cookie))
    headers = {"cookie": cookie} if cookie else {}
    query = "mutation($s: String!, $q: Int!) { addToCart(sku: $s, quantity: $q) { cart { id } } }"
    valid_sku = data.draw(st.booleans())
    variables = {"s": target.sku if valid_sku else sku, "q": quantity}
    check(
        target,
        target.http.post(
            "/graphql", json={"query": query, "variables": variables}, headers=headers
        ),
    )


# -- webhooks (someone else's code: only "never a 5xx" is asserted here) -------------------


def _authorization(data: st.DataObject) -> dict[str, str]:
    kind = data.draw(st.sampled_from(["none", "right", "wrong", "garbage"]))
    if kind == "right":
        return {"authorization": f"Bearer {WEBHOOK_SECRET}"}
    if kind == "wrong":
        return {"authorization": ("Bearer " + data.draw(header_text)).strip()}
    if kind == "garbage":
        return {"authorization": data.draw(header_text)}
    return {}


resources = st.fixed_dictionaries(
    {"typeId": st.sampled_from(["cart", "order", "customer", "product"]) | st.text(max_size=10)},
    optional={"id": st.text(max_size=40), "obj": json_values},
)
extension_bodies = st.one_of(
    st.binary(max_size=300),
    json_values.map(json.dumps),
    st.fixed_dictionaries(
        {"action": st.sampled_from(["Create", "Update"]) | st.text(max_size=10)},
        optional={"resource": resources | json_values},
    ).map(json.dumps),
)
messages = st.fixed_dictionaries(
    {
        "notificationType": st.sampled_from(["Message", "ResourceCreated"]) | st.text(max_size=10),
        "type": st.sampled_from(
            ["OrderCreated", "CustomerCreated", "CustomerPasswordUpdated", "Unknown"]
        )
        | st.text(max_size=20),
    },
    optional={
        "id": st.text(max_size=40),
        "projectKey": st.just("demo") | st.text(max_size=10),
        "version": json_scalars,
        "sequenceNumber": json_scalars,
        "resource": resources | json_values,
        "resourceVersion": json_scalars,
        "createdAt": st.text(max_size=30),
        "order": json_values,
        "customer": json_values,
    },
)
event_bodies = st.one_of(
    st.binary(max_size=300),
    json_values.map(json.dumps),
    messages.map(json.dumps),
    st.fixed_dictionaries(
        {
            "message": st.fixed_dictionaries(
                {},
                optional={
                    "data": st.one_of(
                        st.text(max_size=60),
                        messages.map(lambda m: base64.b64encode(json.dumps(m).encode()).decode()),
                    ),
                    "messageId": json_scalars,
                    "attributes": json_values,
                },
            )
        },
        optional={"subscription": json_values},
    ).map(json.dumps),
)


@FUZZ
@given(data=st.data(), body=extension_bodies)
def test_api_extension_bodies(target: Target, data: st.DataObject, body: Any) -> None:
    content = body if isinstance(body, bytes) else body.encode()
    headers = {"content-type": "application/json", **_authorization(data)}
    check(target, target.http.post("/webhooks/extensions", content=content, headers=headers))


@FUZZ
@given(data=st.data(), body=event_bodies)
def test_event_bodies(target: Target, data: st.DataObject, body: Any) -> None:
    content = body if isinstance(body, bytes) else body.encode()
    headers = {"content-type": "application/json", **_authorization(data)}
    check(target, target.http.post("/webhooks/events", content=content, headers=headers))
