"""The shopper's wishlist: a commercetools shopping list, remembered in the session
(`StorefrontSession.wishlist_id`, the documented session extension)."""

from __future__ import annotations

from typing import Any

from app import models
from app.ctp import resources
from app.ctp.errors import CtpBadRequest, CtpConcurrentModification, CtpNotFound
from app.ctp.gateway import CtpGateway
from app.ctp.json import Json
from app.errors import BadUserInput, Field, NotFound, UserErrorCode
from app.request_context import RequestContext
from app.services.global_ids import owned_id
from app.services.mapping import date_time, localize, money, nonempty, reads
from app.services.session_tokens import SessionTokens
from app.services.upstream_errors import ShopperMessage, shopper_error

WISHLIST_KEY_NAME = "Wishlist"
_EXPAND = {"expand": ["lineItems[*].variant", "lineItems[*].productSlug"]}
MAX_SKU_LENGTH = 256
_UNKNOWN_SKU = ShopperMessage(UserErrorCode.NOT_FOUND, "There is no product with this SKU.")
_UNKNOWN_ITEM = ShopperMessage(UserErrorCode.NOT_FOUND, "This item is not on your wishlist.")


class WishlistService:
    def __init__(self, context: RequestContext, tokens: SessionTokens, gateway: CtpGateway) -> None:
        self._context = context
        self._session = context.session
        self._tokens = tokens
        self._gateway = gateway

    async def wishlist(self) -> models.Wishlist | None:
        raw = await self._tokens.call(self._find, create=False)
        return wishlist_model(raw, self._context.shopper) if raw is not None else None

    async def add(self, sku: str) -> models.Wishlist:
        shopper = self._context.shopper
        sku = sku.strip()
        if not sku:
            raise BadUserInput(
                "Give the SKU of the variant to add.", field=("sku",), code=UserErrorCode.BLANK
            )
        if len(sku) > MAX_SKU_LENGTH:
            raise BadUserInput(
                f"At most {MAX_SKU_LENGTH} characters, please.",
                field=("sku",),
                code=UserErrorCode.TOO_LONG,
            )

        async def run(token: str) -> resources.ShoppingList:
            found = None if self._context.created_anonymous_token else await self._find(token)
            if found is None:
                draft = {
                    "name": {shopper.locale.split("-")[0]: WISHLIST_KEY_NAME},
                    "lineItems": [{"sku": sku, "quantity": 1}],
                }
                try:
                    created: resources.ShoppingList = await self._gateway.post(
                        self._context.store.path("/me/shopping-lists"),
                        draft,
                        token=token,
                        params=_EXPAND,
                    )
                except CtpBadRequest as exc:
                    raise shopper_error(
                        exc, "wishlist", field=("sku",), otherwise=_UNKNOWN_SKU
                    ) from exc
                self._session.wishlist_id = created["id"]
                return created
            if any(line.get("variant", {}).get("sku") == sku for line in found["lineItems"]):
                return found  # already wished for: adding twice would only raise its quantity
            action = {"action": "addLineItem", "sku": sku}
            return await self._update(token, found, [action], ("sku",), _UNKNOWN_SKU)

        raw = await self._tokens.call(run, create=True)
        assert raw is not None  # create=True always runs
        return wishlist_model(raw, shopper)

    async def remove(self, line_item_id: str) -> models.Wishlist:
        async def run(token: str) -> resources.ShoppingList | None:
            found = await self._find(token)
            if found is None:
                return None
            action = {"action": "removeLineItem", "lineItemId": line_item_id}
            return await self._update(token, found, [action], ("lineItemId",), _UNKNOWN_ITEM)

        raw = await self._tokens.call(run, create=False)
        if raw is None:
            raise NotFound("Your wishlist is empty.", field=("lineItemId",))
        return wishlist_model(raw, self._context.shopper)

    async def _find(self, token: str) -> resources.ShoppingList | None:
        list_id = self._session.wishlist_id
        if list_id is not None:
            try:
                found: resources.ShoppingList = await self._gateway.get(
                    self._context.store.path(f"/me/shopping-lists/{list_id}"),
                    token=token,
                    params=_EXPAND,
                )
                return found
            except CtpNotFound:
                self._session.wishlist_id = None
        if not self._session.is_signed_in:
            return None
        # A customer's wishlist outlives the browser session: find the newest one.
        params = {**_EXPAND, "sort": "createdAt desc", "limit": 1}
        page = await self._gateway.get(
            self._context.store.path("/me/shopping-lists"), token=token, params=params
        )
        results = page.get("results") or []
        if not results:
            return None
        self._session.wishlist_id = results[0]["id"]
        newest: resources.ShoppingList = results[0]
        return newest

    async def _update(
        self,
        token: str,
        shopping_list: resources.ShoppingList,
        actions: list[Json],
        field: Field,
        otherwise: ShopperMessage,
    ) -> resources.ShoppingList:
        path = self._context.store.path(f"/me/shopping-lists/{shopping_list['id']}")
        try:
            updated: resources.ShoppingList = await self._gateway.update(
                path, int(shopping_list["version"]), actions, token=token, params=_EXPAND
            )
        except (CtpBadRequest, CtpConcurrentModification) as exc:
            raise shopper_error(exc, "wishlist", field=field, otherwise=otherwise) from exc
        return updated


@reads("ShoppingList")
def wishlist_model(raw: resources.ShoppingList, shopper: models.Shopper) -> models.Wishlist:
    wishlist_id = nonempty(raw["id"], "ShoppingList.id")
    items = []
    for line in raw["lineItems"]:
        variant = line.get("variant", {})
        images = variant.get("images", [])
        line_item_id = nonempty(line["id"], "ShoppingListLineItem.id")
        price = selected_price(variant.get("prices", []), shopper)
        items.append(
            models.WishlistLineItem(
                id=owned_id(wishlist_id, line_item_id),
                line_item_id=line_item_id,
                product_id=nonempty(line["productId"], "ShoppingListLineItem.productId"),
                product_slug=localize(line.get("productSlug"), shopper.locale) or None,
                sku=variant.get("sku"),
                name=localize(line["name"], shopper.locale),
                image_url=images[0]["url"] if images else None,
                price=money(price["value"]) if price is not None else None,
                added_at=date_time(line["addedAt"], "ShoppingListLineItem.addedAt"),
            )
        )
    return models.Wishlist(id=wishlist_id, line_items=tuple(items))


def selected_price(prices: list[Any], shopper: models.Shopper) -> Any:
    """commercetools' price selection over a variant's embedded prices, for a shopping list
    (which has no price selection of its own): the shopper's currency; a price for their
    customer group, the store's channel and their country where there is one, in
    commercetools' fallback order (group, then channel, then country, most specific first)."""
    best: Any = None
    best_rank: tuple[bool, bool, bool] | None = None
    for price in prices:
        if price["value"]["currencyCode"] != shopper.currency:
            continue
        group = (price.get("customerGroup") or {}).get("id")
        channel = (price.get("channel") or {}).get("id")
        country = price.get("country")
        if group is not None and group not in shopper.customer_groups:
            continue
        if channel is not None and channel != shopper.channel_id:
            continue
        if country is not None and country != shopper.country:
            continue
        rank = (group is not None, channel is not None, country is not None)
        if best_rank is None or rank > best_rank:
            best, best_rank = price, rank
    return best
