"""A checked storefront search -> the body of `POST /{projectKey}/products/search`.

- `query`: the text (full text in the shopper's language over name, search keywords and
  description, or an SKU) and the `category` argument (`categoriesSubTree`). It decides which
  products the facets count.
- `postFilter`: the selected filters, applied after the facets were counted, so a facet keeps
  offering its alternatives (multi-select); each facet's own `filter` holds the *other*
  selected filters, so its counts follow them.
- prices: Product Search has no price selection; every expression on `variants.prices.*`
  names the shopper's price in an `and` that holds for one and the same price: the currency and
  either the country (CATALOG_PRICE_COUNTRIES) or no country (the currency's fallback price).
"""

from __future__ import annotations

from typing import Any

from app.errors import BadUserInput
from app.services.catalog_facets import Facets, FacetSpec
from app.services.catalog_queries import Market, ProductSort, SearchRequest
from app.services.search_query import MAX_EXPRESSIONS, Expression, all_of, count_expressions

PRICE_CURRENCY = "variants.prices.currencyCode"
PRICE_COUNTRY = "variants.prices.country"


def price_scope(market: Market, country_prices: frozenset[str]) -> list[Expression]:
    """Conditions that pick the price commercetools' price selection picks for the market."""
    currency: Expression = {"exact": {"field": PRICE_CURRENCY, "value": market.currency}}
    if market.country in country_prices:
        return [currency, {"exact": {"field": PRICE_COUNTRY, "value": market.country}}]
    return [currency, {"not": [{"exists": {"field": PRICE_COUNTRY}}]}]


def store_scope(store_id: str) -> Expression:
    """Variants the store sells (its product selections): in `query`, so results and facet
    counts both follow the store's assortment."""
    return {"exact": {"field": "variants.stores", "value": store_id}}


def text_query(text: str, language: str) -> Expression:
    def full_text(field: str, boost: float) -> Expression:
        return {
            "fullText": {
                "field": field,
                "language": language,
                "value": text,
                "mustMatch": "all",
                "boost": boost,
            }
        }

    return {
        "or": [
            full_text("name", 3),
            full_text("searchKeywords", 2),
            full_text("description", 1),
            {"exact": {"field": "variants.sku", "value": text, "caseInsensitive": True}},
        ]
    }


def _sort(request: SearchRequest, language: str, scope: list[Expression]) -> list[Any]:
    match request.sort:
        case ProductSort.RELEVANCE:
            # Product Search sorts by score when no sort is given.
            return []
        case ProductSort.PRICE_ASC | ProductSort.PRICE_DESC:
            ascending = request.sort is ProductSort.PRICE_ASC
            return [
                {
                    "field": "variants.prices.centAmount",
                    "order": "asc" if ascending else "desc",
                    # A product ranks by its cheapest variant ascending, its dearest descending.
                    "mode": "min" if ascending else "max",
                    "filter": all_of(scope),
                }
            ]
        case ProductSort.NAME_ASC | ProductSort.NAME_DESC:
            order = "asc" if request.sort is ProductSort.NAME_ASC else "desc"
            return [{"field": "name", "language": language, "order": order}]
        case ProductSort.NEWEST:
            return [{"field": "createdAt", "order": "desc"}]


def _check_size(expressions: list[Expression]) -> None:
    for expression in expressions:
        if count_expressions(expression) > MAX_EXPRESSIONS:
            raise BadUserInput(
                "Too many filter values at once; narrow the selection.", field=("filters",)
            )


def search_body(
    request: SearchRequest,
    facets: Facets,
    *,
    language: str,
    market: Market,
    country_prices: frozenset[str],
    with_facets: bool,
    store_id: str | None = None,
) -> dict[str, Any]:
    scope = price_scope(market, country_prices)
    selected: list[tuple[FacetSpec, Expression]] = []
    for facet_filter in request.filters:
        spec = facets.named(facet_filter.name)
        assert spec is not None  # check_search accepts configured facets only
        selected.append((spec, spec.filter_expression(facet_filter.values, language, scope)))
    body: dict[str, Any] = {"limit": request.limit, "offset": request.offset}
    query: list[Expression] = []
    if request.text:
        query.append(text_query(request.text, language))
    if request.category_id:
        query.append({"exact": {"field": "categoriesSubTree", "value": request.category_id}})
    if store_id is not None:
        query.append(store_scope(store_id))
    queries: list[Expression] = []
    if query:
        body["query"] = all_of(query)
        queries.append(body["query"])
    if selected:
        body["postFilter"] = all_of([expression for _, expression in selected])
        queries.append(body["postFilter"])
    if any(spec.variant_level for spec, _ in selected):
        body["markMatchingVariants"] = True
    sort = _sort(request, language, scope)
    if sort:
        body["sort"] = sort
    if with_facets:
        body["facets"] = [
            spec.facet_expression(
                language,
                scope,
                [expression for other, expression in selected if other.name != spec.name],
            )
            for spec in facets.specs
        ]
        queries.extend(
            value["filter"]
            for facet in body["facets"]
            for value in facet.values()
            if "filter" in value
        )
    _check_size(queries)
    return body
