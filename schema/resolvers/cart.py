"""Cart fields. Thin: read arguments, call the service, return its model."""

from __future__ import annotations

from typing import Any

from dependency_injector.wiring import Provide, inject

from app.models import Cart
from app.services.cart import CartService
from containers import GraphQLContainer
from schema.bindables import mutation, query
from schema.context import ResolveInfo, shopper


class CartResolvers:
    @inject
    async def cart(
        self,
        _obj: Any,
        info: ResolveInfo,
        carts: CartService = Provide[GraphQLContainer.cart_service],
    ) -> Cart | None:
        return await carts.current_cart(shopper(info))

    @inject
    async def add_to_cart(
        self,
        _obj: Any,
        info: ResolveInfo,
        sku: str,
        quantity: int = 1,
        carts: CartService = Provide[GraphQLContainer.cart_service],
    ) -> Cart:
        return await carts.add_line_item(sku, quantity, shopper(info))


_resolvers = CartResolvers()
query.set_field("cart", _resolvers.cart)
mutation.set_field("addToCart", _resolvers.add_to_cart)
