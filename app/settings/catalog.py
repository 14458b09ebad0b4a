"""CATALOG_*: which facets the product listing offers, whose prices search compares, and how long
product data read for a listing is reused (docs/configuration.md, "Catalog").

`CATALOG_FACETS` is a JSON array, one object per facet, in the order the listing shows them:

    [{"name": "color", "type": "distinct", "attribute": "color", "fieldType": "text",
      "label": {"en": "Colour", "de": "Farbe"}},
     {"name": "width", "type": "ranges", "attribute": "width-cm", "fieldType": "number",
      "ranges": [[null, 50], [50, 100], [100, null]]}]

`category` and `price` facets are built in: they come first and last unless an entry of that
type places them (and gives the price facet its own ranges, in cents).
"""

from __future__ import annotations

import json
import re
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, PrivateAttr, field_validator, model_validator

from app.settings.base import GROUP_CONFIG

ATTRIBUTE_FIELD_TYPES = frozenset(
    {"boolean", "text", "ltext", "enum", "lenum", "number", "date", "datetime", "time"}
)
_NAME = re.compile(r"^[A-Za-z][A-Za-z0-9_-]{0,39}$")
_ATTRIBUTE = re.compile(r"^[A-Za-z0-9_-]{1,256}$")
_COUNTRY = re.compile(r"^[A-Z]{2}$")

# The demo catalog's attributes; a real project names its own (docs/configuration.md).
DEMO_FACETS = json.dumps(
    [
        {
            "name": "color",
            "type": "distinct",
            "attribute": "color",
            "fieldType": "text",
            "label": {"en": "Colour", "de": "Farbe"},
        },
        {
            "name": "size",
            "type": "distinct",
            "attribute": "size",
            "fieldType": "text",
            "label": {"en": "Size", "de": "Größe"},
        },
    ]
)
# Amounts in the currency's smallest unit: [from, to), None open.
DEFAULT_PRICE_RANGES: tuple[tuple[int | None, int | None], ...] = (
    (0, 2_500),
    (2_500, 5_000),
    (5_000, 10_000),
    (10_000, 20_000),
    (20_000, None),
)
MAX_DISTINCT_VALUES = 200
CATEGORY_LABEL = {"en": "Category", "de": "Kategorie"}
PRICE_LABEL = {"en": "Price", "de": "Preis"}

Bound = float | None


class FacetSetting(BaseModel):
    """One entry of CATALOG_FACETS."""

    model_config = ConfigDict(frozen=True, extra="forbid", populate_by_name=True)

    name: str
    type: Literal["distinct", "ranges", "category", "price"]
    attribute: str | None = None
    field_type: str | None = Field(default=None, alias="fieldType")
    # A text for every language, or one per language ({"en": ..., "de": ...}).
    label: str | dict[str, str] | None = None
    ranges: tuple[tuple[Bound, Bound], ...] | None = None
    # How many values a distinct facet shows at most (the most frequent first).
    limit: int = Field(default=50, ge=1, le=MAX_DISTINCT_VALUES)

    @field_validator("name")
    @classmethod
    def _name_is_simple(cls, value: str) -> str:
        if not _NAME.match(value):
            raise ValueError(
                f"facet name {value!r}: a letter, then up to 39 letters, digits, _ or -"
            )
        return value

    @model_validator(mode="after")
    def _fits_its_type(self) -> FacetSetting:
        attribute_facet = self.type in ("distinct", "ranges")
        if attribute_facet:
            if self.attribute is None or not _ATTRIBUTE.match(self.attribute):
                raise ValueError(f"facet {self.name!r} needs the product attribute's name")
            if self.field_type not in ATTRIBUTE_FIELD_TYPES:
                raise ValueError(
                    f"facet {self.name!r} needs the attribute's fieldType, one of "
                    + ", ".join(sorted(ATTRIBUTE_FIELD_TYPES))
                )
        elif self.attribute is not None or self.field_type is not None:
            raise ValueError(f"the {self.type} facet {self.name!r} takes no attribute")
        if self.type == "ranges" and self.field_type != "number":
            raise ValueError(f"ranges facet {self.name!r} needs a number attribute")
        if self.type == "ranges" and not self.ranges:
            raise ValueError(f"ranges facet {self.name!r} needs its ranges")
        if self.ranges is not None:
            if self.type not in ("ranges", "price"):
                raise ValueError(f"the {self.type} facet {self.name!r} takes no ranges")
            for low, high in self.ranges:
                if low is None and high is None:
                    raise ValueError(f"facet {self.name!r}: a range needs one end")
                if low is not None and high is not None and not low < high:
                    raise ValueError(f"facet {self.name!r}: range [{low}, {high}) is empty")
                if self.type == "price" and any(
                    end is not None and (end < 0 or not float(end).is_integer())
                    for end in (low, high)
                ):
                    raise ValueError("price ranges are whole amounts in cents")
        return self


