"""Product Search (`POST /{projectKey}/products/search`) over the demo catalog, as commercetools
documents it: the search query language, postFilter, facets, sorting, paging, matching variants,
and the 400 answers for requests it cannot take.

Expected numbers are computed from the catalog in the test, not copied from the emulator's
output."""

from __future__ import annotations

import asyncio
from collections import Counter
from typing import Any

import httpx
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from emulator.app import create_emulator_app
from emulator.catalog import Catalog
from emulator.catalog.catalog import all_variants
from emulator.jsonio import Json
from emulator.state import Emulator
from tests.emulator.ctp import Ctp, bearer, error_code

pytestmark = pytest.mark.anyio

SEARCH = "/products/search"
COLOR = "variants.attributes.color"
SIZE = "variants.attributes.size"
EUR = {"exact": {"field": "variants.prices.currencyCode", "value": "EUR"}}
IN_AT = {"exact": {"field": "variants.prices.country", "value": "AT"}}


@pytest.fixture
async def token(ctp: Ctp) -> str:
    return await ctp.client_token("view_published_products:demo")


@pytest.fixture(scope="module")
def catalog() -> Catalog:
    return Catalog.demo()


def attr(variant: Json, name: str) -> Any:
    return next((a["value"] for a in variant["attributes"] if a["name"] == name), None)


def color(value: str) -> Json:
    return {"exact": {"field": COLOR, "fieldType": "text", "value": value}}


def size(value: str) -> Json:
    return {"exact": {"field": SIZE, "fieldType": "text", "value": value}}


def ids(answer: Json) -> list[str]:
    return [result["id"] for result in answer["results"]]


def by_key(catalog: Catalog, *keys: str) -> list[str]:
    found = []
    for key in keys:
        product = catalog.product_projection_by_key(key)
        assert product is not None
        found.append(product["id"])
    return found


def key_of(catalog: Catalog, product_id: str) -> str:
    product = catalog.product_projection(product_id)
    assert product is not None
    return str(product["key"])


async def search(ctp: Ctp, token: str, body: Json, expect: int = 200) -> Json:
    return await ctp.post(SEARCH, token, body, expect=expect)


# -- the answer's shape ---------------------------------------------------------------------------


async def test_without_a_query_every_published_product_pages_in_creation_order(
    ctp: Ctp, token: str, catalog: Catalog
) -> None:
    everything = [p["id"] for p in catalog.product_projections()]
    first = await search(ctp, token, {})
    assert first == {
        "total": 40,
        "offset": 0,
        "limit": 20,
        "facets": [],
        "results": [{"id": pid} for pid in everything[:20]],
    }
    last = await search(ctp, token, {"limit": 15, "offset": 30})
    assert ids(last) == everything[30:] and last["total"] == 40
    assert (await search(ctp, token, {"limit": 0}))["results"] == []


