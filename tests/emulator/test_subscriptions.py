"""Subscriptions in the emulator: the `/subscriptions` resource, the Messages of the resources it
changes, and their at-least-once delivery in Pub/Sub push envelopes to a real HTTP endpoint."""

from __future__ import annotations

import asyncio
import base64
import json
import threading
import time
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from emulator.jsonio import Json
from emulator.state import Emulator
from tests.emulator.ctp import DEMO_EMAIL, DEMO_PASSWORD, TSHIRT_M, Ctp, error_code
from tests.support.servers import ServerThread

pytestmark = pytest.mark.anyio

TOPIC = "projects/shop-gcp/topics/ctp-events"


class Receiver:
    """A push endpoint that refuses the first `failures` deliveries."""

    def __init__(self) -> None:
        self.failures = 0
        self.delay = 0.0
        self.received: list[tuple[dict[str, str], Json]] = []
        self.lock = threading.Lock()

    async def endpoint(self, request: Request) -> Response:
        body = json.loads(await request.body())
        if self.delay:
            await asyncio.sleep(self.delay)
        with self.lock:
            if self.failures > 0:
                self.failures -= 1
                return JSONResponse({"status": "failed"}, status_code=503)
            self.received.append((dict(request.headers), body))
        return JSONResponse({"status": "handled"})

    def payloads(self) -> list[Json]:
        with self.lock:
            return [
                json.loads(base64.b64decode(body["message"]["data"])) for _, body in self.received
            ]


@pytest.fixture
def receiver(emulator: Emulator) -> Iterator[Receiver]:
    found = Receiver()
    app = Starlette(routes=[Route("/push", found.endpoint, methods=["POST"])])
    with ServerThread(app) as server:
        emulator.pubsub.retry_initial_seconds = 0.01
        emulator.pubsub.add_push_subscription(
            TOPIC, f"{server.url}/push", authorization="Bearer push-secret", name="bff"
        )
        yield found


def subscription_draft(**fields: Any) -> Json:
    return {
        "key": "bff-events",
        "destination": {
            "type": "GoogleCloudPubSub",
            "projectId": "shop-gcp",
            "topic": "ctp-events",
        },
        "messages": [
            {"resourceTypeId": "order", "types": ["OrderCreated"]},
            {"resourceTypeId": "customer", "types": []},
        ],
        **fields,
    }


async def subscribe(ctp: Ctp, **fields: Any) -> Json:
    admin = await ctp.client_token()
    return await ctp.post("/subscriptions", admin, subscription_draft(**fields), expect=201)


async def place_order(ctp: Ctp, email: str = "buyer@example.com") -> Json:
    token = await ctp.anonymous_token()
    cart = await ctp.my_cart(
        token,
        [(TSHIRT_M, 1)],
        customerEmail=email,
        shippingAddress={"country": "DE", "city": "Berlin"},
    )
    return await ctp.post(
        "/me/orders", token, {"id": cart["id"], "version": cart["version"]}, expect=201
    )


# -- the resource -------------------------------------------------------------------------------


async def test_subscriptions_are_created_read_queried_updated_and_deleted(ctp: Ctp) -> None:
    admin = await ctp.client_token()
    created = await ctp.post("/subscriptions", admin, subscription_draft(), expect=201)
    assert created["status"] == "Healthy" and created["format"] == {"type": "Platform"}
    assert created["changes"] == []
    assert await ctp.get("/subscriptions/key=bff-events", admin) == created
    assert (await ctp.get("/subscriptions", admin))["results"] == [created]
    updated = await ctp.post(
        f"/subscriptions/{created['id']}",
        admin,
        {
            "version": 1,
            "actions": [
                {"action": "setMessages", "messages": [{"resourceTypeId": "order"}]},
                {"action": "setChanges", "changes": [{"resourceTypeId": "cart"}]},
                {
                    "action": "changeDestination",
                    "destination": {"type": "GoogleCloudPubSub", "projectId": "p", "topic": "t"},
                },
                {"action": "setKey", "key": "renamed"},
            ],
        },
    )
    assert updated["version"] == 2 and updated["key"] == "renamed"
    assert updated["messages"] == [{"resourceTypeId": "order", "types": []}]
    assert updated["changes"] == [{"resourceTypeId": "cart"}]
    await ctp.call("DELETE", "/subscriptions/key=renamed", admin, params={"version": 2})
    assert (await ctp.get("/subscriptions", admin))["total"] == 0


