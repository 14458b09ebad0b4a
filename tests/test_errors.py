"""Failures a user or caller can cause: a clear code and message, nothing lost, never a 500."""

from __future__ import annotations

import pytest

from app.services.cart import CartService
from tests.conftest import RunningService
from tests.support.browser import Browser
from tests.support.catalog import priced_skus

pytestmark = pytest.mark.anyio

ADD = """mutation($sku: String!, $q: Int!) { addToCart(sku: $sku, quantity: $q) {
  cart { id totalQuantity } userErrors { field code message } } }"""
CART = "{ cart { id totalQuantity } }"
SIGN_UP = """mutation($input: SignUpInput!) { signUp(input: $input) {
  customer { id } userErrors { field code message } } }"""


@pytest.mark.parametrize("quantity", [0, -1, 1000])
async def test_invalid_quantities_are_rejected_before_anything_is_created(
    service: RunningService, browser: Browser, quantity: int
) -> None:
    sku = priced_skus(service.emulator, 1)[0]
    service.emulator.clear_request_log()
    result = await browser.gql(ADD, {"sku": sku, "q": quantity})
    assert result.refused() == ["OUT_OF_RANGE"]
    assert result.user_error_fields == [["quantity"]]
    assert "Quantity" in result.user_errors[0]["message"]
    assert service.emulator.request_log == []
    assert browser.cookie() is None


async def test_an_unknown_sku_is_bad_input_and_leaves_the_cart_as_it_was(
    service: RunningService, browser: Browser
) -> None:
    sku = priced_skus(service.emulator, 1)[0]
    cart = (await browser.gql(ADD, {"sku": sku, "q": 2})).ok()["addToCart"]["cart"]
    for unknown, problem in [("NO-SUCH-SKU", "NOT_FOUND"), ("   ", "BLANK")]:
        result = await browser.gql(ADD, {"sku": unknown, "q": 1})
        assert result.refused() == [problem], result.body
        assert result.user_error_fields == [["sku"]]
    assert (await browser.gql(CART)).ok()["cart"] == cart


async def test_an_unknown_sku_as_a_guests_first_write_creates_no_cart(
    service: RunningService, browser: Browser
) -> None:
    result = await browser.gql(ADD, {"sku": "NO-SUCH-SKU", "q": 1})
    assert result.refused() == ["NOT_FOUND"]
    assert (await browser.gql(CART)).ok() == {"cart": None}


@pytest.mark.parametrize(
    ("form", "field", "problem", "fragment"),
    [
        ({"email": "not-an-email", "password": "long-enough-1"}, "email", "INVALID", "e-mail"),
        ({"email": "a@example.com", "password": "short"}, "password", "OUT_OF_RANGE", "password"),
        (
            {"email": "demo@example.com", "password": "long-enough-1"},
            "email",
            "TAKEN",
            "already exists",
        ),
        (
            {"email": "x" * 300 + "@example.com", "password": "long-enough-1"},
            "email",
            "INVALID",
            "e-mail",
        ),
    ],
)
async def test_sign_up_rejects_bad_forms(
    browser: Browser, form: dict[str, str], field: str, problem: str, fragment: str
) -> None:
    result = await browser.gql(SIGN_UP, {"input": form})
    assert result.refused() == [problem]
    assert result.user_error_fields == [["input", field]]
    assert fragment in result.user_errors[0]["message"]
    assert (await browser.gql("{ me { id } }")).ok() == {"me": None}


async def test_graphql_request_errors_are_400_with_a_code(browser: Browser) -> None:
    parse = await browser.gql("{ cart { id ")
    assert parse.status_code == 400 and parse.error_codes == ["GRAPHQL_PARSE_FAILED"]
    unknown = await browser.gql("{ cart { nope } }")
    assert unknown.status_code == 400 and unknown.error_codes == ["GRAPHQL_VALIDATION_FAILED"]
    wrong_type = await browser.gql(ADD, {"sku": "X", "q": "many"})
    assert wrong_type.status_code == 400 and wrong_type.error_codes == ["BAD_USER_INPUT"]


@pytest.mark.parametrize(
    ("content_type", "body"),
    [
        ("application/json", b"{not json"),
        ("application/json", b"[]"),
        ("application/json", b'{"query": 5}'),
        ("text/plain", b"{ cart { id } }"),
    ],
)
async def test_malformed_requests_get_4xx_never_500(
    browser: Browser, content_type: str, body: bytes
) -> None:
    response = await browser.http.post(
        "/graphql", content=body, headers={"content-type": content_type}
    )
    assert 400 <= response.status_code < 500


async def test_commercetools_down_is_upstream_unavailable_and_loses_nothing(
    service: RunningService, browser: Browser
) -> None:
    sku = priced_skus(service.emulator, 1)[0]
    cart = (await browser.gql(ADD, {"sku": sku, "q": 2})).ok()["addToCart"]["cart"]
    session_before = await service.read_session(browser)
    service.emulator.faults.configure(error_rate=1.0)
    try:
        for query, variables in [(CART, None), (ADD, {"sku": sku, "q": 1})]:
            result = await browser.gql(query, variables)
            assert result.status_code == 200
            assert result.error_codes == ["UPSTREAM_UNAVAILABLE"]
    finally:
        service.emulator.faults.configure(error_rate=0.0)
    session_after = await service.read_session(browser)
    assert session_before is not None and session_after is not None
    assert session_after.data == session_before.data
    assert (await browser.gql(CART)).ok()["cart"] == cart


async def test_unexpected_failures_reveal_no_internals(
    browser: Browser, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Simulates a bug in a service: only the error path is under test here.
    async def broken(self: CartService, *args: object) -> None:
        raise RuntimeError("secret internal detail at /srv/app.py line 42")

    monkeypatch.setattr(CartService, "current_cart", broken)
    result = await browser.gql(CART)
    assert result.status_code == 200
    assert result.error_codes == ["INTERNAL_SERVER_ERROR"]
    text = result.response.text
    assert "secret internal detail" not in text and "Traceback" not in text
