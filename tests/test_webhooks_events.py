"""POST /webhooks/events over HTTP: authentication (shared secret, Pub/Sub OIDC), envelopes,
bad input, idempotency, ordering, and redelivery after a failing handler."""

from __future__ import annotations

import asyncio
import copy
import threading
import uuid
from collections.abc import AsyncIterator, Callable
from datetime import UTC, datetime
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import httpx
import pytest
from dependency_injector import providers

from app.ctp.json import Json
from app.mailer import MailDeliveryError, Mailer
from emulator import carts, customers, orders
from emulator.state import Emulator
from tests.conftest import RunningService
from tests.support.webhooks import (
    AUDIENCE,
    SECRET,
    SERVICE_ACCOUNT,
    SigningKey,
    bearer,
    envelope,
    message,
)

pytestmark = pytest.mark.anyio

EVENTS = "/webhooks/events"


class RecordingTransport:
    """Keeps what the mailer sends; fails the first `failures` deliveries; may hold each
    delivery until `gate` is set."""

    def __init__(self, failures: int = 0, gate: threading.Event | None = None) -> None:
        self.failures = failures
        self.gate = gate
        self.sent: list[EmailMessage] = []

    async def deliver(self, mail: EmailMessage) -> None:
        if self.gate is not None:
            # A thread event: the mailer runs on the service's loop, the test on its own.
            await asyncio.to_thread(self.gate.wait, 30)
        if self.failures > 0:
            self.failures -= 1
            raise MailDeliveryError("the SMTP server is down")
        self.sent.append(mail)


class RecordingRevoker:
    def __init__(self) -> None:
        self.calls: list[tuple[str, float | None]] = []

    async def end_sessions_of(
        self, customer_id: str, *, signed_in_before: float | None = None
    ) -> int:
        self.calls.append((customer_id, signed_in_before))
        return 1


@pytest.fixture
def events_service(
    start_service: Callable[..., RunningService], tmp_path: Path
) -> Callable[..., RunningService]:
    def start(**overrides: Any) -> RunningService:
        return start_service(
            webhook_secret=SECRET, mail_outbox_dir=tmp_path / "outbox", **overrides
        )

    return start


@pytest.fixture
async def http() -> AsyncIterator[Callable[[RunningService], httpx.AsyncClient]]:
    clients: list[httpx.AsyncClient] = []

    def client(service: RunningService) -> httpx.AsyncClient:
        created = httpx.AsyncClient(base_url=service.url, timeout=30)
        clients.append(created)
        return created

    yield client
    for created in clients:
        await created.aclose()


def use_transport(service: RunningService, transport: RecordingTransport) -> None:
    service.app.state.webhook_container.mailer.override(
        providers.Object(Mailer(transport, "shop <shop@example.com>"))
    )


def use_revoker(service: RunningService) -> RecordingRevoker:
    revoker = RecordingRevoker()
    service.app.state.webhook_container.session_revoker.override(providers.Object(revoker))
    return revoker


def placed_order(emulator: Emulator, email: str = "buyer@example.com") -> Json:
    """A real order JSON, as the emulator (commercetools) would put it into OrderCreated."""
    with emulator.lock:
        cart = carts.create_cart(
            emulator,
            {
                "currency": "EUR",
                "country": "DE",
                "customerEmail": email,
                "lineItems": [{"sku": "TSHIRT-CLASSIC-BLUE-M", "quantity": 3}],
                "shippingAddress": {"country": "DE", "city": "Berlin", "firstName": "Erika"},
            },
        )
        number = f"T-{uuid.uuid4().hex[:6]}"
        order: Json = orders.create_order(emulator, cart, cart["version"], {"orderNumber": number})
        return copy.deepcopy(order)


def a_customer(emulator: Emulator) -> Json:
    with emulator.lock:
        return copy.deepcopy(emulator.customers[customers.DEMO_CUSTOMER_ID])


def order_created(order: Json, **kwargs: Any) -> Json:
    return message("OrderCreated", "order", order["id"], order=order, **kwargs)


