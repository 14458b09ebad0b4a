"""The storefront's view of commercetools data: small, typed, already localized.

Built from raw commercetools JSON by `app.services.mapping`; GraphQL resolves fields from these
attributes directly (snake_case, converted to camelCase by the schema layer).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from enum import Enum

from app.payments.provider import PaymentStatus


@dataclass(frozen=True, slots=True)
class Shopper:
    """Who is shopping where: language for text; currency, country, customer groups and the
    store (its distribution channel and product selection) for prices."""

    locale: str
    currency: str
    country: str
    # The commercetools Store everything store-scoped goes through; None: the whole project.
    store_key: str | None = None
    # The store's distribution channel (price selection's `priceChannel`).
    channel_id: str | None = None
    # The store's id (Product Search's `variants.stores`); None outside a store or before the
    # store was read.
    store_id: str | None = None
    # The signed-in customer's Customer Groups (price selection); () for guests.
    customer_groups: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class StoreMarket:
    """What a commercetools Store allows: its countries, currencies and languages."""

    key: str
    name: str | None
    countries: tuple[str, ...]
    currencies: tuple[str, ...]
    languages: tuple[str, ...]
    # The first distribution channel: the store's prices (priceChannel).
    channel_id: str | None = None
    # The Store's id: Product Search names stores by id (`variants.stores`).
    id: str | None = None
    # The name in every language the store has it in: (locale, text) pairs.
    names: tuple[tuple[str, str], ...] = ()

    def localized_name(self, locale: str) -> str | None:
        by_locale = dict(self.names)
        language = locale.split("-")[0]
        return by_locale.get(locale) or by_locale.get(language) or self.name


@dataclass(frozen=True, slots=True)
class MarketRules:
    """What the project allows (`GET /{projectKey}`) and the stores a deployment allows, as last
    read; the shopper context is checked against them."""

    countries: tuple[str, ...]
    currencies: tuple[str, ...]
    languages: tuple[str, ...]
    stores: tuple[StoreMarket, ...] = ()

    def store(self, key: str | None) -> StoreMarket | None:
        for store in self.stores:
            if store.key == key:
                return store
        return None


@dataclass(frozen=True, slots=True)
class ShopperContext:
    """The shopper context as the storefront sees it."""

    country: str
    currency: str
    language: str
    store_key: str | None
    # What setShopperContext accepts now: the store's, else the project's (what a storefront
    # draws its country, currency and language pickers from).
    available_countries: tuple[str, ...] = ()
    available_currencies: tuple[str, ...] = ()
    available_languages: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class LeftOutLine:
    """A cart line the new market cannot price: kept in the cart left behind, which comes back
    when the shopper switches back (docs/storefront-api.md)."""

    sku: str
    quantity: int
    name: str


@dataclass(frozen=True, slots=True)
class Money:
    cent_amount: int
    currency_code: str
    fraction_digits: int = 2


class OrderState(Enum):
    """commercetools' OrderState; the GraphQL enum has the member names."""

    OPEN = "Open"
    CONFIRMED = "Confirmed"
    COMPLETE = "Complete"
    CANCELLED = "Cancelled"


class PaymentState(Enum):
    BALANCE_DUE = "BalanceDue"
    FAILED = "Failed"
    PENDING = "Pending"
    CREDIT_OWED = "CreditOwed"
    PAID = "Paid"


class ShipmentState(Enum):
    SHIPPED = "Shipped"
    DELIVERED = "Delivered"
    READY = "Ready"
    PENDING = "Pending"
    DELAYED = "Delayed"
    PARTIAL = "Partial"
    BACKORDER = "Backorder"


class DiscountCodeState(Enum):
    NOT_ACTIVE = "NotActive"
    NOT_VALID = "NotValid"
    DOES_NOT_MATCH_CART = "DoesNotMatchCart"
    MATCHES_CART = "MatchesCart"
    MAX_APPLICATION_REACHED = "MaxApplicationReached"
    APPLICATION_STOPPED_BY_PREVIOUS_DISCOUNT = "ApplicationStoppedByPreviousDiscount"


@dataclass(frozen=True, slots=True)
class PageInfo:
    """Where a page sits in its list (commercetools pages by offset)."""

    offset: int
    limit: int
    total: int
    # How many items this page holds.
    count: int

    @property
    def has_next_page(self) -> bool:
        return self.offset + self.count < self.total

    @property
    def has_previous_page(self) -> bool:
        return self.offset > 0


