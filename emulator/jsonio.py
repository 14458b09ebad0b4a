"""Reading request bodies and fields, turning every shape problem into commercetools' 400.

Handlers never index a body directly: a missing field or a wrong type must become
InvalidJsonInput (with `detailedErrorMessage` naming the path), never a KeyError and a 500.
"""

from __future__ import annotations

import json
from typing import Any

from starlette.requests import Request

from emulator.errors import CtpApiError, invalid_input, invalid_json

Json = dict[str, Any]


async def read_json(request: Request) -> Any:
    raw = await request.body()
    if not raw.strip():
        raise invalid_json("No content to map due to end-of-input")
    try:
        return json.loads(raw)
    except (ValueError, UnicodeDecodeError) as exc:
        raise invalid_json(f"Malformed JSON: {exc}") from None


async def read_object(request: Request) -> Json:
    body = await read_json(request)
    return as_object(body, "")


def _path(path: str, name: str) -> str:
    return f"{path} -> {name}" if path else name


def as_object(value: Any, path: str) -> Json:
    if not isinstance(value, dict):
        raise invalid_json(f"{path or 'body'}: JSON object expected.")
    return value


def _missing(path: str) -> CtpApiError:
    return invalid_json(f"{path}: Missing required value")


def req_str(obj: Json, name: str, path: str = "") -> str:
    value = obj.get(name)
    if value is None:
        raise _missing(_path(path, name))
    if not isinstance(value, str):
        raise invalid_json(f"{_path(path, name)}: JSON string expected.")
    return value


def opt_str(obj: Json, name: str, path: str = "") -> str | None:
    if obj.get(name) is None:
        return None
    return req_str(obj, name, path)


def req_int(obj: Json, name: str, path: str = "") -> int:
    value = obj.get(name)
    if value is None:
        raise _missing(_path(path, name))
    # JSON true/false are bools in Python, which are ints: reject them explicitly.
    if isinstance(value, bool) or not isinstance(value, int):
        raise invalid_json(f"{_path(path, name)}: JSON number (integer) expected.")
    return value


def opt_int(obj: Json, name: str, path: str = "") -> int | None:
    if obj.get(name) is None:
        return None
    return req_int(obj, name, path)


def opt_bool(obj: Json, name: str, path: str = "") -> bool | None:
    value = obj.get(name)
    if value is None:
        return None
    if not isinstance(value, bool):
        raise invalid_json(f"{_path(path, name)}: JSON boolean expected.")
    return value


def req_obj(obj: Json, name: str, path: str = "") -> Json:
    value = obj.get(name)
    if value is None:
        raise _missing(_path(path, name))
    return as_object(value, _path(path, name))


def opt_obj(obj: Json, name: str, path: str = "") -> Json | None:
    if obj.get(name) is None:
        return None
    return req_obj(obj, name, path)


def req_list(obj: Json, name: str, path: str = "") -> list[Any]:
    value = obj.get(name)
    if value is None:
        raise _missing(_path(path, name))
    if not isinstance(value, list):
        raise invalid_json(f"{_path(path, name)}: JSON array expected.")
    return value


def opt_list(obj: Json, name: str, path: str = "") -> list[Any]:
    if obj.get(name) is None:
        return []
    return req_list(obj, name, path)


def opt_objects(obj: Json, name: str, path: str = "") -> list[Json]:
    items = opt_list(obj, name, path)
    return [as_object(item, _path(path, name)) for item in items]


def update_body(body: Json) -> tuple[int, list[Json]]:
    """The {"version", "actions"} of every update request."""
    version = req_int(body, "version")
    actions = [as_object(a, "actions") for a in req_list(body, "actions")]
    for action in actions:
        req_str(action, "action", "actions")
    return version, actions


def unknown_action(action: Json) -> CtpApiError:
    return invalid_json(f"actions -> action: Unknown action '{action.get('action')}'")


def version_param(request: Request) -> int:
    """The `version` query parameter of a DELETE."""
    raw = request.query_params.get("version")
    if raw is None:
        raise invalid_input("Missing required query parameter 'version'.")
    try:
        return int(raw)
    except ValueError:
        raise invalid_input(f"Malformed parameter: version: '{raw}' is not a number.") from None