# -- authentication -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "headers",
    [
        {},
        {"Authorization": "Bearer wrong-secret"},
        {"Authorization": f"Basic {SECRET}"},
        {"Authorization": f"Bearer {SECRET}x"},
        {"Authorization": "Bearer"},
    ],
)
async def test_events_without_the_secret_are_refused(
    events_service: Callable[..., RunningService],
    http: Callable[[RunningService], httpx.AsyncClient],
    headers: dict[str, str],
) -> None:
    service = events_service()
    transport = RecordingTransport()
    use_transport(service, transport)
    order = placed_order(service.emulator)
    response = await http(service).post(
        EVENTS, json=envelope(order_created(order)), headers=headers
    )
    assert response.status_code == 401
    assert response.headers["www-authenticate"] == "Bearer"
    assert transport.sent == []


@pytest.fixture
def signing_key() -> SigningKey:
    return SigningKey.generate()


@pytest.fixture
def oidc_service(
    events_service: Callable[..., RunningService], signing_key: SigningKey, tmp_path: Path
) -> RunningService:
    return events_service(
        pubsub_audience=AUDIENCE,
        pubsub_jwks_file=signing_key.write_jwks(tmp_path / "jwks.json"),
        pubsub_service_account_email=SERVICE_ACCOUNT,
    )


async def test_a_google_signed_token_for_the_audience_is_accepted(
    oidc_service: RunningService,
    http: Callable[[RunningService], httpx.AsyncClient],
    signing_key: SigningKey,
) -> None:
    transport = RecordingTransport()
    use_transport(oidc_service, transport)
    order = placed_order(oidc_service.emulator)
    response = await http(oidc_service).post(
        EVENTS, json=envelope(order_created(order)), headers=bearer(signing_key.token())
    )
    assert response.status_code == 200, response.text
    assert response.json()["status"] == "handled"
    assert [m["To"] for m in transport.sent] == ["buyer@example.com"]
    # The shared secret still works beside it.
    again = await http(oidc_service).post(
        EVENTS, json=envelope(order_created(order)), headers=bearer(SECRET)
    )
    assert again.status_code == 200


@pytest.mark.parametrize(
    "claims",
    [
        {"aud": "https://someone-else.example.com/push"},
        {"iss": "https://evil.example.com"},
        {"lifetime": -120},
        {"email": "someone@evil.example.com"},
        {"email_verified": False},
        {"exp": None},
    ],
    ids=["wrong-audience", "wrong-issuer", "expired", "other-account", "unverified", "no-exp"],
)
async def test_tokens_for_another_audience_issuer_account_or_time_are_refused(
    oidc_service: RunningService,
    http: Callable[[RunningService], httpx.AsyncClient],
    signing_key: SigningKey,
    claims: dict[str, Any],
) -> None:
    order = placed_order(oidc_service.emulator)
    response = await http(oidc_service).post(
        EVENTS, json=envelope(order_created(order)), headers=bearer(signing_key.token(**claims))
    )
    assert response.status_code == 401


async def test_tokens_signed_by_another_key_or_with_another_algorithm_are_refused(
    oidc_service: RunningService,
    http: Callable[[RunningService], httpx.AsyncClient],
    signing_key: SigningKey,
) -> None:
    import jwt

    client = http(oidc_service)
    body = envelope(order_created(placed_order(oidc_service.emulator)))
    impostor = SigningKey(signing_key.kid, SigningKey.generate().private)
    unknown_kid = SigningKey.generate(kid="not-published")
    hmac_token = jwt.encode(
        {"aud": AUDIENCE, "iss": "https://accounts.google.com", "exp": 4_102_444_800, "iat": 1},
        SECRET,
        algorithm="HS256",
        headers={"kid": signing_key.kid},
    )
    for token in (impostor.token(), unknown_kid.token(), hmac_token, "a.b.c"):
        response = await client.post(EVENTS, json=body, headers=bearer(token))
        assert response.status_code == 401, token


