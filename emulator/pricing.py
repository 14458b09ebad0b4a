"""Cart arithmetic: Line Items from the catalog, price selection, discounts, shipping, taxes and
totals, recomputed from scratch after every change (commercetools recalculates on every update).

Rules followed (commercetools' carts/pricing overview):
- price selection by the Cart's `currency` and `country` (Catalog.select_price);
- taxes by the shipping address' country; no shipping address (or no rate for its country)
  means untaxed Line Items and no `taxedPrice`; rounding is HalfEven, per Line Item
  (`taxCalculationMode` LineItemLevel); gross prices when the rate is `includedInPrice`;
- Cart Discounts come from Discount Codes whose state is MatchesCart, applied by descending
  `sortOrder`, per unit for Line Item targets; `StopAfterThisDiscount` ends the chain;
- the Shipping Method's rate for the shipping address' zone and cart currency; free from
  `freeAbove` of the Line Item total.
"""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import ROUND_HALF_EVEN, Decimal
from typing import Any

from emulator.catalog import Catalog
from emulator.catalog.pricing import PriceSelector
from emulator.errors import CtpApiError, invalid_input
from emulator.jsonio import Json
from emulator.markets.cart_rules import (
    cart_groups,
    line_channel,
    store_distribution_channels,
    sync_customer_group,
)
from emulator.query import parse_predicate
from emulator.resources import money, reference
from emulator.state import Emulator

# The id of the Initial LineItemState every new Line Item is in.
INITIAL_STATE_ID = "6f8ed7ef-5e45-4a4f-9a9d-0f1f4e7e5b01"


def now_datetime(emulator: Emulator) -> datetime:
    return datetime.fromtimestamp(emulator.now(), tz=UTC)


def _round(value: Decimal) -> int:
    return int(value.quantize(Decimal(1), rounding=ROUND_HALF_EVEN))


# -- finding variants and building Line Items -------------------------------------------------


def find_variant(
    catalog: Catalog, sku: str | None, product_id: str | None, variant_id: int | None
) -> tuple[Json, Json]:
    """The published (product, variant) a LineItemDraft names by `sku` or by `productId`
    and `variantId`."""
    if sku is not None:
        found = catalog.find_variant_by_sku(sku)
        if found is None:
            raise invalid_input(f"No published product with an sku '{sku}' exists.")
        return found
    if product_id is not None:
        found = catalog.find_variant(product_id, variant_id if variant_id is not None else 1)
        if found is None:
            raise invalid_input(
                f"No published product with id '{product_id}' and variant "
                f"{variant_id if variant_id is not None else 1} exists."
            )
        return found
    raise invalid_input("Either 'sku' or 'productId' (with 'variantId') is required.")


def select_price(
    emulator: Emulator, cart: Json, product_id: str, variant: Json, line: Json | None = None
) -> Json:
    """The Line Item's Price for the Cart's currency, country and Customer Group and the Line
    Item's distribution Channel (catalog/pricing.py has the fallback order)."""
    currency = cart["totalPrice"]["currencyCode"]
    country = cart.get("country")
    groups = cart_groups(cart)
    channel = line_channel(line)
    selector = PriceSelector(currency, country, groups, channel)
    price = emulator.catalog.select_price(variant, selector, now=now_datetime(emulator))
    if price is None:
        where = f"{currency}, {country}" if country else currency
        extra: Json = {"productId": product_id, "variantId": variant["id"], "currency": currency}
        if country:
            extra["country"] = country
        if groups:
            extra["customerGroup"] = {"typeId": "customer-group", "id": groups[0]}
        if channel:
            extra["channel"] = {"typeId": "channel", "id": channel}
        raise CtpApiError(
            400,
            "MatchingPriceNotFound",
            f"The variant {variant['id']} of product {product_id} does not contain a price "
            f"for currency {where}.",
            **extra,
        )
    return dict(price)


def new_line_item(
    emulator: Emulator,
    cart: Json,
    product: Json,
    variant: Json,
    quantity: int,
    channels: Json | None = None,
) -> Json:
    """A Line Item; `channels` holds its `distributionChannel`/`supplyChannel` References."""
    now = emulator.now_iso()
    line: Json = {
        "id": emulator.new_id(),
        "productId": product["id"],
    }
    if "key" in product:
        line["productKey"] = product["key"]
    line.update(
        {
            **product_data(emulator, product, variant, cart),
            "price": select_price(emulator, cart, product["id"], variant, channels),
            "quantity": quantity,
            "discountedPricePerQuantity": [],
            "taxedPricePortions": [],
            "state": [{"quantity": quantity, "state": reference("state", INITIAL_STATE_ID)}],
            "perMethodTaxRate": [],
            "priceMode": "Platform",
            "lineItemMode": "Standard",
            "addedAt": now,
            "lastModifiedAt": now,
            **(channels or {}),
        }
    )
    return line


