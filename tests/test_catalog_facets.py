"""Facets come from CATALOG_FACETS, not code: a test adds an attribute facet of each kind the way
docs/configuration.md describes it, on a demo catalog whose products got those attributes."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from typing import Any

import pytest

from app.settings import Settings
from emulator.catalog import Catalog, builders, demo_data
from emulator.catalog.catalog import all_variants
from emulator.config import EmulatorConfig
from emulator.state import Emulator
from tests.conftest import RunningService, make_settings
from tests.support.clock import FakeClock

pytestmark = pytest.mark.anyio

MATERIALS = ("wool", "cotton", "leather")
MATERIAL_LABELS = {"wool": "Wool", "cotton": "Cotton", "leather": "Leather"}
FACETS = [
    {"name": "color", "type": "distinct", "attribute": "color", "fieldType": "text"},
    {
        "name": "material",
        "type": "distinct",
        "attribute": "material",
        "fieldType": "lenum",
        "label": {"en": "Material", "de": "Stoff"},
    },
    {"name": "size", "type": "distinct", "attribute": "size", "fieldType": "text"},
    {
        "name": "width",
        "type": "ranges",
        "attribute": "width-cm",
        "fieldType": "number",
        "ranges": [[None, 30], [30, 60], [60, None]],
        "label": "Width (cm)",
    },
]
SEARCH = """query($filters: [FacetFilterInput!]) {
  products(filters: $filters, limit: 100) {
    pageInfo { total }
    results { key variants { sku isMatchingVariant } }
    facets { name label kind terms { term label count selected } }
  }
}"""


def material_of(index: int) -> str:
    return MATERIALS[index % len(MATERIALS)]


def width_of(index: int, variant_id: int) -> int:
    return 10 + (index * 7 + variant_id * 13) % 80


def catalog_with_material_and_width() -> Catalog:
    products = [
        builders.build_product_projection(spec, i) for i, spec in enumerate(demo_data.PRODUCTS)
    ]
    for index, product in enumerate(products):
        material = material_of(index)
        for variant in all_variants(product):
            variant["attributes"] = [
                *variant["attributes"],
                {
                    "name": "material",
                    "value": {
                        "key": material,
                        "label": {"en": MATERIAL_LABELS[material], "de": material},
                    },
                },
                {"name": "width-cm", "value": width_of(index, variant["id"])},
            ]
    return Catalog(
        products=products,
        categories=builders.build_categories(demo_data.CATEGORIES),
        tax_categories=[builders.build_tax_category()],
        zones=builders.build_zones(),
        shipping_methods=builders.build_shipping_methods(),
        cart_discounts=builders.build_cart_discounts(),
        discount_codes=builders.build_discount_codes(),
    )


@pytest.fixture
def emulator(clock: FakeClock) -> Emulator:
    return Emulator(EmulatorConfig(), catalog=catalog_with_material_and_width(), clock=clock)


@pytest.fixture
def shop(start_service: Callable[..., RunningService]) -> RunningService:
    return start_service(catalog_facets=FACETS)


def facet(result: Any, name: str) -> dict[str, Any]:
    found: dict[str, Any] = next(f for f in result["facets"] if f["name"] == name)
    return found


def published(shop: RunningService) -> list[dict[str, Any]]:
    return shop.emulator.catalog.product_projections()


async def test_a_configured_facet_is_listed_in_order_with_its_label_and_counts(
    shop: RunningService,
) -> None:
    async with shop.browser() as browser:
        result = (await browser.gql(SEARCH)).ok()["products"]
    assert [f["name"] for f in result["facets"]] == [
        "category",
        "color",
        "material",
        "size",
        "width",
        "price",
    ]
    material = facet(result, "material")
    assert (material["label"], material["kind"]) == ("Material", "VALUES")
    expected = Counter(material_of(i) for i, _ in enumerate(published(shop)))
    assert {t["term"]: t["count"] for t in material["terms"]} == dict(expected)
    width = facet(result, "width")
    assert (width["label"], width["kind"]) == ("Width (cm)", "RANGES")
    in_range = Counter(
        term
        for i, product in enumerate(published(shop))
        for term, low, high in (("*-30", 0, 30), ("30-60", 30, 60), ("60-*", 60, 1_000))
        if any(low <= width_of(i, v["id"]) < high for v in all_variants(product))
    )
    assert [(t["term"], t["count"]) for t in width["terms"]] == [
        (term, in_range[term]) for term in ("*-30", "30-60", "60-*")
    ]


async def test_filtering_by_the_new_facets_keeps_the_other_counts_right(
    shop: RunningService,
) -> None:
    filters = [
        {"name": "material", "values": ["wool"]},
        {"name": "width", "values": ["30-60"]},
    ]
    async with shop.browser(headers={"Accept-Language": "de"}) as browser:
        result = (await browser.gql(SEARCH, {"filters": filters})).ok()["products"]
    wanted = {
        product["key"]: {v["sku"] for v in all_variants(product) if 30 <= width_of(i, v["id"]) < 60}
        for i, product in enumerate(published(shop))
        if material_of(i) == "wool"
    }
    wanted = {key: skus for key, skus in wanted.items() if skus}
    assert result["pageInfo"]["total"] == len(wanted) > 0
    for product in result["results"]:
        matching = {v["sku"] for v in product["variants"] if v["isMatchingVariant"]}
        assert matching == wanted[product["key"]]
    material = facet(result, "material")
    assert material["label"] == "Stoff"
    # The material facet still offers every material, counted under the width filter.
    by_material = Counter(
        material_of(i)
        for i, product in enumerate(published(shop))
        if any(30 <= width_of(i, v["id"]) < 60 for v in all_variants(product))
    )
    assert {t["term"]: (t["count"], t["selected"]) for t in material["terms"]} == {
        m: (count, m == "wool") for m, count in by_material.items()
    }


@pytest.mark.parametrize(
    ("facets", "reason"),
    [
        ([{"name": "material", "type": "distinct", "attribute": "material"}], "fieldType"),
        ([{"name": "w", "type": "ranges", "attribute": "w", "fieldType": "number"}], "ranges"),
        ([{"name": "color", "type": "category"}, {"name": "color", "type": "price"}], "twice"),
        ('[{"name": "x", "type": "colour"', "JSON"),
    ],
)
def test_a_facet_setting_that_does_not_fit_stops_the_start(facets: Any, reason: str) -> None:
    with pytest.raises(ValueError, match=reason):
        make_settings(catalog_facets=facets)


def test_the_default_is_the_demo_catalogs_colour_and_size() -> None:
    names = [facet.name for facet in Settings(_env_file=None).catalog.facets]
    assert names == ["category", "color", "size", "price"]