@pytest.mark.parametrize(
    ("body", "code"),
    [
        ({"sortBy": "name"}, "InvalidJsonInput"),
        ({"query": {"equals": {"field": "key", "value": "x"}}}, "InvalidJsonInput"),
        ({"query": {"exact": {"field": "key", "value": "a"}, "prefix": {}}}, "InvalidJsonInput"),
        ({"query": {"exact": {"field": "key", "value": "a", "color": 1}}}, "InvalidJsonInput"),
        ({"query": {"and": {"exact": {"field": "key", "value": "a"}}}}, "InvalidJsonInput"),
        (
            {"query": {"fuzzy": {"field": "name", "language": "en", "value": "x", "level": 3}}},
            "InvalidJsonInput",
        ),
        ({"limit": "10"}, "InvalidJsonInput"),
        ({"query": {"exact": {"field": "colour", "value": "blue"}}}, "InvalidInput"),
        ({"query": {"exact": {"field": COLOR, "value": "blue"}}}, "InvalidInput"),
        (
            {"query": {"exact": {"field": COLOR, "fieldType": "colour", "value": "blue"}}},
            "InvalidInput",
        ),
        ({"query": {"fullText": {"field": "name", "value": "shirt"}}}, "InvalidInput"),
        ({"query": {"range": {"field": "key", "gte": "a"}}}, "InvalidInput"),
        ({"query": {"range": {"field": "createdAt", "gte": "yesterday"}}}, "InvalidInput"),
        ({"query": {"fullText": {"field": "createdAt", "value": "x"}}}, "InvalidInput"),
        ({"query": {"exact": {"field": "key", "value": "x" * 257}}}, "InvalidInput"),
        (
            {"query": {"or": [{"exact": {"field": "key", "value": str(n)}} for n in range(50)]}},
            "InvalidInput",
        ),
        ({"query": {"and": []}}, "InvalidInput"),
        ({"limit": 101}, "InvalidInput"),
        ({"offset": 10_001}, "InvalidInput"),
        ({"facets": [{"distinct": {"name": "c", "field": COLOR}}]}, "InvalidInput"),
        (
            {"facets": [{"ranges": {"name": "r", "field": "key", "ranges": [{"from": 1}]}}]},
            "InvalidInput",
        ),
        ({"facets": [{"count": {"name": "n"}}, {"count": {"name": "n"}}]}, "InvalidInput"),
        ({"sort": [{"field": "name", "order": "asc"}]}, "InvalidInput"),
        ({"sort": [{"field": "key", "order": "up"}]}, "InvalidJsonInput"),
    ],
)
async def test_requests_it_cannot_take_answer_400(
    ctp: Ctp, token: str, body: Json, code: str
) -> None:
    answer = await search(ctp, token, body, expect=400)
    assert answer["statusCode"] == 400 and error_code(answer) == code
    assert answer["message"] == answer["errors"][0]["message"]


async def test_it_needs_a_product_scope(ctp: Ctp) -> None:
    carts_only = await ctp.client_token("manage_orders:demo")
    answer = await search(ctp, carts_only, {}, expect=403)
    assert error_code(answer) == "insufficient_scope"


# -- query expressions ----------------------------------------------------------------------------


async def test_full_text_per_language_all_or_any_words(
    ctp: Ctp, token: str, catalog: Catalog
) -> None:
    def full_text(value: str, language: str, must: str = "all") -> Json:
        text = {"field": "name", "language": language, "value": value, "mustMatch": must}
        return {"query": {"fullText": text}}

    assert ids(await search(ctp, token, full_text("silk blouse", "en"))) == by_key(
        catalog, "blouse-silk"
    )
    assert ids(await search(ctp, token, full_text("Seidenbluse", "de"))) == by_key(
        catalog, "blouse-silk"
    )
    assert (await search(ctp, token, full_text("Seidenbluse", "en")))["total"] == 0
    either = await search(ctp, token, full_text("blouse scarf", "en", "any"))
    assert {key_of(catalog, pid) for pid in ids(either)} >= {"blouse-silk", "scarf-silk"}
    # Scores: a product matching more words ranks first without a sort.
    ranked = await search(ctp, token, full_text("silk blouse", "en", "any"))
    assert ids(ranked)[0] == by_key(catalog, "blouse-silk")[0]


async def test_prefix_fuzzy_and_wildcard(ctp: Ctp, token: str, catalog: Catalog) -> None:
    typed = {"field": "name", "language": "en", "value": "silk blo"}
    assert ids(await search(ctp, token, {"query": {"fullTextPrefix": typed}})) == by_key(
        catalog, "blouse-silk"
    )
    # A swap of neighbours is one edit; four letters allow one.
    fuzzy = {"field": "name", "language": "en", "value": "slik", "level": 2}
    found = {key_of(catalog, p) for p in ids(await search(ctp, token, {"query": {"fuzzy": fuzzy}}))}
    assert {"blouse-silk", "scarf-silk"} <= found
    prefix = {
        "prefix": {
            "field": "variants.sku",
            "value": "tshirt-classic-white",
            "caseInsensitive": True,
        }
    }
    assert ids(await search(ctp, token, {"query": prefix})) == by_key(catalog, "tshirt-classic")
    wildcard = {"wildcard": {"field": "slug", "language": "en", "value": "*-sil?"}}
    assert sorted(ids(await search(ctp, token, {"query": wildcard}))) == sorted(
        by_key(catalog, "blouse-silk", "scarf-silk")
    )