def product_data(
    emulator: Emulator, product: Json, variant: Json, cart: Json | None = None
) -> Json:
    """A line item's copy of the product: name, type, slug and variant, shared by every line
    item of that variant (frozen.py): they are most of a cart's and an order's size.

    In a Cart of a Store with distribution channels, the variant keeps only the Prices of those
    Channels and those without Channel (release note of 14 July 2020, Store price filtering)."""
    product_id = product["id"]
    shared_variant = emulator.shared_json(("variant", product_id, variant["id"]), variant)
    channels = store_distribution_channels(emulator.catalog.markets, cart)
    if channels and any("channel" in price for price in variant.get("prices") or []):
        kept = [
            price
            for price in variant["prices"]
            if "channel" not in price or price["channel"]["id"] in channels
        ]
        key = ("variant", product_id, variant["id"], tuple(sorted(channels)))
        shared_variant = emulator.shared_json(key, {**variant, "prices": kept})
    return {
        "name": emulator.shared_json(("name", product_id), product["name"]),
        "productType": emulator.shared_json(("productType", product_id), product["productType"]),
        "productSlug": emulator.shared_json(("slug", product_id), product.get("slug", {})),
        "variant": shared_variant,
    }


def set_quantity(line: Json, quantity: int) -> None:
    line["quantity"] = quantity
    line["state"] = [{"quantity": quantity, "state": reference("state", INITIAL_STATE_ID)}]


# -- discounts --------------------------------------------------------------------------------


def _within(resource: Json, now: datetime) -> bool:
    def parse(value: Any) -> datetime | None:
        if not isinstance(value, str):
            return None
        return datetime.fromisoformat(value.replace("Z", "+00:00"))

    start, end = parse(resource.get("validFrom")), parse(resource.get("validUntil"))
    return (start is None or start <= now) and (end is None or now < end)


def _predicate_holds(predicate: Any, subject: Json) -> bool:
    """Evaluate a cart or line-item predicate; one the emulator cannot read does not match."""
    if predicate is None:
        return True
    if not isinstance(predicate, str):
        return False
    try:
        return parse_predicate(predicate)(subject)
    except CtpApiError:
        return False


def discount_code_state(emulator: Emulator, code: Json, cart: Json) -> tuple[str, list[Json]]:
    """The DiscountCodeState of a code in this cart, and the Cart Discounts it applies."""
    catalog = emulator.catalog
    now = now_datetime(emulator)
    if not code.get("isActive", True):
        return "NotActive", []
    if not _within(code, now):
        return "NotValid", []
    discounts = [
        d for ref in code.get("cartDiscounts", []) if (d := catalog.cart_discount(ref["id"]))
    ]
    active = [d for d in discounts if d.get("isActive", True)]
    if not active:
        return "NotActive", []
    valid = [d for d in active if _within(d, now)]
    if not valid:
        return "NotValid", []
    if not _predicate_holds(code.get("cartPredicate"), cart):
        return "DoesNotMatchCart", []
    matching = [d for d in valid if _predicate_holds(d.get("cartPredicate", "1 = 1"), cart)]
    if not matching:
        return "DoesNotMatchCart", []
    return "MatchesCart", matching


def _line_view(line: Json) -> Json:
    """What line-item target predicates see: the Line Item plus `sku` and `attributes.<name>`."""
    variant = line.get("variant", {})
    return {
        **line,
        "sku": variant.get("sku"),
        "attributes": {a["name"]: a.get("value") for a in variant.get("attributes", [])},
    }


def _unit_discount(value: Json, unit_cent: int, currency: str) -> int:
    kind = value.get("type")
    if kind == "relative":
        amount = _round(Decimal(unit_cent) * Decimal(int(value.get("permyriad", 0))) / 10_000)
    elif kind == "absolute":
        amount = next(
            (m["centAmount"] for m in value.get("money", []) if m["currencyCode"] == currency), 0
        )
    elif kind == "fixed":
        fixed = next(
            (m["centAmount"] for m in value.get("money", []) if m["currencyCode"] == currency),
            unit_cent,
        )
        amount = unit_cent - fixed
    else:
        amount = 0
    return max(0, min(unit_cent, amount))


def _sort_order(discount: Json) -> Decimal:
    try:
        return Decimal(str(discount.get("sortOrder", "0")))
    except ArithmeticError:
        return Decimal(0)


# -- taxes ------------------------------------------------------------------------------------


