"""The Stripe adapter (Stripe's own library) against the emulator's Stripe stand-in, over HTTP:
PaymentIntents created with idempotency keys, confirmed by the browser with the publishable
key, declined, authenticated (3-D Secure), captured, cancelled, refunded; signed events."""

from __future__ import annotations

import asyncio
import json
from typing import Any

import httpx
import pytest
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from app.payments.provider import (
    InvalidNotification,
    PaymentNotFound,
    PaymentRefused,
    PaymentRequest,
    PaymentStatus,
    PaymentUnavailable,
)
from app.payments.stripe_provider import StripePaymentProvider
from emulator.stripe_standin.events import signature_header
from emulator.stripe_standin.state import PUBLISHABLE_KEY, SECRET_KEY
from tests.support.servers import ServerThread
from tests.support.stripe_standin import RunningStandIn, browser_confirms

pytestmark = pytest.mark.anyio

WEBHOOK_SECRET = "whsec_test_adapter"


def provider(stand_in: RunningStandIn, **overrides: Any) -> StripePaymentProvider:
    values: dict[str, Any] = {
        "secret_key": SECRET_KEY,
        "publishable_key": PUBLISHABLE_KEY,
        "webhook_secret": WEBHOOK_SECRET,
        "api_base": stand_in.url,
    }
    values.update(overrides)
    return StripePaymentProvider(**values)


def request(key: str = "cart-1:v3", amount: int = 4_599) -> PaymentRequest:
    return PaymentRequest(
        amount=amount, currency="EUR", idempotency_key=key, method="card", metadata={"cart": "1"}
    )


async def test_a_payment_is_created_once_per_idempotency_key(stand_in: RunningStandIn) -> None:
    stripe = provider(stand_in)
    first = await stripe.create(request())
    again = await stripe.create(request())
    other = await stripe.create(request("cart-1:v4"))
    assert first.id == again.id != other.id
    assert first.status is PaymentStatus.REQUIRES_PAYMENT_METHOD
    assert (first.amount, first.currency) == (4_599, "EUR")
    assert first.client_secret and first.client_secret.startswith(first.id + "_secret_")
    assert first.metadata == {"cart": "1"}
    # The same key for another amount is Stripe's idempotency_error, not a second payment.
    with pytest.raises(PaymentRefused):
        await stripe.create(request(amount=100))
    await stripe.aclose()


async def test_the_browser_confirms_with_the_publishable_key(stand_in: RunningStandIn) -> None:
    stripe = provider(stand_in)
    created = await stripe.create(request())
    assert created.client_secret is not None
    answer = await browser_confirms(stand_in.url, created.client_secret, "pm_card_visa")
    assert answer.status_code == 200, answer.text
    assert answer.json()["status"] == "succeeded"
    paid = await stripe.retrieve(created.id)
    assert paid.status is PaymentStatus.SUCCEEDED and paid.settled
    # The secret is the browser's only right to the intent.
    wrong = await browser_confirms(stand_in.url, created.id + "_secret_nope", "pm_card_visa")
    assert wrong.status_code == 404
    await stripe.aclose()


async def test_a_declined_card(stand_in: RunningStandIn) -> None:
    stripe = provider(stand_in)
    created = await stripe.create(request())
    assert created.client_secret is not None
    answer = await browser_confirms(stand_in.url, created.client_secret, "pm_card_chargeDeclined")
    assert answer.status_code == 402
    error = answer.json()["error"]
    assert (error["type"], error["code"], error["decline_code"]) == (
        "card_error",
        "card_declined",
        "generic_decline",
    )
    assert error["payment_intent"]["status"] == "requires_payment_method"
    failed = await stripe.retrieve(created.id)
    assert failed.status is PaymentStatus.REQUIRES_PAYMENT_METHOD and not failed.settled
    assert failed.last_decline is not None and failed.last_decline.code == "generic_decline"
    await stripe.aclose()


async def test_3d_secure_needs_an_action_which_the_confirm_step_completes(
    stand_in: RunningStandIn,
) -> None:
    stripe = provider(stand_in)
    created = await stripe.create(request())
    assert created.client_secret is not None
    answer = await browser_confirms(
        stand_in.url,
        created.client_secret,
        "pm_card_authenticationRequired",
        return_url="http://shop.test/checkout",
    )
    assert answer.json()["status"] == "requires_action"
    pending = await stripe.retrieve(created.id)
    assert pending.status is PaymentStatus.REQUIRES_ACTION
    assert pending.redirect_url is not None and "/_stand-in/authenticate/" in pending.redirect_url
    async with httpx.AsyncClient() as client:
        done = await client.post(
            pending.redirect_url.split("?")[0],
            data={
                "client_secret": created.client_secret,
                "return_url": "http://shop.test/checkout",
            },
        )
    assert done.status_code == 303
    assert "redirect_status=succeeded" in done.headers["location"]
    assert (await stripe.retrieve(created.id)).status is PaymentStatus.SUCCEEDED
    await stripe.aclose()


