"""The storefront's view of commercetools data: small, typed, already localized.

Built from raw commercetools JSON by `app.services.mapping`; GraphQL resolves fields from these
attributes directly (snake_case, converted to camelCase by the schema layer).
"""

from __future__ import annotations

from dataclasses import dataclass, field


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
    product_slug: str | None
    variant_id: int
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
class ShippingMethod:
    id: str
    key: str | None
    name: str
    description: str | None
    # What shipping costs for the cart it was asked for (free above a threshold, if any).
    price: Money
    free_above: Money | None
    is_default: bool


@dataclass(frozen=True, slots=True)
class DiscountCodeInfo:
    id: str
    code: str
    # commercetools' DiscountCodeState: MatchesCart, DoesNotMatchCart, NotActive, ...
    state: str


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
    shipping_method: ShippingMethod | None
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
    created_at: str
    order_state: str
    currency_code: str
    line_items: tuple[LineItem, ...]
    total_quantity: int
    subtotal: Money
    discount: Money
    shipping_method: ShippingMethod | None
    shipping_price: Money | None
    total_price: Money
    taxed_price: TaxedPrice | None
    shipping_address: Address | None
    billing_address: Address | None
    email: str | None


@dataclass(frozen=True, slots=True)
class OrderList:
    total: int
    limit: int
    offset: int
    results: tuple[Order, ...]


@dataclass(frozen=True, slots=True)
class Address:
    """A postal address; `id` is set on a customer's saved addresses."""

    country: str
    id: str | None = None
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
class Customer:
    id: str
    email: str
    first_name: str | None
    last_name: str | None
    version: int = 0
    date_of_birth: str | None = None  # ISO 8601 date, YYYY-MM-DD
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
        return next((a for a in self.addresses if a.id == address_id), None)


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
    valid_from: str | None
    valid_until: str | None


@dataclass(frozen=True, slots=True)
class ProductAvailability:
    is_on_stock: bool | None
    available_quantity: int | None
    restockable_in_days: int | None


@dataclass(frozen=True, slots=True)
class ProductVariant:
    id: int
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


@dataclass(frozen=True, slots=True)
class Facet:
    name: str
    terms: tuple[FacetTerm, ...]


@dataclass(frozen=True, slots=True)
class ProductSearchResult:
    total: int
    offset: int
    limit: int
    results: tuple[Product, ...]
    facets: tuple[Facet, ...]


@dataclass(frozen=True, slots=True)
class WishlistItem:
    id: str
    product_id: str
    product_slug: str | None
    sku: str | None
    name: str
    image_url: str | None
    price: Money | None
    added_at: str


@dataclass(frozen=True, slots=True)
class Wishlist:
    id: str
    items: tuple[WishlistItem, ...]
