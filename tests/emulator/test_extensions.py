"""API Extensions in the emulator: the `/extensions` resource, and calling an extension (a real
HTTP server on a loopback port) on cart create and update, with commercetools' outcomes."""

from __future__ import annotations

import asyncio
import json
import threading
import time
from collections.abc import Callable, Iterator
from typing import Any

import httpx
import pytest
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse, Response
from starlette.routing import Route

from emulator.jsonio import Json
from emulator.state import Emulator
from tests.emulator.ctp import TSHIRT_L, TSHIRT_M, Ctp, error_code, quantities
from tests.support.servers import ServerThread

pytestmark = pytest.mark.anyio


class ExtensionStub:
    """An extension endpoint whose answer each test chooses; records what it was sent."""

    def __init__(self) -> None:
        self.calls: list[tuple[dict[str, str], Json]] = []
        self.answer: Callable[[Json], Response] = lambda body: JSONResponse({"actions": []})
        self.delay = 0.0
        self.inside = threading.Event()

    async def endpoint(self, request: Request) -> Response:
        body = json.loads(await request.body())
        self.calls.append((dict(request.headers), body))
        self.inside.set()
        if self.delay:
            await asyncio.sleep(self.delay)
        return self.answer(body)


@pytest.fixture
def stub() -> Iterator[tuple[ExtensionStub, str]]:
    extension = ExtensionStub()
    app = Starlette(routes=[Route("/ext", extension.endpoint, methods=["POST"])])
    with ServerThread(app) as server:
        yield extension, f"{server.url}/ext"


def draft(url: str, **fields: Any) -> Json:
    return {
        "key": "cart-rules",
        "destination": {
            "type": "HTTP",
            "url": url,
            "authentication": {"type": "AuthorizationHeader", "headerValue": "Bearer s3cret-value"},
        },
        "triggers": [{"resourceTypeId": "cart", "actions": ["Create", "Update"]}],
        **fields,
    }


async def register(ctp: Ctp, url: str, **fields: Any) -> Json:
    admin = await ctp.client_token()
    return await ctp.post("/extensions", admin, draft(url, **fields), expect=201)


# -- the resource -------------------------------------------------------------------------------


async def test_extensions_are_created_read_queried_updated_and_deleted(ctp: Ctp) -> None:
    admin = await ctp.client_token()
    created = await ctp.post("/extensions", admin, draft("https://x.example.com/e"), expect=201)
    assert created["version"] == 1 and created["timeoutInMs"] == 2000
    assert created["destination"]["authentication"] == {
        "type": "AuthorizationHeader",
        "headerValue": "****alue",
    }
    assert await ctp.get(f"/extensions/{created['id']}", admin) == created
    assert await ctp.get("/extensions/key=cart-rules", admin) == created
    page = await ctp.get("/extensions", admin)
    assert page["total"] == 1 and page["results"] == [created]

    updated = await ctp.post(
        "/extensions/key=cart-rules",
        admin,
        {
            "version": 1,
            "actions": [
                {"action": "setTimeoutInMs", "timeoutInMs": 500},
                {
                    "action": "changeTriggers",
                    "triggers": [{"resourceTypeId": "cart", "actions": ["Create"]}],
                },
                {
                    "action": "changeDestination",
                    "destination": {"type": "HTTP", "url": "https://y.example.com"},
                },
            ],
        },
    )
    assert updated["version"] == 2 and updated["timeoutInMs"] == 500
    assert updated["triggers"] == [{"resourceTypeId": "cart", "actions": ["Create"]}]
    assert updated["destination"] == {"type": "HTTP", "url": "https://y.example.com"}

    stale = await ctp.call(
        "DELETE", f"/extensions/{created['id']}", admin, params={"version": 1}, expect=409
    )
    assert error_code(stale) == "ConcurrentModification"
    await ctp.call("DELETE", f"/extensions/{created['id']}", admin, params={"version": 2})
    await ctp.get(f"/extensions/{created['id']}", admin, expect=404)
    await ctp.get("/extensions/key=cart-rules", admin, expect=404)


