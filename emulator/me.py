"""The `/me` endpoints: everything seen through the session in the access token; the same
handlers serve `/in-store/key={storeKey}/me/...` (markets/in_store.py), where they see only the
Store's resources and take its Store-based scopes (markets/store_context.py).

A token with `customer_id:{id}` sees only that customer's resources; a token with
`anonymous_id:{id}` sees only that anonymous session's resources that no customer owns yet
(once signed in, they belong to the customer alone). Someone else's resource answers 404
ResourceNotFound, exactly like one that does not exist, as commercetools does.
"""

from __future__ import annotations

from dataclasses import dataclass

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from emulator import carts, customers, orders, signin
from emulator.auth import emulator_of, require_token
from emulator.errors import CtpApiError, not_found
from emulator.expansion import expand_cart
from emulator.jsonio import Json, read_object, req_int, req_str, update_body, version_param
from emulator.markets.cart_rules import check_store_country
from emulator.markets.store_context import customer_in_store, in_store, scope
from emulator.query import paged_query
from emulator.resources import respond
from emulator.state import Emulator, TokenInfo
from emulator.stores import owner_key


@dataclass(frozen=True)
class Owner:
    customer_id: str | None
    anonymous_id: str | None

    @property
    def key(self) -> tuple[str, str] | None:
        """Its key in the stores' `owner` indexes (stores.py), which follow `owns`."""
        return owner_key(self.customer_id, self.anonymous_id)

    def owns(self, resource: Json) -> bool:
        if self.customer_id is not None:
            return resource.get("customerId") == self.customer_id
        return (
            self.anonymous_id is not None
            and resource.get("anonymousId") == self.anonymous_id
            and not resource.get("customerId")
        )


def session_owner(token: TokenInfo) -> Owner:
    """The customer or anonymous session of a password-flow or anonymous-session token."""
    if token.customer_id is None and token.anonymous_id is None:
        raise CtpApiError(
            403,
            "insufficient_scope",
            "This endpoint requires an access token issued with the password flow "
            "(customer_id scope) or for an anonymous session (anonymous_id scope).",
        )
    return Owner(token.customer_id, token.anonymous_id)


def require_customer(token: TokenInfo) -> str:
    if token.customer_id is None:
        raise CtpApiError(
            403,
            "insufficient_scope",
            "This endpoint requires an access token issued with the password flow "
            "(customer_id scope).",
        )
    return token.customer_id


def _my_cart(emulator: Emulator, owner: Owner, cart_id: str, store_key: str | None) -> Json:
    cart = emulator.carts.get(cart_id)
    if cart is None or not owner.owns(cart) or not in_store(cart, store_key):
        raise not_found(cart_id)
    return cart


def _my_customer(emulator: Emulator, customer_id: str, store_key: str | None) -> Json:
    """The token's Customer; in a Store, 404 when the Customer is of another Store."""
    customer = customers.get_customer(emulator, customer_id)
    if not customer_in_store(customer, store_key):
        raise not_found(customer_id)
    return customer


# -- profile ------------------------------------------------------------------------------------


async def get_me(request: Request) -> Response:
    token = require_token(request)
    store_key = scope(request, token, "view_my_profile", "manage_my_profile")
    customer_id = require_customer(token)
    emulator = emulator_of(request)
    with emulator.lock:
        return respond(_my_customer(emulator, customer_id, store_key))


async def update_me(request: Request) -> Response:
    token = require_token(request)
    store_key = scope(request, token, "manage_my_profile")
    customer_id = require_customer(token)
    version, actions = update_body(await read_object(request))
    emulator = emulator_of(request)
    with emulator.lock:
        customer = _my_customer(emulator, customer_id, store_key)
        return respond(customers.update_customer(emulator, customer, version, actions, my=True))


async def change_my_password(request: Request) -> Response:
    token = require_token(request)
    store_key = scope(request, token, "manage_my_profile")
    customer_id = require_customer(token)
    body = await read_object(request)
    version = req_int(body, "version")
    current = req_str(body, "currentPassword")
    new = req_str(body, "newPassword")
    emulator = emulator_of(request)
    with emulator.lock:
        customer = _my_customer(emulator, customer_id, store_key)
        return respond(customers.change_password(emulator, customer, version, current, new))


async def signup(request: Request) -> Response:
    token = require_token(request)
    store_key = scope(request, token, "manage_my_profile")
    draft = await read_object(request)
    emulator = emulator_of(request)
    with emulator.lock:
        customer = customers.create_customer(emulator, draft, my=True, store_key=store_key)
        result = signin.sign_in(
            emulator,
            customer,
            anonymous_id=token.anonymous_id,
            anonymous_cart_id=None,
            mode="MergeWithExistingCustomerCart",
            store_key=store_key,
        )
        return respond(result, 201)


async def login(request: Request) -> Response:
    token = require_token(request)
    store_key = scope(request, token, "manage_my_profile")
    body = await read_object(request)
    email = req_str(body, "email")
    password = req_str(body, "password")
    mode = customers.sign_in_mode(body, "activeCartSignInMode")
    emulator = emulator_of(request)
    customer = customers.authenticate(emulator, email, password, store_key)
    if customer is None:
        raise customers.invalid_credentials()
    with emulator.lock:
        result = signin.sign_in(
            emulator,
            customers.get_customer(emulator, customer["id"]),
            anonymous_id=token.anonymous_id,
            anonymous_cart_id=None,
            mode=mode,
            store_key=store_key,
        )
        return respond(result)


