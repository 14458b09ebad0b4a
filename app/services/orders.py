"""Placing the order, and reading orders back: the customer's own, or the guest's last one."""

from __future__ import annotations

import re
import secrets
import time
from typing import Any

from app import models
from app.ctp import resources
from app.ctp.errors import CtpBadRequest, CtpConcurrentModification, CtpNotFound
from app.ctp.gateway import CtpGateway
from app.errors import BadUserInput, Conflict, NotFound, Unauthenticated
from app.services import cart_mapping
from app.services.cart import CartService
from app.services.session_tokens import SessionTokens
from app.session.storefront_session import StorefrontSession

MAX_PAGE_SIZE = 100
MAX_OFFSET = 10_000
_ID = re.compile(r"^[A-Za-z0-9-]{1,64}$")
_ORDER_RETRIES = 3
_SIGN_IN_FIRST = "Sign in to see your orders."


def new_order_number(now: float) -> str:
    """commercetools does not number orders; shoppers and support staff need a short one."""
    day = time.strftime("%Y%m%d", time.gmtime(now))
    return f"{day}-{secrets.token_hex(4).upper()}"


class OrderService:
    def __init__(
        self,
        session: StorefrontSession,
        tokens: SessionTokens,
        gateway: CtpGateway,
        carts: CartService,
        clock: Any = time.time,
    ) -> None:
        self._session = session
        self._tokens = tokens
        self._gateway = gateway
        self._carts = carts
        self._clock = clock

    async def place_order(self, shopper: models.Shopper) -> models.Order:
        cart = await self._carts.raw_active_cart()
        if cart is None or not cart.get("lineItems"):
            raise BadUserInput("Your cart is empty.")
        if not cart.get("shippingAddress", {}).get("country"):
            raise BadUserInput("Add a shipping address before placing the order.")
        version = int(cart["version"])
        order: resources.Order | None = None
        for _ in range(_ORDER_RETRIES):
            body = {
                "id": cart["id"],
                "version": version,
                "orderNumber": new_order_number(self._clock()),
            }
            try:
                # The cart was just read with the session's own token, so it is this shopper's.
                # The server-side endpoint is used because only it takes an orderNumber
                # (MyOrderFromCartDraft has id and version alone).
                order = await self._gateway.post("/orders", body)
                break
            except CtpConcurrentModification as exc:
                # Another tab changed the cart since it was read: order what it holds now.
                if exc.current_version is None:
                    raise Conflict("Your cart changed; please review it and order again.") from exc
                version = exc.current_version
            except CtpBadRequest as exc:
                raise BadUserInput(_order_problem(exc)) from exc
        if order is None:
            raise Conflict("Your cart is being changed elsewhere; please try again.")
        self._session.last_order_id = order["id"]
        self._session.cart_id = None
        self._session.cart_version = None
        return cart_mapping.order(order, shopper.locale)

    async def my_orders(self, limit: int, offset: int, shopper: models.Shopper) -> models.OrderList:
        if not 1 <= limit <= MAX_PAGE_SIZE:
            raise BadUserInput(f"limit must be between 1 and {MAX_PAGE_SIZE}.")
        if not 0 <= offset <= MAX_OFFSET:
            raise BadUserInput(f"offset must be between 0 and {MAX_OFFSET}.")
        if not self._session.is_signed_in:
            raise Unauthenticated(_SIGN_IN_FIRST)
        params = {"sort": "createdAt desc", "limit": limit, "offset": offset, "withTotal": "true"}
        page = await self._tokens.call(
            lambda token: self._gateway.get("/me/orders", token=token, params=params),
            create=False,
        )
        if page is None:
            raise Unauthenticated(_SIGN_IN_FIRST)
        results = tuple(cart_mapping.order(raw, shopper.locale) for raw in page["results"])
        return models.OrderList(
            total=int(page.get("total", len(results))), limit=limit, offset=offset, results=results
        )

    async def order(self, order_id: str, shopper: models.Shopper) -> models.Order:
        if not self._session.is_signed_in:
            raise Unauthenticated(_SIGN_IN_FIRST)
        raw = await self._own_order(order_id)
        if raw is None:
            raise NotFound("There is no such order in your account.")
        return cart_mapping.order(raw, shopper.locale)

    async def last_order(self, shopper: models.Shopper) -> models.Order | None:
        order_id = self._session.last_order_id
        if order_id is None:
            return None
        raw = await self._own_order(order_id)
        return cart_mapping.order(raw, shopper.locale) if raw is not None else None

    async def _own_order(self, order_id: str) -> resources.Order | None:
        """The order if this session's token may see it; `/me/orders` scopes by the token."""
        if not _ID.match(order_id):
            return None

        async def fetch(token: str) -> resources.Order | None:
            try:
                found: resources.Order = await self._gateway.get(
                    f"/me/orders/{order_id}", token=token
                )
            except CtpNotFound:
                return None
            return found

        return await self._tokens.call(fetch, create=False)


_ORDER_PROBLEMS = {
    "DiscountCodeNonApplicable": "A discount code in your cart no longer applies; remove it first.",
    "ShippingMethodDoesNotMatchCart": "Your shipping method does not deliver to your address.",
    "MissingTaxRateForCountry": "We cannot ship to that country.",
    "OutOfStock": "Some items are no longer in stock.",
}


def _order_problem(exc: CtpBadRequest) -> str:
    for code, message in _ORDER_PROBLEMS.items():
        if code in exc.codes:
            return message
    return exc.message
