"""Product Search (`POST /{projectKey}/products/search`) over the catalog's published products.

The ProductSearchRequest (types/product-search/ProductSearchRequest.raml): `query`, `postFilter`,
`facets`, `sort`, `limit` (0-100, default 20), `offset` (0-10000, default 0),
`markMatchingVariants`, and the deprecated `productProjectionParameters`. Pipeline:

1. `query` selects and scores the products (all published products without one);
2. facets count over those (or over all products, `scope: all`), never narrowed by `postFilter`;
3. `postFilter` narrows the results;
4. `sort` orders them (without one: score descending; equal scores keep creation order);
5. `offset`/`limit` cut the page.

Each result is `{"id"}`, with `matchingVariants` when asked (`allMatched: true` and no entries
when neither `query` nor `postFilter` names a variant or price field; otherwise the variants
that satisfy both) and `productProjection` only with `productProjectionParameters`.
"""

from __future__ import annotations

import weakref
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from emulator.catalog.catalog import Catalog
from emulator.catalog.product_search_facets import Facet, facet_result, parse_facets
from emulator.catalog.product_search_fields import Doc
from emulator.catalog.product_search_match import Match, index, match
from emulator.catalog.product_search_query import Node, parse_query
from emulator.catalog.product_search_sort import Sort, parse_sorts, sort_docs
from emulator.catalog.projection import Projection, apply, from_json
from emulator.errors import invalid_input, invalid_json
from emulator.jsonio import Json

MAX_LIMIT = 100
MAX_OFFSET = 10_000

_PROPERTIES = frozenset(
    {
        "query",
        "sort",
        "limit",
        "offset",
        "markMatchingVariants",
        "productProjectionParameters",
        "facets",
        "postFilter",
    }
)
_PROJECTION_PARAMETERS = {
    "expand": list,
    "staged": bool,
    "priceCurrency": str,
    "priceCountry": str,
    "priceCustomerGroup": str,
    "priceCustomerGroupAssignments": list,
    "priceChannel": str,
    "localeProjection": list,
    "storeProjection": str,
}


@dataclass
class ProductSearchRequest:
    query: Node | None = None
    post_filter: Node | None = None
    facets: list[Facet] = field(default_factory=list)
    sorts: list[Sort] = field(default_factory=list)
    limit: int = 20
    offset: int = 0
    mark_matching_variants: bool = False
    projection: Json | None = None

    @property
    def staged(self) -> bool:
        return bool(self.projection and self.projection.get("staged"))


def _int(body: Json, name: str, default: int, maximum: int) -> int:
    value = body.get(name)
    if value is None:
        return default
    if isinstance(value, bool) or not isinstance(value, int):
        raise invalid_json(f"{name}: JSON number (integer) expected.")
    if not 0 <= value <= maximum:
        raise invalid_input(f"The value of '{name}' must be between 0 and {maximum}.")
    return value


def _projection_parameters(raw: Any) -> Json | None:
    if raw is None:
        return None
    if not isinstance(raw, dict):
        raise invalid_json("productProjectionParameters: JSON object expected.")
    for name, value in raw.items():
        expected = _PROJECTION_PARAMETERS.get(name)
        if expected is None:
            raise invalid_json(f"productProjectionParameters: unknown field '{name}'.")
        if not isinstance(value, expected) or (
            isinstance(value, list) and not all(isinstance(item, str) for item in value)
        ):
            raise invalid_json(f"productProjectionParameters -> {name}: wrong JSON type.")
    if "priceCountry" in raw and "priceCurrency" not in raw:
        raise invalid_input("priceCountry can only be used together with priceCurrency.")
    return dict(raw)