async def test_categories_and_their_sub_trees(ctp: Ctp, token: str, catalog: Catalog) -> None:
    women = catalog.category_by_key("women")
    tops = catalog.category_by_key("women-tops")
    assert women is not None and tops is not None
    direct = {"exact": {"field": "categories", "value": women["id"]}}
    assert (await search(ctp, token, {"query": direct}))["total"] == 0  # products sit in leaves
    subtree = {"exact": {"field": "categoriesSubTree", "value": women["id"]}}
    expected = [
        p["id"]
        for p in catalog.product_projections()
        if any(c["id"] in catalog.category_subtree_ids(women["id"]) for c in p["categories"])
    ]
    assert ids(await search(ctp, token, {"query": subtree, "limit": 100})) == expected
    leaf = {"exact": {"field": "categories", "values": [tops["id"]]}}
    assert (await search(ctp, token, {"query": leaf}))["total"] == sum(
        1 for p in catalog.product_projections() if tops["id"] in [c["id"] for c in p["categories"]]
    )


async def test_variant_expressions_hold_for_one_and_the_same_variant(
    ctp: Ctp, token: str, catalog: Catalog
) -> None:
    """`and` of colour and size: a variant of that colour in that size, not one of each."""
    both = await search(
        ctp,
        token,
        {"query": {"and": [color("white"), size("XL")]}, "markMatchingVariants": True},
    )
    expected = {
        p["id"]: [
            v["id"]
            for v in all_variants(p)
            if (attr(v, "color"), attr(v, "size")) == ("white", "XL")
        ]
        for p in catalog.product_projections()
    }
    expected = {pid: vids for pid, vids in expected.items() if vids}
    assert set(ids(both)) == set(expected)
    for result in both["results"]:
        matching = result["matchingVariants"]
        assert matching["allMatched"] is False
        assert [m["id"] for m in matching["matchedVariants"]] == expected[result["id"]]
        assert all(m["sku"].endswith("-WHITE-XL") for m in matching["matchedVariants"])
    # `not` in the same `and` speaks of the same variant too: white, but not in size M.
    white_not_m = await search(
        ctp, token, {"query": {"and": [color("white"), {"not": [size("M")]}]}, "limit": 100}
    )
    assert set(ids(white_not_m)) == {
        p["id"]
        for p in catalog.product_projections()
        if any(attr(v, "color") == "white" and attr(v, "size") != "M" for v in all_variants(p))
    }


async def test_price_expressions_hold_for_one_and_the_same_price(
    ctp: Ctp, token: str, catalog: Catalog
) -> None:
    """EUR prices of Austria are 1.00 dearer than the table price: 20.99 for a 19.99 T-shirt.
    A range on an Austrian EUR price sees only those, not the German or US ones."""
    at_price = {"range": {"field": "variants.prices.centAmount", "gte": 2000, "lte": 2099}}
    in_at = await search(ctp, token, {"query": {"and": [EUR, IN_AT, at_price]}, "limit": 100})
    expected = {
        p["id"]
        for p in catalog.product_projections()
        if any(
            price["value"]["currencyCode"] == "EUR"
            and price.get("country") == "AT"
            and 2000 <= price["value"]["centAmount"] <= 2099
            for v in all_variants(p)
            for price in v["prices"]
        )
    }
    assert set(ids(in_at)) == expected and expected
    # The T-shirt has no EUR price for DE in that range (its German price is 19.99).
    in_de = {"exact": {"field": "variants.prices.country", "value": "DE"}}
    de = await search(ctp, token, {"query": {"and": [EUR, in_de, at_price]}})
    assert by_key(catalog, "tshirt-classic")[0] not in ids(de)
    no_country = {"not": [{"exists": {"field": "variants.prices.country"}}]}
    fallback = await search(ctp, token, {"query": {"and": [EUR, no_country, at_price]}})
    assert fallback["total"] == 0


