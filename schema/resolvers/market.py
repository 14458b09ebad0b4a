"""Shopper context and stores. Thin: read arguments, call the service, return its models."""

from __future__ import annotations

from typing import Any

from dependency_injector.wiring import Provide, inject

from app.errors import UserError, UserErrorCode
from app.models import ShopperContext, StoreMarket
from app.services.shopper_context import ContextInput, ShopperContextService
from containers import GraphQLContainer
from schema.bindables import mutation, query
from schema.context import ResolveInfo
from schema.payloads import user_error


class MarketResolvers:
    @inject
    async def shopper_context(
        self,
        _obj: Any,
        _info: ResolveInfo,
        contexts: ShopperContextService = Provide[GraphQLContainer.shopper_context_service],
    ) -> ShopperContext:
        return await contexts.current()

    @inject
    async def stores(
        self,
        _obj: Any,
        _info: ResolveInfo,
        contexts: ShopperContextService = Provide[GraphQLContainer.shopper_context_service],
    ) -> tuple[StoreMarket, ...]:
        return await contexts.stores()

    @inject
    async def set_shopper_context(
        self,
        _obj: Any,
        _info: ResolveInfo,
        input: dict[str, Any],
        contexts: ShopperContextService = Provide[GraphQLContainer.shopper_context_service],
    ) -> dict[str, Any]:
        wanted = ContextInput(
            country=input.get("country"),
            currency=input.get("currency"),
            language=input.get("language"),
            store_key=input.get("store_key", input.get("storeKey")),
        )
        try:
            change = await contexts.change(wanted)
        except UserError as error:
            return {
                "shopper_context": None,
                "cart": None,
                "left_out_lines": [],
                "user_errors": [user_error(error)],
            }
        # A line the new market cannot price is a problem the shopper should see, not only data.
        errors = [
            user_error(
                UserError(
                    f"{line.name or line.sku} is not sold in the new market; it stays in your "
                    "previous cart, which comes back when you switch back.",
                    field=("input",),
                    code=UserErrorCode.NOT_SOLD_IN_MARKET,
                )
            )
            for line in change.left_out_lines
        ]
        return {
            "shopper_context": change.shopper_context,
            "cart": change.cart,
            "left_out_lines": list(change.left_out_lines),
            "user_errors": errors,
        }


_resolvers = MarketResolvers()
query.set_field("shopperContext", _resolvers.shopper_context)
query.set_field("stores", _resolvers.stores)
mutation.set_field("setShopperContext", _resolvers.set_shopper_context)
