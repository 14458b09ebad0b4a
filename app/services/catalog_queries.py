"""Storefront catalog input, checked before any upstream call (`BadUserInput`), and the Query
Predicates for product lookups.

Filters are accepted only for the configured facets (app/services/catalog_facets.py); every user
value that reaches a Query Predicate is a quoted, escaped string literal. The storefront-facing
contract (names, limits, sort options) is documented in docs/storefront-api.md.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from enum import Enum
from typing import Literal

from app.errors import BadUserInput, UserErrorCode
from app.models import Shopper
from app.services.catalog_facets import Facets

Params = dict[str, str | list[str]]

DEFAULT_LIMIT = 20
MAX_LIMIT = 100
# commercetools answers 400 beyond this offset; deeper pages need narrower filters.
MAX_OFFSET = 10_000
MAX_TEXT_LENGTH = 256
MAX_FILTER_VALUES = 30
# Keeps a search's body small; commercetools limits each string value to 256 characters.
MAX_FILTER_CHARACTERS = 2_000
MAX_SKU_LENGTH = 256

_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
_LANGUAGE = re.compile(r"^[a-z]{2}$")
_CURRENCY = re.compile(r"^[A-Z]{3}$")
_COUNTRY = re.compile(r"^[A-Z]{2}$")
# commercetools generates resource ids as UUIDs; anything else cannot name a product.
_RESOURCE_ID = re.compile(r"^[0-9a-fA-F]{8}-(?:[0-9a-fA-F]{4}-){3}[0-9a-fA-F]{12}$")
# The patterns commercetools enforces for slugs and keys (ProductDraft.slug, ProductDraft.key).
_SLUG = re.compile(r"^[a-zA-Z0-9_\-]{2,256}$")
_KEY = re.compile(r"^[A-Za-z0-9_\-]{2,256}$")
_FILTERS = ("filters",)


def quote(value: str) -> str:
    """A double-quoted string literal for Query Predicates and search expressions."""
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


def language(locale: str, default_locale: str) -> str:
    """The language a catalog query uses: "de-AT" -> "de".

    Slugs, full-text search and name sorting address one locale of the project; this assumes
    the project's languages are bare language codes, as in the demo catalog.
    """
    for candidate in (locale, default_locale):
        primary = candidate.replace("_", "-").split("-")[0].lower()
        if _LANGUAGE.match(primary):
            return primary
    return "en"


# -- currency and country -----------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Market:
    """Which prices commercetools selects, and in which store's projection: the whole
    price-selection key. Product data cached per process is keyed on it, so a guest never sees
    a customer group's price (or the other way round) and one store never another's."""

    currency: str
    country: str
    # The signed-in customer's Customer Groups: one is `priceCustomerGroup`, several are
    # `priceCustomerGroupAssignments` (the two cannot be combined).
    customer_groups: tuple[str, ...] = ()
    # The store's distribution channel (`priceChannel`).
    channel: str | None = None
    # The store whose product selection, languages and prices the projection follows
    # (`storeProjection`).
    store: str | None = None

    def params(self) -> Params:
        params: Params = {"priceCurrency": self.currency, "priceCountry": self.country}
        if len(self.customer_groups) == 1:
            params["priceCustomerGroup"] = self.customer_groups[0]
        elif self.customer_groups:
            params["priceCustomerGroupAssignments"] = list(self.customer_groups)
        if self.channel is not None:
            params["priceChannel"] = self.channel
        if self.store is not None:
            params["storeProjection"] = self.store
        return params


def market(shopper: Shopper, currency: str | None, country: str | None) -> Market:
    """The explicit arguments, else the shopper's context; the customer groups, channel and
    store always the shopper's."""
    chosen_currency = (shopper.currency if currency is None else currency).strip().upper()
    chosen_country = (shopper.country if country is None else country).strip().upper()
    if not _CURRENCY.match(chosen_currency):
        raise BadUserInput(
            "currency must be an ISO 4217 code such as EUR or USD.", field=("currency",)
        )
    if not _COUNTRY.match(chosen_country):
        raise BadUserInput(
            "country must be an ISO 3166-1 alpha-2 code such as DE or US.", field=("country",)
        )
    return Market(
        chosen_currency,
        chosen_country,
        customer_groups=shopper.customer_groups,
        channel=shopper.channel_id,
        store=shopper.store_key,
    )


# -- one product --------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ProductLookup:
    by: Literal["id", "slug", "sku", "key"]
    value: str

    @property
    def can_exist(self) -> bool:
        """False when no product can have this id/slug/SKU/key: then no upstream call is
        needed."""
        if not self.value:
            return False
        if self.by == "id":
            return bool(_RESOURCE_ID.match(self.value))
        if self.by == "slug":
            return bool(_SLUG.match(self.value))
        if self.by == "key":
            return bool(_KEY.match(self.value))
        return len(self.value) <= MAX_SKU_LENGTH and not _CONTROL.search(self.value)