async def test_without_an_audience_tokens_are_not_accepted_at_all(
    events_service: Callable[..., RunningService],
    http: Callable[[RunningService], httpx.AsyncClient],
    signing_key: SigningKey,
) -> None:
    service = events_service()
    order = placed_order(service.emulator)
    response = await http(service).post(
        EVENTS, json=envelope(order_created(order)), headers=bearer(signing_key.token())
    )
    assert response.status_code == 401


# -- envelopes and bad input --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("content", "status"),
    [
        (b"{not json", 400),
        (b"[1, 2]", 400),
        (b'"text"', 400),
        (b'{"hello": "world"}', 400),
        (b'{"message": {"messageId": "7"}}', 200),
        (b'{"message": {"data": "%%% not base64 %%%"}}', 200),
        (b'{"message": {"data": "bm90IGpzb24="}}', 200),
        (b'{"message": {"data": "eyJhIjogMX0="}}', 200),
    ],
    ids=[
        "malformed-json",
        "array",
        "string",
        "unknown-shape",
        "envelope-without-data",
        "data-not-base64",
        "data-not-json",
        "data-not-a-payload",
    ],
)
async def test_bad_bodies_get_a_clear_4xx_or_an_acknowledgement_never_a_500(
    events_service: Callable[..., RunningService],
    http: Callable[[RunningService], httpx.AsyncClient],
    content: bytes,
    status: int,
) -> None:
    service = events_service()
    response = await http(service).post(
        EVENTS, content=content, headers={**bearer(SECRET), "Content-Type": "application/json"}
    )
    assert response.status_code == status, response.text
    body = response.json()
    if status == 200:
        # Pub/Sub would redeliver a refused message for days; this one can never succeed.
        assert body["status"] == "ignored"
    else:
        assert body["error"]


async def test_an_oversized_body_is_refused(
    events_service: Callable[..., RunningService],
    http: Callable[[RunningService], httpx.AsyncClient],
) -> None:
    service = events_service()
    response = await http(service).post(
        EVENTS, content=b" " * (10 * 1024 * 1024 + 1), headers=bearer(SECRET)
    )
    assert response.status_code == 413


@pytest.mark.parametrize(
    "payload",
    [
        message("ProductPublished", "product", "p-1"),
        message("OrderShipmentStateChanged", "order", "o-1"),
        message("OrderCreated", "cart", "c-1"),
        {
            "notificationType": "ResourceCreated",
            "projectKey": "demo",
            "version": 1,
            "resource": {"typeId": "order", "id": "o-1"},
            "modifiedAt": "2026-01-01T00:00:00Z",
        },
        {"notificationType": "Message", "type": "OrderCreated", "resource": {"typeId": "order"}},
    ],
    ids=["unknown-resource", "unknown-type", "type-on-wrong-resource", "change", "incomplete"],
)
async def test_messages_nobody_handles_are_acknowledged(
    events_service: Callable[..., RunningService],
    http: Callable[[RunningService], httpx.AsyncClient],
    payload: Json,
) -> None:
    service = events_service()
    transport = RecordingTransport()
    use_transport(service, transport)
    response = await http(service).post(EVENTS, json=envelope(payload), headers=bearer(SECRET))
    assert response.status_code == 200
    assert response.json()["status"] == "ignored"
    assert transport.sent == []


async def test_a_payload_that_does_not_fit_its_model_is_acknowledged_not_retried(
    events_service: Callable[..., RunningService],
    http: Callable[[RunningService], httpx.AsyncClient],
) -> None:
    service = events_service()
    transport = RecordingTransport()
    use_transport(service, transport)
    broken = message("OrderCreated", "order", "o-1", order={"id": 42})
    response = await http(service).post(EVENTS, json=envelope(broken), headers=bearer(SECRET))
    assert response.status_code == 200
    assert response.json()["status"] == "ignored"
    assert transport.sent == []


# -- the handlers -------------------------------------------------------------------------------


