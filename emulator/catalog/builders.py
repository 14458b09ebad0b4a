"""Turns the demo tables into commercetools JSON (shapes from the API reference's RAML types).

Everything here is deterministic: ids come from `ids.resource_id`, timestamps from
`ids.timestamp`. Prices per variant:

- EUR, country DE: the table price;   EUR, no country: the table price (the eurozone fallback);
- EUR, country AT: the table price + 1.00 (so DE/AT/fallback selection is observable);
- USD, country US: the table price x 1.1, rounded to the nearest .99;
- for the products of `demo_data.VIP_PRICES_EUR`, also EUR and USD Prices for the Customer
  Group `vip`, without country (USD again x 1.1 to the nearest .99).
"""

from __future__ import annotations

from emulator.catalog.demo_data import (
    COLOR_LABELS_DE,
    VIP_CUSTOMER_GROUP_KEY,
    VIP_PRICES_EUR,
    CategorySpec,
    ProductSpec,
)
from emulator.catalog.ids import resource_id, short_id, timestamp
from emulator.catalog.money import cent_precision
from emulator.jsonio import Json

PRODUCT_TYPE_KEY = "apparel"
TAX_CATEGORY_KEY = "standard"
IMAGE_WIDTH = 1200
IMAGE_HEIGHT = 1500


def reference(type_id: str, kind: str, key: str) -> Json:
    return {"typeId": type_id, "id": resource_id(kind, key)}


def resource_base(kind: str, key: str, offset_hours: float) -> Json:
    created = timestamp(offset_hours)
    return {
        "id": resource_id(kind, key),
        "version": 1,
        "key": key,
        "createdAt": created,
        "lastModifiedAt": created,
    }


# -- categories -----------------------------------------------------------------------------


def build_categories(specs: tuple[CategorySpec, ...]) -> list[Json]:
    by_key = {spec.key: spec for spec in specs}
    categories = []
    for index, spec in enumerate(specs):
        ancestors: list[Json] = []
        parent = spec.parent
        while parent is not None:
            ancestors.insert(0, reference("category", "category", parent))
            parent = by_key[parent].parent
        category = resource_base("category", spec.key, index)
        category.update(
            {
                "name": {"en": spec.name_en, "de": spec.name_de},
                "slug": {"en": spec.key, "de": spec.slug_de},
                "description": {"en": spec.description_en, "de": spec.description_de},
                "ancestors": ancestors,
                # orderHint: a decimal string in (0, 1); siblings sort by it.
                "orderHint": f"0.{index + 1:02d}",
                "assets": [],
            }
        )
        if spec.parent is not None:
            category["parent"] = reference("category", "category", spec.parent)
        categories.append(category)
    return categories


# -- products -------------------------------------------------------------------------------


