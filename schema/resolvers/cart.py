"""Cart fields. Thin: read arguments, call the service, return its model."""

from __future__ import annotations

from typing import Any

from dependency_injector.wiring import Provide, inject

from app.models import Cart, ShippingMethod
from app.services.cart import CartService
from app.services.shipping import ShippingService
from containers import GraphQLContainer
from schema.bindables import mutation, query
from schema.context import ResolveInfo


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
        quantity: int = 1,
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
        id: str,
        carts: CartService = Provide[GraphQLContainer.cart_service],
    ) -> Cart:
        return await carts.remove_discount_code(id)

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
        id: str,
        carts: CartService = Provide[GraphQLContainer.cart_service],
    ) -> Cart:
        return await carts.set_shipping_method(id)


_resolvers = CartResolvers()
query.set_field("cart", _resolvers.cart)
query.set_field("shippingMethods", _resolvers.shipping_methods)
mutation.set_field("addToCart", _resolvers.add_to_cart)
mutation.set_field("updateLineItemQuantity", _resolvers.update_line_item_quantity)
mutation.set_field("removeLineItem", _resolvers.remove_line_item)
mutation.set_field("applyDiscountCode", _resolvers.apply_discount_code)
mutation.set_field("removeDiscountCode", _resolvers.remove_discount_code)
mutation.set_field("setShippingAddress", _resolvers.set_shipping_address)
mutation.set_field("setBillingAddress", _resolvers.set_billing_address)
mutation.set_field("setCartEmail", _resolvers.set_cart_email)
mutation.set_field("setShippingMethod", _resolvers.set_shipping_method)