@pytest.mark.parametrize(
    ("change", "code"),
    [
        (
            {
                "destination": {
                    "type": "AWSLambda",
                    "arn": "a",
                    "accessKey": "k",
                    "accessSecret": "s",
                }
            },
            "InvalidInput",
        ),
        ({"destination": {"type": "HTTP", "url": "ftp://x"}}, "InvalidInput"),
        ({"triggers": []}, "InvalidInput"),
        ({"triggers": [{"resourceTypeId": "product", "actions": ["Create"]}]}, "InvalidJsonInput"),
        ({"triggers": [{"resourceTypeId": "cart", "actions": ["Delete"]}]}, "InvalidJsonInput"),
        (
            {"triggers": [{"resourceTypeId": "cart", "actions": ["Create"], "condition": "(("}]},
            "InvalidInput",
        ),
        ({"timeoutInMs": 2001}, "InvalidInput"),
        ({"key": "x"}, "InvalidInput"),
    ],
)
async def test_invalid_drafts_are_refused(ctp: Ctp, change: Json, code: str) -> None:
    admin = await ctp.client_token()
    body = await ctp.post(
        "/extensions", admin, {**draft("https://x.example.com"), **change}, expect=400
    )
    assert error_code(body) == code


async def test_keys_are_unique_and_the_scope_is_manage_extensions(ctp: Ctp) -> None:
    admin = await ctp.client_token()
    await ctp.post("/extensions", admin, draft("https://x.example.com"), expect=201)
    again = await ctp.post("/extensions", admin, draft("https://x.example.com"), expect=400)
    assert error_code(again) == "DuplicateField"
    narrow = await ctp.client_token("manage_orders:demo")
    await ctp.get("/extensions", narrow, expect=403)
    await ctp.post("/extensions", narrow, draft("https://z.example.com"), expect=403)


# -- calling it ---------------------------------------------------------------------------------


async def test_a_cart_create_and_update_call_the_extension_and_apply_its_actions(
    ctp: Ctp, stub: tuple[ExtensionStub, str]
) -> None:
    extension, url = stub
    registered = await register(ctp, url)
    extension.answer = lambda body: JSONResponse(
        {"actions": [{"action": "setCustomerEmail", "email": "from-extension@example.com"}]}
    )
    token = await ctp.anonymous_token()
    cart = await ctp.my_cart(token, [(TSHIRT_M, 1)])
    assert cart["customerEmail"] == "from-extension@example.com"
    assert cart["version"] == 1
    headers, body = extension.calls[0]
    assert headers["authorization"] == "Bearer s3cret-value"
    assert body["action"] == "Create"
    assert body["resource"]["typeId"] == "cart"
    assert body["resource"]["id"] == cart["id"]
    assert quantities(body["resource"]["obj"]) == {TSHIRT_M: 1}
    assert "customerEmail" not in body["resource"]["obj"]

    extension.answer = lambda body: JSONResponse(
        {
            "actions": [
                {
                    "action": "changeLineItemQuantity",
                    "lineItemId": body["resource"]["obj"]["lineItems"][0]["id"],
                    "quantity": 5,
                }
            ]
        }
    )
    updated = await ctp.update_my_cart(
        token, cart, {"action": "addLineItem", "sku": TSHIRT_L, "quantity": 2}
    )
    assert updated["version"] == 2  # one update request, one version step
    assert quantities(updated) == {TSHIRT_M: 5, TSHIRT_L: 2}
    assert updated["totalPrice"]["centAmount"] == 7 * 1999
    assert extension.calls[1][1]["action"] == "Update"
    assert registered["id"]


async def test_the_extension_sees_only_what_its_triggers_and_condition_select(
    ctp: Ctp, stub: tuple[ExtensionStub, str]
) -> None:
    extension, url = stub
    await register(
        ctp,
        url,
        triggers=[{"resourceTypeId": "cart", "actions": ["Update"], "condition": 'country = "AT"'}],
    )
    token = await ctp.anonymous_token()
    cart = await ctp.my_cart(token, [(TSHIRT_M, 1)])  # Create: not triggered
    cart = await ctp.update_my_cart(token, cart, {"action": "setLocale", "locale": "de"})
    assert extension.calls == []  # country DE: the condition does not hold
    await ctp.update_my_cart(token, cart, {"action": "setCountry", "country": "AT"})
    assert len(extension.calls) == 1