@dataclass(frozen=True, slots=True)
class LineItem:
    """A line of a cart or an order (an order keeps its cart's line item ids)."""

    # Unique across the API (the cart's or order's id and the line item's own id).
    id: str
    line_item_id: str
    product_id: str
    product_slug: str | None
    # The variant's API-wide id (ProductVariant.id) and its number within the product.
    variant_id: str
    variant_number: int
    sku: str | None
    name: str
    image_url: str | None
    quantity: int
    unit_price: Money
    # The unit price after product and line-item discounts, when any applies.
    discounted_unit_price: Money | None
    total_price: Money


@dataclass(frozen=True, slots=True)
class TaxedPrice:
    total_net: Money
    total_gross: Money
    total_tax: Money


@dataclass(frozen=True, slots=True)
class ShippingInfo:
    """The shipping method a cart or order has, with the price it got there."""

    # None for a custom shipping method (a name and a rate without a ShippingMethod).
    shipping_method_id: str | None
    name: str
    price: Money


@dataclass(frozen=True, slots=True)
class ShippingMethod:
    """A way to ship the current cart, priced for it (GraphQL `ShippingOption`)."""

    shipping_method_id: str
    key: str | None
    name: str
    description: str | None
    # What shipping costs for the cart it was asked for (free above a threshold, if any).
    price: Money
    free_above: Money | None
    is_default: bool


@dataclass(frozen=True, slots=True)
class DiscountCodeInfo:
    # Unique per cart and code: the same code has a different state in another cart.
    id: str
    discount_code_id: str
    code: str
    state: DiscountCodeState


@dataclass(frozen=True, slots=True)
class Cart:
    id: str
    version: int
    currency_code: str
    country: str | None
    line_items: tuple[LineItem, ...]
    total_quantity: int
    # Sum of line items at their undiscounted price: what a storefront shows as "Subtotal".
    subtotal: Money
    # How much the discount codes and cart discounts take off the line items.
    discount: Money
    shipping_info: ShippingInfo | None
    shipping_price: Money | None
    total_price: Money
    taxed_price: TaxedPrice | None
    shipping_address: Address | None
    billing_address: Address | None
    email: str | None
    discount_codes: tuple[DiscountCodeInfo, ...]


@dataclass(frozen=True, slots=True)
class Order:
    id: str
    order_number: str | None
    created_at: dt.datetime
    order_state: OrderState
    payment_state: PaymentState | None
    shipment_state: ShipmentState | None
    currency_code: str
    line_items: tuple[LineItem, ...]
    total_quantity: int
    subtotal: Money
    discount: Money
    shipping_info: ShippingInfo | None
    shipping_price: Money | None
    total_price: Money
    taxed_price: TaxedPrice | None
    shipping_address: Address | None
    billing_address: Address | None
    email: str | None


@dataclass(frozen=True, slots=True)
class OrderList:
    page_info: PageInfo
    results: tuple[Order, ...]


@dataclass(frozen=True, slots=True)
class Address:
    """A postal address: a customer's saved one, or a cart's or an order's."""

    # Unique across the API: the owner's id and which of its addresses this is.
    id: str
    country: str
    # commercetools' id of a customer's saved address; None on a cart's or an order's.
    address_id: str | None = None
    first_name: str | None = None
    last_name: str | None = None
    company: str | None = None
    street_name: str | None = None
    street_number: str | None = None
    additional_street_info: str | None = None
    postal_code: str | None = None
    city: str | None = None
    region: str | None = None
    phone: str | None = None
    email: str | None = None


@dataclass(frozen=True, slots=True)
class SignedIn:
    """A sign-in or sign-up: the customer, and the lines of the merged cart that the shopper's
    market cannot price (moved to the cart left behind, not lost)."""

    customer: Customer
    left_out_lines: tuple[LeftOutLine, ...] = ()


@dataclass(frozen=True, slots=True)
class Customer:
    id: str
    email: str
    first_name: str | None
    last_name: str | None
    version: int = 0
    date_of_birth: dt.date | None = None
    is_email_verified: bool = False
    addresses: tuple[Address, ...] = ()
    default_shipping_address_id: str | None = None
    default_billing_address_id: str | None = None

    @property
    def default_shipping_address(self) -> Address | None:
        return self._address(self.default_shipping_address_id)

    @property
    def default_billing_address(self) -> Address | None:
        return self._address(self.default_billing_address_id)

    def _address(self, address_id: str | None) -> Address | None:
        return next((a for a in self.addresses if a.address_id == address_id), None)


# -- catalog (built by app.services.catalog_mapping) ----------------------------------------------