async def test_order_created_sends_the_confirmation_from_a_pubsub_envelope(
    events_service: Callable[..., RunningService],
    http: Callable[[RunningService], httpx.AsyncClient],
) -> None:
    service = events_service()
    transport = RecordingTransport()
    use_transport(service, transport)
    order = placed_order(service.emulator)
    response = await http(service).post(
        EVENTS, json=envelope(order_created(order)), headers=bearer(SECRET)
    )
    assert response.status_code == 200
    assert response.json()["status"] == "handled"
    [mail] = transport.sent
    assert mail["To"] == "buyer@example.com"
    assert mail["Subject"] == f"Your order {order['orderNumber']}"
    text = str(mail.get_content())
    assert "3 x Classic T-Shirt: 59.97 EUR" in text
    assert "Total: 59.97 EUR (including 9.58 EUR tax)" in text
    assert "Erika, Berlin, DE" in text


async def test_customer_created_sends_a_welcome_mail_from_a_bare_message(
    events_service: Callable[..., RunningService],
    http: Callable[[RunningService], httpx.AsyncClient],
) -> None:
    service = events_service()
    transport = RecordingTransport()
    use_transport(service, transport)
    customer = a_customer(service.emulator)
    payload = message("CustomerCreated", "customer", customer["id"], customer=customer)
    response = await http(service).post(EVENTS, json=payload, headers=bearer(SECRET))
    assert response.status_code == 200
    [mail] = transport.sent
    assert (mail["To"], mail["Subject"]) == ("demo@example.com", "Welcome")
    assert "Hello Jane" in str(mail.get_content())


async def test_password_updated_is_offered_to_the_session_layer(
    events_service: Callable[..., RunningService],
    http: Callable[[RunningService], httpx.AsyncClient],
) -> None:
    service = events_service()
    revoker = use_revoker(service)
    payload = message(
        "CustomerPasswordUpdated",
        "customer",
        "cust-1",
        sequence_number=4,
        reset=True,
        created_at="2026-01-01T10:00:00.000Z",
    )
    response = await http(service).post(EVENTS, json=envelope(payload), headers=bearer(SECRET))
    assert response.json()["status"] == "handled"
    assert revoker.calls == [("cust-1", 1_767_261_600.0)]


async def test_with_cookie_sessions_a_password_change_event_ends_the_older_sessions(
    events_service: Callable[..., RunningService],
    http: Callable[[RunningService], httpx.AsyncClient],
) -> None:
    """A password changed elsewhere (the Merchant Center, another storefront): cookies of
    sessions begun before the change are refused from then on, though no store holds them."""
    service = events_service(credential_failure_min_seconds=0)
    customer = a_customer(service.emulator)
    signed_in = (
        'mutation { signIn(email: "demo@example.com", password: "Demo-Passw0rd!") '
        "{ customer { id } userErrors { code } } }"
    )
    async with service.browser() as before, service.browser() as after:
        (await before.gql(signed_in)).ok()
        service.clock.advance(5)
        changed_at = datetime.fromtimestamp(service.clock(), UTC)
        service.clock.advance(5)
        (await after.gql(signed_in)).ok()
        payload = message(
            "CustomerPasswordUpdated",
            "customer",
            customer["id"],
            reset=False,
            created_at=changed_at.isoformat(timespec="milliseconds").replace("+00:00", "Z"),
        )
        response = await http(service).post(EVENTS, json=payload, headers=bearer(SECRET))
        assert response.json()["status"] == "handled"
        assert (await before.gql("{ me { id } }")).ok() == {"me": None}
        assert (await after.gql("{ me { id } }")).ok() == {"me": {"id": customer["id"]}}


# -- at least once, at most once in effect ------------------------------------------------------


