"""Placing the order, and reading orders back: the customer's own, or the guest's last one."""

from __future__ import annotations

import re
import time

from app import models
from app.clock import Clock
from app.ctp import resources
from app.ctp.errors import CtpBadRequest, CtpConcurrentModification, CtpNotFound
from app.ctp.gateway import CtpGateway
from app.ctp.json import Json
from app.errors import BadUserInput, NotFound, Unauthenticated, UserErrorCode
from app.request_context import RequestContext
from app.services import cart_mapping
from app.services.cart import CartService
from app.services.paid_checkout import ORDERS_PATH, PaidCheckout, new_order_number, order_draft
from app.services.session_tokens import SessionTokens
from app.services.upstream_errors import shopper_error

DEFAULT_PAGE_SIZE = 20
MAX_PAGE_SIZE = 100
MAX_OFFSET = 10_000
_ID = re.compile(r"^[A-Za-z0-9-]{1,64}$")
_SIGN_IN_FIRST = "Sign in to see your orders."


class OrderService:
    def __init__(
        self,
        context: RequestContext,
        tokens: SessionTokens,
        gateway: CtpGateway,
        carts: CartService,
        checkout: PaidCheckout,
        clock: Clock = time.time,
    ) -> None:
        self._context = context
        self._session = context.session
        self._tokens = tokens
        self._gateway = gateway
        self._carts = carts
        self._checkout = checkout
        self._clock = clock

    async def place_order(self) -> models.Order:
        order_number = new_order_number(self._clock())
        paid_with: str | None = None

        async def draft(_conflict: CtpConcurrentModification | None) -> Json:
            nonlocal paid_with
            # Read (again, after a 409: another tab changed the cart) and checked as it is now,
            # since the payment must cover what the cart holds at the version ordered.
            cart = await self._carts.raw_active_cart()
            if cart is None or not cart.get("lineItems"):
                raise BadUserInput("Your cart is empty.", code=UserErrorCode.CART_EMPTY)
            if not cart.get("shippingAddress", {}).get("country"):
                raise BadUserInput(
                    "Add a shipping address before placing the order.",
                    code=UserErrorCode.SHIPPING_ADDRESS_MISSING,
                )
            payment_state, paid_with = await self._checkout.check(cart, self._session.payment_id)
            return order_draft(cart, order_number, payment_state)

        try:
            # The cart is read with the session's own token, so it is this shopper's.
            order: resources.Order = await self._gateway.write_prepared(
                self._context.store.path(ORDERS_PATH), draft
            )
        except BadUserInput as exc:
            if exc.reason is not UserErrorCode.CART_EMPTY:
                raise
            # No cart left: the provider's webhook may have ordered it the moment the payment
            # went through (before this request came); that order is the answer.
            found = await self._order_paid_in_this_session()
            if found is None:
                raise
            return cart_mapping.order(found, self._context.shopper.locale)
        except (CtpBadRequest, CtpConcurrentModification) as exc:
            # Refused because the webhook ordered the cart between this request's check and
            # its order (commercetools orders a cart once): that order is the answer too.
            found = (
                await self._order_paid_in_this_session() if isinstance(exc, CtpBadRequest) else None
            )
            if found is not None:
                return cart_mapping.order(found, self._context.shopper.locale)
            raise shopper_error(exc, "order") from exc
        self._remember_order(order)
        await self._checkout.release_others(order, paid_with)
        return cart_mapping.order(order, self._context.shopper.locale)

    def _remember_order(self, order: resources.Order) -> None:
        self._session.last_order_id = order["id"]
        self._session.cart_id = None
        self._session.cart_version = None
        self._session.payment_id = None

    async def _order_paid_in_this_session(self) -> resources.Order | None:
        """The order of the payment this session started, when the provider's webhook placed it
        (the shopper closed the tab, or was slower than the webhook): the webhook cannot reach
        the session, so the session finds the order by its payment, and remembers it."""
        payment_id = self._session.payment_id
        if payment_id is None or not _ID.match(payment_id):
            return None
        params = {
            "where": f'paymentInfo(payments(id="{payment_id}"))',
            "sort": "createdAt desc",
            "limit": 1,
        }
        page = await self._tokens.call(
            lambda token: self._gateway.get(
                self._context.store.path("/me/orders"), token=token, params=params
            ),
            create=False,
        )
        results = page.get("results") if page is not None else None
        if not results:
            return None
        order: resources.Order = results[0]
        self._remember_order(order)
        return order

    async def my_orders(
        self, limit: int | None = None, offset: int | None = None
    ) -> models.OrderList:
        """A page of the customer's orders, newest first; None stands for the default."""
        limit = DEFAULT_PAGE_SIZE if limit is None else limit
        offset = 0 if offset is None else offset
        if not 1 <= limit <= MAX_PAGE_SIZE:
            raise BadUserInput(
                f"limit must be between 1 and {MAX_PAGE_SIZE}.",
                field=("limit",),
                code=UserErrorCode.OUT_OF_RANGE,
            )
        if not 0 <= offset <= MAX_OFFSET:
            raise BadUserInput(
                f"offset must be between 0 and {MAX_OFFSET}.",
                field=("offset",),
                code=UserErrorCode.OUT_OF_RANGE,
            )
        if not self._session.is_signed_in:
            raise Unauthenticated(_SIGN_IN_FIRST)
        params = {"sort": "createdAt desc", "limit": limit, "offset": offset, "withTotal": "true"}
        page = await self._tokens.call(
            lambda token: self._gateway.get(
                self._context.store.path("/me/orders"), token=token, params=params
            ),
            create=False,
        )
        if page is None:
            raise Unauthenticated(_SIGN_IN_FIRST)
        locale = self._context.shopper.locale
        results = tuple(cart_mapping.order(raw, locale) for raw in page["results"])
        page_info = models.PageInfo(
            offset=offset,
            limit=limit,
            total=int(page.get("total", offset + len(results))),
            count=len(results),
        )
        return models.OrderList(page_info=page_info, results=results)

    async def order(self, order_id: str) -> models.Order:
        if not self._session.is_signed_in:
            raise Unauthenticated(_SIGN_IN_FIRST)
        raw = await self._own_order(order_id)
        if raw is None:
            raise NotFound("There is no such order in your account.")
        return cart_mapping.order(raw, self._context.shopper.locale)

    async def last_order(self) -> models.Order | None:
        placed_by_webhook = await self._order_paid_in_this_session()
        if placed_by_webhook is not None:
            return cart_mapping.order(placed_by_webhook, self._context.shopper.locale)
        order_id = self._session.last_order_id
        if order_id is None:
            return None
        raw = await self._own_order(order_id)
        return cart_mapping.order(raw, self._context.shopper.locale) if raw is not None else None

    async def _own_order(self, order_id: str) -> resources.Order | None:
        """The order if this session's token may see it; `/me/orders` scopes by the token."""
        if not _ID.match(order_id):
            return None

        async def fetch(token: str) -> resources.Order | None:
            try:
                found: resources.Order = await self._gateway.get(
                    self._context.store.path(f"/me/orders/{order_id}"), token=token
                )
            except CtpNotFound:
                return None
            return found

        return await self._tokens.call(fetch, create=False)
