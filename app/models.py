"""The storefront's view of commercetools data: small, typed, already localized.

Built from raw commercetools JSON by `app.services.mapping`; GraphQL resolves fields from these
attributes directly (snake_case, converted to camelCase by the schema layer).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Shopper:
    """Who is shopping where: language for text, currency and country for prices."""

    locale: str
    currency: str
    country: str


@dataclass(frozen=True, slots=True)
class Money:
    cent_amount: int
    currency_code: str
    fraction_digits: int = 2


@dataclass(frozen=True, slots=True)
class LineItem:
    id: str
    product_id: str
    sku: str | None
    name: str
    quantity: int
    unit_price: Money
    total_price: Money


@dataclass(frozen=True, slots=True)
class Cart:
    id: str
    version: int
    line_items: tuple[LineItem, ...]
    total_price: Money
    total_quantity: int


@dataclass(frozen=True, slots=True)
class Customer:
    id: str
    email: str
    first_name: str | None
    last_name: str | None
