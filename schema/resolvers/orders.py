"""Order fields: placing the order (answering with its payload, schema/payloads.py) and
reading orders back."""

from __future__ import annotations

from typing import Any

from dependency_injector.wiring import Provide, inject

from app.models import Order, OrderList
from app.services.orders import OrderService
from containers import GraphQLContainer
from schema.bindables import query
from schema.context import ResolveInfo
from schema.payloads import bind_mutation


class OrderResolvers:
    @inject
    async def place_order(
        self,
        _obj: Any,
        _info: ResolveInfo,
        orders: OrderService = Provide[GraphQLContainer.order_service],
    ) -> Order:
        return await orders.place_order()

    @inject
    async def my_orders(
        self,
        _obj: Any,
        _info: ResolveInfo,
        limit: int | None = None,
        offset: int | None = None,
        orders: OrderService = Provide[GraphQLContainer.order_service],
    ) -> OrderList:
        return await orders.my_orders(limit, offset)

    @inject
    async def order(
        self,
        _obj: Any,
        _info: ResolveInfo,
        id: str,
        orders: OrderService = Provide[GraphQLContainer.order_service],
    ) -> Order:
        return await orders.order(id)

    @inject
    async def last_order(
        self,
        _obj: Any,
        _info: ResolveInfo,
        orders: OrderService = Provide[GraphQLContainer.order_service],
    ) -> Order | None:
        return await orders.last_order()


_resolvers = OrderResolvers()
bind_mutation("placeOrder", _resolvers.place_order, returns="order")
query.set_field("myOrders", _resolvers.my_orders)
query.set_field("order", _resolvers.order)
query.set_field("lastOrder", _resolvers.last_order)