async def test_ranges_on_dates_and_exists(ctp: Ctp, token: str, catalog: Catalog) -> None:
    products = catalog.product_projections()
    middle = products[20]["createdAt"]
    newer = await search(
        ctp, token, {"query": {"range": {"field": "createdAt", "gt": middle}}, "limit": 100}
    )
    assert ids(newer) == [p["id"] for p in products[21:]]
    sized = {"exists": {"field": SIZE, "fieldType": "text"}}
    assert (await search(ctp, token, {"query": sized}))["total"] == sum(
        1 for p in products if any(attr(v, "size") for v in all_variants(p))
    )


# -- postFilter and facets -----------------------------------------------------------------------


async def test_post_filter_narrows_results_not_facets(
    ctp: Ctp, token: str, catalog: Catalog
) -> None:
    colours = {"distinct": {"name": "colours", "field": COLOR, "fieldType": "text", "limit": 50}}
    body = {"postFilter": color("blue"), "facets": [colours], "limit": 100}
    answer = await search(ctp, token, body)
    products = catalog.product_projections()
    blue = [p["id"] for p in products if any(attr(v, "color") == "blue" for v in all_variants(p))]
    assert ids(answer) == blue and answer["total"] == len(blue)
    counted = Counter(c for p in products for c in {attr(v, "color") for v in all_variants(p)})
    [facet] = answer["facets"]
    assert facet["name"] == "colours"
    assert {b["key"]: b["count"] for b in facet["buckets"]} == dict(counted)
    counts = [b["count"] for b in facet["buckets"]]
    assert counts == sorted(counts, reverse=True)


async def test_distinct_facets_count_products_or_variants_with_a_filter(
    ctp: Ctp, token: str, catalog: Catalog
) -> None:
    def sizes(**extra: Any) -> Json:
        return {"distinct": {"name": "s", "field": SIZE, "fieldType": "text", **extra}}

    products = catalog.product_projections()
    blue_products = Counter(
        s
        for p in products
        for s in {attr(v, "size") for v in all_variants(p) if attr(v, "color") == "blue"}
        if s
    )
    answer = await search(ctp, token, {"facets": [sizes(filter=color("blue"), limit=200)]})
    assert {b["key"]: b["count"] for b in answer["facets"][0]["buckets"]} == dict(blue_products)
    variants = Counter(
        attr(v, "size") for p in products for v in all_variants(p) if attr(v, "size")
    )
    by_variant = await search(ctp, token, {"facets": [sizes(level="variants", limit=200)]})
    assert {b["key"]: b["count"] for b in by_variant["facets"][0]["buckets"]} == dict(variants)
    chosen = await search(
        ctp,
        token,
        {"facets": [sizes(includes=["M", "XL"], sort={"by": "key", "order": "asc"})]},
    )
    assert [b["key"] for b in chosen["facets"][0]["buckets"]] == ["M", "XL"]
    missing = await search(ctp, token, {"facets": [sizes(missing="one-size", limit=1)]})
    assert len(missing["facets"][0]["buckets"]) == 1
    with_missing = await search(ctp, token, {"facets": [sizes(missing="one-size", limit=200)]})
    one_size = next(b for b in with_missing["facets"][0]["buckets"] if b["key"] == "one-size")
    assert one_size["count"] == sum(
        1 for p in products if any(attr(v, "size") is None for v in all_variants(p))
    )


