"""The listing's facets, as CATALOG_FACETS configures them: what each facet's filter accepts, and
the Product Search expressions for its filter and for its counts.

Kinds: `category` (the categories products are in; a filter value includes its sub-categories),
`price` (ranges of the price of the shopper's currency and country, in cents), `distinct` (the
values of a product attribute) and `ranges` (ranges of a number attribute). Every filter value
reaches commercetools as a JSON value of its own, so no value can change the query around it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Literal

from app.errors import BadUserInput
from app.models import FacetKind
from app.services.search_query import Expression, all_of, any_of
from app.settings.catalog import DEFAULT_PRICE_RANGES, FacetSetting

MAX_FILTER_VALUE_LENGTH = 100

_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
_RESOURCE_ID = re.compile(r"^[0-9a-fA-F]{8}-(?:[0-9a-fA-F]{4}-){3}[0-9a-fA-F]{12}$")
_PRICE_RANGE = re.compile(r"^(\d{1,10})-(\d{1,10}|\*)$")
_NUMBER_RANGE = re.compile(r"^(\*|-?\d{1,12}(?:\.\d{1,6})?)-(\*|-?\d{1,12}(?:\.\d{1,6})?)$")
_FILTERS = ("filters",)

PRICE_FIELD = "variants.prices.centAmount"


def _plain(value: float) -> int | float:
    return int(value) if float(value).is_integer() else value


def _number_text(value: float) -> str:
    return str(_plain(value))


@dataclass(frozen=True, slots=True)
class Range:
    """[low, high); None is open."""

    low: float | None
    high: float | None

    def term(self, whole_cents: bool) -> str:
        """The term a storefront sends back. Prices are whole cents, named with both ends
        inclusive ("2500-4999"); attribute ranges keep commercetools' [from, to) ("0-50")."""
        if whole_cents:
            low = "0" if self.low is None else _number_text(self.low)
            high = "*" if self.high is None else _number_text(self.high - 1)
            return f"{low}-{high}"
        low = "*" if self.low is None else _number_text(self.low)
        high = "*" if self.high is None else _number_text(self.high)
        return f"{low}-{high}"

    def facet_range(self, key: str) -> dict[str, Any]:
        found: dict[str, Any] = {"key": key}
        if self.low is not None:
            found["from"] = _plain(self.low)
        if self.high is not None:
            found["to"] = _plain(self.high)
        return found


