"""What arrives at /webhooks/events: a Google Pub/Sub push envelope
(`{"message": {"data": <base64>, "messageId", "attributes", "publishTime"}, "subscription"}`)
or a commercetools Subscription payload posted as it is.

Two kinds of trouble, answered differently:
- `NotADelivery`: the body is neither (not JSON, wrong shape). Nothing Pub/Sub sends looks like
  this; the sender has a bug, and a 400 tells it so.
- `UnusableDelivery`: a well-formed envelope whose content can never be handled (no data, not
  base64, not a commercetools payload). Pub/Sub would redeliver it for days, so it is
  acknowledged and logged instead.
"""

from __future__ import annotations

import base64
import binascii
import json
from dataclasses import dataclass

from app.ctp.json import Json
from app.json_nesting import TooDeeplyNested, check_nesting


class NotADelivery(ValueError):
    pass


class UnusableDelivery(ValueError):
    def __init__(self, reason: str, transport_id: str | None) -> None:
        super().__init__(reason)
        self.transport_id = transport_id


@dataclass(frozen=True, slots=True)
class Delivery:
    payload: Json  # a commercetools DeliveryPayload (Message or change notification)
    transport_id: str | None  # the Pub/Sub messageId, for logs


def decode_delivery(body: bytes) -> Delivery:
    try:
        check_nesting(body)
        document = json.loads(body)
    except TooDeeplyNested as exc:
        raise NotADelivery(f"the body is {exc}") from exc
    except (UnicodeDecodeError, ValueError) as exc:
        raise NotADelivery("the body is not JSON") from exc
    if not isinstance(document, dict):
        raise NotADelivery("the body is not a JSON object")
    if isinstance(document.get("message"), dict):
        return _from_pubsub(document["message"])
    if _looks_like_payload(document):
        return Delivery(_unwrap_cloud_event(document), None)
    raise NotADelivery("neither a Pub/Sub push envelope nor a commercetools payload")


def _from_pubsub(message: Json) -> Delivery:
    transport_id = message.get("messageId") or message.get("message_id")
    transport_id = transport_id if isinstance(transport_id, str) else None
    data = message.get("data")
    if not isinstance(data, str) or not data:
        raise UnusableDelivery("the Pub/Sub message has no data", transport_id)
    try:
        decoded = base64.b64decode(data, validate=True)
        check_nesting(decoded)
        payload = json.loads(decoded)
    except TooDeeplyNested as exc:
        raise UnusableDelivery(f"the Pub/Sub data is {exc}", transport_id) from exc
    except (binascii.Error, UnicodeDecodeError, ValueError) as exc:
        raise UnusableDelivery("the Pub/Sub data is not base64-encoded JSON", transport_id) from exc
    if not isinstance(payload, dict) or not _looks_like_payload(payload):
        raise UnusableDelivery("the Pub/Sub data is not a commercetools payload", transport_id)
    return Delivery(_unwrap_cloud_event(payload), transport_id)


def _looks_like_payload(document: Json) -> bool:
    if "specversion" in document:  # CloudEventsFormat: the payload is in `data`
        return isinstance(document.get("data"), dict)
    return isinstance(document.get("notificationType"), str) or (
        isinstance(document.get("type"), str) and isinstance(document.get("resource"), dict)
    )


def _unwrap_cloud_event(document: Json) -> Json:
    if "specversion" in document:
        data: Json = document["data"]
        return data
    return document
