"""Orders: creation from a Cart (which becomes `Ordered`), reading, querying; `/orders` routes.

Checks before ordering, as commercetools lists them for Create Order: the cart's version
(409), an `Active` cart, a shipping address, Discount Codes in state MatchesCart, a Shipping
Method that still matches, and a tax rate for every Line Item. The caller holds the lock.
"""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from emulator import carts
from emulator.auth import emulator_of, require_token
from emulator.errors import (
    CtpApiError,
    invalid_json,
    invalid_operation,
    not_found,
    referenced_resource_not_found,
)
from emulator.jsonio import Json, opt_obj, opt_str, read_object, req_int, req_str
from emulator.markets.cart_rules import check_store_country
from emulator.markets.store_context import in_store, scope
from emulator.query import paged_query, query_source
from emulator.resources import (
    changed,
    check_version,
    new_resource,
    reference,
    respond,
    working_copy,
)
from emulator.state import Emulator
from emulator.stores import ORDER_QUERY_HINTS

# Copied from the cart as they are (commercetools snapshots them on the Order).
_COPIED = (
    "customerId",
    "customerEmail",
    "anonymousId",
    "store",
    "customerGroup",
    "lineItems",
    "customLineItems",
    "totalPrice",
    "taxedPrice",
    "taxedShippingPrice",
    "paymentInfo",
    "discountOnTotalPrice",
    "taxMode",
    "priceRoundingMode",
    "taxRoundingMode",
    "taxCalculationMode",
    "inventoryMode",
    "billingAddress",
    "shippingAddress",
    "shippingMode",
    "shippingInfo",
    "shipping",
    "itemShippingAddresses",
    "discountCodes",
    "directDiscounts",
    "refusedGifts",
    "country",
    "locale",
    "origin",
)
_ORDER_STATES = ("Open", "Confirmed", "Complete", "Cancelled")
_SHIPMENT_STATES = ("Shipped", "Delivered", "Ready", "Pending", "Delayed", "Partial", "Backorder")
_PAYMENT_STATES = ("BalanceDue", "Failed", "Pending", "CreditOwed", "Paid")


def _check_orderable(emulator: Emulator, cart: Json) -> None:
    if cart["cartState"] != "Active":
        raise invalid_operation(
            f"The Cart '{cart['id']}' is in state '{cart['cartState']}' and cannot be ordered."
        )
    if not cart["lineItems"] and not cart["customLineItems"]:
        raise invalid_operation("A Cart without Line Items cannot be ordered.")
    address = cart.get("shippingAddress")
    if address is None:
        raise invalid_operation("The Cart must have a shipping address to be ordered.")
    for info in cart["discountCodes"]:
        if info["state"] not in {"MatchesCart", "ApplicationStoppedByGroupBestDeal"}:
            code_id = info["discountCode"]["id"]
            raise CtpApiError(
                400,
                "DiscountCodeNonApplicable",
                f"The discountCode {code_id} cannot be applied to the cart.",
                discountCodeId=code_id,
            )
    shipping = cart.get("shippingInfo")
    if shipping is not None and shipping.get("shippingMethodState") == "DoesNotMatchCart":
        raise CtpApiError(
            400,
            "ShippingMethodDoesNotMatchCart",
            "The Shipping Method of the Cart does not match the Cart.",
        )
    untaxed = [line for line in cart["lineItems"] if "taxRate" not in line]
    if untaxed or (shipping is not None and "taxRate" not in shipping):
        tax_category = emulator.catalog.tax_category_reference()
        raise CtpApiError(
            400,
            "MissingTaxRateForCountry",
            f"Tax category '{tax_category['id']}' is missing a tax rate for country "
            f"'{address['country']}'.",
            taxCategoryId=tax_category["id"],
            country=address["country"],
        )


def _enum(body: Json, field: str, allowed: tuple[str, ...]) -> str | None:
    value = opt_str(body, field)
    if value is not None and value not in allowed:
        raise invalid_json(
            f"{field}: Unknown value '{value}'; expected one of {', '.join(allowed)}."
        )
    return value