def _parse_facets(raw: Any) -> tuple[FacetSetting, ...]:
    if isinstance(raw, str):
        try:
            raw = json.loads(raw)
        except ValueError as exc:
            raise ValueError(f"CATALOG_FACETS is not JSON: {exc}") from None
    if not isinstance(raw, list | tuple):
        raise ValueError("CATALOG_FACETS must be a JSON array of facets")
    facets = [FacetSetting.model_validate(item) for item in raw]
    names = [facet.name for facet in facets]
    for name in names:
        if names.count(name) > 1:
            raise ValueError(f"CATALOG_FACETS names the facet {name!r} twice")
    for kind in ("category", "price"):
        if sum(1 for facet in facets if facet.type == kind) > 1:
            raise ValueError(f"CATALOG_FACETS has more than one {kind} facet")
    if not any(facet.type == "category" for facet in facets):
        facets.insert(0, FacetSetting(name="category", type="category", label=CATEGORY_LABEL))
    if not any(facet.type == "price" for facet in facets):
        facets.append(FacetSetting(name="price", type="price", label=PRICE_LABEL))
    return tuple(facets)


def _parse_countries(raw: Any) -> frozenset[str]:
    if isinstance(raw, str):
        raw = [part.strip().upper() for part in raw.split(",") if part.strip()]
    countries = frozenset(raw)
    bad = sorted(c for c in countries if not isinstance(c, str) or not _COUNTRY.match(c))
    if bad:
        raise ValueError(f"CATALOG_PRICE_COUNTRIES: {bad[0]!r} is not a country code")
    return countries


class CatalogSettings(BaseModel):
    model_config = GROUP_CONFIG

    # Kept as given (JSON, comma-separated list): the environment source would otherwise try
    # to read them as JSON itself; `facets` and `price_countries` are the parsed values.
    configured_facets: str = Field(default=DEMO_FACETS, validation_alias="catalog_facets")
    # Countries whose shoppers see prices set for their country; shoppers of other countries see
    # the currency's price without a country (commercetools' price selection).
    configured_price_countries: str = Field(
        default="DE,AT,US", validation_alias="catalog_price_countries"
    )
    product_cache_seconds: float = Field(
        default=60.0, ge=0, validation_alias="catalog_product_cache_seconds"
    )
    product_cache_size: int = Field(
        default=500, ge=0, validation_alias="catalog_product_cache_size"
    )
    _facets: tuple[FacetSetting, ...] = PrivateAttr()
    _price_countries: frozenset[str] = PrivateAttr()

    @field_validator("configured_facets", mode="before")
    @classmethod
    def _facets_as_json(cls, value: Any) -> Any:
        # Tests and callers may hand over the list itself.
        return value if isinstance(value, str) else json.dumps(value)

    def model_post_init(self, _context: Any) -> None:
        self._facets = _parse_facets(self.configured_facets)
        self._price_countries = _parse_countries(self.configured_price_countries)

    @property
    def facets(self) -> tuple[FacetSetting, ...]:
        return self._facets

    @property
    def price_countries(self) -> frozenset[str]:
        return self._price_countries