async def test_ranges_count_and_stats_facets(ctp: Ctp, token: str, catalog: Catalog) -> None:
    ranges = {
        "ranges": {
            "name": "price",
            "field": "variants.prices.centAmount",
            "filter": {"and": [EUR, IN_AT]},
            "ranges": [{"to": 3000}, {"from": 3000, "to": 10000, "key": "mid"}, {"from": 10000}],
        }
    }
    count = {"count": {"name": "all", "scope": "all"}}
    stats = {"stats": {"name": "p", "field": "variants.prices.centAmount", "filter": EUR}}
    answer = await search(ctp, token, {"query": color("blue"), "facets": [ranges, count, stats]})
    at_prices = {
        p["id"]: [
            price["value"]["centAmount"]
            for v in all_variants(p)
            for price in v["prices"]
            if price["value"]["currencyCode"] == "EUR" and price.get("country") == "AT"
        ]
        for p in catalog.product_projections()
        if any(attr(v, "color") == "blue" for v in all_variants(p))
    }

    def within(low: float, high: float) -> int:
        return sum(1 for prices in at_prices.values() if any(low <= c < high for c in prices))

    price_facet, all_facet, stats_facet = answer["facets"]
    assert price_facet == {
        "name": "price",
        "buckets": [
            {"key": "*-3000", "count": within(0, 3000)},
            {"key": "mid", "count": within(3000, 10000)},
            {"key": "10000-*", "count": within(10000, 10**9)},
        ],
    }
    assert all_facet == {"name": "all", "value": 40}
    eur = [
        price["value"]["centAmount"]
        for p in catalog.product_projections()
        if p["id"] in at_prices
        for v in all_variants(p)
        for price in v["prices"]
        if price["value"]["currencyCode"] == "EUR"
    ]
    assert (stats_facet["min"], stats_facet["max"], stats_facet["count"]) == (
        min(eur),
        max(eur),
        len(eur),
    )


# -- sorting, matching variants, product data ---------------------------------------------------


async def test_sorting_by_name_date_and_a_scoped_price(
    ctp: Ctp, token: str, catalog: Catalog
) -> None:
    products = catalog.product_projections()
    by_name = await search(
        ctp, token, {"sort": [{"field": "name", "language": "de", "order": "asc"}], "limit": 100}
    )
    names = {p["id"]: p["name"]["de"].casefold() for p in products}
    assert [names[i] for i in ids(by_name)] == sorted(names.values())
    newest = await search(ctp, token, {"sort": [{"field": "createdAt", "order": "desc"}]})
    assert ids(newest)[0] == products[-1]["id"]
    cheapest_in_us = [
        {
            "field": "variants.prices.centAmount",
            "order": "asc",
            "mode": "min",
            "filter": {"exact": {"field": "variants.prices.currencyCode", "value": "USD"}},
        }
    ]
    ordered = await search(ctp, token, {"sort": cheapest_in_us, "limit": 100})
    lowest = [
        min(
            price["value"]["centAmount"]
            for v in all_variants(catalog.product_projection(i) or {"masterVariant": {}})
            for price in v["prices"]
            if price["value"]["currencyCode"] == "USD"
        )
        for i in ids(ordered)
    ]
    assert lowest == sorted(lowest)


async def test_matching_variants_when_the_query_names_none(ctp: Ctp, token: str) -> None:
    body = {"query": {"exact": {"field": "key", "value": "tshirt-classic"}}}
    answer = await search(ctp, token, {**body, "markMatchingVariants": True})
    assert answer["results"][0]["matchingVariants"] == {"allMatched": True, "matchedVariants": []}
    assert "matchingVariants" not in (await search(ctp, token, body))["results"][0]


async def test_deprecated_projection_parameters_add_the_product_data(
    ctp: Ctp, token: str, catalog: Catalog
) -> None:
    body = {
        "query": {"exact": {"field": "key", "value": "tshirt-classic"}},
        "productProjectionParameters": {"priceCurrency": "EUR", "priceCountry": "AT"},
    }
    [result] = (await search(ctp, token, body))["results"]
    projection = result["productProjection"]
    assert projection["id"] == by_key(catalog, "tshirt-classic")[0]
    assert projection["masterVariant"]["price"]["value"]["centAmount"] == 2099
    staged = {**body, "productProjectionParameters": {"staged": True}}
    refused = await search(ctp, token, staged, expect=403)
    assert error_code(refused) == "insufficient_scope"


