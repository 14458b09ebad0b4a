"""Cart fields. Thin: read arguments, call the service, return its model (mutations: in their
payload, schema/payloads.py)."""

from __future__ import annotations

from typing import Any

from dependency_injector.wiring import Provide, inject

from app.models import Cart, ShippingMethod
from app.services.cart import CartService
from app.services.shipping import ShippingService
from containers import GraphQLContainer
from schema.bindables import query
from schema.context import ResolveInfo
from schema.payloads import bind_mutation


class CartResolvers:
    @inject
    async def cart(
        self,
        _obj: Any,
        _info: ResolveInfo,
        carts: CartService = Provide[GraphQLContainer.cart_service],
    ) -> Cart | None:
        return await carts.current_cart()

    @inject
    async def shipping_methods(
        self,
        _obj: Any,
        _info: ResolveInfo,
        shipping: ShippingService = Provide[GraphQLContainer.shipping_service],
    ) -> list[ShippingMethod]:
        return await shipping.methods_for_cart()

    @inject
    async def add_to_cart(
        self,
        _obj: Any,
        _info: ResolveInfo,
        sku: str,
        quantity: int | None = None,
        carts: CartService = Provide[GraphQLContainer.cart_service],
    ) -> Cart:
        return await carts.add_line_item(sku, quantity)

    @inject
    async def update_line_item_quantity(
        self,
        _obj: Any,
        _info: ResolveInfo,
        line_item_id: str,
        quantity: int,
        carts: CartService = Provide[GraphQLContainer.cart_service],
    ) -> Cart:
        return await carts.change_line_item_quantity(line_item_id, quantity)

    @inject
    async def remove_line_item(
        self,
        _obj: Any,
        _info: ResolveInfo,
        line_item_id: str,
        carts: CartService = Provide[GraphQLContainer.cart_service],
    ) -> Cart:
        return await carts.remove_line_item(line_item_id)

    @inject
    async def apply_discount_code(
        self,
        _obj: Any,
        _info: ResolveInfo,
        code: str,
        carts: CartService = Provide[GraphQLContainer.cart_service],
    ) -> Cart:
        return await carts.apply_discount_code(code)

    @inject
    async def remove_discount_code(
        self,
        _obj: Any,
        _info: ResolveInfo,
        discount_code_id: str,
        carts: CartService = Provide[GraphQLContainer.cart_service],
    ) -> Cart:
        return await carts.remove_discount_code(discount_code_id)

    @inject
    async def set_shipping_address(
        self,
        _obj: Any,
        _info: ResolveInfo,
        address: dict[str, Any],
        carts: CartService = Provide[GraphQLContainer.cart_service],
    ) -> Cart:
        return await carts.set_shipping_address(address)

    @inject
    async def set_billing_address(
        self,
        _obj: Any,
        _info: ResolveInfo,
        address: dict[str, Any],
        carts: CartService = Provide[GraphQLContainer.cart_service],
    ) -> Cart:
        return await carts.set_billing_address(address)

    @inject
    async def set_cart_email(
        self,
        _obj: Any,
        _info: ResolveInfo,
        email: str,
        carts: CartService = Provide[GraphQLContainer.cart_service],
    ) -> Cart:
        return await carts.set_email(email)

    @inject
    async def set_shipping_method(
        self,
        _obj: Any,
        _info: ResolveInfo,
        shipping_method_id: str,
        carts: CartService = Provide[GraphQLContainer.cart_service],
    ) -> Cart:
        return await carts.set_shipping_method(shipping_method_id)


_resolvers = CartResolvers()
query.set_field("cart", _resolvers.cart)
query.set_field("shippingMethods", _resolvers.shipping_methods)
bind_mutation("addToCart", _resolvers.add_to_cart, returns="cart")
bind_mutation("updateLineItemQuantity", _resolvers.update_line_item_quantity, returns="cart")
bind_mutation("removeLineItem", _resolvers.remove_line_item, returns="cart")
bind_mutation("applyDiscountCode", _resolvers.apply_discount_code, returns="cart")
bind_mutation("removeDiscountCode", _resolvers.remove_discount_code, returns="cart")
bind_mutation("setShippingAddress", _resolvers.set_shipping_address, returns="cart")
bind_mutation("setBillingAddress", _resolvers.set_billing_address, returns="cart")
bind_mutation("setCartEmail", _resolvers.set_cart_email, returns="cart")
bind_mutation("setShippingMethod", _resolvers.set_shipping_method, returns="cart")
