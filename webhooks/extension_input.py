"""Reading commercetools' API Extension input: `{"action": "Create"|"Update",
"resource": {"typeId", "id", "obj"}}`, `obj` being the resource as it would be stored."""

from __future__ import annotations

import json
from dataclasses import dataclass

from app.ctp.json import Json
from app.json_nesting import TooDeeplyNested, check_nesting

ACTIONS = ("Create", "Update")


class BadExtensionInput(ValueError):
    pass


@dataclass(frozen=True, slots=True)
class ExtensionInput:
    action: str
    type_id: str
    resource_id: str | None
    obj: Json


def read_extension_input(body: bytes) -> ExtensionInput:
    try:
        check_nesting(body)
        document = json.loads(body)
    except TooDeeplyNested as exc:
        raise BadExtensionInput(f"The body is {exc}.") from exc
    except (UnicodeDecodeError, ValueError) as exc:
        raise BadExtensionInput("The body is not JSON.") from exc
    if not isinstance(document, dict):
        raise BadExtensionInput("The body is not a JSON object.")
    action = document.get("action")
    if action not in ACTIONS:
        raise BadExtensionInput(f"'action' must be one of {', '.join(ACTIONS)}.")
    resource = document.get("resource")
    if not isinstance(resource, dict):
        raise BadExtensionInput("'resource' is missing or not an object.")
    type_id, obj = resource.get("typeId"), resource.get("obj")
    if not isinstance(type_id, str) or not type_id:
        raise BadExtensionInput("'resource.typeId' is missing.")
    if not isinstance(obj, dict):
        raise BadExtensionInput("'resource.obj' is missing or not an object.")
    resource_id = resource.get("id")
    return ExtensionInput(
        action, type_id, resource_id if isinstance(resource_id, str) else None, obj
    )
