"""commercetools Cart and Order JSON -> storefront models."""

from __future__ import annotations

from app.ctp import resources
from app.models import (
    Address,
    Cart,
    DiscountCodeInfo,
    LineItem,
    Money,
    Order,
    ShippingMethod,
    TaxedPrice,
)
from app.services.mapping import address, integer, localize, money, nonempty, reads


def line_item(raw: resources.LineItem, locale: str) -> LineItem:
    variant = raw["variant"]
    images = variant.get("images") or []
    return LineItem(
        id=nonempty(raw["id"], "LineItem.id"),
        product_id=nonempty(raw["productId"], "LineItem.productId"),
        product_slug=localize(raw.get("productSlug"), locale) or None,
        variant_id=integer(variant["id"], "ProductVariant.id"),
        sku=variant.get("sku"),
        name=localize(raw["name"], locale),
        image_url=images[0]["url"] if images else None,
        quantity=integer(raw["quantity"], "LineItem.quantity"),
        unit_price=money(raw["price"]["value"]),
        discounted_unit_price=_discounted_unit_price(raw),
        total_price=money(raw["totalPrice"]),
    )


def _discounted_unit_price(raw: resources.LineItem) -> Money | None:
    per_quantity = raw["discountedPricePerQuantity"]
    if per_quantity:
        return money(per_quantity[0]["discountedPrice"]["value"])
    discounted = raw["price"].get("discounted")
    return money(discounted["value"]) if discounted is not None else None


def taxed_price(raw: resources.TaxedPrice) -> TaxedPrice:
    net, gross = money(raw["totalNet"]), money(raw["totalGross"])
    tax = raw.get("totalTax")
    return TaxedPrice(
        total_net=net,
        total_gross=gross,
        total_tax=(
            money(tax)
            if tax is not None
            else Money(
                gross.cent_amount - net.cent_amount, gross.currency_code, gross.fraction_digits
            )
        ),
    )


def _shipping(raw: resources.Cart | resources.Order, locale: str) -> ShippingMethod | None:
    info = raw.get("shippingInfo")
    if info is None:
        return None
    rate = info["shippingRate"]
    free_above = rate.get("freeAbove")
    reference = info.get("shippingMethod")
    return ShippingMethod(
        # A custom shipping method has a name and a rate but no ShippingMethod to refer to.
        id=reference["id"] if reference is not None else "",
        key=None,
        name=info["shippingMethodName"],
        description=None,
        price=money(info["price"]),
        free_above=money(free_above) if free_above is not None else None,
        is_default=False,
    )


def _discount_codes(raw: list[resources.DiscountCodeInfo]) -> tuple[DiscountCodeInfo, ...]:
    codes = []
    for entry in raw:
        reference = entry["discountCode"]
        expanded = reference.get("obj")
        codes.append(
            DiscountCodeInfo(
                id=nonempty(reference["id"], "DiscountCode.id"),
                # The cart is read with the codes expanded; without it (a code deleted since)
                # the code text is unknown, and the id still lets the shopper remove it.
                code=expanded["code"] if expanded is not None else "",
                state=nonempty(entry["state"], "DiscountCodeInfo.state"),
            )
        )
    return tuple(codes)


def _totals(lines: tuple[LineItem, ...], total: Money) -> tuple[Money, Money]:
    subtotal = sum(line.unit_price.cent_amount * line.quantity for line in lines)
    after_discounts = sum(line.total_price.cent_amount for line in lines)
    currency, fraction = total.currency_code, total.fraction_digits
    return (
        Money(subtotal, currency, fraction),
        Money(max(subtotal - after_discounts, 0), currency, fraction),
    )


def _optional_address(raw: resources.Address | None) -> Address | None:
    return address(raw) if raw is not None else None


@reads("Cart")
def cart(raw: resources.Cart, locale: str) -> Cart:
    lines = tuple(line_item(item, locale) for item in raw["lineItems"])
    total = money(raw["totalPrice"])
    subtotal, discount = _totals(lines, total)
    method = _shipping(raw, locale)
    taxed = raw.get("taxedPrice")
    return Cart(
        id=nonempty(raw["id"], "Cart.id"),
        version=integer(raw["version"], "Cart.version"),
        currency_code=total.currency_code,
        country=raw.get("country"),
        line_items=lines,
        total_quantity=sum(line.quantity for line in lines),
        subtotal=subtotal,
        discount=discount,
        shipping_method=method,
        shipping_price=method.price if method is not None else None,
        total_price=total,
        taxed_price=taxed_price(taxed) if taxed is not None else None,
        shipping_address=_optional_address(raw.get("shippingAddress")),
        billing_address=_optional_address(raw.get("billingAddress")),
        email=raw.get("customerEmail"),
        discount_codes=_discount_codes(raw["discountCodes"]),
    )


@reads("Order")
def order(raw: resources.Order, locale: str) -> Order:
    lines = tuple(line_item(item, locale) for item in raw["lineItems"])
    total = money(raw["totalPrice"])
    subtotal, discount = _totals(lines, total)
    method = _shipping(raw, locale)
    taxed = raw.get("taxedPrice")
    return Order(
        id=nonempty(raw["id"], "Order.id"),
        order_number=raw.get("orderNumber"),
        created_at=nonempty(raw["createdAt"], "Order.createdAt"),
        order_state=nonempty(raw["orderState"], "Order.orderState"),
        currency_code=total.currency_code,
        line_items=lines,
        total_quantity=sum(line.quantity for line in lines),
        subtotal=subtotal,
        discount=discount,
        shipping_method=method,
        shipping_price=method.price if method is not None else None,
        total_price=total,
        taxed_price=taxed_price(taxed) if taxed is not None else None,
        shipping_address=_optional_address(raw.get("shippingAddress")),
        billing_address=_optional_address(raw.get("billingAddress")),
        email=raw.get("customerEmail"),
    )


@reads("Cart")
def line_items_total(raw: resources.Cart) -> Money:
    """What the line items cost together, discounts applied: what a shipping rate's
    `freeAbove` is compared with."""
    total = money(raw["totalPrice"])
    cents = sum(money(line["totalPrice"]).cent_amount for line in raw["lineItems"])
    return Money(cents, total.currency_code, total.fraction_digits)


@reads("ShippingMethod")
def shipping_method(
    raw: resources.ShippingMethod, currency: str, locale: str
) -> ShippingMethod | None:
    """A ShippingMethod from `matching-cart`/`matching-location`: the matching rate's price."""
    for zone_rate in raw["zoneRates"]:
        for rate in zone_rate["shippingRates"]:
            price = money(rate["price"])
            if rate.get("isMatching") and price.currency_code == currency:
                free_above = rate.get("freeAbove")
                return ShippingMethod(
                    id=nonempty(raw["id"], "ShippingMethod.id"),
                    key=raw.get("key"),
                    name=localize(raw.get("localizedName"), locale) or raw["name"],
                    description=localize(raw.get("localizedDescription"), locale) or None,
                    price=price,
                    free_above=money(free_above) if free_above is not None else None,
                    is_default=raw["isDefault"],
                )
    return None
