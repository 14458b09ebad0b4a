"""Evaluating a parsed SearchQuery against the indexed products.

A query is evaluated on one binding at a time: the product, one of its variants and one of that
variant's prices. Every simple expression reads its field at its own level of the binding, so
all parts of an `and` (or a `not`) speak of the same variant and price; a product matches when
some binding satisfies the whole query, and the variants of the satisfying bindings are its
matching variants.

Full text has no language analyzers here (see search_text.py): words are split on non-word
characters, compared case-insensitively, singular and plural forms match. Scores are a
weighted count of matched words (times `boost`), not BM25; expressions inside `filter` do not
score, as the reference says.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from emulator.catalog.catalog import Catalog, all_variants
from emulator.catalog.product_search_fields import BOOLEAN, ORDERED_KINDS, Doc, Level, comparable
from emulator.catalog.product_search_query import Compound, Node, Simple, deepest_level
from emulator.catalog.search_text import default_fuzzy_level, word_matches, words
from emulator.jsonio import Json


def index(catalog: Catalog) -> list[Doc]:
    """The published products as Product Search indexes them, in creation order."""
    docs = []
    for product in catalog.product_projections():
        subtree: dict[str, None] = {}
        for ref in product.get("categories") or []:
            category = catalog.category(ref["id"])
            subtree[ref["id"]] = None
            for ancestor in (category or {}).get("ancestors") or []:
                subtree[ancestor["id"]] = None
        markets = catalog.markets
        docs.append(
            Doc(
                product,
                all_variants(product),
                list(subtree),
                tuple(markets.stores_of_product(product["id"])),
                tuple(markets.selections_of_product(product["id"])),
            )
        )
    return docs


@dataclass
class Match:
    score: float
    variant_ids: list[int] = field(default_factory=list)
    # False when the query names no variant or price field: then every variant matches.
    by_variant: bool = False


def bindings(doc: Doc, level: Level) -> list[tuple[Json | None, Json | None]]:
    """The (variant, price) pairs a query of this depth is evaluated on."""
    if level == Level.PRODUCT:
        return [(doc.variants[0] if doc.variants else None, None)]
    pairs: list[tuple[Json | None, Json | None]] = []
    for variant in doc.variants:
        prices = (variant.get("prices") or []) if level == Level.PRICE else []
        pairs.extend((variant, price) for price in prices or [None])
    return pairs


def match(node: Node | None, doc: Doc) -> Match | None:
    """Whether the product matches, its best score, and which variants matched."""
    if node is None:
        return Match(0.0)
    level = deepest_level(node)
    best: float | None = None
    variant_ids: list[int] = []
    for variant, price in bindings(doc, level):
        score = evaluate(node, doc, variant, price, scoring=True)
        if score is None:
            continue
        best = score if best is None else max(best, score)
        if variant is not None and variant["id"] not in variant_ids:
            variant_ids.append(variant["id"])
    if best is None:
        return None
    return Match(best, variant_ids, by_variant=level > Level.PRODUCT)


def evaluate(
    node: Node, doc: Doc, variant: Json | None, price: Json | None, *, scoring: bool
) -> float | None:
    """The score of one binding, or None when it does not satisfy the expression."""
    if isinstance(node, Compound):
        return _compound(node, doc, variant, price, scoring)
    values = node.field.read(doc, variant, price, node.language)
    hits = _hits(node, values)
    if hits is None:
        return None
    return hits * node.boost if scoring else 0.0


def _compound(
    node: Compound, doc: Doc, variant: Json | None, price: Json | None, scoring: bool
) -> float | None:
    inner_scoring = scoring and node.op != "filter"
    scores = [evaluate(part, doc, variant, price, scoring=inner_scoring) for part in node.parts]
    if node.op in ("and", "filter"):
        if any(score is None for score in scores):
            return None
        return sum(score for score in scores if score is not None)
    if node.op == "or":
        found = [score for score in scores if score is not None]
        return sum(found) if found else None
    # not: none of its parts may match
    return 0.0 if all(score is None for score in scores) else None


def _hits(node: Simple, values: list[Any]) -> float | None:
    """How strongly the values satisfy the expression (at least 1), or None."""
    op = node.op
    if op == "exists":
        return 1.0 if values else None
    if op == "exact":
        return 1.0 if any(_equal(v, node) for v in values) else None
    if op == "range":
        return 1.0 if any(_in_range(v, node) for v in values) else None
    if op in ("prefix", "wildcard"):
        texts = [v for v in values if isinstance(v, str)]
        return 1.0 if any(_whole_text(v, node) for v in texts) else None
    return _full_text(node, [v for v in values if isinstance(v, str)])


def _fold(value: Any, node: Simple) -> Any:
    return value.casefold() if node.case_insensitive and isinstance(value, str) else value


def _equal(value: Any, node: Simple) -> bool:
    kind = node.field.kind
    if kind in ORDERED_KINDS:
        converted = comparable(value, kind)
        return converted is not None and converted in node.values
    if kind == BOOLEAN:
        return isinstance(value, bool) and any(
            isinstance(t, bool) and t == value for t in node.values
        )
    if not isinstance(value, str):
        return False
    folded = _fold(value, node)
    return any(isinstance(t, str) and _fold(t, node) == folded for t in node.values)


def _in_range(value: Any, node: Simple) -> bool:
    converted = comparable(value, node.field.kind)
    if converted is None:
        return False
    gt, gte, lt, lte = node.bounds
    try:
        return (
            (gt is None or converted > gt)
            and (gte is None or converted >= gte)
            and (lt is None or converted < lt)
            and (lte is None or converted <= lte)
        )
    except TypeError:
        return False


def wildcard_pattern(pattern: str) -> re.Pattern[str]:
    """`*` any run of characters, `?` one character, `\\` escapes the next one."""
    parts = []
    escaped = False
    for char in pattern:
        if escaped:
            parts.append(re.escape(char))
            escaped = False
        elif char == "\\":
            escaped = True
        elif char == "*":
            parts.append(".*")
        elif char == "?":
            parts.append(".")
        else:
            parts.append(re.escape(char))
    return re.compile("".join(parts), re.DOTALL)


def _whole_text(value: str, node: Simple) -> bool:
    target = _fold(value, node)
    pattern = _fold(node.values[0], node)
    if node.op == "prefix":
        return bool(target.startswith(pattern))
    return wildcard_pattern(pattern).fullmatch(target) is not None


def _term_matches(term: str, word: str, node: Simple, last: bool) -> bool:
    if node.op == "fuzzy":
        level = min(node.fuzzy_level, default_fuzzy_level(len(term)))
        return word_matches(term, word, level)
    if node.op == "fullTextPrefix" and last:
        return word.startswith(term) or word_matches(term, word, None)
    return word_matches(term, word, None)


def _full_text(node: Simple, texts: list[str]) -> float | None:
    terms = words(node.values[0])
    if not terms:
        return None
    indexed = [word for text in texts for word in words(text)]
    hits = []
    for position, term in enumerate(terms):
        last = position == len(terms) - 1
        hits.append(sum(1 for word in indexed if _term_matches(term, word, node, last)))
    matched = [count for count in hits if count]
    if node.match_all and len(matched) < len(terms):
        return None
    return float(sum(matched)) if matched else None
