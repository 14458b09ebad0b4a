"""The webhook routes: `POST /webhooks/extensions` (commercetools API Extension) and
`POST /webhooks/events` (Subscription messages, usually by Google Pub/Sub push).

Everything comes from WebhookContainer (no browser, no session), named by provider name so that
this package need not import the containers module. Bad input gets a 4xx or, where
a redelivery could never help, an acknowledgement; nothing here answers 500 for it.
"""

from __future__ import annotations

import logging
import time

from dependency_injector.wiring import Provide, inject
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute, Route

from app.observability.metrics import webhook_delivery
from app.payments.provider import InvalidNotification
from webhooks.auth import EventAuthenticator, SharedSecret, Unauthorized, bearer_token
from webhooks.cart_rules import CartRejected, CartRules
from webhooks.envelope import NotADelivery, UnusableDelivery, decode_delivery
from webhooks.events import EventProcessor, Outcome
from webhooks.extension_input import BadExtensionInput, read_extension_input
from webhooks.http_io import BodyTooLarge, read_body
from webhooks.ledger import LedgerUnavailable
from webhooks.payments import PaymentNotifications, PaymentOutcome

log = logging.getLogger(__name__)

_UNAUTHORIZED_HEADERS = {"WWW-Authenticate": "Bearer"}


def _extension_errors(status: int, message: str, code: str = "InvalidInput") -> JSONResponse:
    headers = _UNAUTHORIZED_HEADERS if status == 401 else None
    return JSONResponse(
        {"errors": [{"code": code, "message": message}]}, status_code=status, headers=headers
    )


@inject
async def api_extension(
    request: Request,
    secret: SharedSecret = Provide["shared_secret"],
    rules: CartRules = Provide["cart_rules"],
) -> Response:
    started = time.perf_counter()
    try:
        secret.check(bearer_token(request.headers))
    except Unauthorized as exc:
        log.warning("API Extension call refused: %s", exc)
        return _extension_errors(401, "Unauthorized.", code="Unauthorized")
    try:
        extension_input = read_extension_input(await read_body(request))
    except BodyTooLarge:
        return _extension_errors(413, "The body is too large.")
    except BadExtensionInput as exc:
        log.warning("API Extension input refused: %s", exc)
        return _extension_errors(400, str(exc))
    if extension_input.type_id != "cart":
        # Registered for more than carts by mistake: blocking those writes would not help.
        log.warning("API Extension called for a %s: no rules, no actions", extension_input.type_id)
        return JSONResponse({"actions": []})
    try:
        actions = await rules.actions_for(extension_input.obj)
    except CartRejected as rejected:
        log.info("cart %s refused: %s", extension_input.resource_id or "(new)", rejected)
        webhook_delivery("extensions", "refused", time.perf_counter() - started)
        return JSONResponse({"errors": rejected.errors}, status_code=400)
    webhook_delivery("extensions", "handled", time.perf_counter() - started)
    log.info(
        "cart %s %s: %d action(s) in %.1f ms",
        extension_input.resource_id or "(new)",
        extension_input.action,
        len(actions),
        (time.perf_counter() - started) * 1000,
    )
    return JSONResponse({"actions": actions})


@inject
async def subscription_events(
    request: Request,
    authenticator: EventAuthenticator = Provide["event_authenticator"],
    processor: EventProcessor = Provide["event_processor"],
) -> Response:
    started = time.perf_counter()
    try:
        await authenticator.check(request.headers)
    except Unauthorized as exc:
        webhook_delivery("events", "unauthorized", time.perf_counter() - started)
        log.warning("event delivery refused: %s", exc)
        return JSONResponse(
            {"error": "unauthorized"}, status_code=401, headers=_UNAUTHORIZED_HEADERS
        )
    try:
        delivery = decode_delivery(await read_body(request))
    except BodyTooLarge:
        return JSONResponse({"error": "the body is too large"}, status_code=413)
    except NotADelivery as exc:
        log.warning("event delivery refused: %s", exc)
        return JSONResponse({"error": str(exc)}, status_code=400)
    except UnusableDelivery as exc:
        log.warning("Pub/Sub message %s acknowledged unused: %s", exc.transport_id, exc)
        return JSONResponse({"status": Outcome.IGNORED.value, "detail": str(exc)})
    try:
        result = await processor.process(delivery.payload)
    except LedgerUnavailable as exc:
        # Without the shared ledger nobody can tell whether another instance has the message:
        # refuse it, and Pub/Sub delivers it again.
        log.error("event ledger unavailable: %s", exc)
        webhook_delivery("events", "ledger_unavailable", time.perf_counter() - started)
        return JSONResponse({"error": "temporarily unavailable"}, status_code=503)
    webhook_delivery("events", result.outcome.value, time.perf_counter() - started)
    log.info(
        "event %s (Pub/Sub %s): %s, %s",
        delivery.payload.get("id"),
        delivery.transport_id,
        result.outcome.value,
        result.detail,
    )
    status = 200
    if result.outcome is Outcome.BUSY:
        status = 409
    elif result.outcome is Outcome.FAILED:
        status = 503
    return JSONResponse(
        {"status": result.outcome.value, "detail": result.detail}, status_code=status
    )


@inject
async def stripe_notifications(
    request: Request,
    notifications: PaymentNotifications = Provide["payment_notifications"],
) -> Response:
    """Stripe's signed events; answered 2xx once handled (or useless), else Stripe retries."""
    started = time.perf_counter()
    provider = notifications.provider
    if provider is None or provider.name != "stripe":
        return JSONResponse({"error": "no such endpoint"}, status_code=404)
    try:
        body = await read_body(request)
    except BodyTooLarge:
        return JSONResponse({"error": "the body is too large"}, status_code=413)
    try:
        notification = provider.parse_notification(body, request.headers)
    except InvalidNotification as exc:
        log.warning("payment notification refused: %s", exc)
        return JSONResponse({"error": "invalid notification"}, status_code=400)
    if notification.payment is None:
        return JSONResponse({"status": PaymentOutcome.IGNORED.value})
    try:
        outcome = await notifications.handle(notification.id, notification.payment)
    except LedgerUnavailable as exc:
        log.error("event ledger unavailable: %s", exc)
        return JSONResponse({"error": "temporarily unavailable"}, status_code=503)
    log.info("payment notification %s (%s): %s", notification.id, notification.kind, outcome.value)
    webhook_delivery("payments", outcome.value, time.perf_counter() - started)
    status = {PaymentOutcome.BUSY: 409, PaymentOutcome.FAILED: 503}.get(outcome, 200)
    return JSONResponse({"status": outcome.value}, status_code=status)


def webhook_paths() -> list[str]:
    return [str(getattr(route, "path", "")) for route in webhook_routes()]


def webhook_routes() -> list[BaseRoute]:
    return [
        Route("/webhooks/payments/stripe", stripe_notifications, methods=["POST"]),
        Route("/webhooks/extensions", api_extension, methods=["POST"]),
        Route("/webhooks/events", subscription_events, methods=["POST"]),
    ]
