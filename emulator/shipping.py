"""`GET /{projectKey}/shipping-methods/matching-cart?cartId=…`: the Shipping Methods that can
ship a cart (they need the cart, so they live here rather than with the catalog's routes).

As commercetools describes it: active methods with a rate for the zone of the cart's shipping
address and the cart's currency; each answer keeps only that zone and marks exactly one
ShippingRate `isMatching: true`; a method with `isDefault` comes first.
A token with only `manage_my_orders` may ask about its own carts only.
"""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from emulator.auth import emulator_of, require_scope, require_token
from emulator.errors import invalid_input, invalid_operation, not_found
from emulator.jsonio import Json
from emulator.markets.store_context import in_store, scope
from emulator.me import session_owner
from emulator.resources import respond, working_copy
from emulator.state import Emulator


def matching_methods(emulator: Emulator, cart: Json) -> list[Json]:
    address = cart.get("shippingAddress")
    if address is None:
        raise invalid_operation("The Cart must have a shipping address.")
    currency = cart["totalPrice"]["currencyCode"]
    line_total = sum(int(line["totalPrice"]["centAmount"]) for line in cart["lineItems"])
    return methods_for_location(emulator, address["country"], currency, line_total)


def methods_for_location(
    emulator: Emulator, country: str, currency: str | None, line_total: int = 0
) -> list[Json]:
    """Methods shipping to `country`; with `currency`, only those with a rate in it, that rate
    marked `isMatching` (as matching-location does)."""
    catalog = emulator.catalog
    found: list[Json] = []
    for method in catalog.shipping_methods():
        if not method.get("active", True):
            continue
        if (
            currency is not None
            and catalog.shipping_rate(method, country, currency, line_total) is None
        ):
            continue
        view = working_copy(method)
        zone_rates = []
        for zone_rate in view.get("zoneRates", []):
            zone = catalog.zone(zone_rate["zone"]["id"])
            if zone is None or not any(loc["country"] == country for loc in zone["locations"]):
                continue
            marked = False
            for shipping_rate in zone_rate["shippingRates"]:
                matching = not marked and shipping_rate["price"]["currencyCode"] == currency
                shipping_rate["isMatching"] = matching
                marked = marked or matching
            zone_rates.append(zone_rate)
        view["zoneRates"] = zone_rates
        found.append(view)
    found.sort(key=lambda m: not m.get("isDefault", False))
    return found


async def matching_cart(request: Request) -> Response:
    """Also `/in-store/key={storeKey}/shipping-methods/matching-cart` (Get matching
    ShippingMethods for a Cart in a Store): the Store-based scopes count, and a cart of another
    Store or of none answers 404."""
    token = require_token(request)
    store_key = scope(request, token, "view_orders", "view_shipping_methods", "manage_my_orders")
    cart_id = request.query_params.get("cartId")
    if not cart_id:
        raise invalid_input("Missing required query parameter 'cartId'.")
    trusted = token.grants("view_orders", "view_shipping_methods", store=store_key)
    emulator = emulator_of(request)
    with emulator.lock:
        cart = emulator.carts.get(cart_id)
        if (
            cart is None
            or (not trusted and not session_owner(token).owns(cart))
            or not in_store(cart, store_key)
        ):
            raise not_found(cart_id)
        results = matching_methods(emulator, cart)
        return respond(
            {
                "limit": len(results),
                "offset": 0,
                "count": len(results),
                "total": len(results),
                "results": results,
            }
        )


async def matching_location(request: Request) -> Response:
    token = require_token(request)
    require_scope(token, "view_shipping_methods", "view_orders", "manage_my_orders")
    country = request.query_params.get("country")
    if not country or len(country) != 2 or not country.isalpha() or not country.isupper():
        raise invalid_input("Query parameter 'country' must be a two-letter country code.")
    currency = request.query_params.get("currency")
    emulator = emulator_of(request)
    with emulator.lock:
        results = methods_for_location(emulator, country, currency)
        return respond(
            {
                "limit": len(results),
                "offset": 0,
                "count": len(results),
                "total": len(results),
                "results": results,
            }
        )


def routes() -> list[BaseRoute]:
    # Absolute path: it must be matched before the catalog's `/shipping-methods/{id}`.
    return [
        Route("/{projectKey}/shipping-methods/matching-cart", matching_cart, methods=["GET"]),
        Route(
            "/{projectKey}/shipping-methods/matching-location", matching_location, methods=["GET"]
        ),
    ]
