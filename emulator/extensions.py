"""API Extensions (`/extensions`) and calling them.

An Extension has an `HTTP` destination (`url`, optional `authentication`: `AuthorizationHeader`
with `headerValue`, or `AzureFunctions` with `key`), `triggers` ([{resourceTypeId, actions:
["Create"|"Update"], condition?}]) and `timeoutInMs` (default and maximum 2000; 10000 for
payments). Secrets are shown masked when read back.

Calling (`triggered` under the lock, `call` without it): the extension gets
`{"action", "resource": {"typeId", "id", "obj"}}` and answers
- 200/201 with `{"actions": [...]}` (at most 100; no body means none): the actions are applied
  as if part of the request (`apply_actions`); one that fails makes the request fail with
  400 `ExtensionUpdateActionsFailed`;
- 400 with `{"errors": [{"code", "message", ...}]}`: the request fails with 400 and those
  errors, each marked with `errorByExtension` {id, key};
- anything else, or unparseable JSON: 502 `ExtensionBadResponse`;
- nothing within `timeoutInMs`, or no connection: 504 `ExtensionNoResponse`.
"""

from __future__ import annotations

import asyncio
import functools
import json
import logging
import ssl
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

import httpx

from emulator.errors import CtpApiError, invalid_input, invalid_json
from emulator.hooks import Action as HookAction
from emulator.jsonio import Json, as_object, opt_int, opt_str, req_list, req_obj, req_str
from emulator.keyed import KeyedResources, check_key
from emulator.query import matches, parse_predicate
from emulator.resources import new_resource, working_copy
from emulator.state import Emulator

log = logging.getLogger(__name__)
Action = Callable[[Emulator, Json, Json], None]

RESOURCE_TYPES = (
    "cart",
    "order",
    "payment",
    "customer",
    "quote-request",
    "staged-quote",
    "quote",
    "business-unit",
    "shopping-list",
)
ACTIONS = ("Create", "Update")
MAX_ACTIONS = 100
_DEFAULT_TIMEOUT_MS = 2000
_PAYMENT_TIMEOUT_MS = 10_000


# -- the resource -------------------------------------------------------------------------------


def _mask(secret: str) -> str:
    return "****" + secret[-4:] if len(secret) > 8 else "****"


def _destination(emulator: Emulator, extension_id: str, value: Any) -> Json:
    destination = as_object(value, "destination")
    kind = req_str(destination, "type", "destination")
    if kind != "HTTP":
        raise invalid_input(f"The emulator calls only HTTP destinations, not '{kind}'.")
    url = req_str(destination, "url", "destination")
    if urlsplit(url).scheme not in ("http", "https") or not urlsplit(url).netloc:
        raise invalid_input(f"The destination url '{url}' is not an http(s) URL.")
    shown: Json = {"type": "HTTP", "url": url}
    secrets: Json = {}
    authentication = destination.get("authentication")
    if authentication is not None:
        auth = as_object(authentication, "destination -> authentication")
        auth_type = req_str(auth, "type", "destination -> authentication")
        if auth_type == "AuthorizationHeader":
            value = req_str(auth, "headerValue", "destination -> authentication")
            secrets = {"Authorization": value}
            shown["authentication"] = {"type": auth_type, "headerValue": _mask(value)}
        elif auth_type == "AzureFunctions":
            value = req_str(auth, "key", "destination -> authentication")
            secrets = {"x-functions-key": value}
            shown["authentication"] = {"type": auth_type, "key": _mask(value)}
        else:
            raise invalid_json(f"destination -> authentication: Unknown type '{auth_type}'.")
    emulator.extension_secrets[extension_id] = secrets
    return shown


def _triggers(value: Any) -> list[Json]:
    if not isinstance(value, list) or not value:
        raise invalid_input("An Extension needs at least one trigger.")
    triggers = []
    for item in value:
        trigger = as_object(item, "triggers")
        resource_type = req_str(trigger, "resourceTypeId", "triggers")
        if resource_type not in RESOURCE_TYPES:
            raise invalid_json(f"triggers -> resourceTypeId: Unknown value '{resource_type}'.")
        actions = req_list(trigger, "actions", "triggers")
        if not actions or any(a not in ACTIONS for a in actions):
            raise invalid_json("triggers -> actions: 'Create' and/or 'Update' expected.")
        found: Json = {"resourceTypeId": resource_type, "actions": list(dict.fromkeys(actions))}
        condition = opt_str(trigger, "condition", "triggers")
        if condition is not None:
            parse_predicate(condition)  # a malformed predicate is refused now, not when called
            found["condition"] = condition
        triggers.append(found)
    return triggers


