"""Project configuration resources addressed by id or by key (API Extensions, Subscriptions):
create, get, query, update and delete with commercetools' routes and version checks.

Each kind supplies how a draft becomes a resource and its update actions; the routes are the
same for all: `GET|POST {path}`, `GET|POST|DELETE {path}/{id}` and `{path}/key={key}`.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from emulator.auth import emulator_of, require_scope, require_token
from emulator.errors import CtpApiError, invalid_input, not_found
from emulator.indexed import IndexedStore
from emulator.jsonio import Json, read_object, unknown_action, update_body, version_param
from emulator.query import paged_query, query_source
from emulator.resources import changed, check_version, respond, working_copy
from emulator.state import Emulator
from emulator.stores import KEY_QUERY_HINTS

Action = Callable[[Emulator, Json, Json], None]

_KEY = re.compile(r"^[A-Za-z0-9_-]{2,256}$")


def check_key(value: Any) -> str:
    if not isinstance(value, str) or not _KEY.match(value):
        raise invalid_input(
            f"The key {value!r} is not valid: 2 to 256 characters of A-Z, a-z, 0-9, _ and -."
        )
    return value


@dataclass(frozen=True)
class KeyedResources:
    """`store` gives the emulator's dict of them; `build` turns a draft into a resource (the
    caller holds the lock; `id`, `version` and timestamps are set by `build` via
    `new_resource`); `on_delete` drops what the kind keeps beside the resource."""

    type_name: str
    scope: str
    # Indexed by "key" (stores.py).
    store: Callable[[Emulator], IndexedStore[Json]]
    build: Callable[[Emulator, Json], Json]
    actions: dict[str, Action]
    on_delete: Callable[[Emulator, Json], None] = lambda emulator, resource: None

    # -- operations (caller holds the lock) ------------------------------------------------------
    def by_key(self, emulator: Emulator, key: str) -> Json:
        resource = self.store(emulator).first("key", key)
        if resource is not None:
            return resource
        raise CtpApiError(
            404, "ResourceNotFound", f"The {self.type_name} with key '{key}' was not found."
        )

    def by_id(self, emulator: Emulator, resource_id: str) -> Json:
        resource = self.store(emulator).get(resource_id)
        if resource is None:
            raise not_found(resource_id)
        return resource

    def ensure_unique_key(self, emulator: Emulator, resource: Json) -> None:
        key = resource.get("key")
        if key is None:
            return
        holder = self.store(emulator).first("key", key)
        if holder is not None and holder["id"] != resource["id"]:
            raise CtpApiError(
                400,
                "DuplicateField",
                f"A duplicate value '\"{key}\"' exists for field 'key'.",
                field="key",
                duplicateValue=key,
            )

    def create(self, emulator: Emulator, draft: Json) -> Json:
        resource = self.build(emulator, draft)
        self.ensure_unique_key(emulator, resource)
        self.store(emulator)[resource["id"]] = resource
        return resource

    def update(self, emulator: Emulator, resource: Json, version: int, actions: list[Json]) -> Json:
        check_version(emulator, resource, version)
        if not actions:
            return resource
        work = working_copy(resource)
        for action in actions:
            handler = self.actions.get(str(action["action"]))
            if handler is None:
                raise unknown_action(action)
            handler(emulator, work, action)
        self.ensure_unique_key(emulator, work)
        stored = changed(emulator, work)
        self.store(emulator)[stored["id"]] = stored
        return stored

    def delete(self, emulator: Emulator, resource: Json, version: int) -> Json:
        check_version(emulator, resource, version)
        self.store(emulator).pop(resource["id"], None)
        self.on_delete(emulator, resource)
        return resource

    # -- routes ----------------------------------------------------------------------------------
    def routes(self, path: str) -> list[BaseRoute]:
        def find(emulator: Emulator, request: Request) -> Json:
            params = request.path_params
            if "key" in params:
                return self.by_key(emulator, params["key"])
            return self.by_id(emulator, params["id"])

        async def query(request: Request) -> Response:
            require_scope(require_token(request), self.scope)
            emulator = emulator_of(request)
            with emulator.lock:
                found = query_source(self.store(emulator), request.query_params, KEY_QUERY_HINTS)
                return respond(paged_query(found, request.query_params))

        async def create(request: Request) -> Response:
            require_scope(require_token(request), self.scope)
            draft = await read_object(request)
            emulator = emulator_of(request)
            with emulator.lock:
                return respond(self.create(emulator, draft), 201)

        async def get(request: Request) -> Response:
            require_scope(require_token(request), self.scope)
            emulator = emulator_of(request)
            with emulator.lock:
                return respond(find(emulator, request))

        async def update(request: Request) -> Response:
            require_scope(require_token(request), self.scope)
            version, actions = update_body(await read_object(request))
            emulator = emulator_of(request)
            with emulator.lock:
                return respond(self.update(emulator, find(emulator, request), version, actions))

        async def delete(request: Request) -> Response:
            require_scope(require_token(request), self.scope)
            version = version_param(request)
            emulator = emulator_of(request)
            with emulator.lock:
                return respond(self.delete(emulator, find(emulator, request), version))

        # key= first: `{id}` would match it too.
        return [
            Route(path, query, methods=["GET"]),
            Route(path, create, methods=["POST"]),
            *(
                Route(f"{path}/{segment}", handler, methods=[method])
                for segment in ("key={key}", "{id}")
                for method, handler in (("GET", get), ("POST", update), ("DELETE", delete))
            ),
        ]