async def test_a_duplicate_delivery_is_acknowledged_and_handled_once(
    events_service: Callable[..., RunningService],
    http: Callable[[RunningService], httpx.AsyncClient],
) -> None:
    service = events_service()
    transport = RecordingTransport()
    use_transport(service, transport)
    payload = order_created(placed_order(service.emulator))
    client = http(service)
    first = await client.post(EVENTS, json=envelope(payload, pubsub_id="1"), headers=bearer(SECRET))
    # Pub/Sub redelivers under a new messageId; the commercetools message id is what counts.
    second = await client.post(
        EVENTS, json=envelope(payload, pubsub_id="2"), headers=bearer(SECRET)
    )
    third = await client.post(EVENTS, json=payload, headers=bearer(SECRET))
    assert [r.status_code for r in (first, second, third)] == [200, 200, 200]
    assert [r.json()["status"] for r in (first, second, third)] == [
        "handled",
        "duplicate",
        "duplicate",
    ]
    assert len(transport.sent) == 1


async def test_a_failing_handler_answers_non_2xx_and_the_redelivery_succeeds(
    events_service: Callable[..., RunningService],
    http: Callable[[RunningService], httpx.AsyncClient],
) -> None:
    service = events_service()
    transport = RecordingTransport(failures=2)
    use_transport(service, transport)
    body = envelope(order_created(placed_order(service.emulator)))
    client = http(service)
    answers = [await client.post(EVENTS, json=body, headers=bearer(SECRET)) for _ in range(4)]
    assert [r.status_code for r in answers] == [503, 503, 200, 200]
    assert [r.json()["status"] for r in answers] == ["failed", "failed", "handled", "duplicate"]
    assert len(transport.sent) == 1


async def test_a_delivery_arriving_while_the_same_message_is_handled_is_not_acknowledged(
    events_service: Callable[..., RunningService],
    http: Callable[[RunningService], httpx.AsyncClient],
) -> None:
    service = events_service()
    gate = threading.Event()
    transport = RecordingTransport(gate=gate)
    use_transport(service, transport)
    body = envelope(order_created(placed_order(service.emulator)))
    client = http(service)
    first = asyncio.create_task(client.post(EVENTS, json=body, headers=bearer(SECRET)))
    await asyncio.sleep(0.3)  # the first is now waiting inside the mailer
    second = await client.post(EVENTS, json=body, headers=bearer(SECRET))
    assert second.status_code == 409  # not acknowledged: Pub/Sub tries again later
    gate.set()
    assert (await first).status_code == 200
    assert len(transport.sent) == 1


async def test_an_older_message_arriving_after_a_newer_one_does_not_undo_it(
    events_service: Callable[..., RunningService],
    http: Callable[[RunningService], httpx.AsyncClient],
) -> None:
    service = events_service()
    revoker = use_revoker(service)
    client = http(service)
    newer = message("CustomerPasswordUpdated", "customer", "cust-9", sequence_number=5, reset=False)
    older = message("CustomerPasswordUpdated", "customer", "cust-9", sequence_number=3, reset=True)
    other = message("CustomerPasswordUpdated", "customer", "cust-8", sequence_number=2, reset=True)
    statuses = []
    for payload in (newer, older, other):
        response = await client.post(EVENTS, json=envelope(payload), headers=bearer(SECRET))
        assert response.status_code == 200
        statuses.append(response.json()["status"])
    assert statuses == ["handled", "superseded", "handled"]
    # The late #3 would have ended sessions signed in after #5's change: it did nothing.
    assert [customer for customer, _ in revoker.calls] == ["cust-9", "cust-8"]


async def test_a_notification_arriving_late_is_still_sent(
    events_service: Callable[..., RunningService],
    http: Callable[[RunningService], httpx.AsyncClient],
) -> None:
    """Out of order the other way: an order's later message first, then its OrderCreated.
    Sending the confirmation replaces nothing, so it must not be dropped."""
    service = events_service()
    transport = RecordingTransport()
    use_transport(service, transport)
    order = placed_order(service.emulator)
    client = http(service)
    later = message("OrderStateChanged", "order", order["id"], sequence_number=2)
    created = order_created(order, sequence_number=1)
    assert (await client.post(EVENTS, json=later, headers=bearer(SECRET))).status_code == 200
    response = await client.post(EVENTS, json=created, headers=bearer(SECRET))
    assert response.json()["status"] == "handled"
    assert len(transport.sent) == 1
