"""Logs: a request id on every line and in the response, one access line per request without
query strings, and no password, token, cookie or key in any line — checked over a whole
journey with logging at DEBUG."""

from __future__ import annotations

import base64
import io
import json
import logging
import threading
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import httpx
import pytest

from app.logging_setup import build_handler
from app.redaction import MASK, redact
from tests.conftest import SESSION_KEY, RunningService, make_settings
from tests.support.browser import GraphQLResult
from tests.support.catalog import priced_skus
from tests.support.outbox import link_token, wait_for_mail_to
from tests.support.production import production_service
from tests.support.queries import ADD, REQUEST_RESET, RESET, SIGN_IN, SIGN_OUT, SIGN_UP

pytestmark = pytest.mark.anyio

SEARCH = "query($t: String) { products(text: $t, limit: 1) { pageInfo { total } } }"
STOREFRONT = "https://shop.example.com"
WEBHOOK_SECRET = "log-test-webhook-secret-0123456789-abcdef"
NOISY_LOGGERS = ("httpx", "httpcore", "uvicorn", "uvicorn.error", "emulator", "webhooks")


class Captured:
    """The service's log output as written (after its filters), and every record's text as
    logged (before them): the first must be clean; the second shows whether the code is."""

    def __init__(self) -> None:
        self.output = io.StringIO()
        self.raw: list[str] = []

    def lines(self) -> list[str]:
        return self.output.getvalue().splitlines()


class _RawRecords(logging.Handler):
    """Records of the service's threads only: the test's own HTTP client logs in this process
    too (httpcore prints its response headers, Set-Cookie included, at DEBUG)."""

    def __init__(self, sink: list[str]) -> None:
        super().__init__(logging.DEBUG)
        self._sink = sink
        self._test_thread = threading.get_ident()

    def emit(self, record: logging.LogRecord) -> None:
        if record.thread == self._test_thread:
            return
        text = record.getMessage()
        if record.exc_info:
            text += "\n" + logging.Formatter().formatException(record.exc_info)
        self._sink.append(text)


@pytest.fixture
def capture() -> Iterator[Callable[[], Captured]]:
    """Call after the service started: its handler then writes here, at DEBUG."""
    root = logging.getLogger()
    raw_handlers: list[logging.Handler] = []
    levels: dict[str, int] = {}

    def start() -> Captured:
        captured = Captured()
        handler = root.handlers[0]
        assert isinstance(handler, logging.StreamHandler)
        handler.setStream(captured.output)
        raw = _RawRecords(captured.raw)
        # First in line: it sees each record before the service handler's filters rewrite it.
        root.handlers.insert(0, raw)
        raw_handlers.append(raw)
        levels["root"] = root.level
        root.setLevel(logging.DEBUG)
        for name in NOISY_LOGGERS:
            levels[name] = logging.getLogger(name).level
            logging.getLogger(name).setLevel(logging.DEBUG)
        return captured

    yield start
    for raw in raw_handlers:
        root.removeHandler(raw)
    root.setLevel(levels.get("root", logging.WARNING))
    for name in NOISY_LOGGERS:
        logging.getLogger(name).setLevel(levels.get(name, logging.NOTSET))


@pytest.fixture
def shop(start_service: Callable[..., RunningService], tmp_path: Path) -> RunningService:
    return start_service(
        mail_outbox_dir=tmp_path / "outbox",
        storefront_url=STOREFRONT,
        webhook_secret=WEBHOOK_SECRET,
        credential_failure_min_seconds=0,
    )


@pytest.fixture(params=["cookie", "redis"])
def journey_shop(
    request: pytest.FixtureRequest, start_service: Callable[..., RunningService], tmp_path: Path
) -> RunningService:
    """The shop with each session store: encrypted cookies, or opaque ids into Redis."""
    store: dict[str, object] = {}
    if request.param == "redis":
        store = {"session_store": "redis", "redis_url": request.getfixturevalue("redis_url")}
    return start_service(
        mail_outbox_dir=tmp_path / "outbox",
        storefront_url=STOREFRONT,
        webhook_secret=WEBHOOK_SECRET,
        credential_failure_min_seconds=0,
        **store,
    )


