"""The demo catalog: its size, shapes and the fixed values docs/emulator-catalog.md promises."""

from __future__ import annotations

import json
from typing import Any

import pytest

from emulator.catalog import Catalog
from emulator.catalog.catalog import all_variants

# Fixed values documented in docs/emulator-catalog.md: changing one breaks storefront fixtures.
TSHIRT_ID = "949b4333-8d03-5c59-b2ae-0f4d22220872"
WOMEN_ID = "e472b62e-54bb-5f2d-b8fd-fccd86d2d4f3"
WOMEN_TOPS_ID = "3d337d95-f701-5dae-9dd2-b3d1da4ffc85"
STANDARD_SHIPPING_ID = "3ece637c-edca-548e-9f86-64746ff9e8e4"
EXPRESS_SHIPPING_ID = "cb7643a6-79be-5de0-87d6-1d6213b2df6c"
TAX_CATEGORY_ID = "fbfc8016-f0f3-5ce4-b42d-ce54fa7b98c3"
DEMO10_ID = "ec72f2dc-ead7-51a9-a4bd-932090b1a9fc"
DEMO10_CART_DISCOUNT_ID = "3f84d876-5c05-52da-8f4e-09a000b1b83f"


@pytest.fixture(scope="module")
def catalog() -> Catalog:
    return Catalog.demo()


def test_demo_catalog_builds_deterministically() -> None:
    # How fast it builds is measured, not asserted (docs/emulator-catalog.md): timings on
    # shared machines are noise.
    first = Catalog.demo()
    second = Catalog.demo()
    assert json.dumps(first.product_projections(staged=True)) == json.dumps(
        second.product_projections(staged=True)
    )
    assert json.dumps(first.categories()) == json.dumps(second.categories())


def test_documented_ids(catalog: Catalog) -> None:
    tshirt = catalog.product_projection_by_key("tshirt-classic")
    assert tshirt is not None and tshirt["id"] == TSHIRT_ID
    assert catalog.category_by_key("women") == catalog.category(WOMEN_ID)
    assert catalog.category_by_key("women-tops") == catalog.category(WOMEN_TOPS_ID)
    standard = catalog.shipping_method(STANDARD_SHIPPING_ID)
    express = catalog.shipping_method(EXPRESS_SHIPPING_ID)
    assert standard is not None and standard["key"] == "standard"
    assert express is not None and express["key"] == "express"
    assert catalog.tax_category_reference() == {"typeId": "tax-category", "id": TAX_CATEGORY_ID}
    code = catalog.discount_code_by_code("DEMO10")
    assert code is not None and code["id"] == DEMO10_ID
    assert code["cartDiscounts"] == [{"typeId": "cart-discount", "id": DEMO10_CART_DISCOUNT_ID}]


def test_size_and_tree(catalog: Catalog) -> None:
    products = catalog.product_projections()
    assert len(products) >= 36
    assert len(catalog.product_projections(staged=True)) == len(products) + 1  # jacket-rain
    roots = [c for c in catalog.categories() if "parent" not in c]
    assert {c["key"] for c in roots} == {"women", "men", "accessories"}
    for category in catalog.categories():
        if "parent" in category:
            assert category["ancestors"][-1] == category["parent"]
        assert set(category["name"]) == set(category["slug"]) == {"en", "de"}
    # Every leaf category has products; products sit in leaves only.
    parents = {c["parent"]["id"] for c in catalog.categories() if "parent" in c}
    used = {ref["id"] for p in products for ref in p["categories"]}
    leaves = {c["id"] for c in catalog.categories()} - parents
    assert used == leaves


