"""The in-memory catalog: lookups by id/key/SKU, price selection, taxes, shipping, discounts.

Every dict handed out is commercetools JSON and shared: callers copy before changing anything.
The catalog itself never changes after it is built, so no lock is needed to read it.
"""

from __future__ import annotations

import copy
from collections.abc import Iterable
from datetime import datetime

from emulator.catalog import builders, demo_data, pricing
from emulator.catalog.money import cent_precision
from emulator.jsonio import Json
from emulator.markets.registry import Markets


class Catalog:
    """In-memory catalog. `Catalog.demo()` builds the deterministic demo catalog."""

    def __init__(
        self,
        *,
        products: Iterable[Json] = (),
        categories: Iterable[Json] = (),
        tax_categories: Iterable[Json] = (),
        zones: Iterable[Json] = (),
        shipping_methods: Iterable[Json] = (),
        cart_discounts: Iterable[Json] = (),
        discount_codes: Iterable[Json] = (),
        markets: Markets | None = None,
    ) -> None:
        # Channels, Stores, Product Selections, Customer Groups: project setup that, like the
        # catalog, never changes once built (emulator/markets/).
        self.markets = markets or Markets.empty()
        # Staged projections hold every product; current ones only the published products.
        # The demo has no staged changes, so both views share the same dicts.
        self._staged: dict[str, Json] = {p["id"]: p for p in products}
        self._current: dict[str, Json] = {
            pid: p for pid, p in self._staged.items() if p.get("published")
        }
        self._product_keys: dict[str, str] = {
            p["key"]: pid for pid, p in self._staged.items() if "key" in p
        }
        self._skus: dict[str, tuple[str, int]] = {}
        for pid, product in self._staged.items():
            for variant in all_variants(product):
                if variant.get("sku"):
                    self._skus[variant["sku"]] = (pid, variant["id"])
        self._categories: dict[str, Json] = {c["id"]: c for c in categories}
        self._category_keys = {c["key"]: cid for cid, c in self._categories.items() if "key" in c}
        self._tax_categories: dict[str, Json] = {t["id"]: t for t in tax_categories}
        self._zones: dict[str, Json] = {z["id"]: z for z in zones}
        self._shipping_methods: dict[str, Json] = {m["id"]: m for m in shipping_methods}
        self._cart_discounts: dict[str, Json] = {d["id"]: d for d in cart_discounts}
        self._discount_codes: dict[str, Json] = {d["id"]: d for d in discount_codes}
        self._codes = {d["code"]: did for did, d in self._discount_codes.items()}

    @classmethod
    def demo(cls) -> Catalog:
        # Imported here: emulator.markets.demo builds on the catalog's ids.
        from emulator.markets.demo import demo_markets

        products = [
            builders.build_product_projection(spec, index)
            for index, spec in enumerate(demo_data.PRODUCTS)
        ]
        return cls(
            products=products,
            markets=demo_markets(products),
            categories=builders.build_categories(demo_data.CATEGORIES),
            tax_categories=[builders.build_tax_category()],
            zones=builders.build_zones(),
            shipping_methods=builders.build_shipping_methods(),
            cart_discounts=builders.build_cart_discounts(),
            discount_codes=builders.build_discount_codes(),
        )

    @classmethod
    def empty(cls) -> Catalog:
        """No products, categories, shipping methods or discounts. The standard tax category
        stays: it is project setup rather than catalog content, and carts need one."""
        return cls(tax_categories=[builders.build_tax_category()])

    # -- products -------------------------------------------------------------------------
    def product_projection(self, product_id: str) -> Json | None:
        """The published ProductProjection, or None."""
        return self._current.get(product_id)

    def staged_product_projection(self, product_id: str) -> Json | None:
        """The staged ProductProjection (also of unpublished products), or None."""
        return self._staged.get(product_id)

    def product_projection_by_key(self, key: str, *, staged: bool = False) -> Json | None:
        product_id = self._product_keys.get(key)
        if product_id is None:
            return None
        return (self._staged if staged else self._current).get(product_id)

    def product_projections(self, *, staged: bool = False) -> list[Json]:
        """All current (or staged) projections, in creation order."""
        return list((self._staged if staged else self._current).values())

    def find_variant_by_sku(self, sku: str) -> tuple[Json, Json] | None:
        """(ProductProjection, ProductVariant) holding this SKU, or None.

        Only published products count: commercetools adds only those to carts."""
        found = self._skus.get(sku)
        if found is None:
            return None
        return self.find_variant(*found)

    def find_variant(self, product_id: str, variant_id: int) -> tuple[Json, Json] | None:
        product = self._current.get(product_id)
        if product is None:
            return None
        for variant in all_variants(product):
            if variant["id"] == variant_id:
                return product, variant
        return None

    def select_price(
        self,
        variant: Json,
        currency: str | pricing.PriceSelector,
        country: str | None = None,
        now: datetime | None = None,
    ) -> Json | None:
        """commercetools' price selection (catalog/pricing.py): the variant's Price for the
        selector (or currency and country), or None when the variant has no such price."""
        return pricing.select_price(variant, currency, country, now)

    # -- categories -----------------------------------------------------------------------
    def categories(self) -> list[Json]:
        return list(self._categories.values())

    def category(self, category_id: str) -> Json | None:
        return self._categories.get(category_id)

    def category_by_key(self, key: str) -> Json | None:
        category_id = self._category_keys.get(key)
        return None if category_id is None else self._categories[category_id]

    def category_subtree_ids(self, category_id: str) -> set[str]:
        """The category and all its descendants (what `subtree("id")` means in search)."""
        return {
            cid
            for cid, category in self._categories.items()
            if cid == category_id or any(a["id"] == category_id for a in category["ancestors"])
        }

    # -- taxes ----------------------------------------------------------------------------
    def tax_categories(self) -> list[Json]:
        return list(self._tax_categories.values())

    def tax_category(self, tax_category_id: str) -> Json | None:
        return self._tax_categories.get(tax_category_id)

    def tax_rate(self, country: str | None) -> Json | None:
        """The demo tax category's TaxRate for country: {"id","name","amount","includedInPrice",
        "country"}; None when the country has no rate (commercetools then leaves lines untaxed)."""
        reference = self.tax_category_reference()
        return self.tax_rate_for(reference["id"], country)

    def tax_rate_for(
        self, tax_category_id: str, country: str | None, state: str | None = None
    ) -> Json | None:
        """The TaxRate of a tax category for a country (and state: a rate for the state wins
        over one for the whole country, as in commercetools)."""
        tax_category = self._tax_categories.get(tax_category_id)
        if tax_category is None or not country:
            return None
        rates: list[Json] = [r for r in tax_category["rates"] if r["country"] == country]
        for rate in rates:
            if state is not None and rate.get("state") == state:
                return rate
        for rate in rates:
            if "state" not in rate:
                return rate
        return None

    def tax_category_reference(self) -> Json:
        """A TaxCategoryReference to the standard tax category that every demo product uses."""
        return {
            "typeId": "tax-category",
            "id": builders.reference("tax-category", "tax-category", builders.TAX_CATEGORY_KEY)[
                "id"
            ],
        }

    # -- shipping -------------------------------------------------------------------------
    def shipping_methods(self) -> list[Json]:
        return list(self._shipping_methods.values())

    def shipping_method(self, shipping_method_id: str) -> Json | None:
        return self._shipping_methods.get(shipping_method_id)

    def shipping_method_by_key(self, key: str) -> Json | None:
        return next((m for m in self._shipping_methods.values() if m.get("key") == key), None)

    def zones(self) -> list[Json]:
        return list(self._zones.values())

    def zone(self, zone_id: str) -> Json | None:
        return self._zones.get(zone_id)

    def shipping_rate(
        self, shipping_method: Json, country: str, currency: str, cart_total_cent: int
    ) -> Json | None:
        """The ShippingRate ({"price": Money, "freeAbove"?: Money, ...}) that applies to a
        cart shipped to country in currency, or None when the method does not ship there.

        The rate is returned as stored (a copy), the way commercetools puts it into
        `Cart.shippingInfo.shippingRate`; `shipping_rate_price` gives the price the cart pays
        for `cart_total_cent` (free-above threshold and CartValue tiers applied)."""
        del cart_total_cent  # the rate itself does not depend on it; its price does
        for zone_rate in shipping_method.get("zoneRates", []):
            zone = self._zones.get(zone_rate["zone"]["id"])
            if zone is None or not any(loc["country"] == country for loc in zone["locations"]):
                continue
            rates: list[Json] = zone_rate["shippingRates"]
            for rate in rates:
                if rate["price"]["currencyCode"] == currency:
                    return copy.deepcopy(rate)
        return None

    @staticmethod
    def shipping_rate_price(rate: Json, cart_total_cent: int) -> Json:
        """The Money a cart with this line-item total pays for the rate: zero once the total
        reaches `freeAbove`, else the price of the highest CartValue tier reached, else
        `price`."""
        currency = rate["price"]["currencyCode"]
        free_above = rate.get("freeAbove")
        if free_above is not None and cart_total_cent >= free_above["centAmount"]:
            return cent_precision(currency, 0)
        reached = [
            tier
            for tier in rate.get("tiers", [])
            if tier.get("type") == "CartValue"
            and tier.get("minimumCentAmount", 0) <= cart_total_cent
        ]
        if reached:
            best = max(reached, key=lambda tier: tier["minimumCentAmount"])
            return cent_precision(currency, best["price"]["centAmount"])
        return cent_precision(currency, rate["price"]["centAmount"])

    # -- discounts ------------------------------------------------------------------------
    def discount_codes(self) -> list[Json]:
        return list(self._discount_codes.values())

    def discount_code_by_code(self, code: str) -> Json | None:
        # Codes are matched exactly (commercetools' codes are case-sensitive).
        discount_code_id = self._codes.get(code)
        return None if discount_code_id is None else self._discount_codes[discount_code_id]

    def discount_code(self, discount_code_id: str) -> Json | None:
        return self._discount_codes.get(discount_code_id)

    def cart_discounts(self) -> list[Json]:
        return list(self._cart_discounts.values())

    def cart_discount(self, cart_discount_id: str) -> Json | None:
        return self._cart_discounts.get(cart_discount_id)


def all_variants(product: Json) -> list[Json]:
    """The master variant followed by the other variants."""
    return [product["masterVariant"], *product.get("variants", [])]
