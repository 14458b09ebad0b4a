"""Raw commercetools catalog JSON (product projections, categories, search facets) -> models.

Localized text is resolved here, once, to the shopper's language with the shop's default as the
fallback; the schema layer never sees a LocalizedString.
"""

from __future__ import annotations

import json
from decimal import Decimal, InvalidOperation
from typing import Any

from app.ctp.json import Json
from app.models import (
    Category,
    CategoryTree,
    Facet,
    FacetTerm,
    Money,
    Product,
    ProductAttribute,
    ProductAvailability,
    ProductImage,
    ProductPrice,
    ProductSearchResult,
    ProductVariant,
)
from app.services.catalog_queries import FACETS, FacetKind, SearchRequest
from app.services.mapping import localize, money


class Texts:
    """How to turn a LocalizedString into one string for this shopper."""

    __slots__ = ("fallback", "locale")

    def __init__(self, locale: str, fallback: str) -> None:
        self.locale = locale
        self.fallback = fallback

    def text(self, value: Any) -> str:
        return localize(value, self.locale, self.fallback)

    def optional(self, value: Any) -> str | None:
        return self.text(value) or None


# -- categories ---------------------------------------------------------------------------------


def _order_key(raw: Json) -> tuple[bool, Decimal, str]:
    # Siblings sort by orderHint, a decimal string in (0, 1); categories without one come last.
    hint = raw.get("orderHint")
    try:
        value = Decimal(hint) if isinstance(hint, str) else None
    except InvalidOperation:
        value = None
    return (value is None, value if value is not None else Decimal(0), str(raw.get("id")))


def _ref_id(ref: Any) -> str | None:
    if isinstance(ref, dict) and isinstance(ref.get("id"), str):
        return str(ref["id"])
    return None


def category_tree(raws: list[Json], texts: Texts) -> CategoryTree:
    ordered = sorted((r for r in raws if isinstance(r.get("id"), str)), key=_order_key)
    children: dict[str, list[str]] = {}
    roots: list[str] = []
    known = {raw["id"] for raw in ordered}
    for raw in ordered:
        parent = _ref_id(raw.get("parent"))
        if parent is not None and parent in known:
            children.setdefault(parent, []).append(raw["id"])
        else:
            roots.append(raw["id"])
    tree = CategoryTree(
        by_id={},
        child_ids={parent: tuple(ids) for parent, ids in children.items()},
        root_ids=tuple(roots),
    )
    for raw in ordered:
        ancestors = tuple(
            i for i in (_ref_id(a) for a in raw.get("ancestors") or ()) if i is not None
        )
        tree.by_id[raw["id"]] = Category(
            id=raw["id"],
            key=raw.get("key"),
            slug=texts.text(raw.get("slug")),
            name=texts.text(raw.get("name")),
            description=texts.optional(raw.get("description")),
            order_hint=raw.get("orderHint"),
            parent_id=_ref_id(raw.get("parent")),
            ancestor_ids=ancestors,
            tree=tree,
        )
    return tree


# -- products -----------------------------------------------------------------------------------