def product_lookup(
    *, slug: str | None, id: str | None, sku: str | None, key: str | None = None
) -> ProductLookup:
    """The one identifier given (GraphQL's @oneOf input lets only one through); a blank one
    names no product."""
    given: list[ProductLookup] = []
    if slug is not None:
        given.append(ProductLookup("slug", slug.strip()))
    if id is not None:
        given.append(ProductLookup("id", id.strip()))
    if sku is not None:
        given.append(ProductLookup("sku", sku.strip()))
    if key is not None:
        given.append(ProductLookup("key", key.strip()))
    if len(given) != 1:
        raise BadUserInput("Give exactly one of slug, id, key or sku.", field=("by",))
    return given[0]


def slug_predicate(slug: str, languages: tuple[str, ...]) -> str:
    """`slug(de = "x") or slug(en = "x")`: the shopper's language, then the shop's default."""
    literal = quote(slug)
    return " or ".join(f"slug({lang} = {literal})" for lang in dict.fromkeys(languages))


def sku_predicate(sku: str) -> str:
    literal = quote(sku)
    return f"masterVariant(sku = {literal}) or variants(sku = {literal})"


def ids_predicate(ids: list[str]) -> str:
    """`id in ("a", "b")`: the products a search found, read in one query."""
    return f"id in ({', '.join(quote(product_id) for product_id in ids)})"


# -- search -------------------------------------------------------------------------------------


class ProductSort(Enum):
    RELEVANCE = "RELEVANCE"
    PRICE_ASC = "PRICE_ASC"
    PRICE_DESC = "PRICE_DESC"
    NAME_ASC = "NAME_ASC"
    NAME_DESC = "NAME_DESC"
    NEWEST = "NEWEST"


@dataclass(frozen=True, slots=True)
class FacetFilter:
    name: str
    values: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class ProductSearch:
    """What the storefront asked for, unchecked."""

    text: str | None = None
    category: str | None = None
    filters: tuple[FacetFilter, ...] = ()
    sort: str | None = None
    # None (an explicit GraphQL null) means the default.
    limit: int | None = DEFAULT_LIMIT
    offset: int | None = 0


@dataclass(frozen=True, slots=True)
class SearchRequest:
    """A checked search: every value is safe to build upstream parameters from."""

    text: str | None
    category_id: str | None
    filters: tuple[FacetFilter, ...]
    sort: ProductSort
    limit: int
    offset: int
    _by_name: dict[str, tuple[str, ...]] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_by_name", {f.name: f.values for f in self.filters})

    def selected(self, name: str) -> tuple[str, ...]:
        return self._by_name.get(name, ())


def _check_category_id(value: str, what: str, field: tuple[str, ...]) -> str:
    if not _RESOURCE_ID.match(value):
        raise BadUserInput(f"{what} must be a category id, got {value[:40]!r}.", field=field)
    return value


def _check_filters(filters: tuple[FacetFilter, ...], facets: Facets) -> tuple[FacetFilter, ...]:
    merged: dict[str, dict[str, None]] = {}
    for facet_filter in filters:
        spec = facets.named(facet_filter.name)
        if spec is None:
            raise BadUserInput(
                f"Unknown filter {facet_filter.name[:40]!r}; use one of: "
                f"{', '.join(facets.names)}.",
                field=_FILTERS,
            )
        values = merged.setdefault(spec.name, {})
        for raw in facet_filter.values:
            values[spec.check_value(raw)] = None
        if len(values) > MAX_FILTER_VALUES:
            raise BadUserInput(f"At most {MAX_FILTER_VALUES} values per filter.", field=_FILTERS)
    if sum(len(v) for values in merged.values() for v in values) > MAX_FILTER_CHARACTERS:
        raise BadUserInput("Too many filter values at once; narrow the selection.", field=_FILTERS)
    # A filter with no values selects nothing, so it filters nothing (storefronts send those).
    return tuple(FacetFilter(name, tuple(values)) for name, values in merged.items() if values)


def _check_sort(sort: str | None) -> ProductSort:
    if sort is None:
        return ProductSort.RELEVANCE
    try:
        return ProductSort(sort)
    except ValueError:
        options = ", ".join(s.value for s in ProductSort)
        raise BadUserInput(
            f"Unknown sort {sort[:40]!r}; use one of: {options}.", field=("sort",)
        ) from None


def check_search(search: ProductSearch, facets: Facets) -> SearchRequest:
    limit = DEFAULT_LIMIT if search.limit is None else search.limit
    offset = 0 if search.offset is None else search.offset
    if not 1 <= limit <= MAX_LIMIT:
        raise BadUserInput(
            f"limit must be between 1 and {MAX_LIMIT}.",
            field=("limit",),
            code=UserErrorCode.OUT_OF_RANGE,
        )
    if not 0 <= offset <= MAX_OFFSET:
        raise BadUserInput(
            f"offset must be between 0 and {MAX_OFFSET}.",
            field=("offset",),
            code=UserErrorCode.OUT_OF_RANGE,
        )
    text = (search.text or "").strip() or None
    if text is not None and (len(text) > MAX_TEXT_LENGTH or _CONTROL.search(text)):
        raise BadUserInput(
            f"Search text must be printable and at most {MAX_TEXT_LENGTH} long.", field=("text",)
        )
    category = (search.category or "").strip() or None
    if category is not None:
        _check_category_id(category, "category", ("category",))
    return SearchRequest(
        text=text,
        category_id=category,
        filters=_check_filters(search.filters, facets),
        sort=_check_sort(search.sort),
        limit=limit,
        offset=offset,
    )
