"""Product Search's searchable fields: what a field path names in the index, at which level.

A product is indexed as nested documents: the product, its variants, each variant's prices.
An expression on a variant or price field is evaluated on one variant (one price) at a time,
and compound expressions keep all their parts on the same variant and price (commercetools'
release note of 9 February 2026 on `not` in `and`; the Merchant Center guide's example of
`variants.prices.currencyCode` and `variants.prices.centAmount` "must be" the same price).

Standard fields need no `fieldType`. Attributes (`variants.attributes.<name>[.<sub>]`) need the
Attribute's type in `fieldType`, as the SearchQueryExpressionValue reference says; enum
attributes are searched by their `.key` (or `.label`). Localized fields take a `language`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from enum import IntEnum
from typing import Any

from emulator.errors import CtpApiError, invalid_input
from emulator.jsonio import Json


class Level(IntEnum):
    """Where a field lives; a higher level is nested in the lower one."""

    PRODUCT = 0
    VARIANT = 1
    PRICE = 2


# Kinds of indexed values; they decide which expressions a field takes.
KEYWORD = "keyword"  # a string compared whole (ids, keys, SKUs, text attributes)
LTEXT = "ltext"  # a LocalizedString: one string per language
NUMBER = "number"
BOOLEAN = "boolean"
DATETIME = "datetime"
DATE = "date"
TIME = "time"

TEXT_KINDS = frozenset({KEYWORD, LTEXT})
ORDERED_KINDS = frozenset({NUMBER, DATETIME, DATE, TIME})

FIELD_TYPES = (
    "boolean",
    "text",
    "ltext",
    "enum",
    "lenum",
    "number",
    "money",
    "date",
    "datetime",
    "time",
    "reference",
)
SET_FIELD_TYPES = tuple(f"set_{name}" for name in FIELD_TYPES)


@dataclass(frozen=True)
class Doc:
    """One product as indexed: the projection, its variants (master first), and the ids of its
    categories and their ancestors (`categoriesSubTree`)."""

    product: Json
    variants: list[Json]
    subtree: list[str]
    # Ids of the Stores and Product Selections the product is in (Individual selections
    # assign whole products, so every variant has the same ones).
    stores: tuple[str, ...] = ()
    selections: tuple[str, ...] = ()


Reader = Callable[[Doc, Json | None, Json | None, str | None], list[Any]]


@dataclass(frozen=True)
class Field:
    path: str
    level: Level
    kind: str
    read: Reader

    @property
    def localized(self) -> bool:
        return self.kind == LTEXT


def _localized(value: Any, language: str | None) -> list[Any]:
    if not isinstance(value, dict):
        return []
    if language is None:
        return [v for v in value.values() if isinstance(v, str)]
    text = value.get(language)
    return [text] if isinstance(text, str) else []


def _product_key(name: str) -> Reader:
    def read(doc: Doc, _v: Json | None, _p: Json | None, _lang: str | None) -> list[Any]:
        value = doc.product.get(name)
        return [] if value is None else [value]

    return read


def _product_ltext(name: str) -> Reader:
    def read(doc: Doc, _v: Json | None, _p: Json | None, lang: str | None) -> list[Any]:
        return _localized(doc.product.get(name), lang)

    return read


def _search_keywords(doc: Doc, _v: Json | None, _p: Json | None, lang: str | None) -> list[Any]:
    keywords = doc.product.get("searchKeywords") or {}
    languages = [lang] if lang is not None else list(keywords)
    return [
        keyword["text"]
        for language in languages
        for keyword in keywords.get(language) or []
        if isinstance(keyword, dict) and isinstance(keyword.get("text"), str)
    ]


def _categories(doc: Doc, _v: Json | None, _p: Json | None, _lang: str | None) -> list[Any]:
    return [ref["id"] for ref in doc.product.get("categories") or []]


def _categories_subtree(doc: Doc, _v: Json | None, _p: Json | None, _lang: str | None) -> list[Any]:
    return list(doc.subtree)


def _product_type(doc: Doc, _v: Json | None, _p: Json | None, _lang: str | None) -> list[Any]:
    ref = doc.product.get("productType")
    return [ref["id"]] if isinstance(ref, dict) and "id" in ref else []


def _dig(value: Any, path: tuple[str, ...]) -> list[Any]:
    """The value at `path` inside nested objects, as a list of one; none when it is missing."""
    for name in path:
        if not isinstance(value, dict):
            return []
        value = value.get(name)
    return [] if value is None else [value]


def _variant_path(*path: str) -> Reader:
    def read(_doc: Doc, variant: Json | None, _p: Json | None, _lang: str | None) -> list[Any]:
        return _dig(variant, path)

    return read


def _price_path(*path: str) -> Reader:
    def read(_doc: Doc, _v: Json | None, price: Json | None, _lang: str | None) -> list[Any]:
        return _dig(price, path)

    return read


def _stores(doc: Doc, _v: Json | None, _p: Json | None, _lang: str | None) -> list[Any]:
    return list(doc.stores)


def _selections(doc: Doc, _v: Json | None, _p: Json | None, _lang: str | None) -> list[Any]:
    return list(doc.selections)


STANDARD_FIELDS: dict[str, Field] = {
    field.path: field
    for field in (
        Field("id", Level.PRODUCT, KEYWORD, _product_key("id")),
        Field("key", Level.PRODUCT, KEYWORD, _product_key("key")),
        Field("productType", Level.PRODUCT, KEYWORD, _product_type),
        Field("name", Level.PRODUCT, LTEXT, _product_ltext("name")),
        Field("description", Level.PRODUCT, LTEXT, _product_ltext("description")),
        Field("slug", Level.PRODUCT, LTEXT, _product_ltext("slug")),
        Field("searchKeywords", Level.PRODUCT, LTEXT, _search_keywords),
        Field("categories", Level.PRODUCT, KEYWORD, _categories),
        Field("categoriesSubTree", Level.PRODUCT, KEYWORD, _categories_subtree),
        Field("createdAt", Level.PRODUCT, DATETIME, _product_key("createdAt")),
        Field("lastModifiedAt", Level.PRODUCT, DATETIME, _product_key("lastModifiedAt")),
        Field("variants.sku", Level.VARIANT, KEYWORD, _variant_path("sku")),
        Field("variants.stores", Level.VARIANT, KEYWORD, _stores),
        Field("variants.productSelections", Level.VARIANT, KEYWORD, _selections),
        Field("variants.key", Level.VARIANT, KEYWORD, _variant_path("key")),
        Field(
            "variants.availability.isOnStock",
            Level.VARIANT,
            BOOLEAN,
            _variant_path("availability", "isOnStock"),
        ),
        Field(
            "variants.availability.availableQuantity",
            Level.VARIANT,
            NUMBER,
            _variant_path("availability", "availableQuantity"),
        ),
        Field(
            "variants.prices.centAmount", Level.PRICE, NUMBER, _price_path("value", "centAmount")
        ),
        Field(
            "variants.prices.currencyCode",
            Level.PRICE,
            KEYWORD,
            _price_path("value", "currencyCode"),
        ),
        Field("variants.prices.country", Level.PRICE, KEYWORD, _price_path("country")),
        Field("variants.prices.validFrom", Level.PRICE, DATETIME, _price_path("validFrom")),
        Field("variants.prices.validUntil", Level.PRICE, DATETIME, _price_path("validUntil")),
    )
}

_ATTRIBUTES = "variants.attributes."


def _conforms(value: Any, kind: str) -> bool:
    if kind == NUMBER:
        return isinstance(value, int | float) and not isinstance(value, bool)
    if kind == BOOLEAN:
        return isinstance(value, bool)
    if kind == LTEXT:
        return isinstance(value, dict)
    return isinstance(value, str)


def _attribute_kind(field_type: str, sub: tuple[str, ...], path: str) -> str:
    """The kind of an attribute's indexed values, from its type and the sub-field named."""
    base = field_type.removeprefix("set_")
    if base in ("enum", "lenum"):
        if sub not in (("key",), ("label",)):
            raise invalid_input(
                f"The field '{path}' of fieldType '{field_type}' must name the enum's 'key' "
                "or 'label'."
            )
        return LTEXT if base == "lenum" and sub == ("label",) else KEYWORD
    if base == "money":
        if sub == ("centAmount",):
            return NUMBER
        if sub == ("currencyCode",):
            return KEYWORD
        raise invalid_input(f"The field '{path}' of fieldType 'money' must name 'centAmount'.")
    if base == "reference":
        if sub not in ((), ("id",)):
            raise invalid_input(f"The field '{path}' of fieldType 'reference' takes 'id' only.")
        return KEYWORD
    if sub:
        raise invalid_input(f"The field '{path}' of fieldType '{field_type}' has no sub-fields.")
    return {
        "boolean": BOOLEAN,
        "text": KEYWORD,
        "ltext": LTEXT,
        "number": NUMBER,
        "date": DATE,
        "datetime": DATETIME,
        "time": TIME,
    }[base]