def create_order(emulator: Emulator, cart: Json, version: int, draft: Json) -> Json:
    """Order the cart: snapshot it into a new Order and mark the cart `Ordered`."""
    check_version(emulator, cart, version)
    _check_orderable(emulator, cart)
    order_number = opt_str(draft, "orderNumber")
    if order_number is not None and emulator.orders.first("orderNumber", order_number):
        raise CtpApiError(
            400,
            "DuplicateField",
            f"A duplicate value '\"{order_number}\"' exists for field 'orderNumber'.",
            field="orderNumber",
            duplicateValue=order_number,
        )
    snapshot = working_copy(cart)
    order: Json = {"type": "Order", **new_resource(emulator), "lastMessageSequenceNumber": 1}
    if order_number is not None:
        order["orderNumber"] = order_number
    purchase_order_number = opt_str(draft, "purchaseOrderNumber")
    if purchase_order_number is not None:
        order["purchaseOrderNumber"] = purchase_order_number
    for field in _COPIED:
        if field in snapshot:
            order[field] = snapshot[field]
    order["cart"] = reference("cart", cart["id"])
    order["orderState"] = _enum(draft, "orderState", _ORDER_STATES) or "Open"
    for field, allowed in (("shipmentState", _SHIPMENT_STATES), ("paymentState", _PAYMENT_STATES)):
        value = _enum(draft, field, allowed)
        if value is not None:
            order[field] = value
    order["syncInfo"] = []
    order["returnInfo"] = []
    stored: Json = emulator.hooks.before_commit("order", "Create", order)
    emulator.orders[stored["id"]] = stored
    ordered = working_copy(cart)
    ordered["cartState"] = "Ordered"
    carts.commit(emulator, changed(emulator, ordered), "Update")
    emulator.hooks.after_commit("order", "Create", stored, ["OrderCreated"])
    return stored


def cart_reference(draft: Json) -> str:
    """The cart id of an OrderFromCartDraft: `cart` (ResourceIdentifier) or deprecated `id`."""
    cart = opt_obj(draft, "cart")
    if cart is not None:
        return req_str(cart, "id", "cart")
    return req_str(draft, "id")


def get_order(emulator: Emulator, order_id: str) -> Json:
    order = emulator.orders.get(order_id)
    if order is None:
        raise not_found(order_id)
    return order


# -- /orders ------------------------------------------------------------------------------------


async def query_orders(request: Request) -> Response:
    token = require_token(request)
    store_key = scope(request, token, "view_orders")
    emulator = emulator_of(request)
    with emulator.lock:
        found = query_source(emulator.orders, request.query_params, ORDER_QUERY_HINTS)
        found = [order for order in found if in_store(order, store_key)]
        return respond(paged_query(found, request.query_params))


async def create(request: Request) -> Response:
    token = require_token(request)
    store_key = scope(request, token, "manage_orders")
    draft = await read_object(request)
    cart_id = cart_reference(draft)
    version = req_int(draft, "version")
    emulator = emulator_of(request)
    with emulator.lock:
        cart = emulator.carts.get(cart_id)
        if cart is None or not in_store(cart, store_key):
            raise referenced_resource_not_found("cart", id=cart_id)
        check_store_country(emulator.catalog.markets, cart)
        return respond(create_order(emulator, cart, version, draft), 201)


async def get_by_id(request: Request) -> Response:
    token = require_token(request)
    store_key = scope(request, token, "view_orders")
    emulator = emulator_of(request)
    with emulator.lock:
        order = get_order(emulator, request.path_params["id"])
        if not in_store(order, store_key):
            raise not_found(order["id"])
        return respond(order)


async def get_by_order_number(request: Request) -> Response:
    token = require_token(request)
    store_key = scope(request, token, "view_orders")
    emulator = emulator_of(request)
    number = request.path_params["orderNumber"]
    with emulator.lock:
        order = emulator.orders.first("orderNumber", number)
        if order is None or not in_store(order, store_key):
            raise not_found(number)
        return respond(order)


def routes() -> list[BaseRoute]:
    return [
        Route("/orders", query_orders, methods=["GET"]),
        Route("/orders", create, methods=["POST"]),
        Route("/orders/order-number={orderNumber}", get_by_order_number, methods=["GET"]),
        Route("/orders/{id}", get_by_id, methods=["GET"]),
    ]
