"""Shipping methods that can deliver the session's cart, priced for it."""

from __future__ import annotations

from dataclasses import replace

from app import models
from app.ctp.gateway import CtpGateway
from app.services import cart_mapping
from app.services.cart import CartService


class ShippingService:
    def __init__(self, carts: CartService, gateway: CtpGateway) -> None:
        self._carts = carts
        self._gateway = gateway

    async def methods_for_cart(self, shopper: models.Shopper) -> list[models.ShippingMethod]:
        cart = await self._carts.raw_active_cart()
        currency = shopper.currency
        line_total = 0
        if cart is not None:
            currency = cart["totalPrice"]["currencyCode"]
            line_total = sum(int(line["totalPrice"]["centAmount"]) for line in cart["lineItems"])
        country = ((cart or {}).get("shippingAddress") or {}).get("country")
        # Shipping-method reads need the app's scope, not the shopper's token.
        if cart is not None and country:
            page = await self._gateway.get(
                "/shipping-methods/matching-cart", params={"cartId": cart["id"]}
            )
        else:
            where = country or (cart or {}).get("country") or shopper.country
            page = await self._gateway.get(
                "/shipping-methods/matching-location",
                params={"country": where, "currency": currency},
            )
        methods = []
        for raw in page.get("results", []):
            method = cart_mapping.shipping_method(raw, currency, shopper.locale)
            if method is None:
                continue
            if method.free_above is not None and line_total >= method.free_above.cent_amount:
                method = replace(
                    method, price=models.Money(0, currency, method.price.fraction_digits)
                )
            methods.append(method)
        return methods
