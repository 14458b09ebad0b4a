"""What this service registers in a commercetools project, as commercetools' JSON drafts: the
API Extension for carts and the Subscription for the messages it handles. The SDK command
(webhooks/registration.py) and the demo start-up (webhooks/demo.py) both use these."""

from __future__ import annotations

from app.ctp.json import Json
from webhooks.handlers import OrderConfirmation, PasswordChangeEndsSessions, WelcomeMail

EXTENSION_KEY = "ctp-bff-cart-rules"
SUBSCRIPTION_KEY = "ctp-bff-events"
EXTENSION_PATH = "/webhooks/extensions"
EVENTS_PATH = "/webhooks/events"
# commercetools waits at most 2 s for a cart extension.
EXTENSION_TIMEOUT_MS = 2000
_HANDLED = (OrderConfirmation, WelcomeMail, PasswordChangeEndsSessions)


def extension_draft(base_url: str, secret: str) -> Json:
    return {
        "key": EXTENSION_KEY,
        "destination": {
            "type": "HTTP",
            "url": base_url.rstrip("/") + EXTENSION_PATH,
            "authentication": {"type": "AuthorizationHeader", "headerValue": f"Bearer {secret}"},
        },
        "triggers": [{"resourceTypeId": "cart", "actions": ["Create", "Update"]}],
        "timeoutInMs": EXTENSION_TIMEOUT_MS,
    }


def handled_messages() -> list[Json]:
    """[{resourceTypeId, types}] of every message type a handler exists for."""
    by_resource: dict[str, list[str]] = {}
    for handler in _HANDLED:
        by_resource.setdefault(handler.resource_type_id, []).append(handler.message_type)
    return [{"resourceTypeId": rt, "types": types} for rt, types in sorted(by_resource.items())]


def subscription_draft(pubsub_project: str, pubsub_topic: str) -> Json:
    return {
        "key": SUBSCRIPTION_KEY,
        "destination": {
            "type": "GoogleCloudPubSub",
            "projectId": pubsub_project,
            "topic": pubsub_topic,
        },
        "messages": handled_messages(),
        "format": {"type": "Platform"},
    }