def _taxed(amount_cent: int, rate: Json, currency: str) -> Json:
    """TaxedItemPrice of an amount under a TaxRate (gross when the rate is included in price)."""
    rate_value = Decimal(str(rate["amount"]))
    if rate.get("includedInPrice"):
        gross = amount_cent
        net = _round(Decimal(gross) / (1 + rate_value))
    else:
        net = amount_cent
        gross = net + _round(Decimal(net) * rate_value)
    return {
        "totalNet": money(currency, net),
        "totalGross": money(currency, gross),
        "taxPortions": [
            {"rate": rate["amount"], "amount": money(currency, gross - net), "name": rate["name"]}
        ],
        "totalTax": money(currency, gross - net),
    }


def _distribute(total: int, weights: list[int]) -> list[int]:
    """Split total in proportion to weights (largest remainder), so the parts add up exactly."""
    weight_sum = sum(weights)
    if weight_sum <= 0 or total == 0:
        return [0 for _ in weights]
    shares = [Decimal(total) * w / weight_sum for w in weights]
    parts = [int(s) for s in shares]
    remainder = total - sum(parts)
    order = sorted(range(len(weights)), key=lambda i: shares[i] - parts[i], reverse=True)
    for index in order[:remainder]:
        parts[index] += 1
    return parts


# -- the whole cart ---------------------------------------------------------------------------


def recalculate(emulator: Emulator, cart: Json) -> None:
    """Recompute every derived field of the cart in place (prices, discounts, shipping, taxes,
    totals). Raises MatchingPriceNotFound when a Line Item has no price any more."""
    catalog = emulator.catalog
    currency = cart["totalPrice"]["currencyCode"]

    # 1. Prices: select again for the cart's current currency, country and customer group.
    if cart.get("customerId"):
        sync_customer_group(cart, emulator.customers.get(cart["customerId"]))
    for line in cart["lineItems"]:
        found = catalog.find_variant(line["productId"], line["variant"]["id"])
        if found is not None:
            line["price"] = select_price(emulator, cart, line["productId"], found[1], line)

    # 2. Discount codes and the Cart Discounts they bring.
    applicable: list[Json] = []
    for info in cart["discountCodes"]:
        code = catalog.discount_code(info["discountCode"]["id"])
        if code is None:
            info["state"] = "NotActive"
            continue
        info["state"], discounts = discount_code_state(emulator, code, cart)
        applicable.extend(d for d in discounts if d not in applicable)
    applicable.sort(key=_sort_order, reverse=True)
    chain: list[Json] = []
    for discount in applicable:
        chain.append(discount)
        if discount.get("stackingMode") == "StopAfterThisDiscount":
            break

    # 3. Line Items: per-unit discounts, totals.
    for line in cart["lineItems"]:
        unit = int(line["price"]["value"]["centAmount"])
        discounted = unit
        portions: list[Json] = []
        view = _line_view(line)
        for discount in chain:
            target = discount.get("target", {})
            if target.get("type") != "lineItems" or not _predicate_holds(
                target.get("predicate", "1 = 1"), view
            ):
                continue
            amount = _unit_discount(discount.get("value", {}), discounted, currency)
            if amount > 0:
                discounted -= amount
                portions.append(
                    {
                        "discount": reference("cart-discount", discount["id"]),
                        "discountedAmount": money(currency, amount),
                    }
                )
        line["discountedPricePerQuantity"] = (
            [
                {
                    "quantity": line["quantity"],
                    "discountedPrice": {
                        "value": money(currency, discounted),
                        "includedDiscounts": portions,
                    },
                }
            ]
            if portions
            else []
        )
        line["totalPrice"] = money(currency, discounted * int(line["quantity"]))

    line_total = sum(int(line["totalPrice"]["centAmount"]) for line in cart["lineItems"])

    # 4. Discounts on the total price.
    total_discount = 0
    total_portions: list[Json] = []
    for discount in chain:
        if discount.get("target", {}).get("type") != "totalPrice":
            continue
        amount = _unit_discount(discount.get("value", {}), line_total - total_discount, currency)
        if amount > 0:
            total_discount += amount
            total_portions.append(
                {
                    "discount": reference("cart-discount", discount["id"]),
                    "discountedAmount": money(currency, amount),
                }
            )
    if total_portions:
        cart["discountOnTotalPrice"] = {
            "discountedAmount": money(currency, total_discount),
            "includedDiscounts": total_portions,
        }
    else:
        cart.pop("discountOnTotalPrice", None)

    # 5. Shipping.
    shipping_cent = _recalculate_shipping(emulator, cart, line_total, chain)

    # 6. Taxes (by the shipping address' country).
    _recalculate_taxes(emulator, cart, total_discount)

    # 7. Totals.
    cart["totalPrice"] = money(currency, line_total - total_discount + shipping_cent)
    quantity = sum(int(line["quantity"]) for line in cart["lineItems"])
    if quantity:
        cart["totalLineItemQuantity"] = quantity
    else:
        cart.pop("totalLineItemQuantity", None)


