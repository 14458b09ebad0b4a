"""Predictive search for a search box: the products and categories that match what the shopper
has typed so far, typos included.

Products: one Product Search, `fullTextPrefix` on the name and the search keywords (the last
word may be unfinished) or `fuzzy` on the name (each word may be off by the edit distance
commercetools allows for its length: 0 for 1-2 characters, 1 for 3-5, 2 beyond). Categories:
from the cached category tree, no upstream call, with the same rules on their names.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from typing import Any

from app.errors import BadUserInput, UserErrorCode
from app.models import Category, CategoryTree

DEFAULT_LIMIT = 5
MAX_LIMIT = 10
# commercetools limits a string value in a search query to 256 characters.
MAX_QUERY_LENGTH = 256

_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
_WORD = re.compile(r"\w+")


@dataclass(frozen=True, slots=True)
class PredictiveQuery:
    text: str
    limit: int


def check_predictive(query: str, limit: int | None) -> PredictiveQuery:
    chosen = DEFAULT_LIMIT if limit is None else limit
    if not 1 <= chosen <= MAX_LIMIT:
        raise BadUserInput(
            f"limit must be between 1 and {MAX_LIMIT}.",
            field=("limit",),
            code=UserErrorCode.OUT_OF_RANGE,
        )
    text = query.strip()
    if len(text) > MAX_QUERY_LENGTH or _CONTROL.search(text):
        raise BadUserInput(
            f"The query must be printable and at most {MAX_QUERY_LENGTH} long.",
            field=("query",),
        )
    return PredictiveQuery(text, chosen)


def words(text: str) -> list[str]:
    """Lower-case words without accents ("Piqué" -> "pique")."""
    plain = unicodedata.normalize("NFKD", text.casefold())
    return _WORD.findall("".join(c for c in plain if not unicodedata.combining(c)))


def product_search_body(
    query: PredictiveQuery, language: str, store_id: str | None = None
) -> dict[str, Any]:
    def expression(kind: str, field: str, boost: float, **extra: Any) -> dict[str, Any]:
        value = {"field": field, "language": language, "value": query.text, "boost": boost}
        return {kind: {**value, "mustMatch": "all", **extra}}

    matching: dict[str, Any] = {
        "or": [
            expression("fullTextPrefix", "name", 3),
            expression("fullTextPrefix", "searchKeywords", 1),
            # commercetools lowers the level for short words by itself.
            expression("fuzzy", "name", 2, level=2),
        ]
    }
    if store_id is not None:
        # Only what the shopper's store sells (its product selections).
        matching = {"and": [matching, {"exact": {"field": "variants.stores", "value": store_id}}]}
    return {"query": matching, "limit": query.limit}


def _fuzzy_level(length: int) -> int:
    return 0 if length <= 2 else 1 if length <= 5 else 2


def _within(a: str, b: str, limit: int) -> bool:
    """Edit distance at most `limit`, a swap of neighbours counting as one edit."""
    if abs(len(a) - len(b)) > limit:
        return False
    previous2: list[int] = []
    previous = list(range(len(b) + 1))
    for i in range(1, len(a) + 1):
        current = [i] + [0] * len(b)
        for j in range(1, len(b) + 1):
            cost = 0 if a[i - 1] == b[j - 1] else 1
            current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
            if i > 1 and j > 1 and a[i - 1] == b[j - 2] and a[i - 2] == b[j - 1]:
                current[j] = min(current[j], previous2[j - 2] + 1)
        previous2, previous = previous, current
    return previous[-1] <= limit


def _word_matches(typed: str, word: str, last: bool) -> bool:
    if word == typed or (last and word.startswith(typed)):
        return True
    return _within(typed, word, _fuzzy_level(len(typed)))


def matches_name(typed: list[str], name: str) -> bool:
    """Every typed word is a word of the name, the last one maybe unfinished, each within the
    typos fuzzy search allows."""
    name_words = words(name)
    return bool(typed) and all(
        any(_word_matches(word, candidate, i == len(typed) - 1) for candidate in name_words)
        for i, word in enumerate(typed)
    )


def matching_categories(tree: CategoryTree, query: PredictiveQuery) -> tuple[Category, ...]:
    """Categories whose name matches, in the tree's order (parents before their children)."""
    typed = words(query.text)
    found: list[Category] = []

    def visit(categories: tuple[Category, ...]) -> None:
        for category in categories:
            if matches_name(typed, category.name):
                found.append(category)
            visit(category.children)

    visit(tree.roots)
    return tuple(found[: query.limit])
