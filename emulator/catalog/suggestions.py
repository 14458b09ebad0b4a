"""Search Term Suggestions (`GET /product-projections/suggest`): completions of what a shopper
types, from the products' `searchKeywords`.

Parameters (resources/product-projections-suggest.raml): `searchKeywords.<locale>` (repeatable,
one result list per locale), `limit` (default 10, at most 100, per locale), `fuzzy`, `staged`.
A keyword is suggested when it, or one of its words, starts with the input (case-insensitive);
with `fuzzy`, also when a word is within the edit distance fuzzy search allows for the input's
length. The answer is a SuggestionResult: `{"searchKeywords.<locale>": [{"text"}]}`.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from emulator.catalog.catalog import Catalog
from emulator.catalog.search_text import default_fuzzy_level, within_edit_distance, words
from emulator.jsonio import Json

MAX_LIMIT = 100
_PARAMETER = re.compile(r"^searchKeywords\.([a-z]{2}(?:-[A-Z]{2})?)$")


class SuggestionInputError(ValueError):
    pass


def _bool(name: str, raw: str) -> bool:
    if raw.lower() not in ("true", "false"):
        raise SuggestionInputError(f"Malformed parameter: {name}: Invalid boolean value '{raw}'.")
    return raw.lower() == "true"


def _suggested(keyword: str, text: str, fuzzy: bool) -> bool:
    lowered = keyword.lower()
    wanted = text.strip().lower()
    if not wanted:
        return False
    if lowered.startswith(wanted) or any(w.startswith(wanted) for w in words(lowered)):
        return True
    level = default_fuzzy_level(len(wanted))
    return fuzzy and any(within_edit_distance(wanted, w, level) for w in words(lowered))


def suggest(catalog: Catalog, items: Sequence[tuple[str, str]]) -> tuple[Json, bool]:
    """(the SuggestionResult, whether staged projections were asked for)."""
    inputs: list[tuple[str, str]] = []
    limit, fuzzy, staged = 10, False, False
    for name, value in items:
        match = _PARAMETER.match(name)
        if match:
            inputs.append((match.group(1), value))
        elif name == "limit":
            if not value.isdigit() or int(value) > MAX_LIMIT:
                raise SuggestionInputError(
                    f"Malformed parameter: limit: must be a number up to {MAX_LIMIT}."
                )
            limit = int(value)
        elif name == "fuzzy":
            fuzzy = _bool(name, value)
        elif name == "staged":
            staged = _bool(name, value)
    result: Json = {}
    products = catalog.product_projections(staged=staged)
    for locale, text in inputs:
        found: dict[str, None] = {}
        for product in products:
            for keyword in (product.get("searchKeywords") or {}).get(locale) or []:
                candidate = keyword.get("text")
                if isinstance(candidate, str) and _suggested(candidate, text, fuzzy):
                    found[candidate] = None
        result[f"searchKeywords.{locale}"] = [{"text": t} for t in list(found)[:limit]]
    return result, staged