async def test_errors_the_extension_answers_with_reach_the_caller_and_nothing_is_stored(
    ctp: Ctp, emulator: Emulator, stub: tuple[ExtensionStub, str]
) -> None:
    extension, url = stub
    registered = await register(ctp, url)
    extension.answer = lambda body: JSONResponse(
        {
            "errors": [
                {"code": "InvalidInput", "message": "At most 5 per line."},
                {
                    "code": "InvalidInput",
                    "message": "At most 8 per cart.",
                    "extensionExtraInfo": {"max": 8},
                },
            ]
        },
        status_code=400,
    )
    token = await ctp.anonymous_token()
    refused = await ctp.post("/me/carts", token, {"currency": "EUR"}, expect=400)
    assert refused["statusCode"] == 400
    assert [e["message"] for e in refused["errors"]] == [
        "At most 5 per line.",
        "At most 8 per cart.",
    ]
    assert refused["errors"][1]["extensionExtraInfo"] == {"max": 8}
    assert refused["errors"][0]["errorByExtension"] == {"id": registered["id"], "key": "cart-rules"}
    with emulator.lock:
        assert not emulator.carts


@pytest.mark.parametrize(
    ("answer", "status", "code"),
    [
        (lambda body: PlainTextResponse("boom", status_code=500), 502, "ExtensionBadResponse"),
        (lambda body: PlainTextResponse("not json", status_code=200), 502, "ExtensionBadResponse"),
        (lambda body: JSONResponse({"actions": "all"}), 502, "ExtensionBadResponse"),
        (lambda body: JSONResponse({"errors": "no"}, status_code=400), 502, "ExtensionBadResponse"),
        (
            lambda body: JSONResponse({"actions": [{"action": "setCountry"}] * 101}),
            502,
            "ExtensionBadResponse",
        ),
        (
            lambda body: JSONResponse({"actions": [{"action": "explode"}]}),
            400,
            "ExtensionUpdateActionsFailed",
        ),
        (
            lambda body: JSONResponse({"actions": [{"action": "addLineItem", "sku": "NOPE"}]}),
            400,
            "ExtensionUpdateActionsFailed",
        ),
    ],
    ids=[
        "500",
        "not-json",
        "actions-not-a-list",
        "400-without-errors",
        "101-actions",
        "unknown-action",
        "failing-action",
    ],
)
async def test_a_bad_extension_answer_fails_the_request_as_commercetools_does(
    ctp: Ctp,
    emulator: Emulator,
    stub: tuple[ExtensionStub, str],
    answer: Callable[[Json], Response],
    status: int,
    code: str,
) -> None:
    extension, url = stub
    registered = await register(ctp, url)
    extension.answer = answer
    token = await ctp.anonymous_token()
    body = await ctp.post("/me/carts", token, {"currency": "EUR"}, expect=status)
    [error] = body["errors"]
    assert error["code"] == code
    if code == "ExtensionBadResponse":
        assert error["extensionId"] == registered["id"]
        assert error["extensionKey"] == "cart-rules"
        assert error["extensionErrors"] == []
        assert isinstance(error["extensionStatusCode"], int)
    else:
        assert (
            error["message"] == "The extension returned update actions that could not be executed."
        )
        [cause] = error["extensionErrors"]
        assert cause["extensionId"] == registered["id"] and cause["code"]
    with emulator.lock:
        assert not emulator.carts


