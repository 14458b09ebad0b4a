"""Product Search facets (ProductSearchFacetExpression): `distinct`, `ranges`, `count`, `stats`.

Each facet counts over the products of the search `query` (`scope: query`, the default) or all
products (`scope: all`); `postFilter` never narrows a facet. A facet's own `filter` is
evaluated on each value's own binding: a value of a variant field counts when that variant
(with one of its prices, for a price filter) satisfies the filter, a value of a price field when
that price and its variant do. `level: products` (the default) counts products, `variants`
counts variants.

Results: `{"name", "buckets": [{"key", "count"}]}` for distinct and ranges facets,
`{"name", "value"}` for count facets, `{"name", "min", "max", "mean", "sum", "count"}` for stats.
Ranges include `from` and exclude `to` (ProductSearchFacetRangesFacetRange).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from emulator.catalog.product_search_fields import (
    BOOLEAN,
    NUMBER,
    ORDERED_KINDS,
    Doc,
    Field,
    Level,
    comparable,
    resolve,
)
from emulator.catalog.product_search_match import bindings, evaluate
from emulator.catalog.product_search_query import Node, deepest_level, parse_query
from emulator.errors import invalid_input, invalid_json
from emulator.jsonio import Json

DEFAULT_BUCKETS = 10
MAX_BUCKETS = 200

_COMMON = frozenset({"name", "scope", "filter"})
_PROPERTIES = {
    "distinct": _COMMON
    | {"level", "field", "includes", "sort", "limit", "language", "fieldType", "missing"},
    "ranges": _COMMON | {"level", "field", "ranges", "language", "fieldType"},
    "count": _COMMON | {"level"},
    "stats": _COMMON | {"field", "fieldType"},
}


@dataclass(frozen=True)
class Bucket:
    key: str
    start: Any  # comparable form, None: open
    end: Any


@dataclass(frozen=True)
class Facet:
    kind: str
    name: str
    field: Field | None
    language: str | None
    all_products: bool
    filter: Node | None
    count_variants: bool
    includes: tuple[str, ...] | None = None
    sort_by_key: bool = False
    descending: bool = True
    limit: int = DEFAULT_BUCKETS
    missing: str | None = None
    buckets: tuple[Bucket, ...] = ()


# -- parsing ------------------------------------------------------------------------------------


def parse_facets(raw: Any) -> list[Facet]:
    if raw is None:
        return []
    if not isinstance(raw, list):
        raise invalid_json("facets: JSON array expected.")
    facets = [_facet(item, f"facets[{i}]") for i, item in enumerate(raw)]
    names = [facet.name for facet in facets]
    duplicate = next((name for name in names if names.count(name) > 1), None)
    if duplicate is not None:
        raise invalid_input(f"The facet name '{duplicate}' is used more than once.")
    return facets


def _facet(raw: Any, path: str) -> Facet:
    if not isinstance(raw, dict) or len(raw) != 1:
        raise invalid_json(f"{path}: an object with one of distinct, ranges, count, stats.")
    ((kind, body),) = raw.items()
    if kind not in _PROPERTIES:
        raise invalid_json(f"{path}: unknown facet expression '{kind}'.")
    where = f"{path} -> {kind}"
    if not isinstance(body, dict):
        raise invalid_json(f"{where}: JSON object expected.")
    unknown = set(body) - _PROPERTIES[kind]
    if unknown:
        raise invalid_json(f"{where}: unknown field '{sorted(unknown)[0]}'.")
    name = body.get("name")
    if not isinstance(name, str) or not name:
        raise invalid_json(f"{where} -> name: non-empty JSON string expected.")
    scope = body.get("scope", "query")
    if scope not in ("query", "all"):
        raise invalid_json(f"{where} -> scope: 'query' or 'all' expected.")
    level = body.get("level", "products")
    if level not in ("products", "variants"):
        raise invalid_json(f"{where} -> level: 'products' or 'variants' expected.")
    facet_filter = body.get("filter")
    field: Field | None = None
    language = None
    if kind != "count":
        if "field" not in body:
            raise invalid_json(f"{where} -> field: Missing required value")
        field = resolve(body["field"], body.get("fieldType"))
        language = body.get("language")
        if language is not None and not isinstance(language, str):
            raise invalid_json(f"{where} -> language: JSON string expected.")
        if field.localized and language is None:
            raise invalid_input(f"The field '{field.path}' is localized: give a 'language'.")
    facet = Facet(
        kind=kind,
        name=name,
        field=field,
        language=language,
        all_products=scope == "all",
        filter=None if facet_filter is None else parse_query(facet_filter, f"{where} -> filter"),
        count_variants=level == "variants",
    )
    if kind == "distinct":
        return _distinct(facet, body, where)
    if kind == "ranges":
        return _ranges(facet, body, where)
    return facet


def _distinct(facet: Facet, body: Json, where: str) -> Facet:
    limit = body.get("limit", DEFAULT_BUCKETS)
    if isinstance(limit, bool) or not isinstance(limit, int):
        raise invalid_json(f"{where} -> limit: JSON number (integer) expected.")
    if not 0 <= limit <= MAX_BUCKETS:
        raise invalid_input(f"The facet limit must be between 0 and {MAX_BUCKETS}.")
    includes = body.get("includes")
    if includes is not None and (
        not isinstance(includes, list) or not all(isinstance(i, str) for i in includes)
    ):
        raise invalid_json(f"{where} -> includes: JSON array of strings expected.")
    sort = body.get("sort") or {}
    if not isinstance(sort, dict) or set(sort) - {"by", "order"}:
        raise invalid_json(f"{where} -> sort: an object with 'by' and 'order' expected.")
    by = sort.get("by", "count")
    order = sort.get("order", "desc" if by == "count" else "asc")
    if by not in ("count", "key") or order not in ("asc", "desc"):
        raise invalid_json(f"{where} -> sort: by 'count' or 'key', order 'asc' or 'desc'.")
    missing = body.get("missing")
    if missing is not None and not isinstance(missing, str):
        raise invalid_json(f"{where} -> missing: JSON string expected.")
    return Facet(
        **{
            **facet.__dict__,
            "includes": None if includes is None else tuple(includes),
            "sort_by_key": by == "key",
            "descending": order == "desc",
            "limit": limit,
            "missing": missing,
        }
    )


def _ranges(facet: Facet, body: Json, where: str) -> Facet:
    assert facet.field is not None
    if facet.field.kind not in ORDERED_KINDS:
        raise invalid_input(f"The field '{facet.field.path}' does not take a ranges facet.")
    raw = body.get("ranges")
    if not isinstance(raw, list) or not raw:
        raise invalid_json(f"{where} -> ranges: non-empty JSON array expected.")
    buckets = []
    for i, item in enumerate(raw):
        if not isinstance(item, dict) or set(item) - {"from", "to", "key"}:
            raise invalid_json(f"{where} -> ranges[{i}]: an object of from, to and key.")
        ends = []
        for end in ("from", "to"):
            value = item.get(end)
            converted = None if value is None else comparable(value, facet.field.kind)
            if value is not None and converted is None:
                raise invalid_input(
                    f"The {end} of range {i} does not fit the field '{facet.field.path}'."
                )
            ends.append(converted)
        key = item.get("key")
        if key is not None and not isinstance(key, str):
            raise invalid_json(f"{where} -> ranges[{i}] -> key: JSON string expected.")
        if key is None:
            key = f"{_bound_text(item.get('from'))}-{_bound_text(item.get('to'))}"
        buckets.append(Bucket(key, ends[0], ends[1]))
    return Facet(**{**facet.__dict__, "buckets": tuple(buckets)})


def _bound_text(value: Any) -> str:
    if value is None:
        return "*"
    return key_text(value)


def key_text(value: Any) -> str:
    """A value as a bucket key."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


