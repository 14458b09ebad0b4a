"""commercetools Cart and Order JSON -> storefront models."""

from __future__ import annotations

from app.ctp import resources
from app.iso_codes import COUNTRY_CODES
from app.models import (
    Address,
    Cart,
    DiscountCodeInfo,
    DiscountCodeState,
    LineItem,
    Money,
    Order,
    OrderState,
    PaymentState,
    ShipmentState,
    ShippingInfo,
    ShippingMethod,
    TaxedPrice,
)
from app.services.global_ids import owned_id
from app.services.mapping import (
    address,
    code,
    date_time,
    integer,
    localize,
    member,
    money,
    nonempty,
    reads,
)


def line_item(raw: resources.LineItem, owner_id: str, locale: str) -> LineItem:
    variant = raw["variant"]
    images = variant.get("images") or []
    product_id = nonempty(raw["productId"], "LineItem.productId")
    line_item_id = nonempty(raw["id"], "LineItem.id")
    number = integer(variant["id"], "ProductVariant.id")
    return LineItem(
        id=owned_id(owner_id, line_item_id),
        line_item_id=line_item_id,
        product_id=product_id,
        product_slug=localize(raw.get("productSlug"), locale) or None,
        variant_id=owned_id(product_id, number),
        variant_number=number,
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


def _shipping(raw: resources.Cart | resources.Order) -> ShippingInfo | None:
    info = raw.get("shippingInfo")
    if info is None:
        return None
    reference = info.get("shippingMethod")
    return ShippingInfo(
        # A custom shipping method has a name and a rate but no ShippingMethod to refer to.
        shipping_method_id=reference["id"] if reference is not None else None,
        name=info["shippingMethodName"],
        price=money(info["price"]),
    )


def _discount_codes(
    cart_id: str, raw: list[resources.DiscountCodeInfo]
) -> tuple[DiscountCodeInfo, ...]:
    codes = []
    for entry in raw:
        reference = entry["discountCode"]
        expanded = reference.get("obj")
        code_id = nonempty(reference["id"], "DiscountCode.id")
        codes.append(
            DiscountCodeInfo(
                id=owned_id(cart_id, code_id),
                discount_code_id=code_id,
                # The cart is read with the codes expanded; without it (a code deleted since)
                # the code text is unknown, and the id still lets the shopper remove it.
                code=expanded["code"] if expanded is not None else "",
                state=member(DiscountCodeState, entry["state"], "DiscountCodeInfo.state"),
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


def _addresses(
    raw: resources.Cart | resources.Order, owner_id: str
) -> tuple[Address | None, Address | None]:
    """The shipping and billing address, each named by its owner and its role."""
    shipping, billing = raw.get("shippingAddress"), raw.get("billingAddress")
    return (
        address(shipping, owned_id(owner_id, "shippingAddress")) if shipping else None,
        address(billing, owned_id(owner_id, "billingAddress")) if billing else None,
    )


@reads("Cart")
def cart(raw: resources.Cart, locale: str) -> Cart:
    cart_id = nonempty(raw["id"], "Cart.id")
    lines = tuple(line_item(item, cart_id, locale) for item in raw["lineItems"])
    total = money(raw["totalPrice"])
    subtotal, discount = _totals(lines, total)
    shipping = _shipping(raw)
    taxed = raw.get("taxedPrice")
    shipping_address, billing_address = _addresses(raw, cart_id)
    country = raw.get("country")
    return Cart(
        id=cart_id,
        version=integer(raw["version"], "Cart.version"),
        currency_code=total.currency_code,
        country=code(country, COUNTRY_CODES, "Cart.country") if country is not None else None,
        line_items=lines,
        total_quantity=sum(line.quantity for line in lines),
        subtotal=subtotal,
        discount=discount,
        shipping_info=shipping,
        shipping_price=shipping.price if shipping is not None else None,
        total_price=total,
        taxed_price=taxed_price(taxed) if taxed is not None else None,
        shipping_address=shipping_address,
        billing_address=billing_address,
        email=raw.get("customerEmail"),
        discount_codes=_discount_codes(cart_id, raw["discountCodes"]),
    )


@reads("Order")
def order(raw: resources.Order, locale: str) -> Order:
    order_id = nonempty(raw["id"], "Order.id")
    lines = tuple(line_item(item, order_id, locale) for item in raw["lineItems"])
    shipping_address, billing_address = _addresses(raw, order_id)
    total = money(raw["totalPrice"])
    subtotal, discount = _totals(lines, total)
    shipping = _shipping(raw)
    taxed = raw.get("taxedPrice")
    payment_state, shipment_state = raw.get("paymentState"), raw.get("shipmentState")
    return Order(
        id=order_id,
        order_number=raw.get("orderNumber"),
        created_at=date_time(raw["createdAt"], "Order.createdAt"),
        order_state=member(OrderState, raw["orderState"], "Order.orderState"),
        payment_state=(
            member(PaymentState, payment_state, "Order.paymentState")
            if payment_state is not None
            else None
        ),
        shipment_state=(
            member(ShipmentState, shipment_state, "Order.shipmentState")
            if shipment_state is not None
            else None
        ),
        currency_code=total.currency_code,
        line_items=lines,
        total_quantity=sum(line.quantity for line in lines),
        subtotal=subtotal,
        discount=discount,
        shipping_info=shipping,
        shipping_price=shipping.price if shipping is not None else None,
        total_price=total,
        taxed_price=taxed_price(taxed) if taxed is not None else None,
        shipping_address=shipping_address,
        billing_address=billing_address,
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
                    shipping_method_id=nonempty(raw["id"], "ShippingMethod.id"),
                    key=raw.get("key"),
                    name=localize(raw.get("localizedName"), locale) or raw["name"],
                    description=localize(raw.get("localizedDescription"), locale) or None,
                    price=price,
                    free_above=money(free_above) if free_above is not None else None,
                    is_default=raw["isDefault"],
                )
    return None
