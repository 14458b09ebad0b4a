"""The stand-in's state and rules: PaymentIntents, refunds, idempotency keys, test cards.

Test payment methods, as Stripe's test mode names them:

- `pm_card_visa`: succeeds (or `requires_capture` with `capture_method=manual`);
- `pm_card_chargeDeclined`: 402 `card_error` `card_declined`, the intent back at
  `requires_payment_method`;
- `pm_card_authenticationRequired`: `requires_action` (3-D Secure); a second confirm, or the
  `next_action` page, completes it.
"""

from __future__ import annotations

import secrets
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote

from emulator.stripe_standin.errors import StripeApiError, invalid_request, missing, no_such

Json = dict[str, Any]

SECRET_KEY = "sk_test_standin"  # noqa: S105 - the stand-in's documented test key
PUBLISHABLE_KEY = "pk_test_standin"
WEBHOOK_SECRET = "whsec_standin"  # noqa: S105 - the stand-in's documented test secret
API_VERSION = "2026-10-28.stand-in"

VISA = "pm_card_visa"
DECLINED = "pm_card_chargeDeclined"
AUTHENTICATION_REQUIRED = "pm_card_authenticationRequired"
TEST_PAYMENT_METHODS = (VISA, DECLINED, AUTHENTICATION_REQUIRED)

# The largest amount Stripe takes (eight digits).
_MAX_AMOUNT = 99_999_999
_CONFIRMABLE = ("requires_payment_method", "requires_confirmation", "requires_action")
_CANCELABLE = (*_CONFIRMABLE, "requires_capture", "processing")


def new_id(prefix: str) -> str:
    return f"{prefix}_{secrets.token_hex(12)}"


@dataclass
class Stored:
    """What an idempotency key stands for: the request it came with and the answer given."""

    fingerprint: tuple[str, str, str]
    status: int
    body: Json


