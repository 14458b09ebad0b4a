"""Product Projection Search (`GET /{projectKey}/product-projections/search`) over the catalog.

Pipeline, as commercetools documents it:

1. price selection (`priceCurrency`, `priceCountry`) gives each variant `price`, `scopedPrice`
   and `scopedPriceDiscounted`, which filters, facets and sorting may use;
2. full-text search (`text.<locale>`) keeps products whose localized name, description, slug
   or search keywords (or a variant's SKU) contain every word; it also scores them;
3. `filter.query` and `filter` keep products; a variant *matches* when it satisfies every
   variant-level filter of both (product-level filters gate the whole product);
4. facets are counted over the products left after text and `filter.query` (not `filter`),
   each further narrowed by the `filter.facets` expressions on other paths than its own;
5. sorting, then `offset`/`limit`.

Facet counts use the matching variants of those products (variants failing a variant-level
`filter.query` are not counted). See docs/emulator-catalog.md for the differences from the
real search index (no stemming beyond plurals, no language analyzers).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from emulator.catalog.catalog import Catalog, all_variants
from emulator.catalog.pricing import scoped_price, select_price
from emulator.catalog.search_expressions import FacetExpr, FilterExpr
from emulator.catalog.search_facets import facet_result
from emulator.catalog.search_fields import is_variant_path, product_values, variant_values
from emulator.catalog.search_matching import Item, Matcher, hashable
from emulator.catalog.search_params import SearchInputError, SearchRequest, parse_request
from emulator.catalog.search_text import default_fuzzy_level, text_score
from emulator.jsonio import Json

__all__ = ["SearchInputError", "SearchRequest", "parse_request", "search"]

Matched = list[tuple[Item, list[bool]]]


# -- sorting ------------------------------------------------------------------------------------


def _sort_values(item: Item, flags: list[bool], name: str, currency: str | None) -> list[Any]:
    variants = [v for v, flag in zip(item.variants, flags, strict=True) if flag] or item.variants
    if name == "price":
        if currency is not None:
            return [
                v["scopedPrice"]["currentValue"]["centAmount"]
                for v in variants
                if "scopedPrice" in v
            ]
        return [p["value"]["centAmount"] for v in variants for p in v.get("prices", [])]
    if is_variant_path(name):
        return [x for v in variants for x in hashable(variant_values(v, name))]
    return hashable(product_values(item.product, name))


def _sorted(results: Matched, sorts: list[tuple[str, bool]], currency: str | None) -> Matched:
    ordered = list(results)
    for name, descending in reversed(sorts):
        keyed: list[tuple[Any, tuple[Item, list[bool]]]] = []
        absent = []
        for entry in ordered:
            if name == "score":
                keyed.append(((0, entry[0].score), entry))
                continue
            values = _sort_values(entry[0], entry[1], name, currency)
            if not values:
                absent.append(entry)
                continue
            # Ascending sorts use a product's smallest value, descending ones its largest.
            value = max(values, key=_key) if descending else min(values, key=_key)
            keyed.append((_key(value), entry))
        keyed.sort(key=lambda pair: pair[0], reverse=descending)
        ordered = [entry for _, entry in keyed] + absent
    return ordered


def _key(value: Any) -> tuple[int, Any]:
    if isinstance(value, int | float):
        return (0, value)
    return (1, str(value))


# -- the search ---------------------------------------------------------------------------------


def _prepare(product: Json, request: SearchRequest, now: datetime | None) -> Item:
    variants = all_variants(product)
    if request.price_currency is None:
        return Item(product, variants)
    prepared = []
    for variant in variants:
        price = select_price(variant, request.price_currency, request.price_country, now)
        if price is None:
            prepared.append(variant)
            continue
        prepared.append(
            {
                **variant,
                "price": price,
                "scopedPrice": scoped_price(price),
                "scopedPriceDiscounted": "discounted" in price,
            }
        )
    return Item(product, prepared)


def _render(item: Item, flags: list[bool], mark_matching: bool) -> Json:
    variants = item.variants
    if mark_matching:
        variants = [
            {**variant, "isMatchingVariant": flag}
            for variant, flag in zip(variants, flags, strict=True)
        ]
    return {**item.product, "masterVariant": variants[0], "variants": variants[1:]}


def search(catalog: Catalog, request: SearchRequest, now: datetime | None = None) -> Json:
    """A ProductProjectionPagedSearchResponse for the request."""
    matcher = Matcher(catalog)
    fuzzy_level = None
    if request.fuzzy:
        longest = max((len(text) for _, text in request.texts), default=0)
        fuzzy_level = (
            request.fuzzy_level if request.fuzzy_level is not None else default_fuzzy_level(longest)
        )
    items: list[Item] = []
    for product in catalog.product_projections(staged=request.staged):
        item = _prepare(product, request, now)
        if request.texts:
            scores = [text_score(product, loc, text, fuzzy_level) for loc, text in request.texts]
            if any(score is None for score in scores):
                continue
            item.score = sum(score for score in scores if score is not None)
        items.append(item)

    def matched_by(expressions: list[FilterExpr]) -> Matched:
        found = []
        for item in items:
            flags = matcher.match(item, expressions)
            if flags is not None:
                found.append((item, flags))
        return found

    results = matched_by(request.query_filters + request.filters)
    sorts = request.sorts or ([("score", True)] if request.texts else [])
    results = _sorted(results, sorts, request.price_currency)
    page = results[request.offset : request.offset + request.limit]
    response: Json = {
        "limit": request.limit,
        "offset": request.offset,
        "count": len(page),
        "total": len(results),
        "results": [_render(item, flags, request.mark_matching_variants) for item, flags in page],
        # Always there, as in commercetools: empty when no facet was asked for.
        "facets": {
            facet.key: _facet(facet, request, matched_by, matcher) for facet in request.facets
        },
    }
    return response


def _facet(
    facet: FacetExpr,
    request: SearchRequest,
    matched_by: Callable[[list[FilterExpr]], Matched],
    matcher: Matcher,
) -> Json:
    # Multi-select faceting: a facet is not narrowed by filter.facets on its own path.
    others = [f for f in request.facet_filters if f.path != facet.path]
    return facet_result(facet, matched_by(request.query_filters + others), matcher)