async def test_manual_capture_authorises_then_captures(stand_in: RunningStandIn) -> None:
    stripe = provider(stand_in, capture_method="manual")
    created = await stripe.create(request())
    assert created.client_secret is not None
    await browser_confirms(stand_in.url, created.client_secret, "pm_card_visa")
    assert (await stripe.retrieve(created.id)).status is PaymentStatus.AUTHORIZED
    assert (await stripe.capture(created.id)).status is PaymentStatus.SUCCEEDED
    await stripe.aclose()


async def test_refund_and_cancel(stand_in: RunningStandIn) -> None:
    stripe = provider(stand_in)
    paid = await stripe.create(request("a"))
    assert paid.client_secret is not None
    await browser_confirms(stand_in.url, paid.client_secret, "pm_card_visa")
    refund = await stripe.refund(paid.id, "refund-a")
    assert (refund.amount, refund.currency, refund.succeeded) == (4_599, "EUR", True)
    assert (await stripe.refund(paid.id, "refund-a")).id == refund.id
    with pytest.raises(PaymentRefused):
        await stripe.refund(paid.id, "refund-a-again")
    unpaid = await stripe.create(request("b"))
    assert (await stripe.cancel(unpaid.id)).status is PaymentStatus.CANCELED
    with pytest.raises(PaymentRefused):
        await stripe.cancel(unpaid.id)
    await stripe.aclose()


async def test_failures_are_the_providers_errors(stand_in: RunningStandIn) -> None:
    stripe = provider(stand_in)
    with pytest.raises(PaymentNotFound):
        await stripe.retrieve("pi_missing")
    await stripe.aclose()
    wrong_key = provider(stand_in, secret_key="sk_test_wrong")
    with pytest.raises(PaymentUnavailable):
        await wrong_key.retrieve("pi_missing")
    await wrong_key.aclose()
    gone = provider(stand_in, api_base="http://127.0.0.1:9")
    with pytest.raises(PaymentUnavailable):
        await gone.create(request())
    await gone.aclose()


async def test_signed_events_reach_the_endpoint_and_are_retried(stand_in: RunningStandIn) -> None:
    received: list[tuple[bytes, dict[str, str]]] = []
    answers = iter([503])

    async def endpoint(http_request: Request) -> JSONResponse:
        received.append((await http_request.body(), dict(http_request.headers)))
        return JSONResponse({}, status_code=next(answers, 200))

    with ServerThread(Starlette(routes=[Route("/hook", endpoint, methods=["POST"])])) as hook:
        async with httpx.AsyncClient() as client:
            registered = await client.post(
                f"{stand_in.url}/v1/webhook_endpoints",
                data={"url": f"{hook.url}/hook", "enabled_events[]": "payment_intent.succeeded"},
                headers={"Authorization": f"Bearer {SECRET_KEY}"},
            )
        secret = registered.json()["secret"]
        stripe = provider(stand_in, webhook_secret=secret)
        created = await stripe.create(request())
        assert created.client_secret is not None
        await browser_confirms(stand_in.url, created.client_secret, "pm_card_visa")
        for _ in range(100):
            if len(received) >= 2:
                break
            await asyncio.sleep(0.02)
        await stripe.aclose()
    assert len(received) == 2, "the 503 was retried, then nothing more"
    body, headers = received[1]
    notification = stripe.parse_notification(body, headers)
    assert notification.kind == "payment_intent.succeeded"
    assert notification.payment is not None and notification.payment.id == created.id
    assert notification.payment.status is PaymentStatus.SUCCEEDED
    assert notification.id == json.loads(received[0][0])["id"]

    tampered = body.replace(b'"succeeded"', b'"canceled"', 1)
    for bad_body, bad_headers in (
        (tampered, headers),
        (body, {"stripe-signature": signature_header(body, "whsec_other", 1)}),
        (body, {}),
        (b"not json", {"stripe-signature": signature_header(b"not json", secret, 10**10)}),
    ):
        with pytest.raises(InvalidNotification):
            stripe.parse_notification(bad_body, bad_headers)