def test_every_product_is_complete(catalog: Catalog) -> None:
    skus: list[str] = []
    slugs: dict[str, list[str]] = {"en": [], "de": []}
    for product in catalog.product_projections(staged=True):
        assert set(product["name"]) == set(product["slug"]) == set(product["description"])
        assert set(product["name"]) == {"en", "de"}
        for locale, slug in product["slug"].items():
            slugs[locale].append(slug)
        variants = all_variants(product)
        assert 1 <= len(variants) <= 6
        assert [v["id"] for v in variants] == list(range(1, len(variants) + 1))
        for variant in variants:
            skus.append(variant["sku"])
            assert variant["sku"].startswith(product["key"].upper() + "-")
            attributes = {a["name"]: a["value"] for a in variant["attributes"]}
            assert attributes["color"].upper() in variant["sku"]
            assert variant["images"] and all(
                image["url"].startswith("https://images.example.com/")
                and image["dimensions"] == {"w": 1200, "h": 1500}
                for image in variant["images"]
            )
            scopes = {
                (p["value"]["currencyCode"], p.get("country"))
                for p in variant["prices"]
                if "customerGroup" not in p
            }
            assert scopes == {("EUR", "DE"), ("EUR", "AT"), ("EUR", None), ("USD", "US")}
            group_prices = {
                p["value"]["currencyCode"] for p in variant["prices"] if "customerGroup" in p
            }
            # The vip Customer Group has prices in both currencies, or none at all.
            assert group_prices in (set(), {"EUR", "USD"})
            for price in variant["prices"]:
                assert price["value"]["type"] == "centPrecision"
                assert price["value"]["fractionDigits"] == 2
    assert len(skus) == len(set(skus))
    # commercetools requires slugs to be unique per locale across the project.
    for values in slugs.values():
        assert len(values) == len(set(values))


def test_product_projection_shape(catalog: Catalog) -> None:
    product = catalog.product_projection(TSHIRT_ID)
    assert product is not None
    expected: dict[str, Any] = {
        "id": TSHIRT_ID,
        "version": 1,
        "key": "tshirt-classic",
        "published": True,
        "hasStagedChanges": False,
        "priceMode": "Embedded",
        "taxCategory": {"typeId": "tax-category", "id": TAX_CATEGORY_ID},
    }
    assert {k: product[k] for k in expected} == expected
    assert product["productType"]["typeId"] == "product-type"
    assert {ref["id"] for ref in product["categories"]} == {
        WOMEN_TOPS_ID,
        catalog.category_by_key("men-shirts")["id"],  # type: ignore[index]
    }
    assert product["createdAt"].endswith("Z") and "T" in product["createdAt"]
    master = product["masterVariant"]
    assert master["sku"] == "TSHIRT-CLASSIC-BLUE-S"
    assert master["attributes"] == [
        {"name": "color", "value": "blue"},
        {"name": "size", "value": "S"},
    ]


def test_one_size_products_have_no_size(catalog: Catalog) -> None:
    tote = catalog.product_projection_by_key("tote-canvas")
    assert tote is not None
    assert [v["sku"] for v in all_variants(tote)] == ["TOTE-CANVAS-BEIGE", "TOTE-CANVAS-BLACK"]
    assert all([a["name"] for a in v["attributes"]] == ["color"] for v in all_variants(tote))


def test_unpublished_product_is_staged_only(catalog: Catalog) -> None:
    jacket = catalog.product_projection_by_key("jacket-rain", staged=True)
    assert jacket is not None and jacket["published"] is False
    assert catalog.product_projection_by_key("jacket-rain") is None
    assert catalog.product_projection(jacket["id"]) is None
    assert catalog.staged_product_projection(jacket["id"]) is jacket
    # Only published products can go into a cart.
    assert catalog.find_variant_by_sku("JACKET-RAIN-YELLOW-M") is None


def test_empty_catalog_keeps_the_tax_category() -> None:
    empty = Catalog.empty()
    assert empty.product_projections() == []
    assert empty.categories() == []
    assert empty.shipping_methods() == []
    assert empty.discount_code_by_code("DEMO10") is None
    assert empty.find_variant_by_sku("TSHIRT-CLASSIC-BLUE-M") is None
    rate = empty.tax_rate("DE")
    assert rate is not None and rate["amount"] == 0.19


def test_category_subtree(catalog: Catalog) -> None:
    subtree = catalog.category_subtree_ids(WOMEN_ID)
    keys = {catalog.category(cid)["key"] for cid in subtree}  # type: ignore[index]
    assert keys == {"women", "women-tops", "women-dresses", "women-shoes"}
    assert catalog.category_subtree_ids(WOMEN_TOPS_ID) == {WOMEN_TOPS_ID}
    assert catalog.category_subtree_ids("nope") == set()
