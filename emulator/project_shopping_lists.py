"""Shopping Lists of the whole project (`/shopping-lists`), as a back office or an SDK uses them:
any customer's or anonymous session's lists, addressed by id or by key.

`GET|POST /shopping-lists`, `GET|POST|DELETE /shopping-lists/{id}` and `.../key={key}`; reads
need `view_shopping_lists` (or `manage_shopping_lists`), writes `manage_shopping_lists`.

ShoppingListDraft: `name`, `key`, `description`, `customer` (ResourceIdentifier by `id`),
`anonymousId`, `deleteDaysAfterLastModification`, `lineItems`. Update actions: those of My
Shopping Lists, plus `setKey`, `setCustomer` and `setAnonymousId`.
"""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from emulator.auth import emulator_of, require_scope, require_token
from emulator.errors import CtpApiError, not_found, referenced_resource_not_found
from emulator.jsonio import (
    Json,
    opt_obj,
    opt_str,
    read_object,
    req_str,
    unknown_action,
    update_body,
    version_param,
)
from emulator.keyed import check_key
from emulator.me import Owner
from emulator.query import paged_query, query_source
from emulator.resources import changed, check_version, reference, respond, working_copy
from emulator.shopping_lists import ACTIONS, Action, create_shopping_list, expanded, store
from emulator.state import Emulator
from emulator.stores import KEY_QUERY_HINTS

VIEW = ("view_shopping_lists", "manage_shopping_lists")
MANAGE = "manage_shopping_lists"


def _customer_id(emulator: Emulator, identifier: Json | None, path: str) -> str | None:
    if identifier is None:
        return None
    customer_id = req_str(identifier, "id", path)
    if customer_id not in emulator.customers:
        raise referenced_resource_not_found("customer", id=customer_id)
    return customer_id


def _unique_key(emulator: Emulator, shopping_list: Json) -> None:
    key = shopping_list.get("key")
    if key is None:
        return
    holder = emulator.shopping_lists.first("key", key)
    if holder is not None and holder["id"] != shopping_list["id"]:
        raise CtpApiError(
            400,
            "DuplicateField",
            f"A duplicate value '\"{key}\"' exists for field 'key'.",
            field="key",
            duplicateValue=key,
        )


def _set_key(emulator: Emulator, shopping_list: Json, action: Json) -> None:
    key = opt_str(action, "key", "actions")
    if key is None:
        shopping_list.pop("key", None)
    else:
        shopping_list["key"] = check_key(key)


def _set_customer(emulator: Emulator, shopping_list: Json, action: Json) -> None:
    customer_id = _customer_id(emulator, opt_obj(action, "customer", "actions"), "actions")
    if customer_id is None:
        shopping_list.pop("customer", None)
    else:
        shopping_list["customer"] = reference("customer", customer_id)


def _set_anonymous_id(emulator: Emulator, shopping_list: Json, action: Json) -> None:
    anonymous_id = opt_str(action, "anonymousId", "actions")
    if anonymous_id is None:
        shopping_list.pop("anonymousId", None)
    else:
        shopping_list["anonymousId"] = anonymous_id


PROJECT_ACTIONS: dict[str, Action] = {
    **ACTIONS,
    "setKey": _set_key,
    "setCustomer": _set_customer,
    "setAnonymousId": _set_anonymous_id,
}


def _find(emulator: Emulator, request: Request) -> Json:
    params = request.path_params
    if "key" in params:
        found = emulator.shopping_lists.first("key", params["key"])
        if found is None:
            raise CtpApiError(
                404,
                "ResourceNotFound",
                f"The Resource with key '{params['key']}' was not found.",
            )
        return found
    shopping_list = emulator.shopping_lists.get(params["id"])
    if shopping_list is None:
        raise not_found(params["id"])
    return shopping_list


async def query(request: Request) -> Response:
    require_scope(require_token(request), *VIEW)
    emulator = emulator_of(request)
    with emulator.lock:
        found = query_source(emulator.shopping_lists, request.query_params, KEY_QUERY_HINTS)
        page = paged_query(found, request.query_params)
        page["results"] = [expanded(emulator, s, request) for s in page["results"]]
        return respond(page)


async def create(request: Request) -> Response:
    require_scope(require_token(request), MANAGE)
    draft = await read_object(request)
    emulator = emulator_of(request)
    with emulator.lock:
        owner = Owner(
            _customer_id(emulator, opt_obj(draft, "customer"), "customer"),
            opt_str(draft, "anonymousId"),
        )
        key = opt_str(draft, "key")
        if key is not None:
            _unique_key(emulator, {"id": "", "key": check_key(key)})
        created = create_shopping_list(emulator, draft, owner, key=key)
        return respond(expanded(emulator, created, request), 201)


async def get(request: Request) -> Response:
    require_scope(require_token(request), *VIEW)
    emulator = emulator_of(request)
    with emulator.lock:
        return respond(expanded(emulator, _find(emulator, request), request))


async def update(request: Request) -> Response:
    require_scope(require_token(request), MANAGE)
    version, actions = update_body(await read_object(request))
    emulator = emulator_of(request)
    with emulator.lock:
        shopping_list = _find(emulator, request)
        check_version(emulator, shopping_list, version)
        if not actions:
            return respond(expanded(emulator, shopping_list, request))
        work = working_copy(shopping_list)
        for action in actions:
            handler = PROJECT_ACTIONS.get(str(action["action"]))
            if handler is None:
                raise unknown_action(action)
            handler(emulator, work, action)
        _unique_key(emulator, work)
        result = store(emulator, changed(emulator, work), "Update")
        return respond(expanded(emulator, result, request))


async def delete(request: Request) -> Response:
    require_scope(require_token(request), MANAGE)
    version = version_param(request)
    emulator = emulator_of(request)
    with emulator.lock:
        shopping_list = _find(emulator, request)
        check_version(emulator, shopping_list, version)
        del emulator.shopping_lists[shopping_list["id"]]
        return respond(shopping_list)


def routes() -> list[BaseRoute]:
    # key= first: `{id}` would match it too.
    return [
        Route("/shopping-lists", query, methods=["GET"]),
        Route("/shopping-lists", create, methods=["POST"]),
        *(
            Route(f"/shopping-lists/{segment}", handler, methods=[method])
            for segment in ("key={key}", "{id}")
            for method, handler in (("GET", get), ("POST", update), ("DELETE", delete))
        ),
    ]