async def test_search_term_suggestions_complete_search_keywords(ctp: Ctp, token: str) -> None:
    path = "/product-projections/suggest"
    answer = await ctp.call("GET", path, token, params={"searchKeywords.en": "bl"})
    assert answer == {"searchKeywords.en": [{"text": "blue"}, {"text": "black"}]}
    fuzzy = await ctp.call(
        "GET", path, token, params={"searchKeywords.de": "blua", "fuzzy": "true"}
    )
    assert {"text": "Blau"} in fuzzy["searchKeywords.de"]


# -- anything a client sends: a 200 or a 400, never a 500 ----------------------------------------

_scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-(10**12), 10**12),
    st.floats(allow_nan=False, allow_infinity=False),
    st.text(max_size=8),
    st.sampled_from(["en", "de", "all", "any", "products", "variants", "asc", "desc", "text"]),
)
_fields = st.sampled_from(
    [
        "name",
        "slug",
        "key",
        "categories",
        "categoriesSubTree",
        "createdAt",
        "variants.sku",
        COLOR,
        "variants.attributes.color.key",
        "variants.prices.centAmount",
        "variants.prices.currencyCode",
        "bogus",
    ]
)
_values = st.fixed_dictionaries(
    {"field": _fields},
    optional={
        "value": _scalars,
        "values": st.lists(_scalars, max_size=3),
        "language": _scalars,
        "fieldType": st.one_of(_scalars, st.sampled_from(["text", "enum", "number", "set_text"])),
        "mustMatch": _scalars,
        "level": _scalars,
        "gte": _scalars,
        "lt": _scalars,
        "caseInsensitive": _scalars,
        "boost": _scalars,
    },
)
_simple = st.dictionaries(
    st.sampled_from(
        ["exact", "fullText", "fullTextPrefix", "fuzzy", "prefix", "wildcard", "range", "exists"]
    ),
    st.one_of(_values, _scalars),
    min_size=1,
    max_size=1,
)
_queries = st.recursive(
    _simple,
    lambda inner: st.dictionaries(
        st.sampled_from(["and", "or", "not", "filter"]),
        st.one_of(st.lists(inner, max_size=3), _scalars),
        min_size=1,
        max_size=1,
    ),
    max_leaves=6,
)
# Well-formed expressions with any values: these get past the shape checks into evaluation.
_texts = st.text(max_size=12)
_numbers = st.one_of(st.integers(-(10**6), 10**6), st.floats(-1e6, 1e6, allow_nan=False))
_wellformed = st.one_of(
    st.builds(
        lambda kind, value, language: {
            kind: {"field": "name", "language": language, "value": value, "level": 2}
            if kind == "fuzzy"
            else {"field": "name", "language": language, "value": value}
        },
        st.sampled_from(["fullText", "fullTextPrefix", "fuzzy", "prefix", "wildcard"]),
        _texts,
        st.sampled_from(["en", "de", "fr"]),
    ),
    st.builds(
        lambda field, value: {"exact": {"field": field, "value": value}},
        st.sampled_from(["key", "variants.sku", "categoriesSubTree"]),
        st.one_of(_texts, _numbers, st.booleans()),
    ),
    st.builds(
        lambda value, case: {
            "exact": {"field": COLOR, "fieldType": "text", "values": value, "caseInsensitive": case}
        },
        st.lists(_texts, min_size=1, max_size=3),
        st.booleans(),
    ),
    st.builds(
        lambda field, low, high: {"range": {"field": field, "gte": low, "lt": high}},
        st.sampled_from(["variants.prices.centAmount", "createdAt"]),
        st.one_of(_numbers, _texts),
        st.one_of(_numbers, st.just("2026-01-01T00:00:00.000Z")),
    ),
    st.builds(
        lambda field: {"exists": {"field": field}},
        st.sampled_from(["key", "variants.prices.country", "description"]),
    ),
)
_wellformed_queries = st.recursive(
    _wellformed,
    lambda inner: st.dictionaries(
        st.sampled_from(["and", "or", "not", "filter"]),
        st.lists(inner, min_size=1, max_size=3),
        min_size=1,
        max_size=1,
    ),
    max_leaves=6,
)
_queries = st.one_of(_queries, _wellformed_queries)
_facets = st.dictionaries(
    st.sampled_from(["distinct", "ranges", "count", "stats", "terms"]),
    st.fixed_dictionaries(
        {"name": st.one_of(st.just("f"), _scalars)},
        optional={
            "field": _fields,
            "fieldType": _scalars,
            "filter": _queries,
            "level": _scalars,
            "scope": _scalars,
            "limit": _scalars,
            "ranges": st.lists(
                st.fixed_dictionaries({}, optional={"from": _scalars, "to": _scalars}),
                max_size=2,
            ),
            "sort": st.fixed_dictionaries({}, optional={"by": _scalars, "order": _scalars}),
        },
    ),
    min_size=1,
    max_size=1,
)
_bodies = st.fixed_dictionaries(
    {},
    optional={
        "query": _queries,
        "postFilter": _queries,
        "facets": st.lists(_facets, max_size=2),
        "sort": st.lists(
            st.fixed_dictionaries(
                {"field": st.one_of(_fields, st.just("score"))},
                optional={
                    "order": _scalars,
                    "mode": _scalars,
                    "language": _scalars,
                    "filter": _queries,
                },
            ),
            max_size=2,
        ),
        "limit": _scalars,
        "offset": _scalars,
        "markMatchingVariants": _scalars,
    },
)