# -- carts --------------------------------------------------------------------------------------


async def active_cart(request: Request) -> Response:
    token = require_token(request)
    store_key = scope(request, token, "view_my_orders", "manage_my_orders")
    owner = session_owner(token)
    emulator = emulator_of(request)
    with emulator.lock:
        cart = carts.active_cart_of(
            emulator,
            customer_id=owner.customer_id,
            anonymous_id=owner.anonymous_id,
            store_key=store_key,
        )
        if cart is None:
            raise CtpApiError(404, "ResourceNotFound", "No active cart exists.")
        return respond(expand_cart(emulator, cart, request))


async def query_my_carts(request: Request) -> Response:
    token = require_token(request)
    store_key = scope(request, token, "view_my_orders", "manage_my_orders")
    owner = session_owner(token)
    emulator = emulator_of(request)
    with emulator.lock:
        mine = [c for c in emulator.carts.lookup("owner", owner.key) if in_store(c, store_key)]
        return respond(paged_query(mine, request.query_params))


async def create_my_cart(request: Request) -> Response:
    token = require_token(request)
    store_key = scope(request, token, "manage_my_orders")
    owner = session_owner(token)
    draft = await read_object(request)
    emulator = emulator_of(request)
    cart = await carts.create_cart_extended(
        emulator,
        lambda: carts.build_cart(
            emulator,
            draft,
            customer_id=owner.customer_id,
            anonymous_id=None if owner.customer_id else owner.anonymous_id,
            my=True,
            store_key=store_key,
        ),
    )
    with emulator.lock:
        return respond(expand_cart(emulator, cart, request), 201)


async def get_my_cart(request: Request) -> Response:
    token = require_token(request)
    store_key = scope(request, token, "view_my_orders", "manage_my_orders")
    owner = session_owner(token)
    emulator = emulator_of(request)
    with emulator.lock:
        cart = _my_cart(emulator, owner, request.path_params["id"], store_key)
        return respond(expand_cart(emulator, cart, request))


async def update_my_cart(request: Request) -> Response:
    token = require_token(request)
    store_key = scope(request, token, "manage_my_orders")
    owner = session_owner(token)
    version, actions = update_body(await read_object(request))
    emulator = emulator_of(request)
    cart_id = request.path_params["id"]
    updated = await carts.update_cart_extended(
        emulator, lambda: _my_cart(emulator, owner, cart_id, store_key), version, actions, my=True
    )
    with emulator.lock:
        return respond(expand_cart(emulator, updated, request))


async def delete_my_cart(request: Request) -> Response:
    token = require_token(request)
    store_key = scope(request, token, "manage_my_orders")
    owner = session_owner(token)
    version = version_param(request)
    emulator = emulator_of(request)
    with emulator.lock:
        cart = _my_cart(emulator, owner, request.path_params["id"], store_key)
        return respond(carts.delete_cart(emulator, cart, version))


# -- orders -------------------------------------------------------------------------------------


async def query_my_orders(request: Request) -> Response:
    token = require_token(request)
    store_key = scope(request, token, "view_my_orders", "manage_my_orders")
    owner = session_owner(token)
    emulator = emulator_of(request)
    with emulator.lock:
        mine = [o for o in emulator.orders.lookup("owner", owner.key) if in_store(o, store_key)]
        return respond(paged_query(mine, request.query_params))


async def create_my_order(request: Request) -> Response:
    token = require_token(request)
    store_key = scope(request, token, "manage_my_orders")
    owner = session_owner(token)
    draft = await read_object(request)
    cart_id = req_str(draft, "id")
    version = req_int(draft, "version")
    emulator = emulator_of(request)
    with emulator.lock:
        cart = _my_cart(emulator, owner, cart_id, store_key)
        check_store_country(emulator.catalog.markets, cart)
        # MyOrderFromCartDraft has only id and version: nothing else is taken from the body.
        return respond(orders.create_order(emulator, cart, version, {}), 201)


async def get_my_order(request: Request) -> Response:
    token = require_token(request)
    store_key = scope(request, token, "view_my_orders", "manage_my_orders")
    owner = session_owner(token)
    emulator = emulator_of(request)
    order_id = request.path_params["id"]
    with emulator.lock:
        order = emulator.orders.get(order_id)
        if order is None or not owner.owns(order) or not in_store(order, store_key):
            raise not_found(order_id)
        return respond(order)


def routes() -> list[BaseRoute]:
    return [
        Route("/me", get_me, methods=["GET"]),
        Route("/me", update_me, methods=["POST"]),
        Route("/me/password", change_my_password, methods=["POST"]),
        Route("/me/signup", signup, methods=["POST"]),
        Route("/me/login", login, methods=["POST"]),
        Route("/me/active-cart", active_cart, methods=["GET"]),
        Route("/me/carts", query_my_carts, methods=["GET"]),
        Route("/me/carts", create_my_cart, methods=["POST"]),
        Route("/me/carts/{id}", get_my_cart, methods=["GET"]),
        Route("/me/carts/{id}", update_my_cart, methods=["POST"]),
        Route("/me/carts/{id}", delete_my_cart, methods=["DELETE"]),
        Route("/me/orders", query_my_orders, methods=["GET"]),
        Route("/me/orders", create_my_order, methods=["POST"]),
        Route("/me/orders/{id}", get_my_order, methods=["GET"]),
    ]
