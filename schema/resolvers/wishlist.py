"""Wishlist fields; mutations answer with their payloads (schema/payloads.py)."""

from __future__ import annotations

from typing import Any

from dependency_injector.wiring import Provide, inject

from app.models import Wishlist
from app.services.wishlist import WishlistService
from containers import GraphQLContainer
from schema.bindables import query
from schema.context import ResolveInfo
from schema.payloads import bind_mutation


class WishlistResolvers:
    @inject
    async def wishlist(
        self,
        _obj: Any,
        _info: ResolveInfo,
        wishlists: WishlistService = Provide[GraphQLContainer.wishlist_service],
    ) -> Wishlist | None:
        return await wishlists.wishlist()

    @inject
    async def add_to_wishlist(
        self,
        _obj: Any,
        _info: ResolveInfo,
        sku: str,
        wishlists: WishlistService = Provide[GraphQLContainer.wishlist_service],
    ) -> Wishlist:
        return await wishlists.add(sku)

    @inject
    async def remove_from_wishlist(
        self,
        _obj: Any,
        _info: ResolveInfo,
        line_item_id: str,
        wishlists: WishlistService = Provide[GraphQLContainer.wishlist_service],
    ) -> Wishlist:
        return await wishlists.remove(line_item_id)


_resolvers = WishlistResolvers()
query.set_field("wishlist", _resolvers.wishlist)
bind_mutation("addToWishlist", _resolvers.add_to_wishlist, returns="wishlist")
bind_mutation("removeFromWishlist", _resolvers.remove_from_wishlist, returns="wishlist")
