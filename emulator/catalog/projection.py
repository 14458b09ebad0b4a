"""The projection parameters of Product Projections (get by id/key, query) and of Product
Search's `productProjectionParameters`: price selection, `storeProjection`, `localeProjection`.

Product Projections reference, "Projection dimensions" and "Prices":
- `priceCurrency` (+ `priceCountry`, `priceCustomerGroup` or several
  `priceCustomerGroupAssignments`, `priceChannel`) sets `price` on each variant that has one
  (catalog/pricing.py); the others need `priceCurrency`;
- `storeProjection=<storeKey>` (trait store-projecting): the Store's `languages` (unless
  `localeProjection` says otherwise), and Prices without country or of one of the Store's
  `countries`, without Channel or of one of its `distributionChannels`. It does not take the
  Product's availability in the Store (its Product Selections) into account; the in-store
  endpoints `/in-store/key={storeKey}/product-projections/{id}` and `/key={key}` do (404);
- `localeProjection` (repeatable): LocalizedStrings keep only those locales.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from starlette.datastructures import QueryParams

from emulator.catalog.pricing import PriceSelector, with_selected_prices
from emulator.errors import invalid_input
from emulator.jsonio import Json
from emulator.markets.registry import Markets

_CURRENCY = re.compile(r"^[A-Z]{3}$")
_COUNTRY = re.compile(r"^[A-Z]{2}$")
_LOCALIZED = ("name", "description", "slug", "metaTitle", "metaDescription", "metaKeywords")


@dataclass(frozen=True)
class Projection:
    selector: PriceSelector | None = None
    store: Json | None = None
    locales: tuple[str, ...] = ()


def _price_parameters(
    currency: str | None,
    country: str | None,
    group: str | None,
    assignments: list[str],
    channel: str | None,
) -> PriceSelector | None:
    if currency is None:
        for name, value in (
            ("priceCountry", country),
            ("priceCustomerGroup", group),
            ("priceCustomerGroupAssignments", assignments or None),
            ("priceChannel", channel),
        ):
            if value is not None:
                raise invalid_input(f"{name} can only be used together with priceCurrency.")
        return None
    if not _CURRENCY.match(currency):
        raise invalid_input(f"priceCurrency: '{currency}' is not a currency code.")
    if country is not None and not _COUNTRY.match(country):
        raise invalid_input(f"priceCountry: '{country}' is not a country code.")
    if group is not None and assignments:
        raise invalid_input(
            "priceCustomerGroup and priceCustomerGroupAssignments cannot be used together."
        )
    groups = tuple(assignments) if assignments else ((group,) if group else ())
    return PriceSelector(currency, country, groups, channel)


def _store(markets: Markets, key: str | None) -> Json | None:
    if key is None:
        return None
    store = markets.store_by_key(key)
    if store is None:
        raise invalid_input(f"storeProjection: the Store with key '{key}' was not found.")
    return store


def from_query(params: QueryParams, markets: Markets, store_key: str | None = None) -> Projection:
    """From the query string of a Product Projection endpoint (400 on anything malformed); an
    in-store endpoint passes its Store as `store_key`."""
    selector = _price_parameters(
        params.get("priceCurrency"),
        params.get("priceCountry"),
        params.get("priceCustomerGroup"),
        params.getlist("priceCustomerGroupAssignments"),
        params.get("priceChannel"),
    )
    return Projection(
        selector,
        _store(markets, store_key or params.get("storeProjection")),
        tuple(params.getlist("localeProjection")),
    )


def from_json(parameters: Json, markets: Markets) -> Projection:
    """From Product Search's `productProjectionParameters` (types already checked)."""
    assignments: Any = parameters.get("priceCustomerGroupAssignments") or []
    selector = _price_parameters(
        parameters.get("priceCurrency"),
        parameters.get("priceCountry"),
        parameters.get("priceCustomerGroup"),
        [str(a) for a in assignments],
        parameters.get("priceChannel"),
    )
    locales: Any = parameters.get("localeProjection") or []
    return Projection(
        selector,
        _store(markets, parameters.get("storeProjection")),
        tuple(str(locale) for locale in locales),
    )


def _only_locales(value: Any, locales: tuple[str, ...]) -> Any:
    if not isinstance(value, dict):
        return value
    return {locale: text for locale, text in value.items() if locale in locales}


def _store_prices(variant: Json, channels: set[str], countries: set[str]) -> Json:
    prices = [
        price
        for price in variant.get("prices") or []
        if ("channel" not in price or not channels or price["channel"]["id"] in channels)
        and ("country" not in price or not countries or price["country"] in countries)
    ]
    return {**variant, "prices": prices}


def apply(
    product: Json,
    projection: Projection,
    markets: Markets,
    now: datetime,
    *,
    available_only: bool = False,
) -> Json | None:
    """The product as projected; with `available_only` (the in-store endpoints), None when the
    Store does not offer it."""
    store = projection.store
    if (
        available_only
        and store is not None
        and not markets.store_offers(store["key"], product["id"])
    ):
        return None
    view = product
    if store is not None:
        channels = {ref["id"] for ref in store.get("distributionChannels", [])}
        countries = {c["code"] for c in store.get("countries", [])}
        variants = [
            _store_prices(v, channels, countries)
            for v in [view["masterVariant"], *view.get("variants", [])]
        ]
        view = {**view, "masterVariant": variants[0], "variants": variants[1:]}
    locales = projection.locales or (tuple(store.get("languages", [])) if store else ())
    if locales:
        view = dict(view)
        for field in _LOCALIZED:
            if field in view:
                view[field] = _only_locales(view[field], locales)
        if isinstance(view.get("searchKeywords"), dict):
            view["searchKeywords"] = _only_locales(view["searchKeywords"], locales)
    return with_selected_prices(view, projection.selector, now)