@pytest.mark.parametrize(
    "change",
    [
        {"destination": {"type": "SQS", "queueUrl": "https://sqs", "region": "eu-west-1"}},
        {"destination": {"type": "GoogleCloudPubSub", "projectId": "p"}},
        {"messages": [], "changes": []},
        {"format": {"type": "CloudEvents", "cloudEventsVersion": "1.0"}},
        {"messages": "all"},
    ],
)
async def test_invalid_subscription_drafts_are_refused(ctp: Ctp, change: Json) -> None:
    admin = await ctp.client_token()
    body = await ctp.post("/subscriptions", admin, subscription_draft(**change), expect=400)
    assert error_code(body) in {"InvalidInput", "InvalidJsonInput"}


async def test_the_scope_is_manage_subscriptions(ctp: Ctp) -> None:
    narrow = await ctp.client_token("manage_orders:demo")
    await ctp.post("/subscriptions", narrow, subscription_draft(), expect=403)


# -- messages and delivery ----------------------------------------------------------------------


async def test_order_created_arrives_in_a_pubsub_push_envelope(
    ctp: Ctp, emulator: Emulator, receiver: Receiver
) -> None:
    await subscribe(ctp)
    order = await place_order(ctp)
    assert emulator.pubsub.wait_idle()
    [(headers, body)] = receiver.received
    assert headers["authorization"] == "Bearer push-secret"
    assert body["subscription"] == "projects/shop-gcp/subscriptions/bff"
    assert body["message"]["messageId"] and body["message"]["publishTime"]
    [payload] = receiver.payloads()
    assert payload["notificationType"] == "Message"
    assert payload["projectKey"] == "demo"
    assert payload["type"] == "OrderCreated"
    assert payload["resource"] == {"typeId": "order", "id": order["id"]}
    assert payload["resourceVersion"] == order["version"] == 1
    assert payload["sequenceNumber"] == 1
    assert payload["version"] == 1
    assert payload["order"] == order
    assert payload["id"] and payload["createdAt"] and payload["lastModifiedAt"]


async def test_customer_messages_carry_their_payload_and_count_up_per_resource(
    ctp: Ctp, emulator: Emulator, receiver: Receiver
) -> None:
    await subscribe(ctp)
    customer, token = await ctp.new_customer("fresh@example.com")
    await ctp.post(
        "/me/password",
        token,
        {
            "version": customer["version"],
            "currentPassword": "Secret-123",
            "newPassword": "N3w-one!",
        },
    )
    admin = await ctp.client_token()
    reset_token = await ctp.post("/customers/password-token", admin, {"email": "fresh@example.com"})
    await ctp.post(
        "/customers/password/reset",
        admin,
        {"tokenValue": reset_token["value"], "newPassword": "Thr33-now!"},
    )
    assert emulator.pubsub.wait_idle()
    mine = [p for p in receiver.payloads() if p["resource"]["id"] == customer["id"]]
    assert [(p["type"], p["sequenceNumber"], p["resourceVersion"]) for p in mine] == [
        ("CustomerCreated", 1, 1),
        ("CustomerPasswordUpdated", 2, 2),
        ("CustomerPasswordUpdated", 3, 3),
    ]
    assert mine[0]["customer"]["email"] == "fresh@example.com"
    assert "password" not in json.dumps(mine[1]).replace("CustomerPasswordUpdated", "")
    assert [m.get("reset") for m in mine[1:]] == [False, True]
    assert len({m["id"] for m in mine}) == 3


async def test_only_the_subscribed_types_are_delivered(
    ctp: Ctp, emulator: Emulator, receiver: Receiver
) -> None:
    await subscribe(ctp, messages=[{"resourceTypeId": "customer", "types": ["CustomerCreated"]}])
    customer, token = await ctp.new_customer("only@example.com")
    await ctp.post(
        "/me/password",
        token,
        {
            "version": customer["version"],
            "currentPassword": "Secret-123",
            "newPassword": "N3w-one!",
        },
    )
    await place_order(ctp)
    assert emulator.pubsub.wait_idle()
    assert [p["type"] for p in receiver.payloads()] == ["CustomerCreated"]