def _number_text(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else str(value)


def _money_text(raw: Json) -> str:
    amount = money(raw)
    digits = amount.fraction_digits
    units = Decimal(amount.cent_amount).scaleb(-digits)
    return f"{units:.{digits}f} {amount.currency_code}"


def attribute_text(value: Any, texts: Texts) -> str:
    """An attribute value as a person reads it, whatever its commercetools type."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return _number_text(value)
    if isinstance(value, str):
        return value
    if isinstance(value, list):
        return ", ".join(attribute_text(item, texts) for item in value)
    if isinstance(value, dict):
        if "label" in value:  # enum (label: string) and lenum (label: LocalizedString)
            return texts.text(value["label"])
        if "centAmount" in value:
            return _money_text(value)
        if "typeId" in value and "id" in value:  # an unexpanded reference
            return str(value["id"])
        if "name" in value and "value" in value:  # one attribute of a nested type
            return f"{value['name']}: {attribute_text(value['value'], texts)}"
        if value and all(isinstance(v, str) for v in value.values()):
            return texts.text(value)
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def _optional_money(raw: Any) -> Money | None:
    return money(raw) if isinstance(raw, dict) else None


def _discounted(price: Json) -> Money | None:
    discounted = price.get("discounted")
    return _optional_money(discounted.get("value")) if isinstance(discounted, dict) else None


def _selected_price(raw: Json) -> Json | None:
    price = raw.get("price")
    if isinstance(price, dict):
        return price
    scoped = raw.get("scopedPrice")
    return scoped if isinstance(scoped, dict) else None


def _int_or_none(value: Any) -> int | None:
    return int(value) if isinstance(value, int | float) and not isinstance(value, bool) else None


def variant(raw: Json, texts: Texts, matching_sku: str | None = None) -> ProductVariant:
    selected = _selected_price(raw)
    availability = raw.get("availability")
    matching = raw.get("isMatchingVariant")
    if matching_sku is not None:
        matching = raw.get("sku") == matching_sku
    return ProductVariant(
        id=int(raw.get("id", 0)),
        sku=raw.get("sku"),
        key=raw.get("key"),
        price=_optional_money(selected.get("value")) if selected else None,
        discounted_price=_discounted(selected) if selected else None,
        prices=tuple(
            ProductPrice(
                value=money(p.get("value")),
                discounted=_discounted(p),
                country=p.get("country"),
                valid_from=p.get("validFrom"),
                valid_until=p.get("validUntil"),
            )
            for p in raw.get("prices") or ()
            if isinstance(p, dict)
        ),
        images=tuple(
            ProductImage(
                url=str(i.get("url", "")),
                label=i.get("label"),
                width=_int_or_none((i.get("dimensions") or {}).get("w")),
                height=_int_or_none((i.get("dimensions") or {}).get("h")),
            )
            for i in raw.get("images") or ()
            if isinstance(i, dict)
        ),
        attributes=tuple(
            ProductAttribute(name=str(a["name"]), value=attribute_text(a.get("value"), texts))
            for a in raw.get("attributes") or ()
            if isinstance(a, dict) and isinstance(a.get("name"), str)
        ),
        availability=(
            ProductAvailability(
                is_on_stock=availability.get("isOnStock"),
                available_quantity=_int_or_none(availability.get("availableQuantity")),
                restockable_in_days=_int_or_none(availability.get("restockableInDays")),
            )
            if isinstance(availability, dict)
            else None
        ),
        is_matching_variant=matching if isinstance(matching, bool) else None,
    )


def product(
    raw: Json, tree: CategoryTree, texts: Texts, matching_sku: str | None = None
) -> Product:
    master = variant(raw.get("masterVariant") or {}, texts, matching_sku)
    others = tuple(variant(v, texts, matching_sku) for v in raw.get("variants") or ())
    category_ids = tuple(
        i for i in (_ref_id(ref) for ref in raw.get("categories") or ()) if i is not None
    )
    return Product(
        id=raw["id"],
        key=raw.get("key"),
        slug=texts.text(raw.get("slug")),
        name=texts.text(raw.get("name")),
        description=texts.optional(raw.get("description")),
        meta_title=texts.optional(raw.get("metaTitle")),
        meta_description=texts.optional(raw.get("metaDescription")),
        # A category created after the cached tree was read is left out until the next read.
        categories=tree.known(category_ids),
        master_variant=master,
        variants=(master, *others),
    )


# -- search -------------------------------------------------------------------------------------


def _term_text(term: Any) -> str:
    if isinstance(term, int | float) and not isinstance(term, bool):
        return _number_text(term)
    return str(term)


def _count(raw: Json) -> int:
    # The facets ask for `counting products`; a shopper reads "Blue (5)" as five products.
    value = raw.get("productCount", raw.get("count", 0))
    return int(value) if isinstance(value, int | float) else 0


def _facet(name: str, raw: Json, request: SearchRequest, tree: CategoryTree) -> Facet:
    spec = FACETS[name]
    selected = set(request.selected(name))
    if spec.kind is FacetKind.PRICE_RANGES:
        terms = []
        for bucket, entry in zip(spec.price_buckets, raw.get("ranges") or (), strict=False):
            count = _count(entry)
            if count or bucket.term in selected:
                terms.append(FacetTerm(bucket.term, bucket.term, count, bucket.term in selected))
        return Facet(name, tuple(terms))
    terms = []
    for entry in raw.get("terms") or ():
        term = _term_text(entry.get("term"))
        label = term
        if spec.kind is FacetKind.CATEGORY and term in tree.by_id:
            label = tree.by_id[term].name
        terms.append(FacetTerm(term, label, _count(entry), term in selected))
    return Facet(name, tuple(terms))


def search_result(
    raw: Json, request: SearchRequest, tree: CategoryTree, texts: Texts
) -> ProductSearchResult:
    raw_facets = raw.get("facets") or {}
    facets = tuple(
        _facet(name, raw_facets[name], request, tree)
        for name in FACETS
        if isinstance(raw_facets.get(name), dict)
    )
    return ProductSearchResult(
        total=int(raw.get("total", 0)),
        offset=int(raw.get("offset", request.offset)),
        limit=request.limit,
        results=tuple(product(p, tree, texts) for p in raw.get("results") or ()),
        facets=facets,
    )