@dataclass(frozen=True, slots=True)
class ProductImage:
    url: str
    label: str | None
    width: int | None
    height: int | None


@dataclass(frozen=True, slots=True)
class ProductAttribute:
    name: str
    # Rendered for people: enum labels and localized text in the shopper's language.
    value: str


@dataclass(frozen=True, slots=True)
class ProductPrice:
    value: Money
    discounted: Money | None
    country: str | None
    valid_from: dt.datetime | None
    valid_until: dt.datetime | None


@dataclass(frozen=True, slots=True)
class ProductAvailability:
    is_on_stock: bool | None
    available_quantity: int | None
    restockable_in_days: int | None


@dataclass(frozen=True, slots=True)
class ProductVariant:
    # Unique across the API (product and variant number); commercetools' variant id is only
    # unique within its product.
    id: str
    variant_number: int
    sku: str | None
    key: str | None
    # commercetools' price selection for the shopper's currency and country, if any applies.
    price: Money | None
    discounted_price: Money | None
    prices: tuple[ProductPrice, ...]
    images: tuple[ProductImage, ...]
    attributes: tuple[ProductAttribute, ...]
    availability: ProductAvailability | None
    # Set by a search (does this variant match the filters?) and a lookup by SKU; else None.
    is_matching_variant: bool | None


@dataclass(frozen=True, slots=True)
class CategoryTree:
    """Every category of the project by id; the graph `Category` navigates without I/O."""

    by_id: dict[str, Category]
    child_ids: dict[str, tuple[str, ...]]
    root_ids: tuple[str, ...]

    @property
    def roots(self) -> tuple[Category, ...]:
        return self.known(self.root_ids)

    def known(self, ids: tuple[str, ...]) -> tuple[Category, ...]:
        return tuple(self.by_id[i] for i in ids if i in self.by_id)


@dataclass(frozen=True, slots=True)
class Category:
    id: str
    key: str | None
    slug: str
    name: str
    description: str | None
    order_hint: str | None
    parent_id: str | None
    ancestor_ids: tuple[str, ...]
    tree: CategoryTree = field(repr=False, compare=False)

    @property
    def parent(self) -> Category | None:
        return self.tree.by_id.get(self.parent_id) if self.parent_id else None

    @property
    def children(self) -> tuple[Category, ...]:
        return self.tree.known(self.tree.child_ids.get(self.id, ()))

    @property
    def ancestors(self) -> tuple[Category, ...]:
        return self.tree.known(self.ancestor_ids)


@dataclass(frozen=True, slots=True)
class Product:
    id: str
    key: str | None
    slug: str
    name: str
    description: str | None
    meta_title: str | None
    meta_description: str | None
    categories: tuple[Category, ...]
    master_variant: ProductVariant
    # All variants, the master variant first (commercetools' `variants` leaves it out).
    variants: tuple[ProductVariant, ...]


@dataclass(frozen=True, slots=True)
class FacetTerm:
    term: str
    label: str
    count: int
    selected: bool


class FacetKind(Enum):
    """How a storefront offers a facet's terms."""

    # Values a product has (a colour, a size, a category): pick any number of them.
    VALUES = "VALUES"
    # Ranges of a number (a price): pick any number of ranges.
    RANGES = "RANGES"


@dataclass(frozen=True, slots=True)
class Facet:
    name: str
    label: str
    kind: FacetKind
    terms: tuple[FacetTerm, ...]


@dataclass(frozen=True, slots=True)
class ProductSearchResult:
    page_info: PageInfo
    results: tuple[Product, ...]
    facets: tuple[Facet, ...]


@dataclass(frozen=True, slots=True)
class PredictiveSearchResult:
    products: tuple[Product, ...]
    categories: tuple[Category, ...]


@dataclass(frozen=True, slots=True)
class WishlistLineItem:
    id: str
    line_item_id: str
    product_id: str
    product_slug: str | None
    sku: str | None
    name: str
    image_url: str | None
    price: Money | None
    added_at: dt.datetime


@dataclass(frozen=True, slots=True)
class Wishlist:
    id: str
    line_items: tuple[WishlistLineItem, ...]


@dataclass(frozen=True, slots=True)
class Payment:
    """The shopper's payment for the cart: the commercetools Payment, with the provider's state
    and what the browser needs to confirm it."""

    id: str
    status: PaymentStatus
    amount: Money
    method: str
    # Stripe.js confirms with these; null once the payment is settled or cancelled.
    client_secret: str | None
    publishable_key: str | None
    redirect_url: str | None
    decline_message: str | None