# -- counting -----------------------------------------------------------------------------------


def _passes(node: Node | None, doc: Doc, variant: Json | None, price: Json | None) -> bool:
    """Whether the facet filter holds for this element (some price of it, if it names one)."""
    if node is None:
        return True
    level = deepest_level(node)
    if variant is None:
        candidates = bindings(doc, level)
    elif price is None and level == Level.PRICE:
        candidates = [(variant, p) for p in variant.get("prices") or []] or [(variant, None)]
    else:
        candidates = [(variant, price)]
    return any(evaluate(node, doc, v, p, scoring=False) is not None for v, p in candidates)


def _units(facet: Facet, doc: Doc) -> Iterator[tuple[Any, list[Any]]]:
    """(what is counted, the values it has) for each element of the document the filter lets
    through; what is counted is the product id or a (product id, variant id) pair."""
    field = facet.field
    product_id = doc.product["id"]
    level = field.level if field is not None else Level.PRODUCT
    if level == Level.PRODUCT and not facet.count_variants:
        if _passes(facet.filter, doc, None, None):
            values = [] if field is None else field.read(doc, None, None, facet.language)
            yield product_id, values
        return
    for variant in doc.variants:
        unit = (product_id, variant["id"]) if facet.count_variants else product_id
        if level == Level.PRICE:
            assert field is not None
            for price in variant.get("prices") or []:
                if _passes(facet.filter, doc, variant, price):
                    yield unit, field.read(doc, variant, price, facet.language)
        elif _passes(facet.filter, doc, variant, None):
            values = [] if field is None else field.read(doc, variant, None, facet.language)
            yield unit, values