async def test_change_subscriptions_deliver_resource_created_and_updated(
    ctp: Ctp, emulator: Emulator, receiver: Receiver
) -> None:
    await subscribe(ctp, messages=[], changes=[{"resourceTypeId": "cart"}])
    token = await ctp.anonymous_token()
    cart = await ctp.my_cart(token, [(TSHIRT_M, 1)])
    await ctp.update_my_cart(token, cart, {"action": "setLocale", "locale": "de"})
    assert emulator.pubsub.wait_idle()
    notifications = receiver.payloads()
    assert [(n["notificationType"], n["version"]) for n in notifications] == [
        ("ResourceCreated", 1),
        ("ResourceUpdated", 2),
    ]
    assert notifications[1]["oldVersion"] == 1
    assert notifications[0]["resource"] == {"typeId": "cart", "id": cart["id"]}


async def test_a_refused_delivery_is_retried_with_backoff_until_acknowledged(
    ctp: Ctp, emulator: Emulator, receiver: Receiver
) -> None:
    receiver.failures = 3
    await subscribe(ctp)
    await place_order(ctp)
    assert emulator.pubsub.wait_idle()
    [payload] = receiver.payloads()
    assert payload["type"] == "OrderCreated"
    attempts = [r for r in emulator.pubsub.deliveries if r.message_id]
    assert [r.status for r in attempts] == [503, 503, 503, 200]
    assert [r.attempt for r in attempts] == [0, 1, 2, 3]
    assert len({r.message_id for r in attempts}) == 1  # the same message each time


async def test_an_endpoint_that_never_acknowledges_ends_in_the_dead_letters(
    ctp: Ctp, emulator: Emulator, receiver: Receiver
) -> None:
    receiver.failures = 1_000
    emulator.pubsub.max_attempts = 4
    await subscribe(ctp)
    await place_order(ctp)
    assert emulator.pubsub.wait_idle()
    assert len(emulator.pubsub.dead_letters) == 1
    assert receiver.received == []


async def test_an_unreachable_endpoint_is_retried_too(ctp: Ctp, emulator: Emulator) -> None:
    emulator.pubsub.retry_initial_seconds = 0.01
    emulator.pubsub.max_attempts = 3
    emulator.pubsub.add_push_subscription(TOPIC, "http://127.0.0.1:9/push")
    await subscribe(ctp)
    await place_order(ctp)
    assert emulator.pubsub.wait_idle()
    assert [r.status for r in emulator.pubsub.deliveries] == [None, None, None]


async def test_publishing_never_waits_for_the_endpoint(
    ctp: Ctp, emulator: Emulator, receiver: Receiver
) -> None:
    """Delivery runs on its own thread: a slow endpoint does not slow the API down."""
    await subscribe(ctp)
    receiver.delay = 5.0
    token = await ctp.customer_token(DEMO_EMAIL, DEMO_PASSWORD)
    cart = await ctp.my_cart(token, [(TSHIRT_M, 1)], shippingAddress={"country": "DE"})
    started = time.monotonic()
    await ctp.post("/me/orders", token, {"id": cart["id"], "version": cart["version"]}, expect=201)
    # Far below the endpoint's 5 s: the order did not wait for the delivery.
    assert time.monotonic() - started < 4.0
    assert emulator.pubsub.wait_idle()
    assert [p["type"] for p in receiver.payloads()] == ["OrderCreated"]


async def test_push_subscriptions_are_managed_over_the_admin_routes(
    http: httpx.AsyncClient, emulator: Emulator
) -> None:
    created = await http.post(
        "/_emulator/pubsub/subscriptions",
        json={
            "topic": TOPIC,
            "name": "bff",
            "pushConfig": {
                "pushEndpoint": "http://127.0.0.1:1/x",
                "authorizationHeader": "Bearer abcdefgh",
            },
        },
    )
    assert created.status_code == 201
    assert created.json()["pushConfig"]["authorizationHeader"] == "****efgh"
    listed = (await http.get("/_emulator/pubsub/subscriptions")).json()["subscriptions"]
    assert [s["name"] for s in listed] == ["projects/shop-gcp/subscriptions/bff"]
    bad = await http.post("/_emulator/pubsub/subscriptions", json={"topic": "nope"})
    assert bad.status_code == 400
    await http.post("/_emulator/reset")
    assert emulator.pubsub.push_subscriptions() == []
