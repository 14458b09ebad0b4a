"""Product Projection Search over the demo catalog: filters, facets, text, sorting, prices.

Expected numbers are computed from the catalog data in the test, so they check the search
against the data rather than against numbers copied from its own output.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from emulator.catalog import Catalog
from emulator.catalog.catalog import all_variants
from emulator.catalog.search import SearchInputError, parse_request, search
from emulator.catalog.search_expressions import ExpressionError, parse_facet, parse_filter
from emulator.jsonio import Json


@pytest.fixture(scope="module")
def catalog() -> Catalog:
    return Catalog.demo()


def run(catalog: Catalog, *params: tuple[str, str]) -> Json:
    return search(catalog, parse_request(list(params)))


def attr(variant: Json, name: str) -> Any:
    return next((a["value"] for a in variant["attributes"] if a["name"] == name), None)


def keys(response: Json) -> list[str]:
    return [p["key"] for p in response["results"]]


def category_id(catalog: Catalog, key: str) -> str:
    category = catalog.category_by_key(key)
    assert category is not None
    return str(category["id"])


# -- parsing ------------------------------------------------------------------------------------


def test_parse_filter_forms() -> None:
    assert parse_filter('variants.attributes.size:"M","L"').terms == ("M", "L")
    ranged = parse_filter("variants.price.centAmount:range (1000 to 2000), (5000 to *)")
    assert [(r.start, r.end) for r in ranged.ranges] == [(1000.0, 2000.0), (5000.0, None)]
    subtree = parse_filter('categories.id: subtree("abc"), "def"')
    assert [getattr(t, "category_id", t) for t in subtree.terms] == ["abc", "def"]
    assert parse_filter("variants.attributes.size:missing").exists is False
    assert parse_filter('name.en:"a:b"').terms == ("a:b",)


def test_parse_facet_forms() -> None:
    facet = parse_facet("variants.attributes.color as colour counting products")
    assert (facet.key, facet.path, facet.kind, facet.counting_products) == (
        "colour",
        "variants.attributes.color",
        "terms",
        True,
    )
    assert parse_facet('variants.attributes.color:"blue"').kind == "filter"
    assert parse_facet("variants.price.centAmount:range (0 to 100)").kind == "range"


@pytest.mark.parametrize(
    "text",
    [
        "variants.attributes.size",  # no value
        'variants.attributes.size:"M"  "L"',  # missing comma
        "variants.price.centAmount:range (1 2)",
        'variants.attributes.size:"unterminated',
        "bad path:1",
    ],
)
def test_malformed_filters(text: str) -> None:
    with pytest.raises(ExpressionError):
        parse_filter(text)


@pytest.mark.parametrize(
    "params",
    [
        [("limit", "501")],
        [("limit", "-1")],
        [("offset", "x")],
        [("filter", "nonsense.field:1")],
        [("filter.query", "variants.attributes:1")],
        [("facet", 'categories.id:subtree("x")')],
        [("sort", "name.en sideways")],
        [("sort", "unknown asc")],
        [("priceCountry", "DE")],
        [("priceCurrency", "euro")],
        [("staged", "maybe")],
        [("text.english", "shirt")],
        [("text.en", "shirt"), ("fuzzy", "true"), ("fuzzyLevel", "2")],
    ],
)
def test_bad_parameters_are_rejected(params: list[tuple[str, str]]) -> None:
    with pytest.raises(SearchInputError):
        parse_request(params)


# -- filters ------------------------------------------------------------------------------------


def test_no_parameters_returns_every_published_product(catalog: Catalog) -> None:
    response = run(catalog, ("limit", "500"))
    assert response["total"] == response["count"] == len(catalog.product_projections())
    assert response["facets"] == {}
    assert set(response) == {"limit", "offset", "count", "total", "results", "facets"}


def test_pagination(catalog: Catalog) -> None:
    everything = keys(run(catalog, ("sort", "key asc"), ("limit", "500")))
    page = run(catalog, ("sort", "key asc"), ("limit", "5"), ("offset", "10"))
    assert (page["limit"], page["offset"], page["count"]) == (5, 10, 5)
    assert keys(page) == everything[10:15]
    assert run(catalog, ("offset", "10000"))["results"] == []


def test_category_filter_and_subtree(catalog: Catalog) -> None:
    women = category_id(catalog, "women")
    tops = category_id(catalog, "women-tops")
    direct = run(catalog, ("filter.query", f'categories.id:"{tops}"'), ("limit", "500"))
    expected = {
        p["key"]
        for p in catalog.product_projections()
        if tops in {ref["id"] for ref in p["categories"]}
    }
    assert set(keys(direct)) == expected and "tshirt-classic" in expected
    # Products sit in leaf categories only, so the root matches nothing without subtree().
    assert run(catalog, ("filter", f'categories.id:"{women}"'))["total"] == 0
    subtree = run(catalog, ("filter", f'categories.id:subtree("{women}")'), ("limit", "500"))
    subtree_ids = catalog.category_subtree_ids(women)
    assert set(keys(subtree)) == {
        p["key"]
        for p in catalog.product_projections()
        if subtree_ids & {ref["id"] for ref in p["categories"]}
    }
    assert subtree["total"] == 12  # four products in each of the three women's leaves


def test_attribute_filters_narrow_and_mark_variants(catalog: Catalog) -> None:
    response = run(
        catalog,
        ("filter.query", 'variants.attributes.color:"blue"'),
        ("filter.query", 'variants.attributes.size:"M"'),
        ("markMatchingVariants", "true"),
        ("limit", "500"),
    )
    expected = {
        p["key"]
        for p in catalog.product_projections()
        if any(attr(v, "color") == "blue" and attr(v, "size") == "M" for v in all_variants(p))
    }
    assert set(keys(response)) == expected
    for product in response["results"]:
        for variant in all_variants(product):
            assert variant["isMatchingVariant"] is (
                attr(variant, "color") == "blue" and attr(variant, "size") == "M"
            )


def test_filter_values_are_ored_and_filters_anded(catalog: Catalog) -> None:
    either = run(catalog, ("filter", 'variants.attributes.color:"gold","pink"'), ("limit", "500"))
    assert set(keys(either)) == {
        p["key"]
        for p in catalog.product_projections()
        if any(attr(v, "color") in {"gold", "pink"} for v in all_variants(p))
    }
    both = run(
        catalog,
        ("filter", 'variants.attributes.color:"gold","pink"'),
        ("filter", 'variants.attributes.size:"38"'),
    )
    assert keys(both) == ["sneaker-canvas"]  # pink, 38


def test_missing_and_exists(catalog: Catalog) -> None:
    one_size = run(catalog, ("filter", "variants.attributes.size:missing"), ("limit", "500"))
    assert set(keys(one_size)) == {
        p["key"]
        for p in catalog.product_projections()
        if any(attr(v, "size") is None for v in all_variants(p))
    }
    sized = run(catalog, ("filter", "variants.attributes.size:exists"), ("limit", "500"))
    assert sized["total"] + one_size["total"] == len(catalog.product_projections())


def test_price_range_filter(catalog: Catalog) -> None:
    response = run(
        catalog, ("filter", "variants.price.centAmount:range (* to 2500)"), ("limit", "500")
    )
    expected = {
        p["key"]
        for p in catalog.product_projections()
        if any(pr["value"]["centAmount"] <= 2500 for v in all_variants(p) for pr in v["prices"])
    }
    assert set(keys(response)) == expected
    assert "keyring-brass" in expected and "tshirt-classic" in expected


def test_sku_and_key_filters(catalog: Catalog) -> None:
    assert keys(run(catalog, ("filter", 'variants.sku:"TSHIRT-CLASSIC-BLUE-M"'))) == [
        "tshirt-classic"
    ]
    assert keys(run(catalog, ("filter", 'key:"dress-wrap"'))) == ["dress-wrap"]
    assert keys(run(catalog, ("filter", 'slug.de:"sommerkleid"'))) == ["dress-summer"]


# -- facets -------------------------------------------------------------------------------------


def test_term_facets_count_variants_and_products(catalog: Catalog) -> None:
    response = run(
        catalog,
        ("facet", "variants.attributes.color counting products"),
        ("facet", "variants.attributes.size"),
        ("limit", "0"),
    )
    variants = [v for p in catalog.product_projections() for v in all_variants(p)]
    color_counts = Counter(attr(v, "color") for v in variants)
    color_products = Counter(
        c
        for p in catalog.product_projections()
        for c in {attr(v, "color") for v in all_variants(p)}
    )
    color = response["facets"]["variants.attributes.color"]
    assert color["type"] == "terms" and color["dataType"] == "text"
    assert {t["term"]: t["count"] for t in color["terms"]} == dict(color_counts)
    assert {t["term"]: t["productCount"] for t in color["terms"]} == dict(color_products)
    product_counts = [t["productCount"] for t in color["terms"]]
    assert product_counts == sorted(product_counts, reverse=True)
    assert (color["missing"], color["total"], color["other"]) == (0, len(variants), 0)

    size = response["facets"]["variants.attributes.size"]
    size_counts = Counter(attr(v, "size") for v in variants if attr(v, "size") is not None)
    assert {t["term"]: t["count"] for t in size["terms"]} == dict(size_counts)
    assert all("productCount" not in t for t in size["terms"])
    assert size["missing"] == sum(1 for v in variants if attr(v, "size") is None)
    assert size["total"] == len(variants) - size["missing"]
    counts = [t["count"] for t in size["terms"]]
    assert counts == sorted(counts, reverse=True)


def test_category_facet_counts_products(catalog: Catalog) -> None:
    response = run(catalog, ("facet", "categories.id counting products"), ("limit", "0"))
    facet = response["facets"]["categories.id"]
    expected = Counter(ref["id"] for p in catalog.product_projections() for ref in p["categories"])
    assert {t["term"]: t["productCount"] for t in facet["terms"]} == dict(expected)
    assert facet["total"] == len(catalog.product_projections())  # products with a category


def test_filter_query_narrows_facets_but_filter_does_not(catalog: Catalog) -> None:
    shoes = category_id(catalog, "men-shoes")
    narrowed = run(
        catalog, ("filter.query", f'categories.id:"{shoes}"'), ("facet", "variants.attributes.size")
    )
    not_narrowed = run(
        catalog, ("filter", f'categories.id:"{shoes}"'), ("facet", "variants.attributes.size")
    )
    assert narrowed["total"] == not_narrowed["total"] == 4
    shoe_sizes = {t["term"] for t in narrowed["facets"]["variants.attributes.size"]["terms"]}
    assert shoe_sizes == {"41", "42", "43", "44", "45"}
    all_sizes = {t["term"] for t in not_narrowed["facets"]["variants.attributes.size"]["terms"]}
    assert shoe_sizes < all_sizes and "M" in all_sizes


def test_facet_counts_only_matching_variants(catalog: Catalog) -> None:
    response = run(
        catalog,
        ("filter.query", 'variants.attributes.color:"blue"'),
        ("facet", "variants.attributes.size"),
        ("facet", "variants.attributes.color"),
    )
    blue = [
        v
        for p in catalog.product_projections()
        for v in all_variants(p)
        if attr(v, "color") == "blue"
    ]
    sizes = response["facets"]["variants.attributes.size"]
    assert sum(t["count"] for t in sizes["terms"]) + sizes["missing"] == len(blue)
    colors = response["facets"]["variants.attributes.color"]["terms"]
    assert colors == [{"term": "blue", "count": len(blue)}]


def test_multi_select_faceting_with_filter_facets(catalog: Catalog) -> None:
    # The shopper picked colour "red": results and the size facet narrow to red, while the
    # colour facet keeps counting every colour so other colours stay selectable.
    response = run(
        catalog,
        ("filter", 'variants.attributes.color:"red"'),
        ("filter.facets", 'variants.attributes.color:"red"'),
        ("facet", "variants.attributes.color"),
        ("facet", "variants.attributes.size"),
        ("limit", "500"),
    )
    variants = [v for p in catalog.product_projections() for v in all_variants(p)]
    red = [v for v in variants if attr(v, "color") == "red"]
    assert set(keys(response)) == {
        p["key"]
        for p in catalog.product_projections()
        if any(attr(v, "color") == "red" for v in all_variants(p))
    }
    color_terms = response["facets"]["variants.attributes.color"]["terms"]
    assert sum(t["count"] for t in color_terms) == len(variants)
    size = response["facets"]["variants.attributes.size"]
    assert sum(t["count"] for t in size["terms"]) + size["missing"] == len(red)


def test_filtered_and_range_facets(catalog: Catalog) -> None:
    response = run(
        catalog,
        ("facet", 'variants.attributes.color:"blue","navy" as blueish counting products'),
        ("facet", "variants.price.centAmount:range (0 to 5000), (5000 to *) as prices"),
        ("limit", "0"),
    )
    variants = [(p, v) for p in catalog.product_projections() for v in all_variants(p)]
    blueish = [(p, v) for p, v in variants if attr(v, "color") in {"blue", "navy"}]
    assert response["facets"]["blueish"] == {
        "type": "filter",
        "count": len(blueish),
        "productCount": len({p["id"] for p, _ in blueish}),
    }
    low, high = response["facets"]["prices"]["ranges"]
    cents = [pr["value"]["centAmount"] for _, v in variants for pr in v["prices"]]
    below = [c for c in cents if c < 5000]
    assert (low["from"], low["fromStr"], low["to"], low["toStr"]) == (0, "0", 5000, "5000")
    assert (high["to"], high["toStr"]) == (0, "")
    assert low["total"] == sum(below) and low["min"] == min(below) and low["max"] == max(below)
    assert low["count"] == sum(
        1 for _, v in variants if any(pr["value"]["centAmount"] < 5000 for pr in v["prices"])
    )
    assert high["min"] >= 5000


# -- text, sorting, price selection -------------------------------------------------------------


def test_full_text_search(catalog: Catalog) -> None:
    shirts = run(catalog, ("text.en", "shirt"), ("limit", "500"))
    assert set(keys(shirts)) == {"tshirt-classic", "shirt-oxford", "shirt-flannel", "dress-shirt"}
    # Singular and plural forms match each other (a stand-in for stemming).
    assert set(keys(run(catalog, ("text.en", "shirts"), ("limit", "500")))) == set(keys(shirts))
    # Without a sort, results come by relevance: name hits outrank description hits.
    assert keys(run(catalog, ("text.en", "leather")))[0] in {
        p["key"] for p in catalog.product_projections() if "Leather" in p["name"]["en"]
    }
    assert keys(run(catalog, ("text.de", "seidenbluse"))) == ["blouse-silk"]
    assert run(catalog, ("text.en", "seidenbluse"))["total"] == 0  # other locale
    assert keys(run(catalog, ("text.en", "leather sneaker"))) == ["sneaker-leather"]
    assert keys(run(catalog, ("text.en", "TSHIRT-CLASSIC-BLUE-M"))) == ["tshirt-classic"]


def test_fuzzy_text_search(catalog: Catalog) -> None:
    assert run(catalog, ("text.en", "sneakr"))["total"] == 0
    fuzzy = run(catalog, ("text.en", "sneakr"), ("fuzzy", "true"), ("limit", "500"))
    assert set(keys(fuzzy)) == {"sneaker-canvas", "sneaker-leather"}


def test_sorting(catalog: Catalog) -> None:
    by_name = run(catalog, ("sort", "name.en asc"), ("limit", "500"))
    names = [p["name"]["en"] for p in by_name["results"]]
    assert names == sorted(names)
    newest = run(catalog, ("sort", "createdAt desc"), ("limit", "500"))
    created = [p["createdAt"] for p in newest["results"]]
    assert created == sorted(created, reverse=True)
    cheapest = run(catalog, ("sort", "price asc"), ("priceCurrency", "EUR"), ("priceCountry", "DE"))
    first_prices = [
        p["masterVariant"]["scopedPrice"]["value"]["centAmount"] for p in cheapest["results"]
    ]
    assert first_prices == sorted(first_prices)
    assert keys(cheapest)[0] == "keyring-brass"
    dearest = run(catalog, ("sort", "price desc"), ("priceCurrency", "USD"), ("priceCountry", "US"))
    assert keys(dearest)[0] == "weekender-duffle"


def test_price_selection_sets_price_and_scoped_price(catalog: Catalog) -> None:
    response = run(
        catalog,
        ("filter", 'key:"tshirt-classic"'),
        ("priceCurrency", "EUR"),
        ("priceCountry", "AT"),
    )
    variant = response["results"][0]["masterVariant"]
    assert variant["price"]["country"] == "AT"
    assert variant["price"]["value"]["centAmount"] == 2099
    assert variant["scopedPrice"]["currentValue"]["centAmount"] == 2099
    assert variant["scopedPriceDiscounted"] is False
    # Without price selection there is neither field; the stored catalog is untouched.
    plain = run(catalog, ("filter", 'key:"tshirt-classic"'))["results"][0]["masterVariant"]
    assert "price" not in plain and "scopedPrice" not in plain
    assert "scopedPrice" not in catalog.product_projection_by_key("tshirt-classic")["masterVariant"]  # type: ignore[index]


def test_scoped_price_filter_uses_the_selected_price(catalog: Catalog) -> None:
    # 19.99 EUR in DE but 20.99 in AT: a range up to 20.00 keeps the T-shirt only for DE.
    def tshirt_found(country: str) -> bool:
        response = run(
            catalog,
            ("filter", 'key:"tshirt-classic"'),
            ("filter", "variants.scopedPrice.value.centAmount:range (* to 2000)"),
            ("priceCurrency", "EUR"),
            ("priceCountry", country),
        )
        return bool(response["total"])

    assert tshirt_found("DE") is True
    assert tshirt_found("AT") is False


def test_staged_search_includes_unpublished(catalog: Catalog) -> None:
    assert run(catalog, ("filter", 'key:"jacket-rain"'))["total"] == 0
    assert run(catalog, ("filter", 'key:"jacket-rain"'), ("staged", "true"))["total"] == 1


# -- robustness ---------------------------------------------------------------------------------

_EXPRESSION_CHARS = 'abcdefgimnoprstuvxyz.:"(),*- 0123456789\\'
_PARAMETER_NAMES = [
    "filter",
    "filter.query",
    "filter.facets",
    "facet",
    "sort",
    "limit",
    "offset",
    "text.en",
    "fuzzy",
    "fuzzyLevel",
    "priceCurrency",
    "priceCountry",
    "markMatchingVariants",
    "staged",
]


@settings(max_examples=300, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.sampled_from(_PARAMETER_NAMES),
            st.one_of(
                st.text(alphabet=_EXPRESSION_CHARS, max_size=40),
                st.sampled_from(
                    [
                        'variants.attributes.size:"M"',
                        "variants.price.centAmount:range (0 to *)",
                        "categories.id",
                        "variants.attributes.color counting products",
                        "price asc",
                        "EUR",
                        "DE",
                        "true",
                        "5",
                    ]
                ),
            ),
        ),
        max_size=5,
    )
)
def test_any_parameters_give_a_result_or_a_clean_error(params: list[tuple[str, str]]) -> None:
    catalog = _CATALOG
    try:
        request = parse_request(params)
    except SearchInputError:
        return
    response = search(catalog, request)
    assert response["count"] == len(response["results"]) <= response["limit"]


_CATALOG = Catalog.demo()
