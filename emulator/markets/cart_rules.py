"""What a Store and a Customer Group change in a Cart (Carts reference, CartDraft and
LineItemDraft; CountryNotConfiguredInStoreError):

- a Cart in a Store (`store`) may only have a `country` of the Store's `countries` (when the
  Store lists any): 400 CountryNotConfiguredInStore on creation, `setCountry` and ordering;
- a Line Item's `distributionChannel` must be a ProductDistribution Channel, one of the Store's
  `distributionChannels` when the Cart is in a Store that has them; it selects the Line Item's
  Price (the Store gives no default: a Line Item without one selects among the Prices without
  Channel), and a Line Item's variant keeps only the Prices of the Store's distribution
  channels and those without Channel (release note of 14 July 2020); `supplyChannel` must be
  an InventorySupply Channel;
- `customerGroup`: the Customer Group of the Customer the Cart belongs to, kept in step with the
  Customer on every recalculation; it selects Customer Group Prices.
"""

from __future__ import annotations

from typing import Any

from emulator.errors import CtpApiError, invalid_input, referenced_resource_not_found
from emulator.jsonio import Json
from emulator.markets.registry import Markets


def check_store_country(markets: Markets, cart: Json) -> None:
    store_ref = cart.get("store")
    country = cart.get("country")
    if not isinstance(store_ref, dict) or country is None:
        return
    store = markets.store_by_key(store_ref["key"])
    countries = [c["code"] for c in (store or {}).get("countries", [])]
    if countries and country not in countries:
        raise CtpApiError(
            400,
            "CountryNotConfiguredInStore",
            f"The country {country} is not configured for the store {store_ref['key']}.",
            storeCountries=countries,
            country=country,
        )


def _channel(markets: Markets, value: Any, role: str, field: str) -> Json:
    if not isinstance(value, dict):
        raise invalid_input(f"{field}: a ResourceIdentifier (id or key) is expected.")
    if isinstance(value.get("id"), str):
        channel = markets.channels.get(value["id"])
        if channel is None:
            raise referenced_resource_not_found("channel", id=value["id"])
    elif isinstance(value.get("key"), str):
        channel = markets.channel_by_key(value["key"])
        if channel is None:
            raise referenced_resource_not_found("channel", key=value["key"])
    else:
        raise invalid_input(f"{field}: a ResourceIdentifier (id or key) is expected.")
    if role not in channel.get("roles", []):
        raise invalid_input(
            f"{field}: the Channel '{channel['key']}' does not have the role {role}."
        )
    return {"typeId": "channel", "id": channel["id"]}


def line_channels(markets: Markets, cart: Json, draft: Json) -> Json:
    """`distributionChannel` / `supplyChannel` References for a new Line Item."""
    channels: Json = {}
    if draft.get("distributionChannel") is not None:
        ref = _channel(
            markets, draft["distributionChannel"], "ProductDistribution", "distributionChannel"
        )
        store = markets.store_by_key(cart["store"]["key"]) if cart.get("store") else None
        allowed = [c["id"] for c in (store or {}).get("distributionChannels", [])]
        if allowed and ref["id"] not in allowed:
            raise invalid_input(
                f"distributionChannel: the Channel '{ref['id']}' is not a distribution channel "
                f"of the store {cart['store']['key']}."
            )
        channels["distributionChannel"] = ref
    if draft.get("supplyChannel") is not None:
        channels["supplyChannel"] = _channel(
            markets, draft["supplyChannel"], "InventorySupply", "supplyChannel"
        )
    return channels


def store_distribution_channels(markets: Markets, cart: Json | None) -> frozenset[str]:
    """Ids of the distribution channels of the Cart's Store (empty outside a Store)."""
    store_ref = (cart or {}).get("store")
    if not isinstance(store_ref, dict):
        return frozenset()
    store = markets.store_by_key(store_ref["key"]) or {}
    return frozenset(ref["id"] for ref in store.get("distributionChannels", []))


def sync_customer_group(cart: Json, customer: Json | None) -> None:
    """The Cart's `customerGroup` follows its Customer's (a Cart without Customer keeps its own)."""
    if customer is None:
        return
    group = customer.get("customerGroup")
    if isinstance(group, dict):
        cart["customerGroup"] = {"typeId": "customer-group", "id": group["id"]}
    else:
        cart.pop("customerGroup", None)


def cart_groups(cart: Json) -> tuple[str, ...]:
    group = cart.get("customerGroup")
    return (group["id"],) if isinstance(group, dict) else ()


def line_channel(line: Json | None) -> str | None:
    channel = (line or {}).get("distributionChannel")
    return channel["id"] if isinstance(channel, dict) else None
