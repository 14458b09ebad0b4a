"""commercetools Cart and Order JSON -> storefront models."""

from __future__ import annotations

from typing import Any

from app.ctp.json import Json
from app.models import (
    Cart,
    DiscountCodeInfo,
    LineItem,
    Money,
    Order,
    ShippingMethod,
    TaxedPrice,
)
from app.services.mapping import address, localize, money


def line_item(raw: Json, locale: str) -> LineItem:
    variant = raw.get("variant") or {}
    unit = money((raw.get("price") or {}).get("value"))
    images = variant.get("images") or []
    return LineItem(
        id=raw["id"],
        product_id=str(raw.get("productId", "")),
        product_slug=localize(raw.get("productSlug"), locale) or None,
        variant_id=int(variant.get("id", 0)),
        sku=variant.get("sku"),
        name=localize(raw.get("name"), locale),
        image_url=images[0].get("url") if images and isinstance(images[0], dict) else None,
        quantity=int(raw.get("quantity", 0)),
        unit_price=unit,
        discounted_unit_price=_discounted_unit_price(raw),
        total_price=money(raw.get("totalPrice")),
    )


def _discounted_unit_price(raw: Json) -> Money | None:
    per_quantity = raw.get("discountedPricePerQuantity") or []
    if per_quantity:
        return money(per_quantity[0].get("discountedPrice", {}).get("value"))
    discounted = (raw.get("price") or {}).get("discounted")
    return money(discounted.get("value")) if isinstance(discounted, dict) else None


def taxed_price(raw: Any) -> TaxedPrice | None:
    if not isinstance(raw, dict):
        return None
    return TaxedPrice(
        total_net=money(raw.get("totalNet")),
        total_gross=money(raw.get("totalGross")),
        total_tax=money(raw.get("totalTax")),
    )


def _shipping(raw: Json, currency: str, locale: str) -> tuple[ShippingMethod | None, Money | None]:
    info = raw.get("shippingInfo")
    if not isinstance(info, dict):
        return None, None
    price = money(info.get("price"))
    rate = info.get("shippingRate") or {}
    free_above = rate.get("freeAbove")
    method = ShippingMethod(
        id=str((info.get("shippingMethod") or {}).get("id", "")),
        key=None,
        name=localize(info.get("shippingMethodName"), locale),
        description=None,
        price=price,
        free_above=money(free_above) if isinstance(free_above, dict) else None,
        is_default=False,
    )
    return method, price


def _discount_codes(raw: Json) -> tuple[DiscountCodeInfo, ...]:
    codes = []
    for entry in raw.get("discountCodes") or []:
        reference = entry.get("discountCode") or {}
        expanded = reference.get("obj") or {}
        codes.append(
            DiscountCodeInfo(
                id=str(reference.get("id", "")),
                code=str(expanded.get("code", "")),
                state=str(entry.get("state", "")),
            )
        )
    return tuple(codes)


def _totals(raw: Json, lines: tuple[LineItem, ...], currency: str) -> tuple[Money, Money]:
    fraction = lines[0].unit_price.fraction_digits if lines else 2
    subtotal = sum(line.unit_price.cent_amount * line.quantity for line in lines)
    after_discounts = sum(line.total_price.cent_amount for line in lines)
    return (
        Money(subtotal, currency, fraction),
        Money(max(subtotal - after_discounts, 0), currency, fraction),
    )


def _optional_address(raw: Any) -> Any:
    return address(raw) if isinstance(raw, dict) and raw.get("country") else None


def cart(raw: Json, locale: str) -> Cart:
    lines = tuple(line_item(item, locale) for item in raw.get("lineItems", ()))
    total = money(raw.get("totalPrice"))
    currency = total.currency_code
    subtotal, discount = _totals(raw, lines, currency)
    method, shipping_price = _shipping(raw, currency, locale)
    return Cart(
        id=raw["id"],
        version=int(raw["version"]),
        currency_code=currency,
        country=raw.get("country"),
        line_items=lines,
        total_quantity=sum(line.quantity for line in lines),
        subtotal=subtotal,
        discount=discount,
        shipping_method=method,
        shipping_price=shipping_price,
        total_price=total,
        taxed_price=taxed_price(raw.get("taxedPrice")),
        shipping_address=_optional_address(raw.get("shippingAddress")),
        billing_address=_optional_address(raw.get("billingAddress")),
        email=raw.get("customerEmail"),
        discount_codes=_discount_codes(raw),
    )


def order(raw: Json, locale: str) -> Order:
    lines = tuple(line_item(item, locale) for item in raw.get("lineItems", ()))
    total = money(raw.get("totalPrice"))
    currency = total.currency_code
    subtotal, discount = _totals(raw, lines, currency)
    method, shipping_price = _shipping(raw, currency, locale)
    return Order(
        id=raw["id"],
        order_number=raw.get("orderNumber"),
        created_at=str(raw.get("createdAt", "")),
        order_state=str(raw.get("orderState", "Open")),
        currency_code=currency,
        line_items=lines,
        total_quantity=sum(line.quantity for line in lines),
        subtotal=subtotal,
        discount=discount,
        shipping_method=method,
        shipping_price=shipping_price,
        total_price=total,
        taxed_price=taxed_price(raw.get("taxedPrice")),
        shipping_address=_optional_address(raw.get("shippingAddress")),
        billing_address=_optional_address(raw.get("billingAddress")),
        email=raw.get("customerEmail"),
    )


def shipping_method(raw: Json, currency: str, locale: str) -> ShippingMethod | None:
    """A ShippingMethod from `matching-cart`/`matching-location`: the matching rate's price."""
    for zone_rate in raw.get("zoneRates") or []:
        for rate in zone_rate.get("shippingRates") or []:
            price = rate.get("price") or {}
            if rate.get("isMatching") and price.get("currencyCode") == currency:
                free_above = rate.get("freeAbove")
                return ShippingMethod(
                    id=raw["id"],
                    key=raw.get("key"),
                    name=localize(raw.get("localizedName"), locale) or str(raw.get("name", "")),
                    description=localize(raw.get("localizedDescription"), locale) or None,
                    price=money(price),
                    free_above=money(free_above) if isinstance(free_above, dict) else None,
                    is_default=bool(raw.get("isDefault")),
                )
    return None
