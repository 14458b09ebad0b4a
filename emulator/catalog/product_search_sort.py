"""Sorting Product Search results (SearchSorting): `score` or a searchable field.

A field of a variant or price holds several values per product; `mode` picks the one a product
sorts by (min, max, avg, sum; by default the minimum ascending and the maximum descending), and
the sort's `filter` limits the values to the variants and prices that satisfy it: the way to
sort by the price of one currency and country (release note of 19 June 2025). Products without a
value come last in either order; ties keep the order they had (creation order, or score).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from emulator.catalog.product_search_fields import (
    LTEXT,
    NUMBER,
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

_PROPERTIES = frozenset({"field", "language", "order", "mode", "fieldType", "filter"})


@dataclass(frozen=True)
class Sort:
    field: Field | None  # None: the relevance score
    language: str | None
    descending: bool
    mode: str
    filter: Node | None


def parse_sorts(raw: Any) -> list[Sort]:
    if raw is None:
        return []
    if not isinstance(raw, list):
        raise invalid_json("sort: JSON array expected.")
    return [_sort(item, f"sort[{i}]") for i, item in enumerate(raw)]


def _sort(raw: Any, where: str) -> Sort:
    if not isinstance(raw, dict):
        raise invalid_json(f"{where}: JSON object expected.")
    unknown = set(raw) - _PROPERTIES
    if unknown:
        raise invalid_json(f"{where}: unknown field '{sorted(unknown)[0]}'.")
    order = raw.get("order")
    if order not in ("asc", "desc"):
        raise invalid_json(f"{where} -> order: 'asc' or 'desc' expected.")
    descending = order == "desc"
    mode = raw.get("mode", "max" if descending else "min")
    if mode not in ("min", "max", "avg", "sum"):
        raise invalid_json(f"{where} -> mode: min, max, avg or sum expected.")
    language = raw.get("language")
    if language is not None and not isinstance(language, str):
        raise invalid_json(f"{where} -> language: JSON string expected.")
    sort_filter = raw.get("filter")
    node = None if sort_filter is None else parse_query(sort_filter, f"{where} -> filter")
    if raw.get("field") == "score":
        return Sort(None, None, descending, mode, node)
    if "field" not in raw:
        raise invalid_json(f"{where} -> field: Missing required value")
    field = resolve(raw["field"], raw.get("fieldType"))
    if field.kind == LTEXT and language is None:
        raise invalid_input(f"Sorting by the localized field '{field.path}' needs a 'language'.")
    if mode in ("avg", "sum") and field.kind != NUMBER:
        raise invalid_input(f"The sort mode '{mode}' needs a number field.")
    return Sort(field, language, descending, mode, node)


def _values(sort: Sort, doc: Doc) -> list[Any]:
    field = sort.field
    assert field is not None
    if field.level == Level.PRODUCT:
        elements: list[tuple[Json | None, Json | None]] = [(None, None)]
    else:
        elements = bindings(doc, field.level)
    found = []
    for variant, price in elements:
        if sort.filter is not None and not _passes(sort.filter, doc, variant, price):
            continue
        for value in field.read(doc, variant, price, sort.language):
            converted = comparable(value, field.kind)
            if converted is not None:
                found.append(converted.casefold() if isinstance(converted, str) else converted)
    return found


def _passes(node: Node, doc: Doc, variant: Json | None, price: Json | None) -> bool:
    if variant is None or (price is None and deepest_level(node) == Level.PRICE):
        pairs = [(v, p) for v, p in bindings(doc, deepest_level(node)) if variant in (None, v)]
    else:
        pairs = [(variant, price)]
    return any(evaluate(node, doc, v, p, scoring=False) is not None for v, p in pairs)


def _reduce(values: list[Any], mode: str) -> Any:
    if mode == "min":
        return min(values)
    if mode == "max":
        return max(values)
    total = sum(values)
    return total / len(values) if mode == "avg" else total


def sort_docs(ranked: list[tuple[Doc, float]], sorts: list[Sort]) -> list[tuple[Doc, float]]:
    """The ranked documents (with their scores) in the order the sorts ask for."""
    ordered = list(ranked)
    for sort in reversed(sorts):
        if sort.field is None:
            ordered.sort(key=lambda entry: entry[1], reverse=sort.descending)
            continue
        keyed, absent = [], []
        for entry in ordered:
            values = _values(sort, entry[0])
            if values:
                keyed.append((_reduce(values, sort.mode), entry))
            else:
                absent.append(entry)
        keyed.sort(key=lambda pair: pair[0], reverse=sort.descending)
        ordered = [entry for _, entry in keyed] + absent
    return ordered
