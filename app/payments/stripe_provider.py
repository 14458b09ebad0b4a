"""The Stripe adapter: PaymentIntents through Stripe's official library, on its async httpx
client (`StripeClient` + `HTTPXClient`, the `*_async` methods), so no call blocks the event loop.

The browser confirms a PaymentIntent itself (Stripe.js with the publishable key and the
intent's `client_secret`); the server creates, reads, cancels, captures and refunds, and reads
the signed events Stripe posts to `/webhooks/payments/stripe`.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from typing import Any, TypeVar

import httpx
import stripe

from app.payments.provider import (
    Decline,
    InvalidNotification,
    Notification,
    PaymentError,
    PaymentNotFound,
    PaymentRefused,
    PaymentRequest,
    PaymentStatus,
    PaymentUnavailable,
    ProviderPayment,
    Refund,
)

T = TypeVar("T")

_STATUSES = {
    "requires_payment_method": PaymentStatus.REQUIRES_PAYMENT_METHOD,
    "requires_confirmation": PaymentStatus.REQUIRES_CONFIRMATION,
    "requires_action": PaymentStatus.REQUIRES_ACTION,
    "processing": PaymentStatus.PROCESSING,
    "requires_capture": PaymentStatus.AUTHORIZED,
    "succeeded": PaymentStatus.SUCCEEDED,
    "canceled": PaymentStatus.CANCELED,
}
# Stripe's library retries connection errors and 5xx/429 answers, with the idempotency key it
# was given (or one it makes), so a retried create never makes two PaymentIntents.
_NETWORK_RETRIES = 2
_TIMEOUT_SECONDS = 20.0


class _TransportHttpxClient(stripe.HTTPXClient):
    """Stripe's httpx client over a given transport: the demo reaches the emulator's stand-in
    in-process, as it reaches the commercetools emulator."""

    def __init__(self, transport: httpx.AsyncBaseTransport, timeout: float) -> None:
        super().__init__(timeout=timeout)
        self._client_async = httpx.AsyncClient(transport=transport)


def payment_from_intent(intent: Mapping[str, Any]) -> ProviderPayment:
    """A PaymentIntent (Stripe's JSON) in the provider-neutral model."""
    status = _STATUSES.get(str(intent.get("status")))
    if status is None:
        raise PaymentError(f"PaymentIntent {intent.get('id')} has an unknown status")
    next_action = intent.get("next_action") or {}
    redirect = next_action.get("redirect_to_url") or {}
    error = intent.get("last_payment_error") or None
    decline = None
    if error:
        code = error.get("decline_code") or error.get("code") or "payment_failed"
        decline = Decline(code=str(code), message=str(error.get("message") or ""))
    return ProviderPayment(
        id=str(intent["id"]),
        status=status,
        amount=int(intent["amount"]),
        currency=str(intent["currency"]).upper(),
        client_secret=intent.get("client_secret"),
        redirect_url=redirect.get("url") if next_action.get("type") == "redirect_to_url" else None,
        last_decline=decline,
        metadata={str(k): str(v) for k, v in (intent.get("metadata") or {}).items()},
    )


async def _stripe_call(call: Callable[[], Awaitable[T]]) -> T:
    """Stripe's exceptions in the provider-neutral ones; their text is for the log only."""
    try:
        return await call()
    except (stripe.APIConnectionError, stripe.RateLimitError) as exc:
        raise PaymentUnavailable(f"Stripe did not answer: {exc}") from exc
    except stripe.InvalidRequestError as exc:
        if exc.http_status == 404:
            raise PaymentNotFound(str(exc)) from exc
        raise PaymentRefused(f"Stripe refused: {exc.code}: {exc}") from exc
    except (stripe.CardError, stripe.IdempotencyError) as exc:
        raise PaymentRefused(f"Stripe refused: {exc.code}: {exc}") from exc
    except (stripe.AuthenticationError, stripe.PermissionError) as exc:
        # The keys are wrong: the shop's problem, which the shopper can only wait out.
        raise PaymentUnavailable(f"Stripe refused the API key: {exc}") from exc
    except stripe.StripeError as exc:
        raise PaymentUnavailable(f"Stripe failed: {exc}") from exc


class StripePaymentProvider:
    name = "stripe"

    def __init__(
        self,
        *,
        secret_key: str,
        publishable_key: str | None,
        webhook_secret: str | None,
        api_base: str,
        capture_method: str = "automatic",
        transport: httpx.AsyncBaseTransport | None = None,
    ) -> None:
        http_client = (
            _TransportHttpxClient(transport, _TIMEOUT_SECONDS)
            if transport is not None
            else stripe.HTTPXClient(timeout=_TIMEOUT_SECONDS)
        )
        self._client = stripe.StripeClient(
            secret_key,
            base_addresses={"api": api_base},
            http_client=http_client,
            max_network_retries=_NETWORK_RETRIES,
        )
        self._http_client = http_client
        self._publishable_key = publishable_key
        self._webhook_secret = webhook_secret
        self._capture_method = capture_method

    @property
    def publishable_key(self) -> str | None:
        return self._publishable_key

    def methods(self, currency: str, country: str) -> tuple[str, ...]:
        # Cards work for every currency the shop sells in; wallets and local methods would need
        # the account's settings, which this shop does not use.
        return ("card",)

    async def create(self, request: PaymentRequest) -> ProviderPayment:
        params: dict[str, Any] = {
            "amount": request.amount,
            "currency": request.currency.lower(),
            "capture_method": self._capture_method,
            "payment_method_types": [request.method],
            "metadata": dict(request.metadata),
        }
        intent = await _stripe_call(
            lambda: self._client.v1.payment_intents.create_async(
                params,  # type: ignore[arg-type]
                {"idempotency_key": request.idempotency_key},
            )
        )
        return payment_from_intent(intent.to_dict())

    async def retrieve(self, payment_id: str) -> ProviderPayment:
        intent = await _stripe_call(
            lambda: self._client.v1.payment_intents.retrieve_async(payment_id)
        )
        return payment_from_intent(intent.to_dict())

    async def cancel(self, payment_id: str) -> ProviderPayment:
        intent = await _stripe_call(
            lambda: self._client.v1.payment_intents.cancel_async(payment_id)
        )
        return payment_from_intent(intent.to_dict())

    async def capture(self, payment_id: str) -> ProviderPayment:
        intent = await _stripe_call(
            lambda: self._client.v1.payment_intents.capture_async(payment_id)
        )
        return payment_from_intent(intent.to_dict())

    async def refund(self, payment_id: str, idempotency_key: str) -> Refund:
        refund = await _stripe_call(
            lambda: self._client.v1.refunds.create_async(
                {"payment_intent": payment_id}, {"idempotency_key": idempotency_key}
            )
        )
        return Refund(
            id=refund.id,
            amount=refund.amount,
            currency=refund.currency.upper(),
            succeeded=refund.status == "succeeded",
        )

    def parse_notification(self, body: bytes, headers: Mapping[str, str]) -> Notification:
        if not self._webhook_secret:
            raise InvalidNotification("STRIPE_WEBHOOK_SECRET is not set")
        signature = headers.get("stripe-signature")
        try:
            event = self._client.construct_event(body, signature, self._webhook_secret)
        except stripe.SignatureVerificationError as exc:
            raise InvalidNotification(f"bad Stripe-Signature: {exc}") from exc
        except (ValueError, KeyError, TypeError) as exc:
            raise InvalidNotification(f"not a Stripe event: {exc}") from exc
        raw = event.to_dict()
        obj = (raw.get("data") or {}).get("object") or {}
        payment = None
        if isinstance(obj, Mapping) and obj.get("object") == "payment_intent":
            try:
                payment = payment_from_intent(obj)
            except (KeyError, TypeError, ValueError, PaymentError) as exc:
                raise InvalidNotification(f"event {raw.get('id')}: {exc}") from exc
        return Notification(id=str(raw.get("id")), kind=str(raw.get("type")), payment=payment)

    async def aclose(self) -> None:
        await self._http_client.close_async()  # type: ignore[no-untyped-call]
