"""Subscriptions (`/subscriptions`) and the Messages they deliver.

A Subscription names a destination and what to send: `messages` ([{resourceTypeId, types?}],
no types meaning all of that resource type) and/or `changes` ([{resourceTypeId}]: the
ResourceCreated/ResourceUpdated notifications). The emulator delivers only to
`GoogleCloudPubSub` destinations (`projectId`, `topic`), through its Pub/Sub stand-in
(emulator/pubsub.py), in the Platform format: the MessageDeliveryPayload is the Message plus
`notificationType` and `projectKey`.

Messages carry `id`, `version`, `sequenceNumber` (per resource, from 1), `resource`,
`resourceVersion`, `resourceUserProvidedIdentifiers`, `type`, `createdAt`, `lastModifiedAt` and
their type's payload (`order`, `customer`, `reset`, ...).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from emulator.errors import invalid_input, invalid_json
from emulator.hooks import Action, MessageSpec
from emulator.jsonio import Json, as_object, opt_list, opt_obj, req_obj, req_str
from emulator.keyed import KeyedResources, check_key
from emulator.pubsub import topic_name
from emulator.resources import new_resource, reference
from emulator.state import Emulator

DESTINATION_TYPES = ("GoogleCloudPubSub",)
# What each Message type carries besides the common fields, from the resource or the extras.
_PAYLOAD_FIELD = {"OrderCreated": "order", "CustomerCreated": "customer"}
_IDENTIFIERS = ("key", "externalId", "orderNumber", "customerNumber", "sku")


# -- the resource -------------------------------------------------------------------------------


def _destination(value: Any) -> Json:
    destination = as_object(value, "destination")
    kind = req_str(destination, "type", "destination")
    if kind not in DESTINATION_TYPES:
        raise invalid_input(
            f"The emulator delivers only to {', '.join(DESTINATION_TYPES)} destinations, "
            f"not '{kind}'."
        )
    return {
        "type": kind,
        "projectId": req_str(destination, "projectId", "destination"),
        "topic": req_str(destination, "topic", "destination"),
    }


def _message_subscriptions(value: Any) -> list[Json]:
    found = []
    for item in value if isinstance(value, list) else []:
        entry = as_object(item, "messages")
        subscription: Json = {"resourceTypeId": req_str(entry, "resourceTypeId", "messages")}
        types = opt_list(entry, "types", "messages")
        if not all(isinstance(t, str) for t in types):
            raise invalid_json("messages -> types: JSON strings expected.")
        subscription["types"] = list(types)
        found.append(subscription)
    return found


def _change_subscriptions(value: Any) -> list[Json]:
    return [
        {"resourceTypeId": req_str(as_object(item, "changes"), "resourceTypeId", "changes")}
        for item in (value if isinstance(value, list) else [])
    ]


def _format(draft: Json) -> Json:
    wanted = opt_obj(draft, "format") or {"type": "Platform"}
    if wanted.get("type") != "Platform":
        raise invalid_input("The emulator delivers only the Platform format.")
    return {"type": "Platform"}


def build_subscription(emulator: Emulator, draft: Json) -> Json:
    if not isinstance(draft.get("messages"), list | None) or not isinstance(
        draft.get("changes"), list | None
    ):
        raise invalid_json("messages and changes: JSON arrays expected.")
    messages = _message_subscriptions(draft.get("messages"))
    changes = _change_subscriptions(draft.get("changes"))
    if not messages and not changes:
        raise invalid_input("A Subscription needs at least one of 'messages' or 'changes'.")
    subscription: Json = {**new_resource(emulator)}
    if draft.get("key") is not None:
        subscription["key"] = check_key(draft["key"])
    subscription.update(
        {
            "destination": _destination(req_obj(draft, "destination")),
            "messages": messages,
            "changes": changes,
            "format": _format(draft),
            "status": "Healthy",
        }
    )
    return subscription


def _set_key(emulator: Emulator, subscription: Json, action: Json) -> None:
    if action.get("key") is None:
        subscription.pop("key", None)
    else:
        subscription["key"] = check_key(action["key"])


def _change_destination(emulator: Emulator, subscription: Json, action: Json) -> None:
    subscription["destination"] = _destination(req_obj(action, "destination", "actions"))


def _set_messages(emulator: Emulator, subscription: Json, action: Json) -> None:
    subscription["messages"] = _message_subscriptions(action.get("messages"))


def _set_changes(emulator: Emulator, subscription: Json, action: Json) -> None:
    subscription["changes"] = _change_subscriptions(action.get("changes"))


SUBSCRIPTIONS = KeyedResources(
    type_name="Subscription",
    scope="manage_subscriptions",
    store=lambda emulator: emulator.subscriptions,
    build=build_subscription,
    actions={
        "setKey": _set_key,
        "changeDestination": _change_destination,
        "setMessages": _set_messages,
        "setChanges": _set_changes,
    },
)


def routes() -> list[Any]:
    return SUBSCRIPTIONS.routes("/subscriptions")


# -- messages -----------------------------------------------------------------------------------


def _identifiers(resource: Json) -> Json:
    return {name: resource[name] for name in _IDENTIFIERS if isinstance(resource.get(name), str)}


def build_message(
    emulator: Emulator, type_id: str, resource: Json, message_type: str, extra: Json
) -> Json:
    now = emulator.now_iso()
    message: Json = {
        "id": emulator.new_id(),
        "version": 1,
        "sequenceNumber": emulator.next_message_sequence(resource["id"]),
        "resource": reference(type_id, resource["id"]),
        "resourceVersion": resource["version"],
        "type": message_type,
        "createdAt": now,
        "lastModifiedAt": now,
    }
    identifiers = _identifiers(resource)
    if identifiers:
        message["resourceUserProvidedIdentifiers"] = identifiers
    field = _PAYLOAD_FIELD.get(message_type)
    if field is not None:
        message[field] = resource
    message.update(extra)
    return message


def _wants_message(subscription: Json, type_id: str, message_type: str) -> bool:
    return any(
        entry["resourceTypeId"] == type_id
        and (not entry["types"] or message_type in entry["types"])
        for entry in subscription["messages"]
    )


def _wants_change(subscription: Json, type_id: str) -> bool:
    return any(entry["resourceTypeId"] == type_id for entry in subscription["changes"])


def _change_notification(emulator: Emulator, type_id: str, action: Action, resource: Json) -> Json:
    notification: Json = {
        "notificationType": "ResourceCreated" if action == "Create" else "ResourceUpdated",
        "projectKey": emulator.config.project_key,
        "resource": reference(type_id, resource["id"]),
        "version": resource["version"],
        "modifiedAt": resource.get("lastModifiedAt", emulator.now_iso()),
    }
    if action == "Update":
        notification["oldVersion"] = int(resource["version"]) - 1
    identifiers = _identifiers(resource)
    if identifiers:
        notification["resourceUserProvidedIdentifiers"] = identifiers
    return notification


def publish(
    emulator: Emulator,
    type_id: str,
    action: Action,
    resource: Json,
    messages: Sequence[MessageSpec],
) -> None:
    """Build the Messages of a stored change (every one, as commercetools numbers them whether
    or not someone subscribed) and queue each for the Subscriptions that want it."""
    with emulator.lock:
        built = []
        for spec in messages:
            name, extra = (spec, {}) if isinstance(spec, str) else spec
            built.append(build_message(emulator, type_id, resource, name, extra))
        for subscription in list(emulator.subscriptions.values()):
            destination = subscription["destination"]
            topic = topic_name(destination["projectId"], destination["topic"])
            for message in built:
                if _wants_message(subscription, type_id, message["type"]):
                    payload = {
                        "notificationType": "Message",
                        "projectKey": emulator.config.project_key,
                        **message,
                    }
                    emulator.pubsub.publish(topic, payload)
            if _wants_change(subscription, type_id):
                emulator.pubsub.publish(
                    topic, _change_notification(emulator, type_id, action, resource)
                )
