"""Shipping methods that can deliver the session's cart, priced for it."""

from __future__ import annotations

from dataclasses import replace

from app import models
from app.ctp import resources
from app.ctp.gateway import CtpGateway
from app.request_context import RequestContext
from app.services import cart_mapping, mapping
from app.services.cart import CartService


class ShippingService:
    def __init__(self, context: RequestContext, carts: CartService, gateway: CtpGateway) -> None:
        self._context = context
        self._carts = carts
        self._gateway = gateway

    async def methods_for_cart(self) -> list[models.ShippingMethod]:
        shopper = self._context.shopper
        cart = await self._carts.raw_active_cart()
        currency, line_total = shopper.currency, 0
        if cart is not None:
            items = cart_mapping.line_items_total(cart)
            currency, line_total = items.currency_code, items.cent_amount
        page: resources.PagedQueryResponse[resources.ShippingMethod]
        # Shipping-method reads need the app's scope, not the shopper's token.
        if cart is not None and "shippingAddress" in cart:
            # In a store, its own endpoint: the store's cart, seen through the store.
            page = await self._gateway.get(
                self._context.store.path("/shipping-methods/matching-cart"),
                params={"cartId": cart["id"]},
            )
        else:
            where = cart.get("country", shopper.country) if cart is not None else shopper.country
            page = await self._gateway.get(
                "/shipping-methods/matching-location",
                params={"country": where, "currency": currency},
            )
        methods = []
        for raw in mapping.results(page):
            method = cart_mapping.shipping_method(raw, currency, shopper.locale)
            if method is None:
                continue
            if method.free_above is not None and line_total >= method.free_above.cent_amount:
                method = replace(
                    method, price=models.Money(0, currency, method.price.fraction_digits)
                )
            methods.append(method)
        return methods
