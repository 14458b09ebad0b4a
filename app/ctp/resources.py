"""What the service reads of commercetools' resources, typed once.

Keys and their optionality follow commercetools' HTTP API reference: a field the reference always
includes in the representation is a required key, one it may leave out is `NotRequired`. Only
fields this service reads are declared; commercetools sends many more, and they pass through
untouched. The JSON is used as decoded (no copy, no validation pass on the hot path), so these
types are a contract checked statically: the mapping code reads them as declared, and JSON that
breaks them surfaces as `MalformedUpstreamData` where it is read (`app.services.mapping`).
"""

from __future__ import annotations

from typing import Any, Generic, NotRequired, TypedDict, TypeVar

T = TypeVar("T")

# Locale (IETF language tag) -> text.
LocalizedString = dict[str, str]


class TypedMoney(TypedDict):
    """CentPrecisionMoney, or HighPrecisionMoney (whose centAmount is the rounded amount)."""

    centAmount: int
    currencyCode: str
    fractionDigits: int


class Reference(TypedDict):
    id: str


class Address(TypedDict):
    """BaseAddress: only the country is always there."""

    country: str
    id: NotRequired[str]
    key: NotRequired[str]
    firstName: NotRequired[str]
    lastName: NotRequired[str]
    company: NotRequired[str]
    streetName: NotRequired[str]
    streetNumber: NotRequired[str]
    additionalStreetInfo: NotRequired[str]
    postalCode: NotRequired[str]
    city: NotRequired[str]
    region: NotRequired[str]
    phone: NotRequired[str]
    email: NotRequired[str]


# -- products -----------------------------------------------------------------------------------


class DiscountedPrice(TypedDict):
    value: TypedMoney


class Price(TypedDict):
    value: TypedMoney
    country: NotRequired[str]
    validFrom: NotRequired[str]
    validUntil: NotRequired[str]
    discounted: NotRequired[DiscountedPrice]


class ScopedPrice(TypedDict):
    """The price a product search with price selection chose for a variant."""

    value: TypedMoney
    discounted: NotRequired[DiscountedPrice]


class ImageDimensions(TypedDict):
    w: int
    h: int


class Image(TypedDict):
    url: str
    dimensions: ImageDimensions
    label: NotRequired[str]


class Attribute(TypedDict):
    name: str
    # Its shape is set by the product type's AttributeDefinition, which the service never reads:
    # text, number, boolean, enum, LocalizedString, money, reference, a set or nested of those.
    value: Any


class ProductVariantAvailability(TypedDict):
    isOnStock: bool
    availableQuantity: NotRequired[int]
    restockableInDays: NotRequired[int]


class ProductVariant(TypedDict):
    id: int
    sku: NotRequired[str]
    key: NotRequired[str]
    prices: NotRequired[list[Price]]
    # Price selection: present when the request named a currency and a price applies.
    price: NotRequired[Price]
    scopedPrice: NotRequired[ScopedPrice]
    images: NotRequired[list[Image]]
    attributes: NotRequired[list[Attribute]]
    availability: NotRequired[ProductVariantAvailability]


class ProductProjection(TypedDict):
    id: str
    key: NotRequired[str]
    name: LocalizedString
    slug: LocalizedString
    description: NotRequired[LocalizedString]
    metaTitle: NotRequired[LocalizedString]
    metaDescription: NotRequired[LocalizedString]
    categories: list[Reference]
    masterVariant: ProductVariant
    variants: list[ProductVariant]


class Category(TypedDict):
    id: str
    key: NotRequired[str]
    name: LocalizedString
    slug: LocalizedString
    description: NotRequired[LocalizedString]
    # A decimal between 0 and 1 as a string, ordering siblings.
    orderHint: str
    parent: NotRequired[Reference]
    ancestors: list[Reference]


# Product Search (types/product-search): ids, matching variants and facet buckets.


class ProductSearchMatchingVariantEntry(TypedDict):
    id: int
    sku: NotRequired[str]


class ProductSearchMatchingVariants(TypedDict):
    # True when every variant matches, or the search named no variant field; then
    # matchedVariants is empty.
    allMatched: bool
    matchedVariants: list[ProductSearchMatchingVariantEntry]


class ProductSearchResult(TypedDict):
    id: str
    # Only with markMatchingVariants.
    matchingVariants: NotRequired[ProductSearchMatchingVariants]


class ProductSearchFacetResultBucketEntry(TypedDict):
    key: str
    count: int


class ProductSearchFacetResult(TypedDict):
    """ProductSearchFacetResultBucket: the distinct and ranges facets the service asks for
    (count and stats facets have no buckets, and the service asks for none)."""

    name: str
    buckets: list[ProductSearchFacetResultBucketEntry]


class ProductPagedSearchResponse(TypedDict):
    total: int
    offset: int
    limit: int
    facets: list[ProductSearchFacetResult]
    results: list[ProductSearchResult]


class PagedQueryResponse(TypedDict, Generic[T]):
    results: list[T]
    # Left out only when the request says `withTotal=false`.
    total: NotRequired[int]