async def test_an_extension_that_is_slow_or_unreachable_gives_extension_no_response(
    ctp: Ctp, emulator: Emulator, stub: tuple[ExtensionStub, str]
) -> None:
    extension, url = stub
    registered = await register(ctp, url, timeoutInMs=200)
    # Far slower than the 200 ms timeout: answering before the extension would is the proof.
    extension.delay = 5.0
    token = await ctp.anonymous_token()
    started = time.monotonic()
    slow = await ctp.post("/me/carts", token, {"currency": "EUR"}, expect=504)
    assert time.monotonic() - started < 4.0
    assert slow["errors"][0] == {
        "code": "ExtensionNoResponse",
        "message": "The extension did not respond in time or could not be reached.",
        "extensionId": registered["id"],
        "extensionKey": "cart-rules",
    }
    admin = await ctp.client_token()
    await ctp.post(
        f"/extensions/{registered['id']}",
        admin,
        {
            "version": 1,
            "actions": [
                {
                    "action": "changeDestination",
                    "destination": {"type": "HTTP", "url": "http://127.0.0.1:9/"},
                }
            ],
        },
    )
    unreachable = await ctp.post("/me/carts", token, {"currency": "EUR"}, expect=504)
    assert error_code(unreachable) == "ExtensionNoResponse"
    with emulator.lock:
        assert not emulator.carts


async def test_the_lock_is_not_held_while_the_extension_works(
    ctp: Ctp, emulator: Emulator, stub: tuple[ExtensionStub, str]
) -> None:
    extension, url = stub
    token = await ctp.anonymous_token()
    cart = await ctp.my_cart(token, [(TSHIRT_M, 1)])
    await register(ctp, url, triggers=[{"resourceTypeId": "cart", "actions": ["Update"]}])
    # Inside the 2 s extension timeout, and long enough for another request to be served.
    extension.delay = 1.5
    update = asyncio.create_task(
        ctp.update_my_cart(token, cart, {"action": "setLocale", "locale": "de"})
    )
    await asyncio.to_thread(extension.inside.wait, 5)

    def lock_is_free() -> bool:
        # From another thread: the RLock would let this one in even if it were held.
        if emulator.lock.acquire(timeout=0.2):
            emulator.lock.release()
            return True
        return False

    assert await asyncio.to_thread(lock_is_free)
    # While the extension takes its time, the emulator serves others.
    other = await ctp.anonymous_token()
    await ctp.my_cart(other, [(TSHIRT_L, 1)])
    assert not update.done()
    assert (await update)["locale"] == "de"


async def test_a_cart_changed_while_the_extension_worked_answers_409(
    ctp: Ctp, emulator: Emulator, stub: tuple[ExtensionStub, str]
) -> None:
    extension, url = stub
    token = await ctp.anonymous_token()
    cart = await ctp.my_cart(token, [(TSHIRT_M, 1)])
    registered = await register(ctp, url)
    extension.delay = 0.5
    update = asyncio.create_task(
        ctp.update_my_cart(token, cart, {"action": "setLocale", "locale": "de"}, expect=409)
    )
    await asyncio.to_thread(extension.inside.wait, 5)
    # Another write lands first; the extension's call is for a version that is gone.
    admin = await ctp.client_token()
    await ctp.call("DELETE", f"/extensions/{registered['id']}", admin, params={"version": 1})
    await ctp.update_my_cart(token, cart, {"action": "setLocale", "locale": "fr"})
    conflict = await update
    assert conflict["errors"][0]["code"] == "ConcurrentModification"
    assert conflict["errors"][0]["currentVersion"] == 2
    with emulator.lock:
        assert emulator.carts[cart["id"]]["locale"] == "fr"


async def test_an_extension_url_can_be_routed_in_process(ctp: Ctp, emulator: Emulator) -> None:
    """The embedded demo's own extension can skip the network (Emulator.extension_transports):
    same request, same outcome, no socket."""
    extension = ExtensionStub()
    extension.answer = lambda body: JSONResponse(
        {"actions": [{"action": "setLocale", "locale": "de"}]}
    )
    app = Starlette(routes=[Route("/ext", extension.endpoint, methods=["POST"])])
    emulator.extension_transports["http://shop.invalid"] = httpx.ASGITransport(app=app)
    await register(ctp, "http://shop.invalid/ext")
    guest = await ctp.anonymous_token()

    cart = await ctp.my_cart(guest, [(TSHIRT_M, 1)])

    assert cart["locale"] == "de"
    ((headers, body),) = extension.calls
    assert headers["authorization"] == "Bearer s3cret-value"
    assert body["action"] == "Create" and body["resource"]["id"] == cart["id"]
