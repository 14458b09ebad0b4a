"""Parsing the query (or form) parameters of Product Projection Search into a SearchRequest.

Every malformed value raises SearchInputError, which the route answers with 400 InvalidInput.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from emulator.catalog.search_expressions import (
    ExpressionError,
    FacetExpr,
    FilterExpr,
    parse_facet,
    parse_filter,
)
from emulator.catalog.search_fields import UnknownField, check_path
from emulator.catalog.search_text import default_fuzzy_level

MAX_LIMIT = 500
MAX_OFFSET = 10_000
_LOCALE = re.compile(r"^[a-z]{2}(-[A-Z]{2})?$")
_CURRENCY = re.compile(r"^[A-Z]{3}$")
_COUNTRY = re.compile(r"^[A-Z]{2}$")
_SORT = re.compile(r"^\s*(\S+)\s+(asc|desc)\s*$", re.IGNORECASE)


class SearchInputError(ValueError):
    """A malformed search parameter; `parameter` names it for the 400 answer."""

    def __init__(self, parameter: str, detail: str) -> None:
        super().__init__(f"Malformed parameter: {parameter}: {detail}")
        self.parameter = parameter


@dataclass
class SearchRequest:
    texts: list[tuple[str, str]] = field(default_factory=list)
    fuzzy: bool = False
    fuzzy_level: int | None = None
    filters: list[FilterExpr] = field(default_factory=list)
    query_filters: list[FilterExpr] = field(default_factory=list)
    facet_filters: list[FilterExpr] = field(default_factory=list)
    facets: list[FacetExpr] = field(default_factory=list)
    sorts: list[tuple[str, bool]] = field(default_factory=list)  # (field, descending)
    limit: int = 20
    offset: int = 0
    staged: bool = False
    price_currency: str | None = None
    price_country: str | None = None
    mark_matching_variants: bool = False


def _int(name: str, raw: str, maximum: int) -> int:
    try:
        value = int(raw)
    except ValueError:
        raise SearchInputError(name, f"Invalid int value '{raw}'.") from None
    if not 0 <= value <= maximum:
        raise SearchInputError(name, f"Value must be between 0 and {maximum}.")
    return value


def _bool(name: str, raw: str) -> bool:
    if raw.lower() not in {"true", "false"}:
        raise SearchInputError(name, f"Invalid boolean value '{raw}'.")
    return raw.lower() == "true"


def _parse_filter(name: str, text: str) -> FilterExpr:
    try:
        expression = parse_filter(text)
        check_path(expression.path)
    except (ExpressionError, UnknownField) as exc:
        raise SearchInputError(name, f"Invalid filter expression '{text}': {exc}.") from None
    return expression


def _parse_facet(text: str) -> FacetExpr:
    try:
        expression = parse_facet(text)
        check_path(expression.path)
    except (ExpressionError, UnknownField) as exc:
        raise SearchInputError("facet", f"Invalid facet expression '{text}': {exc}.") from None
    return expression


def _parse_sort(text: str) -> tuple[str, bool]:
    match = _SORT.match(text)
    if match is None:
        raise SearchInputError("sort", f"Invalid sort expression '{text}'.")
    name, direction = match.group(1), match.group(2).lower()
    if name not in {"score", "price"}:
        try:
            check_path(name)
        except UnknownField as exc:
            raise SearchInputError("sort", f"Invalid sort expression '{text}': {exc}.") from None
    return name, direction == "desc"


def parse_request(items: Sequence[tuple[str, str]]) -> SearchRequest:
    """Build a SearchRequest from query (or form) parameters, in order; repeated names add up."""
    request = SearchRequest()
    for name, value in items:
        if name.startswith("text."):
            locale = name[len("text.") :]
            if not _LOCALE.match(locale):
                raise SearchInputError(name, f"Invalid locale '{locale}'.")
            request.texts.append((locale, value))
        elif name == "fuzzy":
            request.fuzzy = _bool(name, value)
        elif name == "fuzzyLevel":
            request.fuzzy_level = _int(name, value, 2)
        elif name == "filter":
            request.filters.append(_parse_filter(name, value))
        elif name == "filter.query":
            request.query_filters.append(_parse_filter(name, value))
        elif name == "filter.facets":
            request.facet_filters.append(_parse_filter(name, value))
        elif name == "facet":
            request.facets.append(_parse_facet(value))
        elif name == "sort":
            request.sorts.append(_parse_sort(value))
        elif name == "limit":
            request.limit = _int(name, value, MAX_LIMIT)
        elif name == "offset":
            request.offset = _int(name, value, MAX_OFFSET)
        elif name == "staged":
            request.staged = _bool(name, value)
        elif name == "priceCurrency":
            if not _CURRENCY.match(value):
                raise SearchInputError(name, f"Invalid currency code '{value}'.")
            request.price_currency = value
        elif name == "priceCountry":
            if not _COUNTRY.match(value):
                raise SearchInputError(name, f"Invalid country code '{value}'.")
            request.price_country = value
        elif name == "markMatchingVariants":
            request.mark_matching_variants = _bool(name, value)
    if request.price_country and not request.price_currency:
        raise SearchInputError("priceCountry", "can only be used together with priceCurrency.")
    if request.fuzzy_level is not None and request.texts:
        longest = max(len(text) for _, text in request.texts)
        if request.fuzzy_level > default_fuzzy_level(longest):
            raise SearchInputError(
                "fuzzyLevel",
                f"The fuzzy level {request.fuzzy_level} exceeds the default level "
                f"{default_fuzzy_level(longest)} for the given text.",
            )
    return request
