"""Evaluating search filter expressions against products and their variants.

A product passes when all its product-level expressions hold; a variant *matches* when it
satisfies every variant-level expression, and a product with variant-level expressions passes
only when at least one variant matches. `subtree("<id>")` expands through the category tree.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from emulator.catalog.catalog import Catalog
from emulator.catalog.search_expressions import FilterExpr, Range, Subtree
from emulator.catalog.search_fields import product_values, variant_values
from emulator.jsonio import Json


@dataclass
class Item:
    """A product under search: its (price-selected) variants and its text score."""

    product: Json
    variants: list[Json]  # master first; price-selected copies when priceCurrency is given
    score: float = 0.0


def comparable(a: Any, b: Any) -> bool:
    if isinstance(a, bool) or isinstance(b, bool):
        return isinstance(a, bool) and isinstance(b, bool)
    if isinstance(a, int | float) and isinstance(b, int | float):
        return True
    return isinstance(a, str) and isinstance(b, str)


def in_range(value: Any, bounds: Range, upper_inclusive: bool) -> bool:
    if bounds.start is not None and not (comparable(value, bounds.start) and value >= bounds.start):
        return False
    if bounds.end is None:
        return True
    if not comparable(value, bounds.end):
        return False
    return bool(value <= bounds.end) if upper_inclusive else bool(value < bounds.end)


class Matcher:
    """Evaluates filter expressions; `subtree(...)` is expanded through the catalog."""

    def __init__(self, catalog: Catalog) -> None:
        self.catalog = catalog
        self._subtrees: dict[str, set[str]] = {}

    def _subtree(self, category_id: str) -> set[str]:
        if category_id not in self._subtrees:
            self._subtrees[category_id] = self.catalog.category_subtree_ids(category_id)
        return self._subtrees[category_id]

    def term_matches(self, value: Any, term: Any) -> bool:
        if isinstance(term, Subtree):
            return isinstance(value, str) and value in self._subtree(term.category_id)
        return comparable(value, term) and value == term

    def values_match(self, values: list[Any], expression: FilterExpr) -> bool:
        if expression.exists is not None:
            return bool(values) == expression.exists
        if expression.ranges:
            return any(
                in_range(v, r, upper_inclusive=True) for v in values for r in expression.ranges
            )
        return any(self.term_matches(v, t) for v in values for t in expression.terms)

    def match(self, item: Item, expressions: list[FilterExpr]) -> list[bool] | None:
        """Per-variant matching flags, or None when the product does not match at all."""
        variant_exprs = []
        for expression in expressions:
            if expression.is_variant_level:
                variant_exprs.append(expression)
            elif not self.values_match(product_values(item.product, expression.path), expression):
                return None
        flags = [
            all(self.values_match(variant_values(v, e.path), e) for e in variant_exprs)
            for v in item.variants
        ]
        if variant_exprs and not any(flags):
            return None
        return flags


def hashable(values: list[Any]) -> list[Any]:
    """The values that can be facet terms or sort keys (not objects or arrays)."""
    return [v for v in values if isinstance(v, str | int | float | bool)]
