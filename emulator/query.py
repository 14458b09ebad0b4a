"""Query endpoints: `where` predicates, `sort`, `limit`/`offset`, and the PagedQueryResponse.

The predicate language is the subset of commercetools' Query Predicates the BFF needs:
comparisons (`=`, `!=`, `<>`, `<`, `<=`, `>`, `>=`) of a field path with a string, number or
boolean; `in (...)` and `not in (...)`; `is defined` / `is not defined`; `and`, `or`,
`not(...)`, parentheses; nested objects and arrays as `shippingAddress(country = "DE")`;
and literal comparisons such as `1 = 1`. A comparison on an array field matches when any
element matches, as in commercetools. Anything else is a 400 InvalidInput, never a 500.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Hashable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from starlette.datastructures import QueryParams

from emulator.errors import CtpApiError
from emulator.indexed import IndexedStore
from emulator.jsonio import Json

Predicate = Callable[[Any], bool]

_TOKEN = re.compile(
    r"""\s*(?:
        (?P<string>"(?:[^"\\]|\\.)*")
      | (?P<number>-?\d+(?:\.\d+)?)
      | (?P<op><=|>=|!=|<>|=|<|>)
      | (?P<punct>[(),])
      | (?P<ident>[A-Za-z_][A-Za-z0-9_.]*)
    )""",
    re.VERBOSE,
)
_KEYWORDS = {"and", "or", "not", "in", "is", "defined", "empty", "true", "false"}
_MISSING = object()


# field name -> (index, index key) serving `field = "value"` (stores.py gives them per store).
IndexHints = Mapping[str, Callable[[str], tuple[str, Hashable]]]
_EQUALITY = re.compile(r'^\s*([A-Za-z_][A-Za-z0-9_]*)\s*=\s*"((?:[^"\\]|\\.)*)"\s*$')


def malformed(parameter: str, detail: str) -> CtpApiError:
    return CtpApiError(400, "InvalidInput", f"Malformed parameter: {parameter}: {detail}")


@dataclass(frozen=True)
class _Tok:
    kind: str
    text: str


def _tokenize(source: str) -> list[_Tok]:
    tokens: list[_Tok] = []
    pos = 0
    source = source.rstrip()
    while pos < len(source):
        match = _TOKEN.match(source, pos)
        if match is None or match.end() == pos:
            raise malformed("where", f"Syntax error at position {pos} in '{source}'.")
        kind = match.lastgroup or ""
        text = match.group(kind)
        if kind == "ident" and text.lower() in _KEYWORDS:
            kind, text = "kw", text.lower()
        tokens.append(_Tok(kind, text))
        pos = match.end()
    return tokens


class _Parser:
    def __init__(self, source: str) -> None:
        self.source = source
        self.tokens = _tokenize(source)
        self.pos = 0

    # -- token helpers ------------------------------------------------------------------
    def _peek(self, offset: int = 0) -> _Tok | None:
        index = self.pos + offset
        return self.tokens[index] if index < len(self.tokens) else None

    def _take(self) -> _Tok:
        token = self._peek()
        if token is None:
            raise self._error("Unexpected end of predicate.")
        self.pos += 1
        return token

    def _accept(self, kind: str, text: str | None = None) -> bool:
        token = self._peek()
        if token is not None and token.kind == kind and (text is None or token.text == text):
            self.pos += 1
            return True
        return False

    def _expect(self, kind: str, text: str | None = None) -> None:
        if not self._accept(kind, text):
            found = self._peek()
            raise self._error(
                f"Expected '{text or kind}', found '{found.text if found else 'end'}'."
            )

    def _error(self, detail: str) -> CtpApiError:
        return malformed("where", f"{detail} (in '{self.source}')")

    # -- grammar ------------------------------------------------------------------------
    def parse(self) -> Predicate:
        predicate = self._or()
        if self._peek() is not None:
            raise self._error(f"Unexpected '{self._take().text}'.")
        return predicate

    def _or(self) -> Predicate:
        parts = [self._and()]
        while self._accept("kw", "or"):
            parts.append(self._and())
        if len(parts) == 1:
            return parts[0]
        return lambda value: any(p(value) for p in parts)

    def _and(self) -> Predicate:
        parts = [self._unary()]
        while self._accept("kw", "and"):
            parts.append(self._unary())
        if len(parts) == 1:
            return parts[0]
        return lambda value: all(p(value) for p in parts)

    def _unary(self) -> Predicate:
        if self._accept("kw", "not"):
            self._expect("punct", "(")
            inner = self._or()
            self._expect("punct", ")")
            return lambda value: not inner(value)
        if self._accept("punct", "("):
            inner = self._or()
            self._expect("punct", ")")
            return inner
        return self._comparison()

    def _literal(self) -> Any:
        token = self._take()
        if token.kind == "string":
            return re.sub(r"\\(.)", r"\1", token.text[1:-1])
        if token.kind == "number":
            return float(token.text) if "." in token.text else int(token.text)
        if token.kind == "kw" and token.text in {"true", "false"}:
            return token.text == "true"
        raise self._error(f"Expected a value, found '{token.text}'.")

    def _comparison(self) -> Predicate:
        token = self._peek()
        if token is None:
            raise self._error("Unexpected end of predicate.")
        if token.kind in {"string", "number"}:
            left = self._literal()
            op = self._take()
            if op.kind != "op":
                raise self._error(f"Expected an operator, found '{op.text}'.")
            right = self._literal()
            result = _compare(left, op.text, right)
            return lambda value: result
        if token.kind != "ident":
            raise self._error(f"Expected a field name, found '{token.text}'.")
        path = self._take().text.split(".")
        if self._accept("punct", "("):
            inner = self._or()
            self._expect("punct", ")")
            return lambda value: _any_value(value, path, inner)
        if self._accept("kw", "is"):
            negate = self._accept("kw", "not")
            if self._accept("kw", "defined"):
                return lambda value: _defined(value, path) != negate
            if self._accept("kw", "empty"):
                return lambda value: _empty(value, path) != negate
            raise self._error("Expected 'defined' or 'empty' after 'is'.")
        negate_in = False
        if self._accept("kw", "not"):
            negate_in = True
            if not (self._peek() and self._peek() == _Tok("kw", "in")):
                raise self._error("Expected 'in' after 'not'.")
        if self._accept("kw", "in"):
            self._expect("punct", "(")
            options = [self._literal()]
            while self._accept("punct", ","):
                options.append(self._literal())
            self._expect("punct", ")")
            return lambda value: _any_value(
                value, path, lambda leaf: (leaf in options) != negate_in
            )
        op = self._take()
        if op.kind != "op":
            raise self._error(f"Expected an operator after '{'.'.join(path)}', found '{op.text}'.")
        right = self._literal()
        return lambda value: _any_value(value, path, lambda leaf: _compare(leaf, op.text, right))


def _compare(left: Any, op: str, right: Any) -> bool:
    if op in {"=", "!=", "<>"}:
        # true/false compare only with booleans (in Python, True == 1).
        if isinstance(left, bool) or isinstance(right, bool):
            equal = left is right
        else:
            equal = left == right
        return equal if op == "=" else not equal
    try:
        if op == "<":
            return bool(left < right)
        if op == "<=":
            return bool(left <= right)
        if op == ">":
            return bool(left > right)
        return bool(left >= right)
    except TypeError:
        return False


def _values(value: Any, path: Sequence[str]) -> list[Any]:
    """Every value at path; arrays along the way fan out, as commercetools' predicates do."""
    current = [value]
    for name in path:
        following: list[Any] = []
        for item in current:
            items = item if isinstance(item, list) else [item]
            for element in items:
                if isinstance(element, dict) and name in element:
                    following.append(element[name])
        current = following
    flat: list[Any] = []
    for item in current:
        flat.extend(item if isinstance(item, list) else [item])
    return flat