async def test_no_secret_reaches_a_log_line(
    journey_shop: RunningService, capture: Callable[[], Captured], tmp_path: Path
) -> None:
    shop = journey_shop
    captured = capture()
    email = f"logs-{uuid.uuid4().hex[:8]}@example.com"
    password, new_password, wrong = "First-Passw0rd-x7", "Second-Passw0rd-y8", "Wrong-Passw0rd-z9"
    sku = priced_skus(shop.emulator, 1)[0]
    cookies: set[str] = set()

    def seen(result: GraphQLResult) -> GraphQLResult:
        for header in result.response.headers.get_list("set-cookie"):
            value = header.split(";", 1)[0].split("=", 1)[1]
            if value:
                cookies.add(value)
        return result

    async with shop.browser() as browser:
        seen(await browser.gql(ADD, {"sku": sku})).ok()
        seen(await browser.gql(SIGN_UP, {"input": {"email": email, "password": password}})).ok()
        seen(await browser.gql(SIGN_OUT)).ok()
        assert seen(await browser.gql(SIGN_IN, {"e": email, "p": wrong})).user_errors
        seen(await browser.gql(SIGN_IN, {"e": email, "p": password})).ok()
        seen(await browser.gql(ADD, {"sku": sku})).ok()
        seen(await browser.gql(SIGN_OUT)).ok()
        seen(await browser.gql(REQUEST_RESET, {"e": email})).ok()
        mail = await wait_for_mail_to(tmp_path / "outbox", email, "Reset your password")
        reset_token = link_token(mail, f"{STOREFRONT}/reset-password")
        seen(await browser.gql(RESET, {"t": reset_token, "n": new_password})).ok()
        seen(await browser.gql(SIGN_IN, {"e": email, "p": new_password})).ok()
        # Variables in a GET query string: the access log must not repeat them.
        get = await browser.http.get(
            "/graphql",
            params={"query": SEARCH, "variables": json.dumps({"t": "search-marker-q1"})},
            headers={"x-csrf-protection": "1"},
        )
        assert get.status_code == 200
        seen(await browser.gql(SIGN_OUT)).ok()

    with shop.emulator.lock:
        tokens = {*shop.emulator.tokens, *shop.emulator.refresh_tokens}
    client_basic = base64.b64encode(b"demo-client:demo-secret").decode()
    secrets = {
        "password": password,
        "new password": new_password,
        "wrong password": wrong,
        "reset token": reset_token,
        "session key": SESSION_KEY,
        "webhook secret": WEBHOOK_SECRET,
        "client credentials": client_basic,
        **{f"token {n}": token for n, token in enumerate(sorted(tokens))},
        **{f"cookie {n}": cookie for n, cookie in enumerate(sorted(cookies))},
    }
    assert len(tokens) >= 4 and len(cookies) >= 4
    lines = captured.lines()
    assert len(lines) > 20  # the journey did log (access lines at least)
    leaks = [(name, line) for line in lines for name, value in secrets.items() if value in line]
    assert leaks == []
    access = [line for line in lines if " app.access " in line]
    assert len(access) == 12 and not [line for line in access if "search-marker" in line]
    # Not only the filter: the code itself logged none of them either.
    raw_leaks = [
        (name, text) for text in captured.raw for name, value in secrets.items() if value in text
    ]
    assert raw_leaks == []


async def test_every_line_of_a_request_carries_its_id(
    shop: RunningService, capture: Callable[[], Captured]
) -> None:
    captured = capture()
    async with shop.browser(headers={"x-request-id": "storefront-abc.123"}) as browser:
        result = await browser.gql(SIGN_IN, {"e": "demo@example.com", "p": "Demo-Passw0rd!"})
        assert result.response.headers["x-request-id"] == "storefront-abc.123"
    during = [line for line in captured.lines() if "[storefront-abc.123]" in line]
    assert any("app.access" in line and "POST /graphql 200" in line for line in during)
    # The upstream client logs each call at DEBUG: those lines belong to the request too.
    assert any("app.ctp.http" in line and "commercetools POST" in line for line in during)


@pytest.mark.parametrize(
    "incoming",
    ["", "x" * 200, "has space", "semi;colon", 'quote"d', "-leading-dash", "ünïcode"],
)
async def test_odd_incoming_request_ids_are_replaced(shop: RunningService, incoming: str) -> None:
    async with httpx.AsyncClient(base_url=shop.url) as client:
        response = await client.get(
            "/healthz", headers=[(b"x-request-id", incoming.encode("utf-8"))]
        )
    replaced = response.headers["x-request-id"]
    assert replaced != incoming and len(replaced) == 32 and int(replaced, 16) >= 0