def _timeout(value: int | None, triggers: list[Json]) -> int:
    limit = (
        _PAYMENT_TIMEOUT_MS
        if any(t["resourceTypeId"] == "payment" for t in triggers)
        else _DEFAULT_TIMEOUT_MS
    )
    if value is None:
        return _DEFAULT_TIMEOUT_MS
    if not 1 <= value <= limit:
        raise invalid_input(f"timeoutInMs must be between 1 and {limit}.")
    return value


def build_extension(emulator: Emulator, draft: Json) -> Json:
    extension: Json = {**new_resource(emulator)}
    if draft.get("key") is not None:
        extension["key"] = check_key(draft["key"])
    triggers = _triggers(draft.get("triggers"))
    extension["destination"] = _destination(
        emulator, extension["id"], req_obj(draft, "destination")
    )
    extension["triggers"] = triggers
    extension["timeoutInMs"] = _timeout(opt_int(draft, "timeoutInMs"), triggers)
    return extension


def _set_key(emulator: Emulator, extension: Json, action: Json) -> None:
    if action.get("key") is None:
        extension.pop("key", None)
    else:
        extension["key"] = check_key(action["key"])


def _change_destination(emulator: Emulator, extension: Json, action: Json) -> None:
    extension["destination"] = _destination(
        emulator, extension["id"], req_obj(action, "destination", "actions")
    )


def _change_triggers(emulator: Emulator, extension: Json, action: Json) -> None:
    extension["triggers"] = _triggers(action.get("triggers"))
    extension["timeoutInMs"] = _timeout(extension["timeoutInMs"], extension["triggers"])


def _set_timeout(emulator: Emulator, extension: Json, action: Json) -> None:
    extension["timeoutInMs"] = _timeout(
        opt_int(action, "timeoutInMs", "actions"), extension["triggers"]
    )


def _forget_secrets(emulator: Emulator, extension: Json) -> None:
    emulator.extension_secrets.pop(extension["id"], None)


EXTENSIONS = KeyedResources(
    type_name="Extension",
    scope="manage_extensions",
    store=lambda emulator: emulator.extensions,
    build=build_extension,
    actions={
        "setKey": _set_key,
        "changeDestination": _change_destination,
        "changeTriggers": _change_triggers,
        "setTimeoutInMs": _set_timeout,
    },
    on_delete=lambda emulator, extension: _forget_secrets(emulator, extension),
)


def routes() -> list[Any]:
    return EXTENSIONS.routes("/extensions")


# -- calling ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Call:
    """One triggered extension, copied out of the store so it can be called without the lock."""

    extension_id: str
    key: str | None
    url: str
    headers: dict[str, str]
    timeout_seconds: float
    # Set when the URL is routed in-process (Emulator.extension_transports).
    transport: httpx.AsyncBaseTransport | None = None

    def marker(self) -> Json:
        found: Json = {"extensionId": self.extension_id}
        if self.key is not None:
            found["extensionKey"] = self.key
        return found


@dataclass(frozen=True)
class Answer:
    call: Call
    actions: list[Json]


def _condition_holds(condition: str | None, resource: Json, extension: Json) -> bool:
    if condition is None:
        return True
    try:
        return matches(condition, resource)
    except CtpApiError:
        raise CtpApiError(
            400,
            "ExtensionPredicateEvaluationFailed",
            f"The condition of the extension '{extension['id']}' could not be evaluated.",
            errorByExtension={"id": extension["id"], **_key_of(extension)},
        ) from None


def _key_of(extension: Json) -> Json:
    return {"key": extension["key"]} if "key" in extension else {}


def triggered(emulator: Emulator, type_id: str, action: HookAction, resource: Json) -> list[Call]:
    """The extensions this change triggers, oldest first. The caller holds the lock."""
    calls = []
    for extension in sorted(emulator.extensions.values(), key=lambda e: e["createdAt"]):
        if any(
            trigger["resourceTypeId"] == type_id
            and action in trigger["actions"]
            and _condition_holds(trigger.get("condition"), resource, extension)
            for trigger in extension["triggers"]
        ):
            calls.append(
                Call(
                    extension_id=extension["id"],
                    key=extension.get("key"),
                    url=extension["destination"]["url"],
                    headers=dict(emulator.extension_secrets.get(extension["id"], {})),
                    timeout_seconds=extension["timeoutInMs"] / 1000,
                    transport=emulator.extension_transport(extension["destination"]["url"]),
                )
            )
    return calls


