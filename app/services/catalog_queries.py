"""Storefront catalog input -> commercetools query parameters.

Everything a storefront sends is checked here before any upstream call (`BadUserInput`), filter
and facet expressions are built only from an allow-list (`FACETS`), and every user value that
reaches a query predicate or a search expression is a quoted, escaped string literal. The
storefront-facing contract (names, limits, sort options) is documented in
docs/storefront-api.md.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from enum import Enum
from typing import Literal

from app.errors import BadUserInput, UserErrorCode
from app.models import Shopper

Params = dict[str, str | list[str]]

DEFAULT_LIMIT = 20
MAX_LIMIT = 100
# commercetools answers 400 beyond this offset; deeper pages need narrower filters.
MAX_OFFSET = 10_000
MAX_TEXT_LENGTH = 256
MAX_FILTER_VALUES = 30
MAX_FILTER_VALUE_LENGTH = 100
# Search runs as a GET, so the filters travel in the URL; this keeps it well under 8 KiB.
MAX_FILTER_CHARACTERS = 2_000
MAX_SKU_LENGTH = 256

_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
_LANGUAGE = re.compile(r"^[a-z]{2}$")
_CURRENCY = re.compile(r"^[A-Z]{3}$")
_COUNTRY = re.compile(r"^[A-Z]{2}$")
# commercetools generates resource ids as UUIDs; anything else cannot name a product.
_RESOURCE_ID = re.compile(r"^[0-9a-fA-F]{8}-(?:[0-9a-fA-F]{4}-){3}[0-9a-fA-F]{12}$")
# The pattern commercetools enforces for slugs (ProductDraft.slug).
_SLUG = re.compile(r"^[a-zA-Z0-9_\-]{2,256}$")
_PRICE_RANGE = re.compile(r"^(\d{1,10})-(\d{1,10}|\*)$")
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
    """Which prices commercetools selects: currency and country."""

    currency: str
    country: str

    def params(self) -> Params:
        return {"priceCurrency": self.currency, "priceCountry": self.country}


def market(shopper: Shopper, currency: str | None, country: str | None) -> Market:
    """The explicit arguments, else the shopper's (the configured defaults)."""
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
    return Market(chosen_currency, chosen_country)


# -- one product --------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ProductLookup:
    by: Literal["id", "slug", "sku"]
    value: str

    @property
    def can_exist(self) -> bool:
        """False when no product can have this id/slug/SKU: then no upstream call is needed."""
        if not self.value:
            return False
        if self.by == "id":
            return bool(_RESOURCE_ID.match(self.value))
        if self.by == "slug":
            return bool(_SLUG.match(self.value))
        return len(self.value) <= MAX_SKU_LENGTH and not _CONTROL.search(self.value)


def product_lookup(*, slug: str | None, id: str | None, sku: str | None) -> ProductLookup:
    """The one identifier given (GraphQL's @oneOf input lets only one through); a blank one
    names no product."""
    given: list[ProductLookup] = []
    if slug is not None:
        given.append(ProductLookup("slug", slug.strip()))
    if id is not None:
        given.append(ProductLookup("id", id.strip()))
    if sku is not None:
        given.append(ProductLookup("sku", sku.strip()))
    if len(given) != 1:
        raise BadUserInput("Give exactly one of slug, id or sku.", field=("by",))
    return given[0]


def slug_predicate(slug: str, languages: tuple[str, ...]) -> str:
    """`slug(de = "x") or slug(en = "x")`: the shopper's language, then the shop's default."""
    literal = quote(slug)
    return " or ".join(f"slug({lang} = {literal})" for lang in dict.fromkeys(languages))


def sku_predicate(sku: str) -> str:
    literal = quote(sku)
    return f"masterVariant(sku = {literal}) or variants(sku = {literal})"


# -- search -------------------------------------------------------------------------------------


class ProductSort(Enum):
    RELEVANCE = "RELEVANCE"
    PRICE_ASC = "PRICE_ASC"
    PRICE_DESC = "PRICE_DESC"
    NAME_ASC = "NAME_ASC"
    NAME_DESC = "NAME_DESC"
    NEWEST = "NEWEST"


class FacetKind(Enum):
    TERMS = "terms"
    CATEGORY = "category"
    PRICE_RANGES = "price"


@dataclass(frozen=True, slots=True)
class PriceBucket:
    """[low, high) in the currency's smallest unit; `high` None is open."""

    low: int
    high: int | None

    @property
    def term(self) -> str:
        # Inclusive bounds, the form a price filter value takes, so a selected term echoes back.
        return f"{self.low}-{'*' if self.high is None else self.high - 1}"

    @property
    def facet_range(self) -> str:
        return f"({self.low} to {'*' if self.high is None else self.high})"


