"""Raw commercetools catalog JSON (product projections, categories) -> models.

Localized text is resolved here, once, to the shopper's language with the shop's default as the
fallback; the schema layer never sees a LocalizedString.
"""

from __future__ import annotations

import json
from dataclasses import replace
from decimal import Decimal, InvalidOperation
from typing import Any, cast

from app.ctp import resources
from app.iso_codes import COUNTRY_CODES
from app.models import (
    Category,
    CategoryTree,
    Money,
    Product,
    ProductAttribute,
    ProductAvailability,
    ProductImage,
    ProductPrice,
    ProductVariant,
)
from app.services.global_ids import owned_id
from app.services.mapping import (
    code,
    integer,
    localize,
    money,
    nonempty,
    optional_date_time,
    reads,
)


class Texts:
    """How to turn a LocalizedString into one string for this shopper."""

    __slots__ = ("fallback", "locale")

    def __init__(self, locale: str, fallback: str) -> None:
        self.locale = locale
        self.fallback = fallback

    def text(self, value: resources.LocalizedString | str | None) -> str:
        return localize(value, self.locale, self.fallback)

    def optional(self, value: resources.LocalizedString | None) -> str | None:
        return self.text(value) or None


# -- categories ---------------------------------------------------------------------------------


def _order_key(raw: resources.Category) -> tuple[bool, Decimal, str]:
    # Siblings sort by orderHint, a decimal string in (0, 1); one that is not a number goes last.
    try:
        value: Decimal | None = Decimal(raw["orderHint"])
    except InvalidOperation:
        value = None
    return (value is None, value if value is not None else Decimal(0), raw["id"])


def _ref_id(ref: resources.Reference | None) -> str | None:
    return nonempty(ref["id"], "Reference.id") if ref is not None else None


@reads("Category")
def category_tree(raws: list[resources.Category], texts: Texts) -> CategoryTree:
    ordered = sorted(raws, key=_order_key)
    children: dict[str, list[str]] = {}
    roots: list[str] = []
    known = {nonempty(raw["id"], "Category.id") for raw in ordered}
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
        tree.by_id[raw["id"]] = Category(
            id=raw["id"],
            key=raw.get("key"),
            slug=texts.text(raw["slug"]),
            name=texts.text(raw["name"]),
            description=texts.optional(raw.get("description")),
            order_hint=raw["orderHint"],
            parent_id=_ref_id(raw.get("parent")),
            ancestor_ids=tuple(nonempty(a["id"], "Reference.id") for a in raw["ancestors"]),
            tree=tree,
        )
    return tree


# -- products -----------------------------------------------------------------------------------


