"""commercetools' price selection over a variant's embedded Prices.

Rules (API reference, "Pricing and Discounts overview", section "Price selection"; the
learning path "Price selection" page spells out the same fallback):

- hard filters: the currency must match exactly and the Price must be valid now
  (`validFrom`/`validUntil`); a Price scoped to a country, a Customer Group or a Channel is a
  candidate only when the selection names that country, one of its Customer Groups, or that
  Channel (a Price without a scope is a candidate for every selection);
- among the candidates, the most specific one wins, in this order (customerGroup first, then
  channel, then country):
  1. customerGroup + channel + country, 2. customerGroup + channel, 3. customerGroup + country,
  4. customerGroup, 5. channel + country, 6. channel, 7. country, 8. none of them
  (the excerpts read confirm "most specific first"; this exact order is unverified, see
  docs/emulator-catalog.md);
- on one level, a Price with a validity window beats one without;
- with several Customer Groups (`priceCustomerGroupAssignments`, a Customer's
  `customerGroupAssignments`), the lowest of the Prices on the winning level is the customer's
  best price (the 2026 functional refresher, "Multiple Customer Group assignments").
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from emulator.jsonio import Json


@dataclass(frozen=True)
class PriceSelector:
    """What a price is selected for: the query parameters priceCurrency, priceCountry,
    priceCustomerGroup / priceCustomerGroupAssignments (ids), priceChannel (id); for a cart,
    its currency, country, customer group(s) and the Line Item's distribution channel."""

    currency: str
    country: str | None = None
    customer_groups: tuple[str, ...] = ()
    channel: str | None = None


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


def _ref_id(price: Json, field: str) -> str | None:
    ref = price.get(field)
    return ref.get("id") if isinstance(ref, dict) else None


def _candidate(price: Json, selector: PriceSelector, now: datetime) -> bool:
    if price["value"]["currencyCode"] != selector.currency:
        return False
    group = _ref_id(price, "customerGroup")
    if "customerGroup" in price and group not in selector.customer_groups:
        return False
    if "channel" in price and _ref_id(price, "channel") != selector.channel:
        return False
    if "country" in price and price["country"] != selector.country:
        return False
    return _valid_at(price, now)


def _rank(price: Json) -> tuple[bool, bool, bool, bool, int]:
    """Larger is better: the specificity level, then a validity window, then, among Customer
    Group Prices, the lower value (ties otherwise keep the first Price). The value is read
    leniently: a malformed Price is handed out as it is, not refused here."""
    amount = price.get("value", {}).get("centAmount")
    lower = -amount if "customerGroup" in price and isinstance(amount, int) else 0
    return (
        "customerGroup" in price,
        "channel" in price,
        "country" in price,
        _has_window(price),
        lower,
    )


def select(prices: Iterable[Json], selector: PriceSelector, now: datetime) -> Json | None:
    """The Price commercetools selects among `prices`, or None."""
    best: Json | None = None
    for price in prices:
        if _candidate(price, selector, now) and (best is None or _rank(price) > _rank(best)):
            best = price
    return best


def select_price(
    variant: Json,
    currency: str | PriceSelector,
    country: str | None = None,
    now: datetime | None = None,
) -> Json | None:
    """The Price commercetools selects for the variant, or None. `currency` may be a whole
    PriceSelector; a plain currency (+ country) selects among Prices without group or channel."""
    selector = currency if isinstance(currency, PriceSelector) else PriceSelector(currency, country)
    return select(variant.get("prices") or [], selector, now or datetime.now(UTC))


def scoped_price(price: Json) -> Json:
    """A ScopedPrice for a selected Price: `currentValue` is the discounted value if any."""
    scoped: Json = {key: value for key, value in price.items() if key != "tiers"}
    discounted = price.get("discounted")
    scoped["currentValue"] = discounted["value"] if discounted else price["value"]
    return scoped


def with_selected_prices(
    product: Json, selection: PriceSelector | tuple[str, str | None] | None, now: datetime
) -> Json:
    """The projection with `price` set on each variant that has a price for the selection;
    unchanged without a selection."""
    if selection is None:
        return product
    selector = selection if isinstance(selection, PriceSelector) else PriceSelector(*selection)
    variants = []
    for variant in [product["masterVariant"], *product.get("variants", [])]:
        price = select(variant.get("prices") or [], selector, now)
        variants.append(variant if price is None else {**variant, "price": price})
    return {**product, "masterVariant": variants[0], "variants": variants[1:]}