def _any_value(value: Any, path: Sequence[str], test: Predicate) -> bool:
    return any(test(leaf) for leaf in _values(value, path))


def _defined(value: Any, path: Sequence[str]) -> bool:
    return any(leaf is not None for leaf in _values(value, path))


def _empty(value: Any, path: Sequence[str]) -> bool:
    current: Any = value
    for name in path:
        if not isinstance(current, dict):
            return True
        current = current.get(name, _MISSING)
    return current is _MISSING or current in ([], {}, None)


def parse_predicate(source: str) -> Predicate:
    return _Parser(source).parse()


def matches(source: str, value: Any) -> bool:
    return parse_predicate(source)(value)


# -- sort and paging -------------------------------------------------------------------------


def _int_param(params: QueryParams, name: str, default: int, low: int, high: int) -> int:
    raw = params.get(name)
    if raw is None:
        return default
    try:
        number = int(raw)
    except ValueError:
        raise malformed(name, f"'{raw}' is not a number.") from None
    if not low <= number <= high:
        raise malformed(name, f"must be between {low} and {high}.")
    return number


def _sort_key(path: Sequence[str]) -> Callable[[Json], tuple[int, Any]]:
    def key(resource: Json) -> tuple[int, Any]:
        values = _values(resource, path)
        # Resources without the field sort after those with it.
        return (0, values[0]) if values else (1, "")

    return key


def _apply_sort(resources: list[Json], sorts: list[str]) -> list[Json]:
    ordered = list(resources)
    for expression in reversed(sorts):
        parts = expression.split()
        if len(parts) not in (1, 2) or (
            len(parts) == 2 and parts[1].lower() not in {"asc", "desc"}
        ):
            raise malformed("sort", f"'{expression}' is not '<field> asc|desc'.")
        descending = len(parts) == 2 and parts[1].lower() == "desc"
        key = _sort_key(parts[0].split("."))
        try:
            ordered.sort(key=key, reverse=descending)
        except TypeError:
            raise malformed("sort", f"cannot sort on '{parts[0]}'.") from None
    return ordered


def paged_query(
    resources: list[Json],
    params: QueryParams,
    default_sort: str | None = "createdAt asc",
) -> Json:
    """The PagedQueryResponse of the resources matching every `where` parameter."""
    limit = _int_param(params, "limit", 20, 0, 500)
    offset = _int_param(params, "offset", 0, 0, 10_000)
    predicates = [parse_predicate(where) for where in params.getlist("where")]
    selected = [r for r in resources if all(p(r) for p in predicates)]
    sorts = params.getlist("sort") or ([default_sort] if default_sort else [])
    selected = _apply_sort(selected, sorts)
    page = selected[offset : offset + limit]
    body: Json = {"limit": limit, "offset": offset, "count": len(page)}
    if params.get("withTotal", "true").lower() != "false":
        body["total"] = len(selected)
    body["results"] = page
    return body


def query_source(store: IndexedStore[Json], params: QueryParams, hints: IndexHints) -> list[Json]:
    """What a query endpoint filters: when its only `where` is `field = "value"` on an indexed
    field, the resources filed under that value (a superset of the matches; `paged_query`
    still applies the predicate), otherwise every resource of the store."""
    wheres = params.getlist("where")
    found = _EQUALITY.match(wheres[0]) if len(wheres) == 1 else None
    hint = None if found is None else hints.get(found.group(1))
    if found is None or hint is None:
        return list(store.values())
    index, index_key = hint(re.sub(r"\\(.)", r"\1", found.group(2)))
    return store.lookup(index, index_key)