def test_production_logs_are_json_lines_with_the_request_id(
    capture: Callable[[], Captured],
) -> None:
    with production_service() as service:
        captured = capture()
        with httpx.Client(base_url=service.url) as client:
            response = client.get(
                "/graphql",
                params={"query": "{ __typename }", "variables": '{"password": "hunter2-x"}'},
                headers={"x-csrf-protection": "1"},
            )
            request_id = response.headers["x-request-id"]
    entries = [json.loads(line) for line in captured.lines()]
    [access] = [e for e in entries if e["logger"] == "app.access"]
    assert access["request_id"] == request_id
    assert access["http_method"] == "GET" and access["http_path"] == "/graphql"
    assert access["http_status"] == 200 and access["duration_ms"] >= 0
    served = [json.dumps(e) for e in entries if e["request_id"] == request_id]
    assert served and not [line for line in served if "hunter2" in line]
    assert "query" not in access["message"]


def test_uvicorns_access_log_is_off(shop: RunningService) -> None:
    # It prints query strings, which carry GET queries' variables.
    assert logging.getLogger("uvicorn.access").disabled


@pytest.mark.parametrize(
    ("text", "kept"),
    [
        ("Authorization: Bearer abcdefghijklmnop.qrstu", "Authorization:"),
        ("calling with Bearer abcdefghijklmnop.qrstu now", "with Bearer"),
        ('{"password": "hunter2", "email": "a@b.c"}', '"email": "a@b.c"'),
        ("{'access_token': 'abc123xyz', 'expires_in': 172800}", "'expires_in': 172800"),
        ("grant_type=refresh_token&refresh_token=demo:abc123&scope=x", "&scope=x"),
        ("set-cookie: ctp_session=gAAAAABk1234567890abcdefghijklmnopqrstuvwxyz", "set-cookie"),
        ("jwt eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.sig-nature_x ok", " ok"),
        ("card 4111 1111 1111 1111 declined", "declined"),
        ("SESSION_SECRET_KEYS=k1-very-secret,k2", "SESSION_SECRET_KEYS="),
        ("GET /graphql?variables=%7B%22password%22%3A+%22hunter2%22%7D", "/graphql?variables="),
        ("connecting to redis://:hunter2@cache:6379/0", "redis://:"),
        ("relay smtps://mailer:hunter2@smtp.example.com:465", "@smtp.example.com:465"),
    ],
)
def test_redaction_masks_secret_looking_values(text: str, kept: str) -> None:
    cleaned = redact(text)
    assert MASK in cleaned and kept in cleaned
    for secret in ("hunter2", "abcdefghijklmnop", "abc123", "gAAAAABk", "eyJ", "4111", "k1-very"):
        assert secret not in cleaned


@pytest.mark.parametrize(
    "text",
    [
        "POST /graphql 200 12.3ms",
        "order 12345678 placed for customer 9f0c4b6e-1d2a-4e5f-8a9b-0c1d2e3f4a5b",
        "token refresh refused (401): continuing as a guest",
        "sessions of customer x cannot be ended server-side with cookie sessions",
        "epoch 1700000000 and sku TSHIRT-CLASSIC-BLUE-M",
    ],
)
def test_redaction_leaves_ordinary_lines_alone(text: str) -> None:
    assert redact(text) == text


def test_the_handler_redacts_arguments_and_tracebacks() -> None:
    stream = io.StringIO()
    handler = build_handler(make_settings())
    assert isinstance(handler, logging.StreamHandler)
    handler.setStream(stream)
    logger = logging.getLogger("tests.redaction")
    logger.addHandler(handler)
    logger.propagate = False
    try:
        logger.warning("refresh failed: %s", {"refresh_token": "rt-secret-value"})
        try:
            raise ValueError("password=pw-secret-value")
        except ValueError:
            logger.exception("boom")
    finally:
        logger.removeHandler(handler)
        logger.propagate = True
    output = stream.getvalue()
    assert "rt-secret-value" not in output and "pw-secret-value" not in output
    assert output.count(MASK) >= 2 and "[-]" in output
