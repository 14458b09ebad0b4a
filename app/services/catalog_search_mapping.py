"""A Product Search answer and the products read for it -> a storefront search result.

Results keep the search's order; a product the search found but the product query no longer
returned (unpublished in between) is left out of the page. Facet terms come from the buckets,
labelled for the shopper (a category's name; for price and number ranges the term itself).
"""

from __future__ import annotations

from app.ctp import resources
from app.ctp.errors import MalformedUpstreamData
from app.models import (
    CategoryTree,
    Facet,
    FacetTerm,
    PageInfo,
    Product,
    ProductSearchResult,
)
from app.services.catalog_facets import Facets, FacetSpec
from app.services.catalog_mapping import Texts
from app.services.catalog_products import CachedProduct
from app.services.catalog_queries import SearchRequest
from app.services.mapping import integer, nonempty, reads


@reads("ProductPagedSearchResponse")
def result_ids(raw: resources.ProductPagedSearchResponse) -> list[str]:
    return [nonempty(result["id"], "ProductSearchResult.id") for result in raw["results"]]


@reads("ProductPagedSearchResponse")
def matching_variants(
    raw: resources.ProductPagedSearchResponse,
) -> dict[str, frozenset[int] | None]:
    """Per product, the numbers of the variants matching the search; None when all do."""
    found: dict[str, frozenset[int] | None] = {}
    for result in raw["results"]:
        matching = result.get("matchingVariants")
        if matching is None or matching["allMatched"]:
            found[result["id"]] = None
            continue
        found[result["id"]] = frozenset(
            integer(entry["id"], "ProductSearchMatchingVariantEntry.id")
            for entry in matching["matchedVariants"]
        )
    return found


def _products(
    raw: resources.ProductPagedSearchResponse,
    products: list[CachedProduct],
    tree: CategoryTree,
    texts: Texts,
    marked: bool,
) -> tuple[Product, ...]:
    if not marked:
        return tuple(p.mapped(texts).shown(tree) for p in products)
    matching = matching_variants(raw)
    shown = []
    for cached in products:
        mapped = cached.mapped(texts)
        ids = matching.get(cached.id) or mapped.variant_numbers
        shown.append(mapped.shown(tree, ids))
    return tuple(shown)


def _buckets(raw: resources.ProductSearchFacetResult, name: str) -> dict[str, int]:
    buckets = raw.get("buckets")
    if not isinstance(buckets, list):
        raise MalformedUpstreamData(f"facet {name} has no buckets")
    return {nonempty(b["key"], "bucket key"): integer(b["count"], "bucket count") for b in buckets}


def _facet(
    spec: FacetSpec,
    raw: resources.ProductSearchFacetResult,
    request: SearchRequest,
    tree: CategoryTree,
    label: str,
) -> Facet:
    counts = _buckets(raw, spec.name)
    selected = set(request.selected(spec.name))
    terms = []
    if spec.kind in ("price", "ranges"):
        for term, _range in spec.range_terms():
            count = counts.get(term, 0)
            if count or term in selected:
                terms.append(FacetTerm(term, term, count, term in selected))
    else:
        for term, count in counts.items():
            name = tree.by_id[term].name if spec.kind == "category" and term in tree.by_id else term
            terms.append(FacetTerm(term, name, count, term in selected))
    return Facet(spec.name, label, spec.facet_kind, tuple(terms))


@reads("ProductPagedSearchResponse")
def search_result(
    raw: resources.ProductPagedSearchResponse,
    products: list[CachedProduct],
    request: SearchRequest,
    facets: Facets,
    tree: CategoryTree,
    texts: Texts,
    *,
    language: str,
    default_language: str,
    marked: bool,
) -> ProductSearchResult:
    by_name = {nonempty(f["name"], "facet name"): f for f in raw["facets"]}
    mapped_facets = tuple(
        _facet(spec, by_name[spec.name], request, tree, spec.label(language, default_language))
        for spec in facets.specs
        if spec.name in by_name
    )
    results = _products(raw, products, tree, texts, marked)
    offset = integer(raw["offset"], "offset")
    return ProductSearchResult(
        page_info=PageInfo(
            offset=offset,
            limit=request.limit,
            total=integer(raw["total"], "total"),
            count=len(results),
        ),
        results=results,
        facets=mapped_facets,
    )
