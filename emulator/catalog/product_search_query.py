"""The search query language (api/search-query-language) as Product Search takes it.

A SearchQuery is an object with exactly one of the compound expressions `and`, `or`, `not`,
`filter` (a list of SearchQuery) or the simple expressions `exact`, `fullText`,
`fullTextPrefix`, `fuzzy`, `prefix`, `wildcard`, `range`, `exists` (an object naming a
`field`). Limits from the reference: at most 50 expressions in one SearchQuery, string values of
at most 256 characters.

The JSON's shape (an unknown property, a wrong type, a missing value) answers 400
InvalidJsonInput, as every body the emulator reads; what is well-formed but cannot be searched
(an unknown field, a localized field without `language`, an expression the field does not
take, the limits) answers 400 InvalidInput.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from emulator.catalog.product_search_fields import (
    KEYWORD,
    LTEXT,
    ORDERED_KINDS,
    TEXT_KINDS,
    Field,
    Level,
    comparable,
    resolve,
)
from emulator.errors import invalid_input, invalid_json

MAX_EXPRESSIONS = 50
MAX_STRING_LENGTH = 256

COMPOUNDS = ("and", "or", "not", "filter")
_COMMON = frozenset({"field", "boost", "fieldType"})
_PROPERTIES = {
    "exact": _COMMON | {"value", "values", "language", "caseInsensitive"},
    "fullText": _COMMON | {"value", "language", "mustMatch"},
    "fullTextPrefix": _COMMON | {"value", "language", "mustMatch"},
    "fuzzy": _COMMON | {"value", "level", "language", "mustMatch"},
    "prefix": _COMMON | {"value", "language", "caseInsensitive"},
    "wildcard": _COMMON | {"value", "language", "caseInsensitive"},
    "range": _COMMON | {"gt", "gte", "lt", "lte"},
    "exists": _COMMON | {"language"},
}
TEXT_SEARCHES = frozenset({"fullText", "fullTextPrefix", "fuzzy"})


@dataclass(frozen=True)
class Compound:
    op: str  # and | or | not | filter
    parts: tuple[Node, ...]


@dataclass(frozen=True)
class Simple:
    op: str
    field: Field
    language: str | None = None
    values: tuple[Any, ...] = ()
    match_all: bool = True
    case_insensitive: bool = False
    fuzzy_level: int = 0
    # (gt, gte, lt, lte), each in comparable form or None
    bounds: tuple[Any, Any, Any, Any] = (None, None, None, None)
    boost: float = 1.0


Node = Compound | Simple


def parse_query(raw: Any, path: str) -> Node:
    """A SearchQuery, checked against the limits."""
    node = _parse(raw, path)
    count = sum(1 for _ in walk(node))
    if count > MAX_EXPRESSIONS:
        raise invalid_input(
            f"The search query in '{path}' has {count} expressions; at most {MAX_EXPRESSIONS} "
            "are allowed."
        )
    return node


def walk(node: Node) -> Iterator[Node]:
    yield node
    if isinstance(node, Compound):
        for part in node.parts:
            yield from walk(part)


def deepest_level(node: Node) -> Level:
    """The most nested level any field of the query names."""
    return max(
        (n.field.level for n in walk(node) if isinstance(n, Simple)),
        default=Level.PRODUCT,
    )


def _object(raw: Any, path: str) -> dict[str, Any]:
    if not isinstance(raw, dict):
        raise invalid_json(f"{path}: JSON object expected.")
    return raw


def _parse(raw: Any, path: str) -> Node:
    query = _object(raw, path)
    if len(query) != 1:
        names = ", ".join(sorted(query)) or "none"
        raise invalid_json(
            f"{path}: a SearchQuery holds exactly one expression, found {len(query)} ({names})."
        )
    ((op, value),) = query.items()
    if op in COMPOUNDS:
        if not isinstance(value, list):
            raise invalid_json(f"{path} -> {op}: JSON array expected.")
        if not value:
            raise invalid_input(f"The compound expression '{op}' in '{path}' is empty.")
        parts = tuple(_parse(part, f"{path} -> {op}[{i}]") for i, part in enumerate(value))
        return Compound(op, parts)
    if op in _PROPERTIES:
        return _simple(op, _object(value, f"{path} -> {op}"), f"{path} -> {op}")
    raise invalid_json(f"{path}: unknown expression '{op}'.")


def _string(value: Any, where: str) -> str:
    if not isinstance(value, str):
        raise invalid_json(f"{where}: JSON string expected.")
    if len(value) > MAX_STRING_LENGTH:
        raise invalid_input(
            f"The value of '{where}' has {len(value)} characters; at most {MAX_STRING_LENGTH} "
            "are allowed."
        )
    return value


def _bool(body: dict[str, Any], name: str, where: str, default: bool) -> bool:
    value = body.get(name)
    if value is None:
        return default
    if not isinstance(value, bool):
        raise invalid_json(f"{where} -> {name}: JSON boolean expected.")
    return value


def _scalar(value: Any, field: Field, where: str) -> Any:
    if isinstance(value, str):
        _string(value, where)
    elif not isinstance(value, bool | int | float):
        raise invalid_json(f"{where}: JSON string, number or boolean expected.")
    if field.kind in ORDERED_KINDS:
        converted = comparable(value, field.kind)
        if converted is None:
            raise invalid_input(f"The value of '{where}' does not fit the field '{field.path}'.")
        return converted
    return value


def _language(body: dict[str, Any], field: Field, where: str, required: bool) -> str | None:
    language = body.get("language")
    if language is None:
        if required and field.localized:
            raise invalid_input(f"The field '{field.path}' is localized: give a 'language'.")
        return None
    return _string(language, f"{where} -> language")


def _match_all(body: dict[str, Any], where: str) -> bool:
    value = body.get("mustMatch", "all")
    if value not in ("all", "any"):
        raise invalid_json(f"{where} -> mustMatch: 'all' or 'any' expected.")
    return bool(value == "all")


def _simple(op: str, body: dict[str, Any], where: str) -> Simple:
    unknown = set(body) - _PROPERTIES[op]
    if unknown:
        raise invalid_json(f"{where}: unknown field '{sorted(unknown)[0]}'.")
    if "field" not in body:
        raise invalid_json(f"{where} -> field: Missing required value")
    field = resolve(_string(body["field"], f"{where} -> field"), body.get("fieldType"))
    boost = body.get("boost", 1.0)
    if isinstance(boost, bool) or not isinstance(boost, int | float) or boost < 0:
        raise invalid_json(f"{where} -> boost: non-negative JSON number expected.")
    common: dict[str, Any] = {"field": field, "boost": float(boost)}
    if op == "exists":
        return Simple(op, language=_language(body, field, where, required=False), **common)
    if op == "range":
        return _range(body, field, where, common)
    language = _language(body, field, where, required=True)
    if op == "exact":
        return _exact(body, field, where, language, common)
    if field.kind not in TEXT_KINDS:
        raise invalid_input(f"The field '{field.path}' does not take '{op}' expressions.")
    if "value" not in body:
        raise invalid_json(f"{where} -> value: Missing required value")
    value = _string(body["value"], f"{where} -> value")
    if op in TEXT_SEARCHES:
        level = 0
        if op == "fuzzy":
            raw_level = body.get("level")
            if isinstance(raw_level, bool) or raw_level not in (0, 1, 2):
                raise invalid_json(f"{where} -> level: 0, 1 or 2 expected.")
            level = int(raw_level)
        return Simple(
            op,
            language=language,
            values=(value,),
            match_all=_match_all(body, where),
            fuzzy_level=level,
            **common,
        )
    return Simple(
        op,
        language=language,
        values=(value,),
        case_insensitive=_bool(body, "caseInsensitive", where, False),
        **common,
    )


def _exact(
    body: dict[str, Any], field: Field, where: str, language: str | None, common: dict[str, Any]
) -> Simple:
    if ("value" in body) == ("values" in body):
        raise invalid_json(f"{where}: give exactly one of 'value' and 'values'.")
    if "values" in body:
        raw = body["values"]
        if not isinstance(raw, list) or not raw:
            raise invalid_json(f"{where} -> values: non-empty JSON array expected.")
        values = tuple(_scalar(v, field, f"{where} -> values[{i}]") for i, v in enumerate(raw))
    else:
        values = (_scalar(body["value"], field, f"{where} -> value"),)
    case_insensitive = _bool(body, "caseInsensitive", where, False)
    if case_insensitive and field.kind not in (KEYWORD, LTEXT):
        raise invalid_input(f"The field '{field.path}' is not text: 'caseInsensitive' is invalid.")
    return Simple(
        "exact", language=language, values=values, case_insensitive=case_insensitive, **common
    )


def _range(body: dict[str, Any], field: Field, where: str, common: dict[str, Any]) -> Simple:
    if field.kind not in ORDERED_KINDS:
        raise invalid_input(f"The field '{field.path}' does not take 'range' expressions.")
    bounds = []
    for name in ("gt", "gte", "lt", "lte"):
        raw = body.get(name)
        bounds.append(None if raw is None else _scalar(raw, field, f"{where} -> {name}"))
    if all(bound is None for bound in bounds):
        raise invalid_input(f"The range in '{where}' needs at least one of gt, gte, lt, lte.")
    gt, gte, lt, lte = bounds
    return Simple("range", bounds=(gt, gte, lt, lte), **common)
