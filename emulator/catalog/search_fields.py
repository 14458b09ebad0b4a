"""Reading the value(s) a search path names from a product or a variant.

Product-level paths (`categories.id`, `slug.en`, `key`, ...) read the projection; paths that
start with `variants.` read one variant. Arrays are flattened, so a path yields a list of
values. Special cases, as in commercetools' search index:

- `variants.attributes.<name>[.<sub>]`: the Attribute named <name> (then walk its value);
- `variants.price.*`: every embedded Price's value (`variants.price.centAmount`);
- `variants.scopedPrice.*` / `variants.scopedPriceDiscounted`: the price selected by
  `priceCurrency`/`priceCountry` (no values without price selection).
"""

from __future__ import annotations

from typing import Any

from emulator.jsonio import Json

PRODUCT_ROOTS = frozenset(
    {
        "id",
        "key",
        "name",
        "slug",
        "description",
        "categories",
        "categoryOrderHints",
        "productType",
        "taxCategory",
        "state",
        "createdAt",
        "lastModifiedAt",
        "searchKeywords",
        "reviewRatingStatistics",
        "published",
        "hasStagedChanges",
    }
)
VARIANT_ROOTS = frozenset(
    {
        "id",
        "sku",
        "key",
        "attributes",
        "price",
        "prices",
        "scopedPrice",
        "scopedPriceDiscounted",
        "availability",
        "images",
    }
)


class UnknownField(ValueError):
    pass


def check_path(path: str) -> None:
    parts = path.split(".")
    if parts[0] == "variants":
        if len(parts) < 2 or parts[1] not in VARIANT_ROOTS:
            raise UnknownField(f"'{path}' is not a searchable field")
        if parts[1] == "attributes" and len(parts) < 3:
            raise UnknownField(f"'{path}' names no attribute")
    elif parts[0] not in PRODUCT_ROOTS:
        raise UnknownField(f"'{path}' is not a searchable field")


def _walk(value: Any, parts: list[str]) -> list[Any]:
    values = value if isinstance(value, list) else [value]
    for part in parts:
        next_values: list[Any] = []
        for item in values:
            if isinstance(item, dict) and part in item:
                found = item[part]
                next_values.extend(found if isinstance(found, list) else [found])
        values = next_values
    return [v for v in values if v is not None]


def product_values(product: Json, path: str) -> list[Any]:
    return _walk(product, path.split("."))


def variant_values(variant: Json, path: str) -> list[Any]:
    """Values of a `variants.<...>` path for one (possibly price-selected) variant."""
    parts = path.split(".")[1:]
    head, rest = parts[0], parts[1:]
    if head == "attributes":
        name, sub = rest[0], rest[1:]
        values = [a["value"] for a in variant.get("attributes", []) if a.get("name") == name]
        return _walk(values, sub) if sub else [v for v in values if v is not None]
    if head == "price":
        # The index holds every embedded price of the variant under `variants.price`.
        return _walk([p["value"] for p in variant.get("prices", [])], rest)
    return _walk(variant, parts)


def is_variant_path(path: str) -> bool:
    return path.startswith("variants.")
