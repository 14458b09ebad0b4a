"""Full-text search for Product Projection Search (`text.<locale>`, `fuzzy`, `fuzzyLevel`).

There are no language analyzers here: words are split on non-word characters and compared
case-insensitively; singular and plural forms (`-s`, `-es`) match, standing in for stemming;
`fuzzy` allows a bounded edit distance. A product matches when every word of the text is found
in its localized name, search keywords, slug or description, or in a variant's SKU.
"""

from __future__ import annotations

import re

from emulator.catalog.catalog import all_variants
from emulator.jsonio import Json

_WORD = re.compile(r"\w+")
# How much a hit in each field adds to the score (name hits rank first, as in commercetools).
_FIELD_WEIGHTS = (("name", 3.0), ("searchKeywords", 2.0), ("slug", 1.0), ("description", 1.0))


def default_fuzzy_level(length: int) -> int:
    return 0 if length <= 2 else 1 if length <= 5 else 2


def words(text: str) -> list[str]:
    return _WORD.findall(text.lower())


def within_edit_distance(a: str, b: str, limit: int) -> bool:
    """At most `limit` insertions, deletions, substitutions or swaps of neighbouring characters
    (Lucene's fuzzy queries count a swap as one edit by default)."""
    if abs(len(a) - len(b)) > limit:
        return False
    before: list[int] = []
    previous = list(range(len(b) + 1))
    for i, char_a in enumerate(a, 1):
        current = [i]
        for j, char_b in enumerate(b, 1):
            distance = min(
                previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (char_a != char_b)
            )
            if i > 1 and j > 1 and char_a == b[j - 2] and a[i - 2] == char_b:
                distance = min(distance, before[j - 2] + 1)
            current.append(distance)
        if min(current) > limit:
            return False
        before, previous = previous, current
    return previous[-1] <= limit


def word_matches(query: str, word: str, fuzzy_level: int | None) -> bool:
    if query == word:
        return True
    # A stand-in for the language analyzers' stemming: singular and plural forms match.
    for suffix in ("s", "es"):
        if query + suffix == word or word + suffix == query:
            return True
    return fuzzy_level is not None and within_edit_distance(query, word, fuzzy_level)


def _field_words(product: Json, name: str, locale: str) -> list[str]:
    value = product.get(name)
    if name == "searchKeywords":
        return [w for kw in (value or {}).get(locale, []) for w in words(kw.get("text", ""))]
    if isinstance(value, dict) and isinstance(value.get(locale), str):
        return words(value[locale])
    return []


def text_score(product: Json, locale: str, text: str, fuzzy_level: int | None) -> float | None:
    """The relevance score of a product for a text, or None when a word is not found."""
    query_words = words(text)
    if not query_words:
        return 0.0
    fields = [(_field_words(product, name, locale), weight) for name, weight in _FIELD_WEIGHTS]
    skus = [w for v in all_variants(product) for w in words(v.get("sku") or "")]
    fields.append((skus, 2.0))
    score = 0.0
    for query in query_words:
        hit = 0.0
        for field_words, weight in fields:
            hit += weight * sum(1 for word in field_words if word_matches(query, word, fuzzy_level))
        if hit == 0.0:
            return None
        score += hit
    return score
