"""commercetools' price selection over a variant's embedded Prices.

Rules (pricing-and-discounts-overview, "price selection"): the currency must match exactly and
the Price must be valid now (`validFrom`/`validUntil`); among those, a Price for the requested
country wins over a Price without country, which is the fallback. Customer groups and channels
are not requested by anything in this project, so only Prices without them are candidates
(commercetools does the same when neither is given). A Price with a validity window beats one
without, as in commercetools.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime
from typing import Any

from emulator.jsonio import Json


def _parse_time(value: Any) -> datetime | None:
    if not isinstance(value, str):
        return None
    try:
        return datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None


def _valid_at(price: Json, now: datetime) -> bool:
    start = _parse_time(price.get("validFrom"))
    end = _parse_time(price.get("validUntil"))
    return (start is None or start <= now) and (end is None or now < end)


def _has_window(price: Json) -> bool:
    return "validFrom" in price or "validUntil" in price


def _first_preferring_window(prices: Iterable[Json]) -> Json | None:
    candidates = list(prices)
    for price in candidates:
        if _has_window(price):
            return price
    return candidates[0] if candidates else None


def select_price(
    variant: Json, currency: str, country: str | None, now: datetime | None = None
) -> Json | None:
    """The Price commercetools selects for (currency, country), or None."""
    moment = now or datetime.now(UTC)
    eligible = [
        price
        for price in variant.get("prices") or []
        if price["value"]["currencyCode"] == currency
        and "customerGroup" not in price
        and "channel" not in price
        and _valid_at(price, moment)
    ]
    if country:
        exact = _first_preferring_window(p for p in eligible if p.get("country") == country)
        if exact is not None:
            return exact
    return _first_preferring_window(p for p in eligible if "country" not in p)


def scoped_price(price: Json) -> Json:
    """A ScopedPrice for a selected Price: `currentValue` is the discounted value if any."""
    scoped: Json = {key: value for key, value in price.items() if key != "tiers"}
    discounted = price.get("discounted")
    scoped["currentValue"] = discounted["value"] if discounted else price["value"]
    return scoped


def with_selected_prices(
    product: Json, selection: tuple[str, str | None] | None, now: datetime
) -> Json:
    """The projection with `price` set on each variant that has a price for the selection
    (priceCurrency, priceCountry); unchanged without a selection."""
    if selection is None:
        return product
    currency, country = selection
    variants = []
    for variant in [product["masterVariant"], *product.get("variants", [])]:
        price = select_price(variant, currency, country, now)
        variants.append(variant if price is None else {**variant, "price": price})
    return {**product, "masterVariant": variants[0], "variants": variants[1:]}
