"""The stand-in's Starlette app: Stripe's `/v1/...` routes the shop uses, the 3-D Secure page,
CORS for the browser's publishable-key calls, Stripe's error answers.

Keys: server calls send `Authorization: Bearer {secret key}`; the browser, as Stripe.js does,
sends the publishable key (the bearer header or a `key` form field) with the intent's
`client_secret`, and may then only read and confirm that intent.
"""

from __future__ import annotations

import html
import json
import logging
import time
from collections.abc import Awaitable, Callable
from typing import Any
from urllib.parse import urlencode

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.middleware.cors import CORSMiddleware
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from starlette.routing import Route

from emulator.stripe_standin.errors import StripeApiError, invalid_request
from emulator.stripe_standin.events import EventSender
from emulator.stripe_standin.forms import FormError, decode_form
from emulator.stripe_standin.state import StandInState

log = logging.getLogger(__name__)

Json = dict[str, Any]
_MAX_BODY = 256 * 1024


class StripeStandIn:
    """One stand-in: its state and the sender of its events."""

    def __init__(
        self,
        state: StandInState | None = None,
        *,
        retry_delays: tuple[float, ...] | None = None,
    ) -> None:
        self.state = state or StandInState()
        # Signatures carry real time: the receiver checks them against its own clock.
        self.events = EventSender(clock=time.time)
        if retry_delays is not None:
            self.events.retry_delays = retry_delays

    def publish_emitted(self) -> None:
        for event_type, intent in self.state.take_emitted():
            self.events.publish(event_type, intent)


class _Caller:
    def __init__(self, api_key: str, secret: bool) -> None:
        self.api_key = api_key
        self.secret = secret


def _unauthorized(message: str) -> StripeApiError:
    return StripeApiError(401, "invalid_request_error", message)


async def _read(request: Request) -> tuple[str, Json]:
    raw = await request.body()
    if len(raw) > _MAX_BODY:
        raise invalid_request("Request body too large.")
    text = raw.decode("utf-8", errors="replace")
    query = request.url.query
    try:
        params = decode_form(query) if request.method == "GET" else decode_form(text)
    except FormError as exc:
        raise invalid_request(f"Invalid parameter: {exc.param}", param=exc.param) from None
    return text, params


def _caller(request: Request, params: Json, stand_in: StripeStandIn) -> _Caller:
    header = request.headers.get("authorization", "")
    key = header[7:].strip() if header.lower().startswith("bearer ") else params.pop("key", "")
    if not key:
        raise _unauthorized(
            "You did not provide an API key. You need to provide your API key in the "
            "Authorization header, using Bearer auth "
            "(e.g. 'Authorization: Bearer YOUR_SECRET_KEY')."
        )
    state = stand_in.state
    if key == state.secret_key:
        return _Caller(key, secret=True)
    if key == state.publishable_key:
        return _Caller(key, secret=False)
    shown = f"{key[:8]}{'*' * max(0, len(key) - 12)}{key[-4:]}" if len(key) > 12 else "***"
    raise _unauthorized(f"Invalid API Key provided: {shown}")


def _secret_only(caller: _Caller) -> None:
    if not caller.secret:
        raise _unauthorized(
            "This API call cannot be made with a publishable API key. Please use a secret API "
            "key. You can find a list of your API keys at https://dashboard.stripe.com/account/apikeys."
        )


Handler = Callable[[Request, StripeStandIn, _Caller, Json], Json]


def _api(handler: Handler) -> Callable[[Request], Awaitable[Response]]:
    """Authentication, idempotency keys, Stripe's error answers, then the events that the call
    caused."""

    async def endpoint(request: Request) -> Response:
        stand_in: StripeStandIn = request.app.state.stand_in
        try:
            text, params = await _read(request)
            caller = _caller(request, params, stand_in)
            key = request.headers.get("idempotency-key")
            if request.method != "POST" or not key:
                return JSONResponse(handler(request, stand_in, caller, params))
            fingerprint = (request.method, request.url.path, text)
            stored = stand_in.state.replay(key, fingerprint, caller.api_key)
            if stored is not None:
                return JSONResponse(
                    stored.body, stored.status, headers={"Idempotent-Replayed": "true"}
                )
            try:
                body = handler(request, stand_in, caller, params)
                status = 200
            except StripeApiError as exc:
                body, status = exc.body(), exc.status_code
            stand_in.state.remember(key, fingerprint, caller.api_key, status, body)
            return JSONResponse(body, status, headers={"Idempotency-Key": key})
        except StripeApiError as exc:
            return JSONResponse(exc.body(), exc.status_code)
        finally:
            stand_in.publish_emitted()

    return endpoint


def _base_url(request: Request) -> str:
    return str(request.base_url).rstrip("/")


def _create_intent(request: Request, s: StripeStandIn, caller: _Caller, params: Json) -> Json:
    _secret_only(caller)
    return s.state.create_intent(params, _base_url(request))


def _own_intent(request: Request, s: StripeStandIn, caller: _Caller, params: Json) -> Json:
    intent = s.state.intent(request.path_params["intent"])
    if not caller.secret:
        s.state.check_client_secret(intent, params.get("client_secret"))
    return intent


def _retrieve_intent(request: Request, s: StripeStandIn, caller: _Caller, params: Json) -> Json:
    return dict(_own_intent(request, s, caller, params))


def _update_intent(request: Request, s: StripeStandIn, caller: _Caller, params: Json) -> Json:
    _secret_only(caller)
    return s.state.update(request.path_params["intent"], params)


