"""Picks demo SKUs the way a storefront would find them: priced in the shop's currency."""

from __future__ import annotations

from emulator.state import Emulator


def priced_skus(
    emulator: Emulator, count: int, currency: str = "EUR", country: str = "DE"
) -> list[str]:
    found: list[str] = []
    for product in emulator.catalog.product_projections():
        for variant in [product["masterVariant"], *product.get("variants", [])]:
            sku = variant.get("sku")
            if sku and emulator.catalog.select_price(variant, currency, country) is not None:
                found.append(sku)
                break
        if len(found) == count:
            return found
    raise AssertionError(f"the demo catalog has fewer than {count} priced products")