def parse_request(body: Any) -> ProductSearchRequest:
    """A checked ProductSearchRequest; 400 InvalidJsonInput or InvalidInput otherwise."""
    if not isinstance(body, dict):
        raise invalid_json("body: JSON object expected.")
    unknown = set(body) - _PROPERTIES
    if unknown:
        raise invalid_json(f"Unknown field '{sorted(unknown)[0]}'.")
    mark = body.get("markMatchingVariants", False)
    if not isinstance(mark, bool):
        raise invalid_json("markMatchingVariants: JSON boolean expected.")
    return ProductSearchRequest(
        query=None if body.get("query") is None else parse_query(body["query"], "query"),
        post_filter=(
            None
            if body.get("postFilter") is None
            else parse_query(body["postFilter"], "postFilter")
        ),
        facets=parse_facets(body.get("facets")),
        sorts=parse_sorts(body.get("sort")),
        limit=_int(body, "limit", 20, MAX_LIMIT),
        offset=_int(body, "offset", 0, MAX_OFFSET),
        mark_matching_variants=mark,
        projection=_projection_parameters(body.get("productProjectionParameters")),
    )


_INDEXES: weakref.WeakKeyDictionary[Catalog, tuple[int, list[Doc]]] = weakref.WeakKeyDictionary()


def _index(catalog: Catalog) -> list[Doc]:
    # The catalog never changes after it is built, so neither does its index; only the Stores
    # a product is in may (a Store created through the API): then it is built again.
    generation = catalog.markets.generation
    cached = _INDEXES.get(catalog)
    if cached is None or cached[0] != generation:
        cached = _INDEXES[catalog] = (generation, index(catalog))
    return cached[1]


def _matching_variants(doc: Doc, found: Match, filtered: Match) -> Json:
    if not (found.by_variant or filtered.by_variant):
        return {"allMatched": True, "matchedVariants": []}
    every = [variant["id"] for variant in doc.variants]
    both = set(found.variant_ids if found.by_variant else every) & set(
        filtered.variant_ids if filtered.by_variant else every
    )
    entries = []
    for variant in doc.variants:
        if variant["id"] in both:
            entry: Json = {"id": variant["id"]}
            if variant.get("sku") is not None:
                entry["sku"] = variant["sku"]
            entries.append(entry)
    return {"allMatched": False, "matchedVariants": entries}


def _projection(
    catalog: Catalog, doc: Doc, parameters: Json, projection: Projection, now: datetime
) -> Json | None:
    product_id = doc.product["id"]
    if parameters.get("staged"):
        product = catalog.staged_product_projection(product_id)
    else:
        product = catalog.product_projection(product_id)
    if product is None:
        return None
    # Search results are narrowed by the query (`variants.stores`), not by the projection.
    return apply(product, projection, catalog.markets, now)


def product_search(catalog: Catalog, request: ProductSearchRequest, now: datetime) -> Json:
    """A ProductPagedSearchResponse."""
    projection = (
        None if request.projection is None else from_json(request.projection, catalog.markets)
    )
    docs = _index(catalog)
    found: list[tuple[Doc, Match]] = []
    for doc in docs:
        matched = match(request.query, doc)
        if matched is not None:
            found.append((doc, matched))
    query_docs = [doc for doc, _ in found]
    facets = [facet_result(facet, query_docs, docs) for facet in request.facets]
    results: list[tuple[Doc, Match, Match]] = []
    for doc, matched in found:
        filtered = match(request.post_filter, doc)
        if filtered is not None:
            results.append((doc, matched, filtered))
    matches = {doc.product["id"]: (matched, filtered) for doc, matched, filtered in results}
    ranked = [(doc, matched.score) for doc, matched, _ in results]
    ordered = sort_docs(ranked, request.sorts or [Sort(None, None, True, "max", None)])
    page = ordered[request.offset : request.offset + request.limit]
    entries = []
    for doc, _score in page:
        entry: Json = {"id": doc.product["id"]}
        if request.mark_matching_variants:
            entry["matchingVariants"] = _matching_variants(doc, *matches[doc.product["id"]])
        if request.projection is not None and projection is not None:
            projected = _projection(catalog, doc, request.projection, projection, now)
            if projected is not None:
                entry["productProjection"] = projected
        entries.append(entry)
    return {
        "total": len(results),
        "offset": request.offset,
        "limit": request.limit,
        "facets": facets,
        "results": entries,
    }
