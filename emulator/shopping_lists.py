"""My Shopping Lists (`/me/shopping-lists`): wishlists of a customer or anonymous session
(the project-wide `/shopping-lists` are in project_shopping_lists.py).

ShoppingListLineItems reference variants by `productId` + `variantId`; `variant` and
`productSlug` appear only when expanded (`expand=lineItems[*].variant`), as in commercetools.
Shopping lists are not moved on sign-in (commercetools leaves that to the application).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from emulator import pricing
from emulator.auth import emulator_of, require_token
from emulator.errors import invalid_input, invalid_json, not_found
from emulator.hooks import Action as HookAction
from emulator.jsonio import (
    Json,
    opt_int,
    opt_obj,
    opt_objects,
    opt_str,
    read_object,
    req_int,
    req_obj,
    unknown_action,
    update_body,
    version_param,
)
from emulator.markets.store_context import in_store, scope, store_reference
from emulator.me import Owner, session_owner
from emulator.query import paged_query
from emulator.resources import (
    changed,
    check_version,
    new_resource,
    reference,
    respond,
    working_copy,
)
from emulator.state import Emulator

Action = Callable[[Emulator, Json, Json], None]


def _localized(value: Any, path: str) -> Json:
    if not isinstance(value, dict) or not all(isinstance(v, str) for v in value.values()):
        raise invalid_json(f"{path}: LocalizedString (JSON object of strings) expected.")
    return dict(value)


def _owns(owner: Owner, shopping_list: Json) -> bool:
    if owner.customer_id is not None:
        customer: Json = shopping_list.get("customer", {})
        return customer.get("id") == owner.customer_id
    return (
        owner.anonymous_id is not None
        and shopping_list.get("anonymousId") == owner.anonymous_id
        and "customer" not in shopping_list
    )


def _add_line_item(emulator: Emulator, shopping_list: Json, action: Json) -> None:
    quantity = opt_int(action, "quantity", "actions")
    if quantity is None:
        quantity = 1
    if quantity < 1:
        raise invalid_input(f"Invalid quantity {quantity}: it must be at least 1.")
    product, variant = pricing.find_variant(
        emulator.catalog,
        opt_str(action, "sku", "actions"),
        opt_str(action, "productId", "actions"),
        opt_int(action, "variantId", "actions"),
    )
    for existing in shopping_list["lineItems"]:
        if existing["productId"] == product["id"] and existing.get("variantId") == variant["id"]:
            existing["quantity"] = int(existing["quantity"]) + quantity
            return
    line: Json = {
        "addedAt": emulator.now_iso(),
        "id": emulator.new_id(),
        "name": dict(product["name"]),
        "productId": product["id"],
        "productType": dict(product["productType"]),
        "published": True,
        "quantity": quantity,
        "variantId": variant["id"],
    }
    key = opt_str(action, "key", "actions")
    if key is not None:
        line["key"] = key
    shopping_list["lineItems"].append(line)


def _line(shopping_list: Json, action: Json) -> Json:
    line_id = opt_str(action, "lineItemId", "actions")
    line_key = opt_str(action, "lineItemKey", "actions")
    lines: list[Json] = shopping_list["lineItems"]
    for line in lines:
        if (line_id is not None and line["id"] == line_id) or (
            line_id is None and line_key is not None and line.get("key") == line_key
        ):
            return line
    raise invalid_input(
        f"The Shopping List does not contain a line item with ID '{line_id or line_key}'."
    )


def _remove_line_item(emulator: Emulator, shopping_list: Json, action: Json) -> None:
    line = _line(shopping_list, action)
    quantity = opt_int(action, "quantity", "actions")
    if quantity is None or quantity >= int(line["quantity"]):
        shopping_list["lineItems"].remove(line)
    elif quantity < 1:
        raise invalid_input(f"Invalid quantity {quantity}: it must be at least 1.")
    else:
        line["quantity"] = int(line["quantity"]) - quantity


def _change_line_item_quantity(emulator: Emulator, shopping_list: Json, action: Json) -> None:
    quantity = req_int(action, "quantity", "actions")
    line = _line(shopping_list, action)
    if quantity < 0:
        raise invalid_input(f"Invalid quantity {quantity}: it must be at least 0.")
    if quantity == 0:
        shopping_list["lineItems"].remove(line)
    else:
        line["quantity"] = quantity


def _change_name(emulator: Emulator, shopping_list: Json, action: Json) -> None:
    shopping_list["name"] = _localized(req_obj(action, "name", "actions"), "actions -> name")


def _set_description(emulator: Emulator, shopping_list: Json, action: Json) -> None:
    description = opt_obj(action, "description", "actions")
    if description is None:
        shopping_list.pop("description", None)
    else:
        shopping_list["description"] = _localized(description, "actions -> description")


ACTIONS: dict[str, Action] = {
    "addLineItem": _add_line_item,
    "removeLineItem": _remove_line_item,
    "changeLineItemQuantity": _change_line_item_quantity,
    "changeName": _change_name,
    "setDescription": _set_description,
}


def create_shopping_list(
    emulator: Emulator,
    draft: Json,
    owner: Owner,
    *,
    key: str | None = None,
    store_key: str | None = None,
) -> Json:
    name = _localized(req_obj(draft, "name"), "name")
    shopping_list: Json = {**new_resource(emulator), "name": name}
    if key is not None:
        shopping_list["key"] = key
    if store_key is not None:
        shopping_list["store"] = store_reference(store_key)
    description = opt_obj(draft, "description")
    if description is not None:
        shopping_list["description"] = _localized(description, "description")
    if owner.customer_id is not None:
        shopping_list["customer"] = reference("customer", owner.customer_id)
    elif owner.anonymous_id is not None:
        shopping_list["anonymousId"] = owner.anonymous_id
    shopping_list["lineItems"] = []
    shopping_list["textLineItems"] = []
    # Without a value, the project's ShoppingListsConfiguration decides.
    shopping_list["deleteDaysAfterLastModification"] = (
        opt_int(draft, "deleteDaysAfterLastModification")
        or emulator.config.shopping_list_delete_days
    )
    for line_draft in opt_objects(draft, "lineItems"):
        _add_line_item(emulator, shopping_list, line_draft)
    return store(emulator, shopping_list, "Create")


def store(emulator: Emulator, shopping_list: Json, hook_action: HookAction) -> Json:
    stored: Json = emulator.hooks.before_commit("shopping-list", hook_action, shopping_list)
    emulator.shopping_lists[stored["id"]] = stored
    emulator.hooks.after_commit("shopping-list", hook_action, stored, [])
    return stored


def expanded(emulator: Emulator, shopping_list: Json, request: Request) -> Json:
    """Add `variant`/`productSlug` to the line items when `expand` asks for them."""
    expand = set(request.query_params.getlist("expand"))
    with_variant = "lineItems[*].variant" in expand
    with_slug = "lineItems[*].productSlug" in expand
    if not (with_variant or with_slug):
        return shopping_list
    view = working_copy(shopping_list)
    for line in view["lineItems"]:
        found = emulator.catalog.find_variant(line["productId"], line["variantId"])
        if found is None:
            continue
        product, variant = found
        if with_variant:
            line["variant"] = working_copy(variant)
        if with_slug:
            line["productSlug"] = dict(product.get("slug", {}))
    return view


def _mine(emulator: Emulator, owner: Owner, list_id: str, store_key: str | None) -> Json:
    shopping_list = emulator.shopping_lists.get(list_id)
    if (
        shopping_list is None
        or not _owns(owner, shopping_list)
        or not in_store(shopping_list, store_key)
    ):
        raise not_found(list_id)
    return shopping_list


# -- /me/shopping-lists -------------------------------------------------------------------------


async def query_mine(request: Request) -> Response:
    token = require_token(request)
    store_key = scope(request, token, "view_my_shopping_lists", "manage_my_shopping_lists")
    owner = session_owner(token)
    emulator = emulator_of(request)
    with emulator.lock:
        mine = [
            expanded(emulator, s, request)
            for s in emulator.shopping_lists.lookup("owner", owner.key)
            if in_store(s, store_key)
        ]
        return respond(paged_query(mine, request.query_params))


async def create(request: Request) -> Response:
    token = require_token(request)
    store_key = scope(request, token, "manage_my_shopping_lists")
    owner = session_owner(token)
    draft = await read_object(request)
    emulator = emulator_of(request)
    with emulator.lock:
        created = create_shopping_list(emulator, draft, owner, store_key=store_key)
        return respond(expanded(emulator, created, request), 201)


async def get_by_id(request: Request) -> Response:
    token = require_token(request)
    store_key = scope(request, token, "view_my_shopping_lists", "manage_my_shopping_lists")
    owner = session_owner(token)
    emulator = emulator_of(request)
    with emulator.lock:
        shopping_list = _mine(emulator, owner, request.path_params["id"], store_key)
        return respond(expanded(emulator, shopping_list, request))


async def update(request: Request) -> Response:
    token = require_token(request)
    store_key = scope(request, token, "manage_my_shopping_lists")
    owner = session_owner(token)
    version, actions = update_body(await read_object(request))
    emulator = emulator_of(request)
    with emulator.lock:
        shopping_list = _mine(emulator, owner, request.path_params["id"], store_key)
        check_version(emulator, shopping_list, version)
        work = working_copy(shopping_list)
        for action in actions:
            handler = ACTIONS.get(str(action["action"]))
            if handler is None:
                raise unknown_action(action)
            handler(emulator, work, action)
        result = store(emulator, changed(emulator, work), "Update") if actions else shopping_list
        return respond(expanded(emulator, result, request))


async def delete(request: Request) -> Response:
    token = require_token(request)
    store_key = scope(request, token, "manage_my_shopping_lists")
    owner = session_owner(token)
    version = version_param(request)
    emulator = emulator_of(request)
    with emulator.lock:
        shopping_list = _mine(emulator, owner, request.path_params["id"], store_key)
        check_version(emulator, shopping_list, version)
        del emulator.shopping_lists[shopping_list["id"]]
        return respond(shopping_list)


def routes() -> list[BaseRoute]:
    return [
        Route("/me/shopping-lists", query_mine, methods=["GET"]),
        Route("/me/shopping-lists", create, methods=["POST"]),
        Route("/me/shopping-lists/{id}", get_by_id, methods=["GET"]),
        Route("/me/shopping-lists/{id}", update, methods=["POST"]),
        Route("/me/shopping-lists/{id}", delete, methods=["DELETE"]),
    ]
