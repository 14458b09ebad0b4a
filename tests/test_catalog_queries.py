"""What the catalog sends upstream for storefront input: the Product Search body (query,
postFilter, facets, sort, price scope), quoting of lookups, and input checks."""

from __future__ import annotations

from typing import Any

import pytest

from app.errors import BadUserInput
from app.models import Shopper
from app.services.catalog_facets import Facets
from app.services.catalog_queries import (
    FacetFilter,
    Market,
    ProductSearch,
    check_search,
    ids_predicate,
    language,
    market,
    quote,
    sku_predicate,
    slug_predicate,
)
from app.services.catalog_search_body import price_scope, search_body
from app.services.search_query import count_expressions
from app.settings.catalog import CatalogSettings

EUR_DE = Market("EUR", "DE")
CATEGORY = "e472b62e-54bb-5f2d-b8fd-fccd86d2d4f3"
FACETS = Facets.from_settings(CatalogSettings().facets)
COUNTRY_PRICES = frozenset({"DE", "AT", "US"})
EUR_IN_DE = [
    {"exact": {"field": "variants.prices.currencyCode", "value": "EUR"}},
    {"exact": {"field": "variants.prices.country", "value": "DE"}},
]


def body(search: ProductSearch, *, lang: str = "en", with_facets: bool = False) -> Any:
    return search_body(
        check_search(search, FACETS),
        FACETS,
        language=lang,
        market=EUR_DE,
        country_prices=COUNTRY_PRICES,
        with_facets=with_facets,
    )


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
    assert ids_predicate(["a", 'b"']) == 'id in ("a", "b\\"")'


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


def test_the_price_scope_is_the_country_price_or_the_currency_fallback() -> None:
    assert price_scope(EUR_DE, COUNTRY_PRICES) == EUR_IN_DE
    assert price_scope(Market("EUR", "FR"), COUNTRY_PRICES) == [
        EUR_IN_DE[0],
        {"not": [{"exists": {"field": "variants.prices.country"}}]},
    ]


def test_a_plain_search_asks_for_paging_and_the_configured_facets_only() -> None:
    assert body(ProductSearch(), with_facets=True) == {
        "limit": 20,
        "offset": 0,
        "facets": [
            {
                "distinct": {
                    "name": "category",
                    "field": "categories",
                    "level": "products",
                    "limit": 200,
                    "sort": {"by": "count", "order": "desc"},
                }
            },
            {
                "distinct": {
                    "name": "color",
                    "field": "variants.attributes.color",
                    "level": "products",
                    "fieldType": "text",
                    "limit": 50,
                    "sort": {"by": "count", "order": "desc"},
                }
            },
            {
                "distinct": {
                    "name": "size",
                    "field": "variants.attributes.size",
                    "level": "products",
                    "fieldType": "text",
                    "limit": 50,
                    "sort": {"by": "count", "order": "desc"},
                }
            },
            {
                "ranges": {
                    "name": "price",
                    "field": "variants.prices.centAmount",
                    "level": "products",
                    "filter": {"and": EUR_IN_DE},
                    "ranges": [
                        {"key": "0-2499", "from": 0, "to": 2500},
                        {"key": "2500-4999", "from": 2500, "to": 5000},
                        {"key": "5000-9999", "from": 5000, "to": 10000},
                        {"key": "10000-19999", "from": 10000, "to": 20000},
                        {"key": "20000-*", "from": 20000},
                    ],
                }
            },
        ],
    }


def test_text_and_category_go_to_the_query_selected_filters_to_the_post_filter() -> None:
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
    sent = body(search, lang="de", with_facets=True)
    text, category = sent["query"]["and"]
    assert text["or"][0] == {
        "fullText": {
            "field": "name",
            "language": "de",
            "value": "red shirt",
            "mustMatch": "all",
            "boost": 3,
        }
    }
    assert category == {"exact": {"field": "categoriesSubTree", "value": CATEGORY}}
    colour = {
        "exact": {
            "field": "variants.attributes.color",
            "values": ["red", 'navy"'],
            "fieldType": "text",
        }
    }
    price = {
        "and": [
            *EUR_IN_DE,
            {
                "or": [
                    {"range": {"field": "variants.prices.centAmount", "gte": 0, "lte": 2499}},
                    {"range": {"field": "variants.prices.centAmount", "gte": 20000}},
                ]
            },
        ]
    }
    in_category = {"exact": {"field": "categoriesSubTree", "value": CATEGORY}}
    assert sent["postFilter"] == {"and": [colour, price, in_category]}
    assert sent["markMatchingVariants"] is True
    assert sent["sort"] == [{"field": "name", "language": "de", "order": "desc"}]
    # Each facet is narrowed by the other facets' selections only: multi-select counts.
    filters = {
        kind["name"]: kind.get("filter") for facet in sent["facets"] for kind in facet.values()
    }
    assert filters["color"] == {"and": [price, in_category]}
    assert filters["size"] == {"and": [colour, price, in_category]}
    assert filters["price"] == {"and": [*EUR_IN_DE, colour, in_category]}
    assert filters["category"] == {"and": [colour, price]}


@pytest.mark.parametrize(
    ("sort", "expected"),
    [
        (None, None),
        ("RELEVANCE", None),
        (
            "PRICE_ASC",
            {
                "field": "variants.prices.centAmount",
                "order": "asc",
                "mode": "min",
                "filter": {"and": EUR_IN_DE},
            },
        ),
        (
            "PRICE_DESC",
            {
                "field": "variants.prices.centAmount",
                "order": "desc",
                "mode": "max",
                "filter": {"and": EUR_IN_DE},
            },
        ),
        ("NAME_ASC", {"field": "name", "language": "en", "order": "asc"}),
        ("NEWEST", {"field": "createdAt", "order": "desc"}),
    ],
)
def test_sort_options(sort: str | None, expected: dict[str, Any] | None) -> None:
    sent = body(ProductSearch(sort=sort))
    assert sent.get("sort") == (None if expected is None else [expected])


def test_a_category_only_filter_does_not_mark_variants() -> None:
    sent = body(ProductSearch(filters=(FacetFilter("category", (CATEGORY,)),)))
    assert "markMatchingVariants" not in sent
    assert "query" not in sent


def test_explicit_nulls_mean_the_defaults() -> None:
    request = check_search(ProductSearch(limit=None, offset=None), FACETS)
    assert (request.limit, request.offset) == (20, 0)


def test_no_search_query_exceeds_commercetools_expression_limit() -> None:
    # Two filters of 30 ranges each are fine by the filter limits, not by commercetools' 50
    # expressions per SearchQuery: refused before any call rather than answered with a 400.
    facets = Facets.from_settings(
        CatalogSettings(
            catalog_facets=[
                {
                    "name": "width",
                    "type": "ranges",
                    "attribute": "width",
                    "fieldType": "number",
                    "ranges": [[None, 10], [10, None]],
                }
            ]
        ).facets
    )
    prices = tuple(f"{n * 100}-{n * 100 + 99}" for n in range(30))
    widths = tuple(f"{n}-{n + 1}" for n in range(30))

    def send(*filters: FacetFilter) -> Any:
        return search_body(
            check_search(ProductSearch(filters=filters), facets),
            facets,
            language="en",
            market=EUR_DE,
            country_prices=COUNTRY_PRICES,
            with_facets=True,
        )

    assert count_expressions(send(FacetFilter("width", widths))["postFilter"]) == 31
    with pytest.raises(BadUserInput) as refused:
        send(FacetFilter("price", prices), FacetFilter("width", widths))
    assert refused.value.field == ("filters",)
