"""Facet results of Product Projection Search: TermFacetResult, FilteredFacetResult and
RangeFacetResult, counted over the matching variants of the products a facet sees."""

from __future__ import annotations

from typing import Any

from emulator.catalog.search_expressions import FacetExpr
from emulator.catalog.search_fields import is_variant_path, product_values, variant_values
from emulator.catalog.search_matching import Item, Matcher, hashable, in_range
from emulator.jsonio import Json

Matched = list[tuple[Item, list[bool]]]

MAX_FACET_TERMS = 200


def _facet_term(value: Any) -> Any:
    # commercetools returns numeric terms as decimals (1.0, not 1).
    if isinstance(value, int | float) and not isinstance(value, bool):
        return float(value)
    return value


def _data_type(path: str, terms: list[Any]) -> str:
    if path.split(".")[-1] in {"createdAt", "lastModifiedAt"}:
        return "datetime"
    if terms and all(isinstance(t, bool) for t in terms):
        return "boolean"
    if terms and all(isinstance(t, int | float) for t in terms):
        return "number"
    return "text"


def _values_of(item: Item, variant: Json, path: str) -> list[Any]:
    if is_variant_path(path):
        return variant_values(variant, path)
    return product_values(item.product, path)


def _terms_facet(facet: FacetExpr, matched: Matched) -> Json:
    counts: dict[Any, int] = {}
    products: dict[Any, set[str]] = {}
    with_value = missing = 0
    products_with_value: set[str] = set()
    for item, flags in matched:
        for variant, flag in zip(item.variants, flags, strict=True):
            if not flag:
                continue
            values = set(hashable(_values_of(item, variant, facet.path)))
            if not values:
                missing += 1
                continue
            with_value += 1
            products_with_value.add(item.product["id"])
            for value in values:
                counts[value] = counts.get(value, 0) + 1
                products.setdefault(value, set()).add(item.product["id"])

    def order(term: Any) -> tuple[int, int, str]:
        primary = len(products[term]) if facet.counting_products else counts[term]
        return (-primary, -counts[term], str(term))

    ordered = sorted(counts, key=order)
    shown = ordered[:MAX_FACET_TERMS]
    terms = []
    for term in shown:
        entry: Json = {"term": _facet_term(term), "count": counts[term]}
        if facet.counting_products:
            entry["productCount"] = len(products[term])
        terms.append(entry)
    # For product fields commercetools counts products here, for variant fields variants.
    total = with_value if is_variant_path(facet.path) else len(products_with_value)
    return {
        "type": "terms",
        "dataType": _data_type(facet.path, list(counts)),
        "missing": missing,
        "total": total,
        "other": len(ordered) - len(shown),
        "terms": terms,
    }


def _filtered_facet(facet: FacetExpr, matched: Matched, matcher: Matcher) -> Json:
    count = 0
    product_ids: set[str] = set()
    for item, flags in matched:
        for variant, flag in zip(item.variants, flags, strict=True):
            values = _values_of(item, variant, facet.path)
            if flag and any(matcher.term_matches(v, t) for v in values for t in facet.terms):
                count += 1
                product_ids.add(item.product["id"])
    result: Json = {"type": "filter", "count": count}
    if facet.counting_products:
        result["productCount"] = len(product_ids)
    return result


def _number(value: float) -> float | int:
    return int(value) if float(value).is_integer() else value


def _bound_fields(prefix: str, bound: float | str | None) -> Json:
    if bound is None:
        return {prefix: 0, f"{prefix}Str": ""}
    if isinstance(bound, str):
        return {prefix: 0, f"{prefix}Str": bound}
    return {prefix: _number(bound), f"{prefix}Str": str(_number(bound))}


def _range_facet(facet: FacetExpr, matched: Matched) -> Json:
    ranges = []
    for bounds in facet.ranges:
        values: list[float] = []
        variant_count = 0
        product_ids: set[str] = set()
        for item, flags in matched:
            for variant, flag in zip(item.variants, flags, strict=True):
                if not flag:
                    continue
                # Facet ranges are half-open [from, to), so adjacent ranges never overlap.
                hits = [
                    v
                    for v in _values_of(item, variant, facet.path)
                    if isinstance(v, int | float)
                    and not isinstance(v, bool)
                    and in_range(v, bounds, upper_inclusive=False)
                ]
                if hits:
                    variant_count += 1
                    product_ids.add(item.product["id"])
                    values.extend(float(v) for v in hits)
        entry: Json = {**_bound_fields("from", bounds.start), **_bound_fields("to", bounds.end)}
        entry["count"] = variant_count
        if facet.counting_products:
            entry["productCount"] = len(product_ids)
        entry["total"] = _number(sum(values))
        entry["min"] = _number(min(values)) if values else 0
        entry["max"] = _number(max(values)) if values else 0
        entry["mean"] = sum(values) / len(values) if values else 0
        ranges.append(entry)
    return {"type": "range", "ranges": ranges}


def facet_result(facet: FacetExpr, matched: Matched, matcher: Matcher) -> Json:
    if facet.kind == "range":
        return _range_facet(facet, matched)
    if facet.kind == "filter":
        return _filtered_facet(facet, matched, matcher)
    return _terms_facet(facet, matched)