@dataclass
class StandInState:
    secret_key: str = SECRET_KEY
    publishable_key: str = PUBLISHABLE_KEY
    clock: Callable[[], float] = time.time
    intents: dict[str, Json] = field(default_factory=dict)
    refunds: dict[str, Json] = field(default_factory=dict)
    idempotency: dict[tuple[str, str], Stored] = field(default_factory=dict)
    # (event type, PaymentIntent) of everything that happened, for the event sender.
    emitted: list[tuple[str, Json]] = field(default_factory=list)
    lock: threading.RLock = field(default_factory=threading.RLock)

    # --- PaymentIntents -------------------------------------------------------------------

    def create_intent(self, params: Json, base_url: str) -> Json:
        amount = _amount(params)
        currency = params.get("currency")
        if not currency:
            raise missing("currency")
        if not (isinstance(currency, str) and len(currency) == 3 and currency.isalpha()):
            raise invalid_request(
                f"Invalid currency: {currency}.", code="parameter_invalid", param="currency"
            )
        capture = params.get("capture_method", "automatic")
        if capture not in ("automatic", "automatic_async", "manual"):
            raise invalid_request(
                f"Invalid capture_method: {capture}.",
                code="parameter_invalid",
                param="capture_method",
            )
        methods = params.get("payment_method_types") or ["card"]
        if not isinstance(methods, list) or methods != ["card"]:
            raise invalid_request(
                "The stand-in offers card payments only.",
                code="payment_method_type_invalid",
                param="payment_method_types",
            )
        metadata = params.get("metadata") or {}
        if not isinstance(metadata, dict):
            raise invalid_request("Invalid metadata.", param="metadata")
        intent_id = new_id("pi")
        intent: Json = {
            "id": intent_id,
            "object": "payment_intent",
            "amount": amount,
            "amount_capturable": 0,
            "amount_received": 0,
            "capture_method": "manual" if capture == "manual" else "automatic",
            "client_secret": f"{intent_id}_secret_{secrets.token_hex(12)}",
            "confirmation_method": "automatic",
            "created": int(self.clock()),
            "currency": currency.lower(),
            "last_payment_error": None,
            "latest_charge": None,
            "livemode": False,
            "metadata": {str(k): str(v) for k, v in metadata.items()},
            "next_action": None,
            "payment_method": None,
            "payment_method_types": methods,
            "status": "requires_payment_method",
        }
        with self.lock:
            self.intents[intent_id] = intent
            self.emitted.append(("payment_intent.created", dict(intent)))
        if params.get("confirm") in ("true", True):
            return self.confirm(intent_id, params, base_url)
        return dict(intent)

    def intent(self, intent_id: str) -> Json:
        found = self.intents.get(intent_id)
        if found is None:
            raise no_such("payment_intent", intent_id, "intent")
        return found

    def check_client_secret(self, intent: Json, client_secret: object) -> None:
        """Publishable-key calls must prove they hold the intent's client secret."""
        if client_secret != intent["client_secret"]:
            raise no_such("payment_intent", str(intent["id"]), "intent")

    def update(self, intent_id: str, params: Json) -> Json:
        with self.lock:
            intent = self.intent(intent_id)
            if "amount" in params:
                if intent["status"] not in _CONFIRMABLE:
                    raise _unexpected_state(intent, "update the amount of")
                intent["amount"] = _amount(params)
            metadata = params.get("metadata")
            if isinstance(metadata, dict):
                intent["metadata"].update({str(k): str(v) for k, v in metadata.items()})
            return dict(intent)

    def confirm(self, intent_id: str, params: Json, base_url: str) -> Json:
        with self.lock:
            intent = self.intent(intent_id)
            if intent["status"] not in _CONFIRMABLE:
                raise _unexpected_state(intent, "confirm")
            if intent["status"] == "requires_action" and "payment_method" not in params:
                # The shopper passed the 3-D Secure challenge.
                return self._authorised(intent)
            method = params.get("payment_method") or intent["payment_method"]
            if not method:
                raise missing("payment_method")
            if method not in TEST_PAYMENT_METHODS:
                raise no_such("PaymentMethod", str(method), "payment_method")
            intent["payment_method"] = method
            intent["last_payment_error"] = None
            intent["next_action"] = None
            if method == DECLINED:
                return self._declined(intent)
            if method == AUTHENTICATION_REQUIRED and intent["status"] != "requires_action":
                intent["status"] = "requires_action"
                intent["next_action"] = _authentication_action(intent, params, base_url)
                self.emitted.append(("payment_intent.requires_action", dict(intent)))
                return dict(intent)
            return self._authorised(intent)

    def authenticate(self, intent_id: str, client_secret: str) -> Json:
        """The 3-D Secure page's "Complete" button."""
        with self.lock:
            intent = self.intent(intent_id)
            self.check_client_secret(intent, client_secret)
            if intent["status"] != "requires_action":
                return dict(intent)
            return self._authorised(intent)

    def _authorised(self, intent: Json) -> Json:
        intent["next_action"] = None
        intent["latest_charge"] = new_id("ch")
        if intent["capture_method"] == "manual":
            intent["status"] = "requires_capture"
            intent["amount_capturable"] = intent["amount"]
            self.emitted.append(("payment_intent.amount_capturable_updated", dict(intent)))
        else:
            intent["status"] = "succeeded"
            intent["amount_received"] = intent["amount"]
            self.emitted.append(("payment_intent.succeeded", dict(intent)))
        return dict(intent)

    def _declined(self, intent: Json) -> Json:
        error: Json = {
            "type": "card_error",
            "code": "card_declined",
            "decline_code": "generic_decline",
            "message": "Your card was declined.",
            "charge": new_id("ch"),
            "payment_method": {"id": intent["payment_method"], "object": "payment_method"},
        }
        intent["status"] = "requires_payment_method"
        intent["last_payment_error"] = error
        intent["payment_method"] = None
        self.emitted.append(("payment_intent.payment_failed", dict(intent)))
        raise StripeApiError(
            402,
            "card_error",
            error["message"],
            code="card_declined",
            extra={
                "decline_code": "generic_decline",
                "charge": error["charge"],
                "payment_intent": dict(intent),
            },
        )

    def cancel(self, intent_id: str) -> Json:
        with self.lock:
            intent = self.intent(intent_id)
            if intent["status"] not in _CANCELABLE:
                raise _unexpected_state(intent, "cancel")
            intent["status"] = "canceled"
            intent["canceled_at"] = int(self.clock())
            intent["amount_capturable"] = 0
            intent["next_action"] = None
            self.emitted.append(("payment_intent.canceled", dict(intent)))
            return dict(intent)

    def capture(self, intent_id: str) -> Json:
        with self.lock:
            intent = self.intent(intent_id)
            if intent["status"] != "requires_capture":
                raise _unexpected_state(intent, "capture")
            intent["status"] = "succeeded"
            intent["amount_received"] = intent["amount_capturable"]
            intent["amount_capturable"] = 0
            self.emitted.append(("payment_intent.succeeded", dict(intent)))
            return dict(intent)

    # --- Refunds --------------------------------------------------------------------------

    def refund(self, params: Json) -> Json:
        intent_id = params.get("payment_intent")
        if not intent_id:
            raise missing("payment_intent")
        with self.lock:
            intent = self.intent(str(intent_id))
            if intent["status"] != "succeeded":
                raise invalid_request(
                    f"PaymentIntent {intent_id} does not have a successful charge to refund.",
                    code="charge_not_refundable",
                    param="payment_intent",
                )
            refunded = sum(
                r["amount"] for r in self.refunds.values() if r["payment_intent"] == intent_id
            )
            left = int(intent["amount_received"]) - refunded
            amount = _amount(params) if "amount" in params else left
            if amount > left or left <= 0:
                raise invalid_request(
                    f"Refund amount ({amount}) is greater than unrefunded amount on charge "
                    f"({left})",
                    code="amount_too_large",
                    param="amount",
                )
            refund: Json = {
                "id": new_id("re"),
                "object": "refund",
                "amount": amount,
                "charge": intent["latest_charge"],
                "created": int(self.clock()),
                "currency": intent["currency"],
                "payment_intent": intent_id,
                "status": "succeeded",
            }
            self.refunds[refund["id"]] = refund
            return dict(refund)

    # --- Idempotency ----------------------------------------------------------------------

    def replay(self, key: str, fingerprint: tuple[str, str, str], api_key: str) -> Stored | None:
        """The stored answer for a repeated key; a key reused for another request is an
        `idempotency_error`, as with Stripe."""
        with self.lock:
            stored = self.idempotency.get((api_key, key))
        if stored is None:
            return None
        if stored.fingerprint != fingerprint:
            raise StripeApiError(
                400,
                "idempotency_error",
                "Keys for idempotent requests can only be used with the same parameters they "
                "were first used with. Try using a key other than "
                f"'{key}' if you meant to execute a different request.",
            )
        return stored

    def remember(
        self, key: str, fingerprint: tuple[str, str, str], api_key: str, status: int, body: Json
    ) -> None:
        with self.lock:
            self.idempotency.setdefault((api_key, key), Stored(fingerprint, status, body))

    def take_emitted(self) -> list[tuple[str, Json]]:
        with self.lock:
            taken, self.emitted = self.emitted, []
        return taken