def usd_cents(eur_cents: int) -> int:
    """The demo's USD price: EUR x 1.1, rounded to the nearest .99 (24.99 EUR -> 26.99 USD)."""
    return (eur_cents * 11 // 10 + 50) // 100 * 100 - 1


def _price(sku: str, currency: str, cents: int, country: str | None) -> Json:
    price: Json = {
        "id": resource_id("price", f"{sku}:{currency}:{country or '*'}"),
        "value": cent_precision(currency, cents),
    }
    if country is not None:
        price["country"] = country
    return price


def _group_price(sku: str, currency: str, cents: int, group_key: str) -> Json:
    return {
        "id": resource_id("price", f"{sku}:{currency}:*:{group_key}"),
        "value": cent_precision(currency, cents),
        "customerGroup": {
            "typeId": "customer-group",
            "id": resource_id("customer-group", group_key),
        },
    }


def build_prices(sku: str, eur_cents: int, vip_eur_cents: int | None = None) -> list[Json]:
    prices = [
        _price(sku, "EUR", eur_cents, "DE"),
        _price(sku, "EUR", eur_cents + 100, "AT"),
        _price(sku, "EUR", eur_cents, None),
        _price(sku, "USD", usd_cents(eur_cents), "US"),
    ]
    if vip_eur_cents is not None:
        prices += [
            _group_price(sku, "EUR", vip_eur_cents, VIP_CUSTOMER_GROUP_KEY),
            _group_price(sku, "USD", usd_cents(vip_eur_cents), VIP_CUSTOMER_GROUP_KEY),
        ]
    return prices


def sku_of(product_key: str, color: str, size: str | None) -> str:
    parts = [product_key, color] + ([size] if size else [])
    return "-".join(parts).upper()


def _images(spec: ProductSpec, color: str) -> list[Json]:
    base = f"https://images.example.com/products/{spec.key}/{color}"
    return [
        {
            "url": f"{base}-{view}.jpg",
            "dimensions": {"w": IMAGE_WIDTH, "h": IMAGE_HEIGHT},
            "label": f"{spec.name_en} - {color} ({view})",
        }
        for view in ("front", "back")
    ]


def _variant(spec: ProductSpec, variant_id: int, color: str, size: str | None) -> Json:
    sku = sku_of(spec.key, color, size)
    attributes: list[Json] = [{"name": "color", "value": color}]
    if size is not None:
        attributes.append({"name": "size", "value": size})
    return {
        "id": variant_id,
        "sku": sku,
        "key": sku.lower(),
        "prices": build_prices(sku, spec.price_eur, VIP_PRICES_EUR.get(spec.key)),
        "images": _images(spec, color),
        "attributes": attributes,
        "assets": [],
        # The demo tracks no inventory, but reports everything as in stock so storefronts
        # that read `availability` have something to show.
        "availability": {"isOnStock": True, "availableQuantity": 100},
    }


def build_product_projection(spec: ProductSpec, index: int) -> Json:
    combos: list[tuple[str, str | None]] = [
        (color, size) for color in spec.colors for size in (spec.sizes or (None,))
    ]
    variants = [_variant(spec, n, color, size) for n, (color, size) in enumerate(combos, 1)]
    # Products were "created" a day apart, so `sort=createdAt desc` has a clear order.
    product = resource_base("product", spec.key, 24 + index * 24)
    color_de = COLOR_LABELS_DE
    keywords_en = [{"text": color} for color in spec.colors]
    keywords_de = [{"text": color_de.get(color, color)} for color in spec.colors]
    product.update(
        {
            "productType": reference("product-type", "product-type", PRODUCT_TYPE_KEY),
            "name": {"en": spec.name_en, "de": spec.name_de},
            "description": {"en": spec.description_en, "de": spec.description_de},
            "slug": {"en": spec.key, "de": spec.slug_de},
            "categories": [reference("category", "category", key) for key in spec.categories],
            "categoryOrderHints": {},
            "metaTitle": {"en": spec.name_en, "de": spec.name_de},
            "metaDescription": {"en": spec.description_en, "de": spec.description_de},
            "searchKeywords": {"en": keywords_en, "de": keywords_de},
            "hasStagedChanges": False,
            "published": spec.published,
            "masterVariant": variants[0],
            "variants": variants[1:],
            "taxCategory": reference("tax-category", "tax-category", TAX_CATEGORY_KEY),
            "priceMode": "Embedded",
            "attributes": [],
        }
    )
    return product


# -- tax, zones, shipping ---------------------------------------------------------------------


def _tax_rate(key: str, name: str, amount: float, included: bool, country: str) -> Json:
    return {
        "id": short_id("tax-rate", key),
        "key": key,
        "name": name,
        "amount": amount,
        "includedInPrice": included,
        "country": country,
        "subRates": [],
    }


def build_tax_category() -> Json:
    tax_category = resource_base("tax-category", TAX_CATEGORY_KEY, 0)
    tax_category.update(
        {
            "name": "Standard",
            "description": "Standard VAT / sales tax of the demo shop.",
            "rates": [
                # European prices are gross (tax included); US prices are net, as US shops do.
                _tax_rate("de-standard", "19% MwSt.", 0.19, True, "DE"),
                _tax_rate("at-standard", "20% USt.", 0.2, True, "AT"),
                _tax_rate("us-sales-tax", "Sales tax 7%", 0.07, False, "US"),
            ],
        }
    )
    return tax_category


ZONES: tuple[tuple[str, str, tuple[str, ...]], ...] = (
    ("europe", "Germany & Austria", ("DE", "AT")),
    ("usa", "United States", ("US",)),
)


def build_zones() -> list[Json]:
    zones = []
    for index, (key, name, countries) in enumerate(ZONES):
        zone = resource_base("zone", key, index)
        zone.update({"name": name, "locations": [{"country": c} for c in countries]})
        zones.append(zone)
    return zones


def _shipping_rate(currency: str, cents: int, free_above: int | None) -> Json:
    rate: Json = {"price": cent_precision(currency, cents), "tiers": []}
    if free_above is not None:
        rate["freeAbove"] = cent_precision(currency, free_above)
    return rate


def build_shipping_methods() -> list[Json]:
    standard = resource_base("shipping-method", "standard", 0)
    standard.update(
        {
            "name": "Standard",
            "localizedName": {"en": "Standard shipping", "de": "Standardversand"},
            "localizedDescription": {
                "en": "Delivered in 3-5 business days. Free from 50 EUR / 75 USD.",
                "de": "Lieferung in 3-5 Werktagen. Versandkostenfrei ab 50 EUR / 75 USD.",
            },
            "taxCategory": reference("tax-category", "tax-category", TAX_CATEGORY_KEY),
            "zoneRates": [
                {
                    "zone": reference("zone", "zone", "europe"),
                    "shippingRates": [_shipping_rate("EUR", 495, 5000)],
                },
                {
                    "zone": reference("zone", "zone", "usa"),
                    "shippingRates": [_shipping_rate("USD", 695, 7500)],
                },
            ],
            "active": True,
            "isDefault": True,
            "stores": [],
            "carrier": "DHL",
        }
    )
    express = resource_base("shipping-method", "express", 1)
    express.update(
        {
            "name": "Express",
            "localizedName": {"en": "Express shipping", "de": "Expressversand"},
            "localizedDescription": {
                "en": "Delivered on the next business day.",
                "de": "Lieferung am nächsten Werktag.",
            },
            "taxCategory": reference("tax-category", "tax-category", TAX_CATEGORY_KEY),
            "zoneRates": [
                {
                    "zone": reference("zone", "zone", "europe"),
                    "shippingRates": [_shipping_rate("EUR", 1295, None)],
                },
                {
                    "zone": reference("zone", "zone", "usa"),
                    "shippingRates": [_shipping_rate("USD", 1995, None)],
                },
            ],
            "active": True,
            "isDefault": False,
            "stores": [],
            "carrier": "UPS",
        }
    )
    return [standard, express]


# -- discounts --------------------------------------------------------------------------------

DEMO_CODE = "DEMO10"


def build_cart_discounts() -> list[Json]:
    discount = resource_base("cart-discount", "demo-10-percent", 0)
    discount.update(
        {
            "name": {"en": "10% off your order", "de": "10 % Rabatt auf Ihre Bestellung"},
            "description": {
                "en": "10% off every line item with the code DEMO10.",
                "de": "10 % auf alle Artikel mit dem Code DEMO10.",
            },
            "value": {"type": "relative", "permyriad": 1000},
            "cartPredicate": "1 = 1",
            "target": {"type": "lineItems", "predicate": "1 = 1"},
            "sortOrder": "0.5",
            "stores": [],
            "isActive": True,
            "requiresDiscountCode": True,
            "references": [],
            "stackingMode": "Stacking",
            "recurringOrderScope": {"type": "NonRecurringOrdersOnly"},
        }
    )
    return [discount]


def build_discount_codes() -> list[Json]:
    code = resource_base("discount-code", "demo10", 0)
    code.update(
        {
            "code": DEMO_CODE,
            "name": {"en": "Demo: 10% off", "de": "Demo: 10 % Rabatt"},
            "description": {
                "en": "The emulator's demo discount code.",
                "de": "Der Demo-Rabattcode des Emulators.",
            },
            "cartDiscounts": [reference("cart-discount", "cart-discount", "demo-10-percent")],
            "stores": [],
            "isActive": True,
            "references": [],
            "groups": [],
        }
    )
    return [code]