async def call(calls: list[Call], action: HookAction, type_id: str, resource: Json) -> list[Answer]:
    """Call each extension with the same input (never under the emulator's lock)."""
    body = json.dumps(
        {"action": action, "resource": {"typeId": type_id, "id": resource["id"], "obj": resource}}
    ).encode()
    return [await _call_one(c, body) for c in calls]


@functools.cache
def _tls() -> ssl.SSLContext:
    """Built once: loading the CA bundle costs about 18 ms of CPU, which a client built per call
    paid on every cart write, and which made the embedded demo's call to its own extension the
    first thing to miss the 2 s limit under load (docs/emulator.md)."""
    return httpx.create_ssl_context()


async def _call_one(target: Call, body: bytes) -> Answer:
    headers = {"Content-Type": "application/json", **target.headers}
    try:
        async with asyncio.timeout(target.timeout_seconds):
            # No proxy or netrc from the environment: commercetools calls the URL as given.
            async with httpx.AsyncClient(
                follow_redirects=False, verify=_tls(), trust_env=False, transport=target.transport
            ) as client:
                response = await client.post(target.url, content=body, headers=headers)
    except (TimeoutError, httpx.HTTPError) as exc:
        log.info("extension %s did not answer: %r", target.extension_id, exc)
        raise CtpApiError(
            504,
            "ExtensionNoResponse",
            "The extension did not respond in time or could not be reached.",
            **target.marker(),
        ) from None
    if response.status_code in (200, 201):
        return Answer(target, _actions(target, response))
    if response.status_code == 400:
        raise _rejection(target, response)
    raise _bad_response(
        target, response, f"'{response.status_code}' is not an expected status code."
    )


def _parsed(target: Call, response: httpx.Response) -> Any:
    try:
        return response.json()
    except ValueError:
        raise _bad_response(
            target, response, "The extension did not return the expected JSON."
        ) from None


def _actions(target: Call, response: httpx.Response) -> list[Json]:
    if not response.content.strip():
        return []
    document = _parsed(target, response)
    actions = document.get("actions", []) if isinstance(document, dict) else None
    if not isinstance(actions, list) or not all(
        isinstance(a, dict) and isinstance(a.get("action"), str) for a in actions
    ):
        raise _bad_response(target, response, "The extension did not return the expected JSON.")
    if len(actions) > MAX_ACTIONS:
        raise _bad_response(
            target, response, f"The extension returned more than {MAX_ACTIONS} update actions."
        )
    return actions


def _rejection(target: Call, response: httpx.Response) -> CtpApiError:
    document = _parsed(target, response)
    errors = document.get("errors") if isinstance(document, dict) else None
    if (
        not isinstance(errors, list)
        or not errors
        or not all(
            isinstance(e, dict)
            and isinstance(e.get("code"), str)
            and isinstance(e.get("message"), str)
            for e in errors
        )
    ):
        return _bad_response(target, response, "The extension did not return the expected JSON.")
    marker = {"id": target.extension_id, **({"key": target.key} if target.key else {})}
    return ExtensionErrors([{**e, "errorByExtension": marker} for e in errors])


class ExtensionErrors(CtpApiError):
    """The errors an extension answered with, passed on to the caller, all of them."""

    def __init__(self, errors: list[Json]) -> None:
        first = errors[0]
        super().__init__(400, first["code"], first["message"])
        self.errors = errors

    def body(self) -> dict[str, Any]:
        return {"statusCode": 400, "message": self.message, "errors": self.errors}


def _bad_response(target: Call, response: httpx.Response, message: str) -> CtpApiError:
    return CtpApiError(
        502,
        "ExtensionBadResponse",
        message,
        extensionErrors=[],
        extensionBody=response.text[:10_000],
        extensionStatusCode=response.status_code,
        **target.marker(),
    )


def apply_actions(
    emulator: Emulator, resource: Json, answers: list[Answer], table: dict[str, Action]
) -> Json:
    """The resource with every extension's actions applied (caller holds the lock)."""
    work = working_copy(resource)
    for answer in answers:
        for action in answer.actions:
            handler = table.get(str(action["action"]))
            try:
                if handler is None:
                    raise invalid_json(f"actions -> action: Unknown action '{action['action']}'")
                handler(emulator, work, action)
            except CtpApiError as exc:
                raise CtpApiError(
                    400,
                    "ExtensionUpdateActionsFailed",
                    "The extension returned update actions that could not be executed.",
                    extensionErrors=[
                        {
                            "code": exc.code,
                            "message": exc.message,
                            **exc.extra,
                            **answer.call.marker(),
                        }
                    ],
                ) from None
    return work