def _amount(params: Json) -> int:
    raw = params.get("amount")
    if raw is None or raw == "":
        raise missing("amount")
    try:
        amount = int(str(raw))
    except ValueError:
        raise invalid_request(
            "Invalid integer: " + str(raw), code="parameter_invalid_integer", param="amount"
        ) from None
    if not 1 <= amount <= _MAX_AMOUNT:
        raise invalid_request(
            "Amount must be at least 1 and at most 99999999.",
            code="amount_too_small" if amount < 1 else "amount_too_large",
            param="amount",
        )
    return amount


def _unexpected_state(intent: Json, verb: str) -> StripeApiError:
    return StripeApiError(
        400,
        "invalid_request_error",
        f"You cannot {verb} this PaymentIntent because it has a status of {intent['status']}.",
        code="payment_intent_unexpected_state",
        extra={"payment_intent": dict(intent)},
    )


def _authentication_action(intent: Json, params: Json, base_url: str) -> Json:
    page = (
        f"{base_url}/_stand-in/authenticate/{intent['id']}?client_secret={intent['client_secret']}"
    )
    return_url = params.get("return_url")
    if isinstance(return_url, str) and return_url:
        page += f"&return_url={quote(return_url, safe='')}"
        return {
            "type": "redirect_to_url",
            "redirect_to_url": {"url": page, "return_url": return_url},
        }
    return {
        "type": "use_stripe_sdk",
        "use_stripe_sdk": {"type": "three_d_secure_redirect", "stripe_js": page},
    }