def _confirm_intent(request: Request, s: StripeStandIn, caller: _Caller, params: Json) -> Json:
    intent = _own_intent(request, s, caller, params)
    return s.state.confirm(intent["id"], params, _base_url(request))


def _cancel_intent(request: Request, s: StripeStandIn, caller: _Caller, params: Json) -> Json:
    _secret_only(caller)
    return s.state.cancel(request.path_params["intent"])


def _capture_intent(request: Request, s: StripeStandIn, caller: _Caller, params: Json) -> Json:
    _secret_only(caller)
    return s.state.capture(request.path_params["intent"])


def _create_refund(request: Request, s: StripeStandIn, caller: _Caller, params: Json) -> Json:
    _secret_only(caller)
    return s.state.refund(params)


def _create_webhook_endpoint(
    request: Request, s: StripeStandIn, caller: _Caller, params: Json
) -> Json:
    _secret_only(caller)
    url = params.get("url")
    if not isinstance(url, str) or not url.startswith(("http://", "https://")):
        raise invalid_request("Invalid URL: url must be an http(s) URL.", param="url")
    events = params.get("enabled_events") or ["*"]
    if not isinstance(events, list):
        raise invalid_request("Invalid array", param="enabled_events")
    endpoint = s.events.add_endpoint(url, enabled_events=tuple(str(e) for e in events))
    # Stripe shows the signing secret only in the answer to the creation.
    return {**endpoint.as_json(), "secret": endpoint.secret}


async def _authenticate_page(request: Request) -> Response:
    """The 3-D Secure challenge a bank would show: one button completes it."""
    intent_id = html.escape(request.path_params["intent"])
    secret = html.escape(request.query_params.get("client_secret", ""))
    return_url = html.escape(request.query_params.get("return_url", ""))
    page = (
        "<!doctype html><meta charset=utf-8><title>3-D Secure (Stripe stand-in)</title>"
        f"<h1>Authenticate payment {intent_id}</h1>"
        f'<form method=post><input type=hidden name=client_secret value="{secret}">'
        f'<input type=hidden name=return_url value="{return_url}">'
        "<button>Complete authentication</button></form>"
    )
    return HTMLResponse(page)


async def _authenticate(request: Request) -> Response:
    stand_in: StripeStandIn = request.app.state.stand_in
    form = decode_form((await request.body()).decode("utf-8", errors="replace"))
    try:
        intent = stand_in.state.authenticate(
            request.path_params["intent"], str(form.get("client_secret", ""))
        )
    except StripeApiError as exc:
        return JSONResponse(exc.body(), exc.status_code)
    finally:
        stand_in.publish_emitted()
    return_url = str(form.get("return_url") or "")
    if return_url.startswith(("http://", "https://")):
        query = urlencode(
            {
                "payment_intent": intent["id"],
                "payment_intent_client_secret": intent["client_secret"],
                "redirect_status": "succeeded" if intent["status"] != "canceled" else "failed",
            }
        )
        joiner = "&" if "?" in return_url else "?"
        return RedirectResponse(f"{return_url}{joiner}{query}", status_code=303)
    return JSONResponse(intent)


async def _root(request: Request) -> Response:
    return JSONResponse({"stand_in": "stripe", "object": "list", "data": []})


async def _http_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, HTTPException)
    error = invalid_request(f"Unrecognized request URL ({request.method}: {request.url.path}).")
    return JSONResponse(error.body(), 404 if exc.status_code in (404, 405) else exc.status_code)


async def _server_error(request: Request, exc: Exception) -> Response:
    log.exception("stripe stand-in failed")
    body = {"error": {"type": "api_error", "message": "An unknown error occurred."}}
    return JSONResponse(body, 500)


def create_stripe_app(stand_in: StripeStandIn | None = None) -> Starlette:
    stand_in = stand_in or StripeStandIn()
    routes = [
        Route("/", _root, methods=["GET"]),
        Route("/v1/payment_intents", _api(_create_intent), methods=["POST"]),
        Route("/v1/payment_intents/{intent}", _api(_retrieve_intent), methods=["GET"]),
        Route("/v1/payment_intents/{intent}", _api(_update_intent), methods=["POST"]),
        Route("/v1/payment_intents/{intent}/confirm", _api(_confirm_intent), methods=["POST"]),
        Route("/v1/payment_intents/{intent}/cancel", _api(_cancel_intent), methods=["POST"]),
        Route("/v1/payment_intents/{intent}/capture", _api(_capture_intent), methods=["POST"]),
        Route("/v1/refunds", _api(_create_refund), methods=["POST"]),
        Route("/v1/webhook_endpoints", _api(_create_webhook_endpoint), methods=["POST"]),
        Route("/_stand-in/authenticate/{intent}", _authenticate_page, methods=["GET"]),
        Route("/_stand-in/authenticate/{intent}", _authenticate, methods=["POST"]),
    ]
    app = Starlette(
        routes=routes,
        middleware=[
            # Stripe's API answers browsers from any origin: publishable keys are public.
            Middleware(
                CORSMiddleware,
                allow_origins=["*"],
                allow_methods=["GET", "POST"],
                allow_headers=["Authorization", "Content-Type", "Idempotency-Key"],
            )
        ],
        exception_handlers={HTTPException: _http_error, Exception: _server_error},
    )
    app.state.stand_in = stand_in
    return app


def dumps(body: Json) -> str:
    return json.dumps(body, separators=(",", ":"))