# -- carts and orders ---------------------------------------------------------------------------


class DiscountedLineItemPrice(TypedDict):
    value: TypedMoney


class DiscountedLineItemPriceForQuantity(TypedDict):
    quantity: int
    discountedPrice: DiscountedLineItemPrice


class LineItem(TypedDict):
    id: str
    productId: str
    name: LocalizedString
    # Left out once the product is deleted.
    productSlug: NotRequired[LocalizedString]
    variant: ProductVariant
    price: Price
    quantity: int
    totalPrice: TypedMoney
    discountedPricePerQuantity: list[DiscountedLineItemPriceForQuantity]


class TaxedPrice(TypedDict):
    totalNet: TypedMoney
    totalGross: TypedMoney
    # Optional in the reference, and defined as totalGross - totalNet.
    totalTax: NotRequired[TypedMoney]


class ShippingRate(TypedDict):
    price: TypedMoney
    freeAbove: NotRequired[TypedMoney]
    # Only in answers of `matching-cart`/`matching-location` and friends.
    isMatching: NotRequired[bool]


class ShippingInfo(TypedDict):
    shippingMethodName: str
    price: TypedMoney
    shippingRate: ShippingRate
    # Left out for a custom shipping method (a name and a rate, no ShippingMethod behind it).
    shippingMethod: NotRequired[Reference]


class DiscountCode(TypedDict):
    code: str


class DiscountCodeReference(TypedDict):
    id: str
    # Only with `expand=discountCodes[*].discountCode`.
    obj: NotRequired[DiscountCode]


class DiscountCodeInfo(TypedDict):
    discountCode: DiscountCodeReference
    # DiscountCodeState: MatchesCart, DoesNotMatchCart, NotActive, ...
    state: str


class PaymentInfo(TypedDict):
    payments: list[Reference]


class _Priced(TypedDict):
    """What a Cart and the Order made from it share."""

    id: str
    version: int
    lineItems: list[LineItem]
    totalPrice: TypedMoney
    taxedPrice: NotRequired[TaxedPrice]
    shippingInfo: NotRequired[ShippingInfo]
    shippingAddress: NotRequired[Address]
    billingAddress: NotRequired[Address]
    customerEmail: NotRequired[str]
    country: NotRequired[str]
    locale: NotRequired[str]
    paymentInfo: NotRequired[PaymentInfo]


class StoreKeyReference(TypedDict):
    key: str


class Cart(_Priced):
    # CartState: Active, Merged, Ordered, Frozen.
    cartState: str
    discountCodes: list[DiscountCodeInfo]
    # Set on carts of a Store (created through its in-store endpoints).
    store: NotRequired[StoreKeyReference]


class Order(_Priced):
    orderNumber: NotRequired[str]
    createdAt: str
    # OrderState: Open, Confirmed, Complete, Cancelled.
    orderState: str
    # PaymentState and ShipmentState: absent until the merchant or an integration sets them.
    paymentState: NotRequired[str]
    shipmentState: NotRequired[str]


# -- customers ----------------------------------------------------------------------------------


class Customer(TypedDict):
    id: str
    version: int
    email: str
    firstName: NotRequired[str]
    lastName: NotRequired[str]
    # ISO 8601 date, YYYY-MM-DD.
    dateOfBirth: NotRequired[str]
    isEmailVerified: bool
    addresses: list[Address]
    defaultShippingAddressId: NotRequired[str]
    defaultBillingAddressId: NotRequired[str]


class CustomerSignInResult(TypedDict):
    customer: Customer
    cart: NotRequired[Cart]


# -- shopping lists and shipping methods --------------------------------------------------------


class ShoppingListLineItem(TypedDict):
    id: str
    productId: str
    name: LocalizedString
    addedAt: str
    # Both only with `expand=lineItems[*].variant` / `expand=lineItems[*].productSlug`.
    variant: NotRequired[ProductVariant]
    productSlug: NotRequired[LocalizedString]


class ShoppingList(TypedDict):
    id: str
    version: int
    lineItems: list[ShoppingListLineItem]


class ZoneRate(TypedDict):
    shippingRates: list[ShippingRate]


class ShippingMethod(TypedDict):
    id: str
    key: NotRequired[str]
    name: str
    localizedName: NotRequired[LocalizedString]
    localizedDescription: NotRequired[LocalizedString]
    zoneRates: list[ZoneRate]
    isDefault: bool


class Project(TypedDict):
    """`GET /{projectKey}`: what the project allows."""

    key: str
    countries: list[str]
    currencies: list[str]
    languages: list[str]


class StoreCountry(TypedDict):
    code: str


class ProductSelectionSetting(TypedDict):
    productSelection: Reference
    active: bool


class Store(TypedDict):
    id: str
    key: str
    name: NotRequired[LocalizedString]
    languages: NotRequired[list[str]]
    countries: NotRequired[list[StoreCountry]]
    distributionChannels: list[Reference]
    productSelections: NotRequired[list[ProductSelectionSetting]]
