"""The upstream parameters the catalog builds from storefront input: allow-list, quoting, sort."""

from __future__ import annotations

import pytest

from app.errors import BadUserInput
from app.models import Shopper
from app.services.catalog_queries import (
    FacetFilter,
    Market,
    ProductSearch,
    check_search,
    language,
    market,
    quote,
    search_params,
    sku_predicate,
    slug_predicate,
)

EUR_DE = Market("EUR", "DE")
CATEGORY = "e472b62e-54bb-5f2d-b8fd-fccd86d2d4f3"


def test_quote_escapes_backslashes_before_quotes() -> None:
    assert quote('a"b') == '"a\\"b"'
    assert quote("a\\") == '"a\\\\"'
    assert quote('\\"') == '"\\\\\\""'


def test_lookup_predicates_quote_the_user_value() -> None:
    assert slug_predicate('x") or slug(en != "', ("de", "en")) == (
        'slug(de = "x\\") or slug(en != \\"") or slug(en = "x\\") or slug(en != \\"")'
    )
    assert slug_predicate("x", ("en", "en")) == 'slug(en = "x")'
    assert sku_predicate("A-1") == 'masterVariant(sku = "A-1") or variants(sku = "A-1")'


@pytest.mark.parametrize(
    ("locale", "expected"),
    [("de", "de"), ("de-AT", "de"), ("EN_us", "en"), ("*", "en"), ("zh-Hant-TW", "zh"), ("", "en")],
)
def test_language_is_the_primary_subtag(locale: str, expected: str) -> None:
    assert language(locale, "en") == expected


def test_market_falls_back_to_the_shopper_and_normalises_case() -> None:
    shopper = Shopper("en", "EUR", "DE")
    assert market(shopper, None, None) == EUR_DE
    assert market(shopper, "usd", " us ") == Market("USD", "US")
    with pytest.raises(BadUserInput):
        market(shopper, "US", None)


def test_a_plain_search_asks_for_prices_paging_and_facets_only() -> None:
    params = search_params(
        check_search(ProductSearch()), lang="en", prices=EUR_DE, with_facets=True
    )
    assert params == {
        "priceCurrency": "EUR",
        "priceCountry": "DE",
        "limit": "20",
        "offset": "0",
        "facet": [
            "categories.id as category counting products",
            "variants.attributes.color as color counting products",
            "variants.attributes.size as size counting products",
            "variants.scopedPrice.currentValue.centAmount:range (0 to 2500), (2500 to 5000), "
            "(5000 to 10000), (10000 to 20000), (20000 to *) as price counting products",
        ],
    }


def test_filters_narrow_results_and_other_facets_and_mark_matching_variants() -> None:
    search = ProductSearch(
        text="red shirt",
        category=CATEGORY,
        filters=(
            FacetFilter("color", ("red", 'navy"')),
            FacetFilter("color", ("red",)),
            FacetFilter("price", ("0-2499", "20000-*")),
            FacetFilter("category", (CATEGORY,)),
        ),
        sort="NAME_DESC",
    )
    params = search_params(check_search(search), lang="de", prices=EUR_DE, with_facets=False)
    expressions = [
        'variants.attributes.color:"red","navy\\""',
        "variants.scopedPrice.currentValue.centAmount:range (0 to 2499), (20000 to *)",
        f'categories.id:subtree("{CATEGORY}")',
    ]
    assert params["text.de"] == "red shirt"
    assert params["filter.query"] == [f'categories.id:subtree("{CATEGORY}")']
    assert params["filter"] == params["filter.facets"] == expressions
    assert params["markMatchingVariants"] == "true"
    assert params["sort"] == "name.de desc"
    assert "facet" not in params


@pytest.mark.parametrize(
    ("sort", "text", "expected"),
    [
        (None, None, None),
        ("RELEVANCE", "x", "score desc"),
        ("PRICE_ASC", None, "price asc"),
        ("PRICE_DESC", None, "price desc"),
        ("NAME_ASC", None, "name.en asc"),
        ("NEWEST", None, "createdAt desc"),
    ],
)
def test_sort_options(sort: str | None, text: str | None, expected: str | None) -> None:
    search = ProductSearch(text=text, sort=sort)
    params = search_params(check_search(search), lang="en", prices=EUR_DE, with_facets=False)
    assert params.get("sort") == expected


def test_a_category_only_filter_does_not_mark_variants() -> None:
    search = ProductSearch(filters=(FacetFilter("category", (CATEGORY,)),))
    params = search_params(check_search(search), lang="en", prices=EUR_DE, with_facets=False)
    assert "markMatchingVariants" not in params


def test_explicit_nulls_mean_the_defaults() -> None:
    request = check_search(ProductSearch(limit=None, offset=None))
    assert (request.limit, request.offset) == (20, 0)