@dataclass(frozen=True, slots=True)
class FacetSpec:
    name: str
    kind: Literal["category", "price", "distinct", "ranges"]
    # The searchable Product field, and the attribute's type for attributes.
    field: str
    field_type: str | None
    labels: str | dict[str, str] | None
    ranges: tuple[Range, ...]
    limit: int

    @classmethod
    def from_setting(cls, setting: FacetSetting) -> FacetSpec:
        if setting.type == "category":
            return cls(setting.name, "category", "categories", None, setting.label, (), 200)
        if setting.type == "price":
            bounds = setting.ranges or DEFAULT_PRICE_RANGES
            ranges = tuple(Range(low, high) for low, high in bounds)
            return cls(setting.name, "price", PRICE_FIELD, None, setting.label, ranges, 0)
        assert setting.attribute is not None and setting.field_type is not None
        field = f"variants.attributes.{setting.attribute}"
        field_type = setting.field_type
        if field_type in ("enum", "lenum"):
            # Enum attributes are searched by their key; commercetools takes `enum` for both.
            field, field_type = f"{field}.key", "enum"
        ranges = tuple(Range(low, high) for low, high in setting.ranges or ())
        kind: Literal["distinct", "ranges"] = "ranges" if setting.type == "ranges" else "distinct"
        return cls(setting.name, kind, field, field_type, setting.label, ranges, setting.limit)

    @property
    def facet_kind(self) -> FacetKind:
        return FacetKind.RANGES if self.kind in ("price", "ranges") else FacetKind.VALUES

    @property
    def variant_level(self) -> bool:
        return self.field.startswith("variants.")

    @property
    def localized(self) -> bool:
        return self.field_type == "ltext"

    def label(self, language: str, default_language: str) -> str:
        if self.labels is None:
            return self.name
        if isinstance(self.labels, str):
            return self.labels
        for candidate in (language, default_language):
            if candidate in self.labels:
                return self.labels[candidate]
        return next(iter(self.labels.values()), self.name)

    def range_terms(self) -> list[tuple[str, Range]]:
        return [(r.term(whole_cents=self.kind == "price"), r) for r in self.ranges]

    # -- input ---------------------------------------------------------------------------------

    def check_value(self, raw: str) -> str:
        value = raw.strip()
        if not value or len(value) > MAX_FILTER_VALUE_LENGTH or _CONTROL.search(value):
            raise BadUserInput(
                f"Filter {self.name!r} has an empty, over-long (> {MAX_FILTER_VALUE_LENGTH}) "
                "or unprintable value.",
                field=_FILTERS,
            )
        if self.kind == "category" and not _RESOURCE_ID.match(value):
            raise BadUserInput(
                f"A category filter value must be a category id, got {value[:40]!r}.",
                field=_FILTERS,
            )
        if self.kind == "price":
            match = _PRICE_RANGE.match(value)
            if match is None or (
                match.group(2) != "*" and int(match.group(2)) < int(match.group(1))
            ):
                raise BadUserInput(
                    f"A {self.name} filter value is 'from-to' in cents, both inclusive, e.g. "
                    f"'2500-4999' or '20000-*'; got {value[:40]!r}.",
                    field=_FILTERS,
                )
        if self.kind == "ranges":
            match = _NUMBER_RANGE.match(value)
            low, high = (None, None) if match is None else _bounds(match)
            if match is None or (low is None and high is None) or not _ascending(low, high):
                raise BadUserInput(
                    f"A {self.name} filter value is 'from-to' ([from, to), '*' open), e.g. "
                    f"'10-20' or '100-*'; got {value[:40]!r}.",
                    field=_FILTERS,
                )
        if self.field_type == "boolean" and value not in ("true", "false"):
            raise BadUserInput(f"A {self.name} filter value is 'true' or 'false'.", field=_FILTERS)
        if self.field_type == "number" and self.kind == "distinct":
            try:
                float(value)
            except ValueError:
                raise BadUserInput(
                    f"A {self.name} filter value is a number, got {value[:40]!r}.",
                    field=_FILTERS,
                ) from None
        return value

    # -- Product Search expressions --------------------------------------------------------------

    def filter_expression(
        self, values: tuple[str, ...], language: str, price_scope: list[Expression]
    ) -> Expression:
        """The expression that keeps products having any of `values`."""
        if self.kind == "category":
            return _exact("categoriesSubTree", list(values))
        if self.kind == "price":
            ranges = [_price_range(value) for value in values]
            return all_of([*price_scope, any_of(ranges)])
        if self.kind == "ranges":
            return any_of([_number_range(value, self.field) for value in values])
        typed = [_typed(value, self.field_type) for value in values]
        expression = _exact(self.field, typed)
        value_object = expression["exact"]
        value_object["fieldType"] = self.field_type
        if self.localized:
            value_object["language"] = language
        return expression

    def facet_expression(
        self, language: str, price_scope: list[Expression], others: list[Expression]
    ) -> Expression:
        """The facet counting products per term, narrowed by the other facets' filters."""
        body: dict[str, Any] = {"name": self.name, "field": self.field, "level": "products"}
        if self.field_type is not None:
            body["fieldType"] = self.field_type
        narrowing = [*price_scope, *others] if self.kind == "price" else others
        if narrowing:
            body["filter"] = all_of(narrowing)
        if self.kind in ("price", "ranges"):
            body["ranges"] = [r.facet_range(term) for term, r in self.range_terms()]
            return {"ranges": body}
        if self.localized:
            body["language"] = language
        body["limit"] = self.limit
        body["sort"] = {"by": "count", "order": "desc"}
        return {"distinct": body}


def _bounds(match: re.Match[str]) -> tuple[float | None, float | None]:
    low, high = match.group(1), match.group(2)
    return (None if low == "*" else float(low), None if high == "*" else float(high))


def _ascending(low: float | None, high: float | None) -> bool:
    return low is None or high is None or low < high


def _exact(field: str, values: list[Any]) -> Expression:
    if len(values) == 1:
        return {"exact": {"field": field, "value": values[0]}}
    return {"exact": {"field": field, "values": values}}


def _typed(value: str, field_type: str | None) -> Any:
    if field_type == "boolean":
        return value == "true"
    if field_type == "number":
        number = float(value)
        return int(number) if number.is_integer() else number
    return value


def _price_range(value: str) -> Expression:
    match = _PRICE_RANGE.match(value)
    assert match is not None  # checked by check_value
    bounds: dict[str, Any] = {"field": PRICE_FIELD, "gte": int(match.group(1))}
    if match.group(2) != "*":
        bounds["lte"] = int(match.group(2))
    return {"range": bounds}


def _number_range(value: str, field: str) -> Expression:
    match = _NUMBER_RANGE.match(value)
    assert match is not None  # checked by check_value
    low, high = _bounds(match)
    bounds: dict[str, Any] = {"field": field, "fieldType": "number"}
    if low is not None:
        bounds["gte"] = _plain(low)
    if high is not None:
        bounds["lt"] = _plain(high)
    return {"range": bounds}


@dataclass(frozen=True, slots=True)
class Facets:
    """The configured facets, in the order the listing shows them."""

    specs: tuple[FacetSpec, ...]

    @classmethod
    def from_settings(cls, settings: tuple[FacetSetting, ...]) -> Facets:
        return cls(tuple(FacetSpec.from_setting(setting) for setting in settings))

    def named(self, name: str) -> FacetSpec | None:
        return next((spec for spec in self.specs if spec.name == name), None)

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(spec.name for spec in self.specs)
