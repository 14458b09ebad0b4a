"""The session's cart: find it, create it on the first write, change it without losing lines."""

from __future__ import annotations

from collections.abc import Awaitable
from typing import Any

from app import models
from app.ctp.errors import CtpBadRequest, CtpConcurrentModification, CtpNotFound
from app.ctp.gateway import CtpGateway
from app.errors import BadUserInput, Conflict
from app.services import mapping
from app.services.session_tokens import SessionTokens
from app.session.ctp_session import CtpSession

Json = dict[str, Any]

MAX_LINE_QUANTITY = 999
# Each retry re-reads nothing: the 409 carries the current version.
_MAX_VERSION_RETRIES = 3
_UNKNOWN_PRODUCT_CODES = frozenset(
    {"InvalidInput", "InvalidOperation", "ResourceNotFound", "ReferencedResourceNotFound"}
)


class CartService:
    def __init__(self, session: CtpSession, tokens: SessionTokens, gateway: CtpGateway) -> None:
        self._session = session
        self._tokens = tokens
        self._gateway = gateway

    async def current_cart(self, shopper: models.Shopper) -> models.Cart | None:
        raw = await self._tokens.call(self._active_cart, create=False)
        return mapping.cart(raw, shopper.locale) if raw is not None else None

    async def add_line_item(self, sku: str, quantity: int, shopper: models.Shopper) -> models.Cart:
        sku = sku.strip()
        if not sku:
            raise BadUserInput("Give the SKU of the product variant to add.")
        if not 1 <= quantity <= MAX_LINE_QUANTITY:
            raise BadUserInput(f"Quantity must be between 1 and {MAX_LINE_QUANTITY}.")
        action = {"action": "addLineItem", "sku": sku, "quantity": quantity}

        async def add(token: str) -> Json:
            fresh = self._tokens.created_anonymous_token
            cart = None if fresh else await self._active_cart(token)
            if cart is None:
                draft = {
                    "currency": shopper.currency,
                    "country": shopper.country,
                    "locale": shopper.locale,
                    "lineItems": [{"sku": sku, "quantity": quantity}],
                }
                created = await self._write(
                    self._gateway.post("/me/carts", draft, token=token), sku
                )
                self._session.cart_id = created["id"]
                return created
            return await self._update(token, cart, [action], sku)

        raw = await self._tokens.call(add, create=True)
        assert raw is not None  # create=True always yields a token
        return mapping.cart(raw, shopper.locale)

    async def _active_cart(self, token: str) -> Json | None:
        """The session's cart if it is still active, else the customer's active cart, else None.

        A stored cart id goes stale when the cart is ordered, merged or deleted upstream; that is
        normal and never an error.
        """
        cart_id = self._session.cart_id
        if cart_id is not None:
            try:
                cart: Json = await self._gateway.get(f"/me/carts/{cart_id}", token=token)
                if cart.get("cartState") == "Active":
                    return cart
            except CtpNotFound:
                pass
        try:
            active: Json | None = await self._gateway.get("/me/active-cart", token=token)
        except CtpNotFound:
            active = None
        self._session.cart_id = active["id"] if active is not None else None
        return active

    async def _update(self, token: str, cart: Json, actions: list[Json], subject: str) -> Json:
        path = f"/me/carts/{cart['id']}"
        version = int(cart["version"])
        for _ in range(_MAX_VERSION_RETRIES):
            try:
                return await self._write(
                    self._gateway.post(path, {"version": version, "actions": actions}, token=token),
                    subject,
                )
            except CtpConcurrentModification as exc:
                # Another tab changed the cart; our actions are relative, so apply them on top.
                if exc.current_version is None:
                    latest = await self._gateway.get(path, token=token)
                    version = int(latest["version"])
                else:
                    version = exc.current_version
        raise Conflict("The cart is being changed elsewhere; please try again.")

    async def _write(self, send: Awaitable[Any], subject: str) -> Json:
        try:
            result: Json = await send
        except CtpBadRequest as exc:
            raise BadUserInput(_explain(exc, subject)) from exc
        return result


def _explain(exc: CtpBadRequest, sku: str) -> str:
    if exc.codes & {
        "InvalidInput",
        "InvalidOperation",
        "ResourceNotFound",
        "ReferencedResourceNotFound",
    }:
        return f"The product {sku!r} cannot be added: {exc.message}"
    return exc.message
