"""Bad input gets commercetools' 400 (never a 500): malformed JSON, wrong types, missing fields,
unknown actions, malformed query parameters. Ends with a property-based fuzz of cart updates."""

from __future__ import annotations

import asyncio
import json
from typing import Any

import httpx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from emulator.app import create_emulator_app
from emulator.jsonio import Json
from emulator.state import Emulator
from tests.emulator.ctp import TSHIRT_M, Ctp, bearer

pytestmark = pytest.mark.anyio


@pytest.fixture
async def session(ctp: Ctp) -> tuple[str, Json]:
    token = await ctp.anonymous_token()
    cart = await ctp.my_cart(token, [(TSHIRT_M, 1)])
    return token, cart


def _update(*actions: Any, version: Any = 1) -> Json:
    return {"version": version, "actions": list(actions)}


CART_UPDATES: list[tuple[Any, str]] = [
    ({"actions": []}, "InvalidJsonInput"),
    ({"version": "1", "actions": []}, "InvalidJsonInput"),
    ({"version": True, "actions": []}, "InvalidJsonInput"),
    ({"version": 1, "actions": {}}, "InvalidJsonInput"),
    ({"version": 1}, "InvalidJsonInput"),
    (_update(1), "InvalidJsonInput"),
    (_update({"sku": TSHIRT_M}), "InvalidJsonInput"),
    (_update({"action": 5}), "InvalidJsonInput"),
    (_update({"action": "explode"}), "InvalidJsonInput"),
    (_update({"action": "addLineItem"}), "InvalidInput"),
    (_update({"action": "addLineItem", "sku": 5}), "InvalidJsonInput"),
    (_update({"action": "addLineItem", "sku": TSHIRT_M, "quantity": "2"}), "InvalidJsonInput"),
    (_update({"action": "addLineItem", "sku": TSHIRT_M, "quantity": 1.5}), "InvalidJsonInput"),
    (_update({"action": "addLineItem", "sku": TSHIRT_M, "quantity": 0}), "InvalidInput"),
    (_update({"action": "addLineItem", "productId": "x", "variantId": "1"}), "InvalidJsonInput"),
    (_update({"action": "changeLineItemQuantity", "lineItemId": "x"}), "InvalidJsonInput"),
    (_update({"action": "removeLineItem"}), "InvalidInput"),
    (_update({"action": "setShippingAddress", "address": {"city": "x"}}), "InvalidJsonInput"),
    (_update({"action": "setShippingAddress", "address": {"country": "de"}}), "InvalidJsonInput"),
    (_update({"action": "setShippingAddress", "address": "DE"}), "InvalidJsonInput"),
    (
        _update({"action": "setShippingAddress", "address": {"country": "DE", "city": 1}}),
        "InvalidJsonInput",
    ),
    (_update({"action": "setShippingMethod", "shippingMethod": {}}), "InvalidJsonInput"),
    (_update({"action": "addDiscountCode"}), "InvalidJsonInput"),
    (_update({"action": "addDiscountCode", "code": ["DEMO10"]}), "InvalidJsonInput"),
    (_update({"action": "removeDiscountCode", "discountCode": "x"}), "InvalidJsonInput"),
    (_update({"action": "setCountry", "country": "Germany"}), "InvalidJsonInput"),
    (_update({"action": "setLocale", "locale": 7}), "InvalidJsonInput"),
    ([], "InvalidJsonInput"),
    ("version", "InvalidJsonInput"),
    (None, "InvalidJsonInput"),
]


@pytest.mark.parametrize(("body", "code"), CART_UPDATES)
async def test_bad_cart_update(ctp: Ctp, session: tuple[str, Json], body: Any, code: str) -> None:
    token, cart = session
    response = await ctp.call("POST", f"/me/carts/{cart['id']}", token, json=body, expect=400)
    assert response["statusCode"] == 400
    assert response["errors"][0]["code"] == code
    assert (await ctp.get(f"/me/carts/{cart['id']}", token)) == cart


CART_DRAFTS: list[Any] = [
    {},
    {"currency": 978},
    {"currency": "EURO"},
    {"currency": "EUR", "country": "XXX"},
    {"currency": "EUR", "lineItems": {"sku": TSHIRT_M}},
    {"currency": "EUR", "lineItems": ["sku"]},
    {"currency": "EUR", "lineItems": [{"sku": TSHIRT_M, "quantity": True}]},
    {"currency": "EUR", "discountCodes": [1]},
    {"currency": "EUR", "shippingAddress": []},
    {"currency": "EUR", "customerEmail": {"a": 1}},
]


@pytest.mark.parametrize("draft", CART_DRAFTS)
async def test_bad_cart_draft(ctp: Ctp, draft: Any) -> None:
    body = await ctp.post("/me/carts", await ctp.anonymous_token(), draft, expect=400)
    assert body["errors"][0]["code"] in {"InvalidJsonInput", "InvalidInput"}


@pytest.mark.parametrize(
    "content", [b"{", b"", b"   ", b'{"currency": "EUR",}', b"\xff\xfe", b"null"]
)
async def test_malformed_json(ctp: Ctp, content: bytes) -> None:
    token = await ctp.anonymous_token()
    body = await ctp.call("POST", "/me/carts", token, content=content, expect=400)
    assert body["errors"][0]["code"] == "InvalidJsonInput"
    assert body["message"] == "Request body does not contain valid JSON."
    assert body["errors"][0]["detailedErrorMessage"]