def _attribute_reader(name: str, sub: tuple[str, ...], field_type: str, kind: str) -> Reader:
    is_set = field_type.startswith("set_")
    walk = sub or (("id",) if field_type.removeprefix("set_") == "reference" else ())

    def read(_doc: Doc, variant: Json | None, _p: Json | None, lang: str | None) -> list[Any]:
        if variant is None:
            return []
        found: list[Any] = []
        for attribute in variant.get("attributes") or []:
            if attribute.get("name") != name:
                continue
            value = attribute.get("value")
            items = value if is_set and isinstance(value, list) else [value]
            for item in items:
                for step in walk:
                    item = item.get(step) if isinstance(item, dict) else None
                if kind == LTEXT:
                    found.extend(_localized(item, lang))
                elif item is not None and _conforms(item, kind):
                    found.append(item)
        return found

    return read


def resolve(path: Any, field_type: Any) -> Field:
    """The field a path names; a 400 InvalidInput for anything else."""
    if not isinstance(path, str) or not path:
        raise invalid_input("The field must be a non-empty string.")
    standard = STANDARD_FIELDS.get(path)
    if standard is not None:
        return standard
    if path.startswith(_ATTRIBUTES) and len(path) > len(_ATTRIBUTES):
        name, *sub = path[len(_ATTRIBUTES) :].split(".")
        if not name or any(not part for part in sub):
            raise _unknown_field(path)
        if field_type is None:
            raise invalid_input(
                f"The field '{path}' is not a standard field: give its Attribute type in "
                "'fieldType'."
            )
        if field_type not in FIELD_TYPES and field_type not in SET_FIELD_TYPES:
            raise invalid_input(f"'{field_type}' is not a valid fieldType.")
        kind = _attribute_kind(field_type, tuple(sub), path)
        return Field(
            path, Level.VARIANT, kind, _attribute_reader(name, tuple(sub), field_type, kind)
        )
    raise _unknown_field(path)


def _unknown_field(path: str) -> CtpApiError:
    return invalid_input(f"The field '{path}' is not a searchable Product field.")


def comparable(value: Any, kind: str) -> Any:
    """A value of `kind` in a form that orders and compares correctly (None if it cannot)."""
    if kind == NUMBER:
        if isinstance(value, int | float) and not isinstance(value, bool):
            return float(value)
        return None
    if kind == DATETIME:
        if not isinstance(value, str):
            return None
        try:
            moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
        except ValueError:
            return None
        return moment.timestamp() if moment.tzinfo else None
    if kind in (DATE, TIME, KEYWORD, LTEXT):
        return value if isinstance(value, str) else None
    if kind == BOOLEAN:
        return value if isinstance(value, bool) else None
    return None