@dataclass(frozen=True, slots=True)
class FacetSpec:
    name: str
    path: str
    kind: FacetKind
    price_buckets: tuple[PriceBucket, ...] = ()

    @property
    def variant_level(self) -> bool:
        return self.path.startswith("variants.")

    def facet_expression(self) -> str:
        if self.kind is FacetKind.PRICE_RANGES:
            ranges = ", ".join(bucket.facet_range for bucket in self.price_buckets)
            return f"{self.path}:range {ranges} as {self.name} counting products"
        return f"{self.path} as {self.name} counting products"

    def filter_expression(self, values: tuple[str, ...]) -> str:
        if self.kind is FacetKind.PRICE_RANGES:
            return f"{self.path}:range " + ", ".join(_price_range(v) for v in values)
        if self.kind is FacetKind.CATEGORY:
            return f"{self.path}:" + ",".join(f"subtree({quote(v)})" for v in values)
        return f"{self.path}:" + ",".join(quote(v) for v in values)


# The filter names a storefront may use, in the order facets come back. Amounts in cents.
PRICE_BUCKETS = (
    PriceBucket(0, 2_500),
    PriceBucket(2_500, 5_000),
    PriceBucket(5_000, 10_000),
    PriceBucket(10_000, 20_000),
    PriceBucket(20_000, None),
)
FACETS: dict[str, FacetSpec] = {
    spec.name: spec
    for spec in (
        FacetSpec("category", "categories.id", FacetKind.CATEGORY),
        FacetSpec("color", "variants.attributes.color", FacetKind.TERMS),
        FacetSpec("size", "variants.attributes.size", FacetKind.TERMS),
        # The price commercetools selected for the currency and country (with any discount).
        FacetSpec(
            "price",
            "variants.scopedPrice.currentValue.centAmount",
            FacetKind.PRICE_RANGES,
            PRICE_BUCKETS,
        ),
    )
}


def _price_range(value: str) -> str:
    match = _PRICE_RANGE.match(value)
    assert match is not None  # checked by _check_value
    low, high = match.group(1), match.group(2)
    return f"({int(low)} to {high if high == '*' else int(high)})"


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


def _check_value(spec: FacetSpec, raw: str) -> str:
    value = raw.strip()
    if not value or len(value) > MAX_FILTER_VALUE_LENGTH or _CONTROL.search(value):
        raise BadUserInput(
            f"Filter {spec.name!r} has an empty, over-long (> {MAX_FILTER_VALUE_LENGTH}) "
            "or unprintable value.",
            field=_FILTERS,
        )
    if spec.kind is FacetKind.CATEGORY:
        return _check_category_id(value, "A category filter value", _FILTERS)
    if spec.kind is FacetKind.PRICE_RANGES:
        match = _PRICE_RANGE.match(value)
        if match is None or (match.group(2) != "*" and int(match.group(2)) < int(match.group(1))):
            raise BadUserInput(
                f"A price filter value is 'from-to' in cents, both inclusive, e.g. '2500-4999' "
                f"or '20000-*'; got {value[:40]!r}.",
                field=_FILTERS,
            )
    return value


def _check_filters(filters: tuple[FacetFilter, ...]) -> tuple[FacetFilter, ...]:
    merged: dict[str, dict[str, None]] = {}
    for facet_filter in filters:
        spec = FACETS.get(facet_filter.name)
        if spec is None:
            raise BadUserInput(
                f"Unknown filter {facet_filter.name[:40]!r}; use one of: {', '.join(FACETS)}.",
                field=_FILTERS,
            )
        values = merged.setdefault(spec.name, {})
        for raw in facet_filter.values:
            values[_check_value(spec, raw)] = None
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


def check_search(search: ProductSearch) -> SearchRequest:
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
        filters=_check_filters(search.filters),
        sort=_check_sort(search.sort),
        limit=limit,
        offset=offset,
    )


def _sort(request: SearchRequest, lang: str) -> str | None:
    match request.sort:
        case ProductSort.RELEVANCE:
            # Without text there is no score; commercetools' default order applies.
            return "score desc" if request.text else None
        case ProductSort.PRICE_ASC:
            return "price asc"
        case ProductSort.PRICE_DESC:
            return "price desc"
        case ProductSort.NAME_ASC:
            return f"name.{lang} asc"
        case ProductSort.NAME_DESC:
            return f"name.{lang} desc"
        case ProductSort.NEWEST:
            return "createdAt desc"


def search_params(
    request: SearchRequest, *, lang: str, prices: Market, with_facets: bool
) -> Params:
    """Query parameters of `GET /product-projections/search` for a checked request."""
    params: Params = {
        **prices.params(),
        "limit": str(request.limit),
        "offset": str(request.offset),
    }
    if request.text:
        params[f"text.{lang}"] = request.text
    if request.category_id:
        # Navigation narrows results and facets alike; subtree() includes sub-categories.
        params["filter.query"] = [f"categories.id:subtree({quote(request.category_id)})"]
    if request.filters:
        # Selected values narrow the results (`filter`) and the other facets' counts
        # (`filter.facets`), so a facet keeps offering its alternatives (multi-select).
        expressions = [FACETS[f.name].filter_expression(f.values) for f in request.filters]
        params["filter"] = expressions
        params["filter.facets"] = list(expressions)
        if any(FACETS[f.name].variant_level for f in request.filters):
            params["markMatchingVariants"] = "true"
    sort = _sort(request, lang)
    if sort is not None:
        params["sort"] = sort
    if with_facets:
        params["facet"] = [spec.facet_expression() for spec in FACETS.values()]
    return params