@pytest.mark.parametrize(
    "params",
    [
        {"where": "id = "},
        {"where": 'id = "x" and'},
        {"where": "(("},
        {"where": 'id ~ "x"'},
        {"where": 'id = "unterminated'},
        {"limit": "abc"},
        {"limit": "501"},
        {"offset": "-1"},
        {"sort": "createdAt sideways"},
        {"sort": "a b c"},
    ],
)
async def test_bad_query_parameters(ctp: Ctp, params: dict[str, str]) -> None:
    body = await ctp.get("/me/carts", await ctp.anonymous_token(), expect=400, **params)
    assert body["errors"][0]["code"] == "InvalidInput"


@pytest.mark.parametrize(
    ("path", "body"),
    [
        ("/me/orders", {}),
        ("/me/orders", {"id": 1, "version": 1}),
        ("/me/orders", {"id": "x", "version": "1"}),
        ("/me/login", {"email": "demo@example.com"}),
        ("/me/login", {"email": 1, "password": "x"}),
        ("/me/signup", {"email": "a@example.com"}),
        ("/me/signup", {"password": "x"}),
        ("/me/shopping-lists", {"name": "wishlist"}),
        ("/me/shopping-lists", {}),
    ],
)
async def test_bad_me_bodies(ctp: Ctp, path: str, body: Json) -> None:
    response = await ctp.post(path, await ctp.anonymous_token(), body, expect=400)
    assert response["errors"][0]["code"] == "InvalidJsonInput"


async def test_delete_needs_a_numeric_version(ctp: Ctp, session: tuple[str, Json]) -> None:
    token, cart = session
    for params in ({}, {"version": "one"}):
        body = await ctp.call("DELETE", f"/me/carts/{cart['id']}", token, params=params, expect=400)
        assert body["errors"][0]["code"] == "InvalidInput"


async def test_unknown_endpoint_is_404_json(ctp: Ctp) -> None:
    body = await ctp.get("/no-such-endpoint", await ctp.client_token(), expect=404)
    assert body["errors"][0]["code"] == "ResourceNotFound"


async def test_oauth_with_garbage_body(http: httpx.AsyncClient) -> None:
    response = await http.post(
        "/oauth/token",
        content=b"\xff\xfe\x00",
        headers={"Content-Type": "application/x-www-form-urlencoded"},
        auth=("demo-client", "demo-secret"),
    )
    assert response.status_code == 400
    assert response.json()["error"] == "invalid_request"


# -- property-based: whatever the body of a cart update, the answer is never a 5xx --------------

_scalars = st.one_of(
    st.none(), st.booleans(), st.integers(-3, 5), st.floats(allow_nan=False), st.text(max_size=6)
)
_values = st.recursive(
    _scalars,
    lambda inner: st.one_of(
        st.lists(inner, max_size=3), st.dictionaries(st.text(max_size=4), inner, max_size=3)
    ),
    max_leaves=6,
)
_action_names = st.sampled_from(
    [
        "addLineItem",
        "changeLineItemQuantity",
        "removeLineItem",
        "setShippingAddress",
        "setBillingAddress",
        "setCustomerEmail",
        "setShippingMethod",
        "addDiscountCode",
        "removeDiscountCode",
        "recalculate",
        "setCountry",
        "setLocale",
        "bogus",
    ]
)
_field_names = st.sampled_from(
    [
        "sku",
        "productId",
        "variantId",
        "quantity",
        "lineItemId",
        "address",
        "email",
        "shippingMethod",
        "code",
        "discountCode",
        "country",
        "locale",
    ]
)
_actions = st.builds(
    lambda name, fields: {"action": name, **fields},
    _action_names,
    st.dictionaries(
        _field_names,
        st.one_of(
            _values,
            st.sampled_from([TSHIRT_M, "DEMO10", "DE", {"country": "DE"}, {"key": "standard"}]),
        ),
        max_size=3,
    ),
)
_bodies = st.one_of(
    _values,
    st.fixed_dictionaries(
        {"version": st.one_of(st.just(1), _scalars), "actions": st.lists(_actions, max_size=3)}
    ),
)


def test_cart_updates_never_fail_with_a_server_error() -> None:
    emulator = Emulator(fault_seed=1)
    loop = asyncio.new_event_loop()
    transport = httpx.ASGITransport(app=create_emulator_app(emulator))
    client = httpx.AsyncClient(transport=transport, base_url="http://emulator")
    try:
        ctp = Ctp(client)
        token = loop.run_until_complete(ctp.anonymous_token())
        cart = loop.run_until_complete(ctp.my_cart(token, [(TSHIRT_M, 1)]))

        @settings(
            max_examples=300,
            deadline=None,
            suppress_health_check=[HealthCheck.function_scoped_fixture],
        )
        @given(body=_bodies)
        def check(body: Any) -> None:
            current = emulator.carts[cart["id"]]
            if isinstance(body, dict) and body.get("version") == 1:
                body = {**body, "version": current["version"]}  # reach the actions
            response = loop.run_until_complete(
                client.post(
                    f"/demo/me/carts/{cart['id']}",
                    content=json.dumps(body),
                    headers={**bearer(token), "Content-Type": "application/json"},
                )
            )
            assert response.status_code in {200, 400, 409}, response.text
            if response.status_code != 200:
                assert response.json()["errors"][0]["code"]
                assert emulator.carts[cart["id"]] == current

        check()
    finally:
        loop.run_until_complete(client.aclose())
        loop.close()