def _number_text(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else str(value)


def _money_text(raw: resources.TypedMoney) -> str:
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
        if "centAmount" in value:  # a money attribute: TypedMoney, its leaves checked by money()
            return _money_text(cast(resources.TypedMoney, value))
        if "typeId" in value and "id" in value:  # an unexpanded reference
            return str(value["id"])
        if "name" in value and "value" in value:  # one attribute of a nested type
            return f"{value['name']}: {attribute_text(value['value'], texts)}"
        if value and all(isinstance(v, str) for v in value.values()):
            return texts.text(value)
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def _discounted(price: resources.Price | resources.ScopedPrice) -> Money | None:
    discounted = price.get("discounted")
    return money(discounted["value"]) if discounted is not None else None


def _selected_price(
    raw: resources.ProductVariant,
) -> resources.Price | resources.ScopedPrice | None:
    price = raw.get("price")
    return price if price is not None else raw.get("scopedPrice")


def _optional_integer(value: int | None, field: str) -> int | None:
    return integer(value, field) if value is not None else None


def _image(raw: resources.Image) -> ProductImage:
    dimensions = raw["dimensions"]
    return ProductImage(
        url=nonempty(raw["url"], "Image.url"),
        label=raw.get("label"),
        width=integer(dimensions["w"], "Image.dimensions.w"),
        height=integer(dimensions["h"], "Image.dimensions.h"),
    )


def _availability(raw: resources.ProductVariantAvailability) -> ProductAvailability:
    return ProductAvailability(
        is_on_stock=raw["isOnStock"],
        available_quantity=_optional_integer(raw.get("availableQuantity"), "availableQuantity"),
        restockable_in_days=_optional_integer(raw.get("restockableInDays"), "restockableInDays"),
    )


def _price(raw: resources.Price) -> ProductPrice:
    country = raw.get("country")
    return ProductPrice(
        value=money(raw["value"]),
        discounted=_discounted(raw),
        country=code(country, COUNTRY_CODES, "Price.country") if country is not None else None,
        valid_from=optional_date_time(raw.get("validFrom"), "Price.validFrom"),
        valid_until=optional_date_time(raw.get("validUntil"), "Price.validUntil"),
    )


def _variant(raw: resources.ProductVariant, product_id: str, texts: Texts) -> ProductVariant:
    selected = _selected_price(raw)
    availability = raw.get("availability")
    number = integer(raw["id"], "ProductVariant.id")
    return ProductVariant(
        id=owned_id(product_id, number),
        variant_number=number,
        sku=raw.get("sku"),
        key=raw.get("key"),
        price=money(selected["value"]) if selected is not None else None,
        discounted_price=_discounted(selected) if selected is not None else None,
        prices=tuple(_price(p) for p in raw.get("prices", ())),
        images=tuple(_image(i) for i in raw.get("images", ())),
        attributes=tuple(
            ProductAttribute(
                name=nonempty(a["name"], "Attribute.name"), value=attribute_text(a["value"], texts)
            )
            for a in raw.get("attributes", ())
        ),
        availability=_availability(availability) if availability is not None else None,
        # Unknown (None) unless a search's filters or a lookup by SKU said which variants match:
        # LocalizedProduct.shown() sets it.
        is_matching_variant=None,
    )


class LocalizedProduct:
    """A product projection mapped in one language, without what depends on the request: the
    category tree its categories are shown from and which variants a search matched.

    Never changed once mapped, so a cached product keeps it across requests
    (catalog_products.CachedProduct): mapping every variant, price and image of a page's
    products is most of a listing's work.
    """

    __slots__ = ("_last_shown", "category_ids", "product")

    def __init__(self, product: Product, category_ids: tuple[str, ...]) -> None:
        # Its categories are () and its variants' is_matching_variant None: see shown().
        self.product = product
        self.category_ids = category_ids
        # The unmarked product last shown, and the tree it was shown with: the category tree
        # is cached too (CategoryCache.tree), so most requests show it with the same tree.
        self._last_shown: tuple[CategoryTree, Product] | None = None

    def shown(self, tree: CategoryTree, matching_ids: frozenset[int] | None = None) -> Product:
        """The product with its categories from this tree (a category created after the tree
        was read is left out until the next read) and, given the matching variant numbers, each
        variant marked as matching or not."""
        last = self._last_shown
        if matching_ids is None and last is not None and last[0] is tree:
            return last[1]
        base = self.product
        master, variants = base.master_variant, base.variants
        if matching_ids is not None:
            variants = tuple(
                replace(v, is_matching_variant=v.variant_number in matching_ids) for v in variants
            )
            master = variants[0]
        product = Product(
            id=base.id,
            key=base.key,
            slug=base.slug,
            name=base.name,
            description=base.description,
            meta_title=base.meta_title,
            meta_description=base.meta_description,
            categories=tree.known(self.category_ids),
            master_variant=master,
            variants=variants,
        )
        if matching_ids is None:
            self._last_shown = (tree, product)
        return product

    @property
    def variant_numbers(self) -> frozenset[int]:
        return frozenset(v.variant_number for v in self.product.variants)


@reads("ProductProjection")
def localized_product(raw: resources.ProductProjection, texts: Texts) -> LocalizedProduct:
    product_id = nonempty(raw["id"], "ProductProjection.id")
    master = _variant(raw["masterVariant"], product_id, texts)
    others = tuple(_variant(v, product_id, texts) for v in raw["variants"])
    return LocalizedProduct(
        product=Product(
            id=product_id,
            key=raw.get("key"),
            slug=texts.text(raw["slug"]),
            name=texts.text(raw["name"]),
            description=texts.optional(raw.get("description")),
            meta_title=texts.optional(raw.get("metaTitle")),
            meta_description=texts.optional(raw.get("metaDescription")),
            categories=(),
            master_variant=master,
            variants=(master, *others),
        ),
        category_ids=tuple(nonempty(ref["id"], "Reference.id") for ref in raw["categories"]),
    )


def product(
    raw: resources.ProductProjection,
    tree: CategoryTree,
    texts: Texts,
    matching_ids: frozenset[int] | None = None,
) -> Product:
    return localized_product(raw, texts).shown(tree, matching_ids)


@reads("ProductProjection")
def variants_with_sku(raw: resources.ProductProjection, sku: str) -> frozenset[int]:
    """The variant numbers of the product's variants with this SKU (one, as SKUs are unique)."""
    return frozenset(
        integer(v["id"], "ProductVariant.id")
        for v in (raw["masterVariant"], *raw["variants"])
        if v.get("sku") == sku
    )


@reads("ProductProjection")
def by_id(
    raws: list[resources.ProductProjection],
) -> dict[str, resources.ProductProjection]:
    return {nonempty(raw["id"], "ProductProjection.id"): raw for raw in raws}


@reads("ProductProjection")
def preferred_by_slug(
    candidates: list[resources.ProductProjection], slug: str, language: str
) -> resources.ProductProjection | None:
    """The candidate whose slug is `slug` in `language`; else the first (whose slug matched in
    the fallback language)."""
    for candidate in candidates:
        if candidate["slug"].get(language) == slug:
            return candidate
    return candidates[0] if candidates else None