def _recalculate_shipping(
    emulator: Emulator, cart: Json, line_total: int, chain: list[Json]
) -> int:
    """Update shippingInfo; return the shipping price (after shipping discounts) in cents."""
    info = cart.get("shippingInfo")
    if info is None:
        return 0
    currency = cart["totalPrice"]["currencyCode"]
    address = cart.get("shippingAddress")
    method = emulator.catalog.shipping_method(info["shippingMethod"]["id"])
    rate = None
    if method is not None and address is not None:
        rate = emulator.catalog.shipping_rate(method, address["country"], currency, line_total)
    if rate is None or method is None:
        # The method no longer fits the cart: commercetools keeps it and refuses to order.
        info["shippingMethodState"] = "DoesNotMatchCart"
        return int(info["price"]["centAmount"])
    price = emulator.catalog.shipping_rate_price(rate, line_total)
    info.update(
        {
            "shippingMethodName": method.get("name", ""),
            "price": money(currency, int(price["centAmount"])),
            "shippingRate": rate,
            "shippingMethodState": "MatchesCart",
        }
    )
    if "taxCategory" in method:
        info["taxCategory"] = dict(method["taxCategory"])
    shipping = int(price["centAmount"])
    portions: list[Json] = []
    discounted = shipping
    for discount in chain:
        if discount.get("target", {}).get("type") != "shipping":
            continue
        amount = _unit_discount(discount.get("value", {}), discounted, currency)
        if amount > 0:
            discounted -= amount
            portions.append(
                {
                    "discount": reference("cart-discount", discount["id"]),
                    "discountedAmount": money(currency, amount),
                }
            )
    if portions:
        info["discountedPrice"] = {
            "value": money(currency, discounted),
            "includedDiscounts": portions,
        }
    else:
        info.pop("discountedPrice", None)
    return discounted


def _recalculate_taxes(emulator: Emulator, cart: Json, total_discount: int) -> None:
    currency = cart["totalPrice"]["currencyCode"]
    address = cart.get("shippingAddress")
    rate = emulator.catalog.tax_rate(address["country"]) if address else None
    lines = cart["lineItems"]
    info = cart.get("shippingInfo")
    if rate is None:
        for line in lines:
            line.pop("taxRate", None)
            line.pop("taxedPrice", None)
        if info is not None:
            info.pop("taxRate", None)
            info.pop("taxedPrice", None)
        cart.pop("taxedPrice", None)
        cart.pop("taxedShippingPrice", None)
        return
    # A discount on the total lowers the taxable amount of each line in proportion.
    shares = _distribute(total_discount, [int(line["totalPrice"]["centAmount"]) for line in lines])
    net = gross = 0
    portions: dict[tuple[float, str], int] = {}
    for line, share in zip(lines, shares, strict=True):
        line["taxRate"] = dict(rate)
        line["taxedPrice"] = _taxed(int(line["totalPrice"]["centAmount"]), rate, currency)
        taxed = _taxed(int(line["totalPrice"]["centAmount"]) - share, rate, currency)
        net += taxed["totalNet"]["centAmount"]
        gross += taxed["totalGross"]["centAmount"]
        key = (rate["amount"], rate["name"])
        portions[key] = portions.get(key, 0) + taxed["totalTax"]["centAmount"]
    if info is not None:
        discounted_price = info.get("discountedPrice")
        charged = discounted_price["value"] if discounted_price else info["price"]
        shipping_cent = int(charged["centAmount"])
        info["taxRate"] = dict(rate)
        taxed_shipping = _taxed(shipping_cent, rate, currency)
        info["taxedPrice"] = taxed_shipping
        cart["taxedShippingPrice"] = taxed_shipping
        net += taxed_shipping["totalNet"]["centAmount"]
        gross += taxed_shipping["totalGross"]["centAmount"]
        key = (rate["amount"], rate["name"])
        portions[key] = portions.get(key, 0) + taxed_shipping["totalTax"]["centAmount"]
    else:
        cart.pop("taxedShippingPrice", None)
    cart["taxedPrice"] = {
        "totalNet": money(currency, net),
        "totalGross": money(currency, gross),
        "taxPortions": [
            {"rate": r, "amount": money(currency, amount), "name": name}
            for (r, name), amount in portions.items()
        ],
        "totalTax": money(currency, gross - net),
    }