_wellformed_bodies = st.fixed_dictionaries(
    {},
    optional={
        "query": _wellformed_queries,
        "postFilter": _wellformed_queries,
        "markMatchingVariants": st.booleans(),
        "facets": st.lists(
            st.one_of(
                st.builds(
                    lambda query, field: {
                        "distinct": {"name": field, "field": field, "filter": query}
                    },
                    _wellformed_queries,
                    st.sampled_from(["key", "variants.sku", "categories"]),
                ),
                st.builds(
                    lambda query, low: {
                        "ranges": {
                            "name": "r",
                            "field": "variants.prices.centAmount",
                            "filter": query,
                            "ranges": [{"from": low}, {"to": low}],
                        }
                    },
                    _wellformed_queries,
                    _numbers,
                ),
            ),
            max_size=1,
        ),
        "sort": st.lists(
            st.builds(
                lambda query, order: {
                    "field": "variants.prices.centAmount",
                    "order": order,
                    "filter": query,
                },
                _wellformed_queries,
                st.sampled_from(["asc", "desc"]),
            ),
            max_size=1,
        ),
    },
)
_bodies = st.one_of(_bodies, _wellformed_bodies)


def test_no_request_body_makes_it_fail() -> None:
    loop = asyncio.new_event_loop()
    transport = httpx.ASGITransport(app=create_emulator_app(Emulator()))
    client = httpx.AsyncClient(transport=transport, base_url="http://emulator")
    try:
        token = loop.run_until_complete(Ctp(client).client_token())

        @settings(max_examples=400, deadline=None)
        @given(body=_bodies)
        def check(body: Json) -> None:
            response = loop.run_until_complete(
                client.post(f"/demo{SEARCH}", json=body, headers=bearer(token))
            )
            assert response.status_code in {200, 400}, (body, response.text)
            if response.status_code == 400:
                assert error_code(response.json()) in {"InvalidInput", "InvalidJsonInput"}

        check()
    finally:
        loop.run_until_complete(client.aclose())
        loop.close()