def _distinct_result(facet: Facet, docs: list[Doc]) -> Json:
    assert facet.field is not None
    counted: dict[str, set[Any]] = {}
    for doc in docs:
        for unit, values in _units(facet, doc):
            keys = {key_text(v) for v in values if _bucketable(v)}
            if not keys and facet.missing is not None:
                keys = {facet.missing}
            for key in keys:
                counted.setdefault(key, set()).add(unit)
    if facet.includes is not None:
        counted = {key: units for key, units in counted.items() if key in facet.includes}
    if facet.sort_by_key:
        ordered = sorted(counted, reverse=facet.descending)
    else:
        sign = -1 if facet.descending else 1
        ordered = sorted(counted, key=lambda key: (sign * len(counted[key]), key))
    buckets = [{"key": key, "count": len(counted[key])} for key in ordered[: facet.limit]]
    return {"name": facet.name, "buckets": buckets}


def _bucketable(value: Any) -> bool:
    return isinstance(value, str | bool | int | float)


def _ranges_result(facet: Facet, docs: list[Doc]) -> Json:
    assert facet.field is not None
    kind = facet.field.kind
    counted: list[set[Any]] = [set() for _ in facet.buckets]
    for doc in docs:
        for unit, values in _units(facet, doc):
            points = [comparable(v, kind) for v in values]
            for bucket, units in zip(facet.buckets, counted, strict=True):
                if any(p is not None and _within(p, bucket) for p in points):
                    units.add(unit)
    buckets = [
        {"key": bucket.key, "count": len(units)}
        for bucket, units in zip(facet.buckets, counted, strict=True)
    ]
    return {"name": facet.name, "buckets": buckets}


def _within(point: Any, bucket: Bucket) -> bool:
    try:
        return (bucket.start is None or point >= bucket.start) and (
            bucket.end is None or point < bucket.end
        )
    except TypeError:
        return False


def _count_result(facet: Facet, docs: list[Doc]) -> Json:
    units = {unit for doc in docs for unit, _ in _units(facet, doc)}
    return {"name": facet.name, "value": len(units)}


def _stats_result(facet: Facet, docs: list[Doc]) -> Json:
    assert facet.field is not None
    kind = facet.field.kind
    values = [
        v
        for doc in docs
        for _, found in _units(facet, doc)
        for v in found
        if comparable(v, kind) is not None or kind == BOOLEAN
    ]
    result: Json = {"name": facet.name, "count": len(values)}
    ordered = sorted(values, key=lambda v: comparable(v, kind)) if kind != BOOLEAN else values
    result["min"] = ordered[0] if ordered else None
    result["max"] = ordered[-1] if ordered else None
    if kind == NUMBER:
        total = sum(values)
        result["sum"] = total
        result["mean"] = total / len(values) if values else None
    return result


def facet_result(facet: Facet, query_docs: list[Doc], all_docs: list[Doc]) -> Json:
    docs = all_docs if facet.all_products else query_docs
    if facet.kind == "distinct":
        return _distinct_result(facet, docs)
    if facet.kind == "ranges":
        return _ranges_result(facet, docs)
    if facet.kind == "count":
        return _count_result(facet, docs)
    return _stats_result(facet, docs)
