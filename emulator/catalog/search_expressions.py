"""Parsing Product Projection Search filter and facet expressions.

Filter:  `<path>:<values>` where values is one of
    "term", 42, true, subtree("<categoryId>")   -- comma-separated, any of them matches
    range (<from> to <to>), (<from> to <to>)   -- `*` is an open end; bounds are inclusive
    exists | missing
Facet:   `<path>` (term facet), `<path>:"t1","t2"` (filtered facet), `<path>:range (...)`
    (range facet), each optionally followed by ` as <alias>` and ` counting products`.

Paths are dotted (`variants.attributes.size`, `categories.id`, `slug.en`, `name.de-DE`).
Malformed input raises ExpressionError; the route turns it into 400 InvalidInput.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any


class ExpressionError(ValueError):
    pass


@dataclass(frozen=True)
class Subtree:
    category_id: str


@dataclass(frozen=True)
class Range:
    start: float | str | None  # None: open end
    end: float | str | None


@dataclass(frozen=True)
class FilterExpr:
    path: str
    terms: tuple[Any, ...] = ()
    ranges: tuple[Range, ...] = ()
    exists: bool | None = None  # True: `exists`, False: `missing`, None: neither

    @property
    def is_variant_level(self) -> bool:
        return self.path.startswith("variants.")


@dataclass(frozen=True)
class FacetExpr:
    key: str  # the name of this facet in the response: the alias, else the expression
    path: str
    terms: tuple[Any, ...] = ()
    ranges: tuple[Range, ...] = ()
    counting_products: bool = False
    kind: str = field(default="terms")  # "terms" | "filter" | "range"


_PATH = re.compile(r"^[A-Za-z_][A-Za-z0-9_\-]*(?:\.[A-Za-z_][A-Za-z0-9_\-]*)*$")
_TOKEN = re.compile(
    r"""\s*(?:
        (?P<string>"(?:[^"\\]|\\.)*")
      | (?P<number>-?\d+(?:\.\d+)?)
      | (?P<star>\*)
      | (?P<punct>[(),])
      | (?P<word>[A-Za-z_][A-Za-z0-9_\-]*)
    )""",
    re.VERBOSE,
)
_ESCAPE = re.compile(r"\\(.)")


def _tokens(text: str) -> list[tuple[str, str]]:
    found: list[tuple[str, str]] = []
    position = 0
    while text[position:].strip():
        match = _TOKEN.match(text, position)
        if match is None:
            raise ExpressionError(f"unexpected input {text[position:].strip()!r}")
        kind = match.lastgroup or ""
        found.append((kind, match.group(kind)))
        position = match.end()
    return found


def _split_path(text: str) -> tuple[str, str | None]:
    """`path:rest` -> (path, rest); a path alone -> (path, None). Colons in quotes don't count."""
    in_string = False
    escaped = False
    for index, char in enumerate(text):
        if escaped:
            escaped = False
        elif char == "\\":
            escaped = True
        elif char == '"':
            in_string = not in_string
        elif char == ":" and not in_string:
            return text[:index].strip(), text[index + 1 :]
    return text.strip(), None


def _check_path(path: str) -> str:
    if not _PATH.match(path):
        raise ExpressionError(f"invalid field path {path!r}")
    return path


class _Values:
    def __init__(self, text: str) -> None:
        self.tokens = _tokens(text)
        self.position = 0

    def peek(self) -> tuple[str, str] | None:
        return self.tokens[self.position] if self.position < len(self.tokens) else None

    def take(self) -> tuple[str, str]:
        token = self.peek()
        if token is None:
            raise ExpressionError("unexpected end of expression")
        self.position += 1
        return token

    def expect(self, kind: str, text: str | None = None) -> str:
        got_kind, got_text = self.take()
        if got_kind != kind or (text is not None and got_text.lower() != text):
            raise ExpressionError(f"expected {text or kind} but found {got_text!r}")
        return got_text

    def done(self) -> bool:
        return self.peek() is None

    def bound(self) -> float | str | None:
        kind, text = self.take()
        if kind == "star":
            return None
        if kind == "number":
            return float(text)
        if kind == "string":
            return _ESCAPE.sub(r"\1", text[1:-1])
        raise ExpressionError(f"expected a range bound but found {text!r}")

    def ranges(self) -> tuple[Range, ...]:
        ranges = []
        while True:
            self.expect("punct", "(")
            start = self.bound()
            self.expect("word", "to")
            end = self.bound()
            self.expect("punct", ")")
            ranges.append(Range(start, end))
            if self.done():
                return tuple(ranges)
            self.expect("punct", ",")

    def term(self) -> Any:
        kind, text = self.take()
        if kind == "string":
            return _ESCAPE.sub(r"\1", text[1:-1])
        if kind == "number":
            return float(text) if "." in text else int(text)
        if kind == "word" and text.lower() in {"true", "false"}:
            return text.lower() == "true"
        if kind == "word" and text.lower() == "subtree":
            self.expect("punct", "(")
            kind, inner = self.take()
            if kind != "string":
                raise ExpressionError("subtree() takes a category id in double quotes")
            self.expect("punct", ")")
            return Subtree(_ESCAPE.sub(r"\1", inner[1:-1]))
        raise ExpressionError(f"expected a value but found {text!r}")

    def terms(self) -> tuple[Any, ...]:
        terms = [self.term()]
        while not self.done():
            self.expect("punct", ",")
            terms.append(self.term())
        return tuple(terms)


def parse_filter(text: str) -> FilterExpr:
    path, rest = _split_path(text)
    _check_path(path)
    if rest is None or not rest.strip():
        raise ExpressionError(f"filter {text!r} has no value (expected '<field>:<value>')")
    values = _Values(rest)
    first = values.peek()
    if first is not None and first[0] == "word" and first[1].lower() in {"exists", "missing"}:
        values.take()
        if not values.done():
            raise ExpressionError(f"unexpected input after {first[1]!r}")
        return FilterExpr(path, exists=first[1].lower() == "exists")
    if first is not None and first[0] == "word" and first[1].lower() == "range":
        values.take()
        return FilterExpr(path, ranges=values.ranges())
    return FilterExpr(path, terms=values.terms())


_COUNTING = re.compile(r"\s+counting\s+products\s*$", re.IGNORECASE)
_ALIAS = re.compile(r"\s+as\s+([A-Za-z_][A-Za-z0-9_\-]*)\s*$", re.IGNORECASE)


def parse_facet(text: str) -> FacetExpr:
    expression = text.strip()
    counting = False
    match = _COUNTING.search(expression)
    if match:
        counting = True
        expression = expression[: match.start()]
    alias = None
    match = _ALIAS.search(expression)
    if match:
        alias = match.group(1)
        expression = expression[: match.start()]
    expression = expression.strip()
    path, rest = _split_path(expression)
    _check_path(path)
    key = alias or expression
    if rest is None:
        return FacetExpr(key, path, counting_products=counting, kind="terms")
    values = _Values(rest)
    first = values.peek()
    if first is not None and first[0] == "word" and first[1].lower() == "range":
        values.take()
        return FacetExpr(
            key, path, ranges=values.ranges(), counting_products=counting, kind="range"
        )
    terms = values.terms()
    if any(isinstance(term, Subtree) for term in terms):
        raise ExpressionError("subtree() is only supported in filters")
    return FacetExpr(key, path, terms=terms, counting_products=counting, kind="filter")
