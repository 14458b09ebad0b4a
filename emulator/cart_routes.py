"""The `/carts` endpoints (backend access to every cart of the project, scopes
`view_orders`/`manage_orders`); what they do to carts is in carts.py."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from emulator.auth import emulator_of, require_token
from emulator.carts import (
    active_cart_of,
    build_cart,
    create_cart_extended,
    delete_cart,
    get_cart,
    update_cart_extended,
)
from emulator.errors import CtpApiError, not_found
from emulator.expansion import expand_cart
from emulator.jsonio import Json, read_object, update_body, version_param
from emulator.markets.store_context import in_store, scope
from emulator.query import paged_query, query_source
from emulator.resources import respond
from emulator.state import Emulator
from emulator.stores import CART_QUERY_HINTS


def _cart(emulator: Emulator, cart_id: str, store_key: str | None) -> Json:
    """The cart; in a Store, 404 for a cart of another Store or of none (Carts in Store)."""
    cart = get_cart(emulator, cart_id)
    if not in_store(cart, store_key):
        raise not_found(cart_id)
    return cart


async def query_carts(request: Request) -> Response:
    token = require_token(request)
    store_key = scope(request, token, "view_orders")
    emulator = emulator_of(request)
    with emulator.lock:
        found = query_source(emulator.carts, request.query_params, CART_QUERY_HINTS)
        found = [cart for cart in found if in_store(cart, store_key)]
        return respond(paged_query(found, request.query_params))


async def create(request: Request) -> Response:
    token = require_token(request)
    store_key = scope(request, token, "manage_orders")
    draft = await read_object(request)
    emulator = emulator_of(request)
    cart = await create_cart_extended(
        emulator, lambda: build_cart(emulator, draft, store_key=store_key)
    )
    with emulator.lock:
        return respond(expand_cart(emulator, cart, request), 201)


async def get_by_id(request: Request) -> Response:
    token = require_token(request)
    store_key = scope(request, token, "view_orders")
    emulator = emulator_of(request)
    with emulator.lock:
        cart = _cart(emulator, request.path_params["id"], store_key)
        return respond(expand_cart(emulator, cart, request))


async def get_by_customer(request: Request) -> Response:
    token = require_token(request)
    store_key = scope(request, token, "view_orders")
    emulator = emulator_of(request)
    customer_id = request.path_params["customerId"]
    with emulator.lock:
        cart = active_cart_of(emulator, customer_id=customer_id, store_key=store_key)
        if cart is None:
            raise CtpApiError(
                404, "ResourceNotFound", f"No active cart of the customer '{customer_id}' exists."
            )
        return respond(cart)


async def update(request: Request) -> Response:
    token = require_token(request)
    store_key = scope(request, token, "manage_orders")
    body = await read_object(request)
    version, actions = update_body(body)
    emulator = emulator_of(request)
    cart_id = request.path_params["id"]
    updated = await update_cart_extended(
        emulator, lambda: _cart(emulator, cart_id, store_key), version, actions
    )
    with emulator.lock:
        return respond(expand_cart(emulator, updated, request))


async def delete(request: Request) -> Response:
    token = require_token(request)
    store_key = scope(request, token, "manage_orders")
    version = version_param(request)
    emulator = emulator_of(request)
    with emulator.lock:
        cart = _cart(emulator, request.path_params["id"], store_key)
        return respond(delete_cart(emulator, cart, version))


def routes() -> list[BaseRoute]:
    return [
        Route("/carts", query_carts, methods=["GET"]),
        Route("/carts", create, methods=["POST"]),
        Route("/carts/customer-id={customerId}", get_by_customer, methods=["GET"]),
        Route("/carts/{id}", get_by_id, methods=["GET"]),
        Route("/carts/{id}", update, methods=["POST"]),
        Route("/carts/{id}", delete, methods=["DELETE"]),
    ]
