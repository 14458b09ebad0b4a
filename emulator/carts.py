"""Carts: creation from a CartDraft, update actions, deletion, and the `/carts` endpoints.

Every function here that touches stored carts expects the caller to hold `emulator.lock`;
the route handlers take it around their synchronous part. `/me/carts` (me.py) reuses the same
functions with `my=True`, which limits the update actions to those of MyCartUpdateAction.
"""

from __future__ import annotations

from collections.abc import Callable

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from emulator import extensions, pricing
from emulator.auth import emulator_of, require_scope, require_token
from emulator.errors import (
    CtpApiError,
    concurrent_modification,
    invalid_input,
    invalid_json,
    invalid_operation,
    not_found,
)
from emulator.expansion import expand_cart
from emulator.hooks import Action as HookAction
from emulator.jsonio import (
    Json,
    opt_bool,
    opt_int,
    opt_list,
    opt_objects,
    opt_str,
    read_object,
    req_int,
    req_obj,
    req_str,
    unknown_action,
    update_body,
)
from emulator.query import paged_query
from emulator.resources import (
    address_from_draft,
    changed,
    check_version,
    country_code,
    currency_code,
    money,
    new_resource,
    reference,
    resource_identifier,
    respond,
    working_copy,
)
from emulator.state import Emulator

Action = Callable[[Emulator, Json, Json], None]


# -- reading ------------------------------------------------------------------------------------


def get_cart(emulator: Emulator, cart_id: str) -> Json:
    cart = emulator.carts.get(cart_id)
    if cart is None:
        raise not_found(cart_id)
    return cart


def active_cart_of(
    emulator: Emulator, *, customer_id: str | None = None, anonymous_id: str | None = None
) -> Json | None:
    """The most recently modified Active cart (origin Customer) of a customer or session."""
    candidates = [
        cart
        for cart in emulator.carts.values()
        if cart["cartState"] == "Active"
        and cart.get("origin", "Customer") == "Customer"
        and (
            (customer_id is not None and cart.get("customerId") == customer_id)
            or (
                customer_id is None
                and anonymous_id is not None
                and cart.get("anonymousId") == anonymous_id
                and not cart.get("customerId")
            )
        )
    ]
    if not candidates:
        return None
    return max(candidates, key=lambda c: (c["lastModifiedAt"], c["version"]))


# -- creation -----------------------------------------------------------------------------------


def create_cart(
    emulator: Emulator,
    draft: Json,
    *,
    customer_id: str | None = None,
    anonymous_id: str | None = None,
    my: bool = False,
) -> Json:
    """Build, price and store a cart from a CartDraft (MyCartDraft when `my`)."""
    cart = build_cart(emulator, draft, customer_id=customer_id, anonymous_id=anonymous_id, my=my)
    return commit(emulator, cart, "Create")


def build_cart(
    emulator: Emulator,
    draft: Json,
    *,
    customer_id: str | None = None,
    anonymous_id: str | None = None,
    my: bool = False,
) -> Json:
    """The priced cart a CartDraft describes, not stored yet."""
    currency = currency_code(draft.get("currency"), "currency")
    if not my:
        customer_id = opt_str(draft, "customerId") or customer_id
        anonymous_id = opt_str(draft, "anonymousId") or anonymous_id
        if customer_id is not None and customer_id not in emulator.customers:
            raise CtpApiError(
                400,
                "ReferencedResourceNotFound",
                f"The referenced object of type 'customer' with identifier '{customer_id}' "
                "was not found.",
                typeId="customer",
                id=customer_id,
            )
    cart: Json = {"type": "Cart", **new_resource(emulator)}
    key = None if my else opt_str(draft, "key")
    if key is not None:
        cart["key"] = key
        _ensure_unique_key(emulator, cart)
    if customer_id is not None:
        cart["customerId"] = customer_id
    email = opt_str(draft, "customerEmail")
    if email is not None:
        cart["customerEmail"] = email
    if anonymous_id is not None:
        cart["anonymousId"] = anonymous_id
    cart.update(
        {
            "lineItems": [],
            "cartState": "Active",
            "totalPrice": money(currency, 0),
            "shippingMode": "Single",
            "shipping": [],
            "customLineItems": [],
            "discountCodes": [],
            "directDiscounts": [],
            "inventoryMode": "None",
            "taxMode": "Platform",
            "priceRoundingMode": "HalfEven",
            "taxRoundingMode": "HalfEven",
            "taxCalculationMode": "LineItemLevel",
            "deleteDaysAfterLastModification": opt_int(draft, "deleteDaysAfterLastModification")
            or 90,
            "refusedGifts": [],
            "origin": "Customer" if my else _origin(draft),
            "itemShippingAddresses": [],
        }
    )
    if draft.get("country") is not None:
        cart["country"] = country_code(draft["country"], "country")
    locale = opt_str(draft, "locale")
    if locale is not None:
        cart["locale"] = locale
    for field in ("shippingAddress", "billingAddress"):
        if draft.get(field) is not None:
            cart[field] = address_from_draft(draft[field], field)
    for index, line_draft in enumerate(opt_objects(draft, "lineItems")):
        _add_line_item(emulator, cart, line_draft, f"lineItems[{index}]")
    for code in opt_list(draft, "discountCodes"):
        if not isinstance(code, str):
            raise invalid_json("discountCodes: JSON string expected.")
        _add_discount_code(emulator, cart, {"code": code})
    if draft.get("shippingMethod") is not None:
        _set_shipping_method(emulator, cart, {"shippingMethod": draft["shippingMethod"]})
    pricing.recalculate(emulator, cart)
    return cart


def _ensure_unique_key(emulator: Emulator, cart: Json) -> None:
    key = cart.get("key")
    if key is not None and any(
        c.get("key") == key and c["id"] != cart["id"] for c in emulator.carts.values()
    ):
        raise CtpApiError(
            400,
            "DuplicateField",
            f"A duplicate value '\"{key}\"' exists for field 'key'.",
            field="key",
            duplicateValue=key,
        )


_ORIGINS = ("Customer", "Merchant", "Quote", "RecurringOrder")


def _origin(draft: Json) -> str:
    origin = opt_str(draft, "origin") or "Customer"
    if origin not in _ORIGINS:
        raise invalid_json(
            f"origin: Unknown value '{origin}'; expected one of {', '.join(_ORIGINS)}."
        )
    return origin


def commit(emulator: Emulator, cart: Json, action: HookAction) -> Json:
    """Store the cart, passing the API Extension and Subscription hooks."""
    stored: Json = emulator.hooks.before_commit("cart", action, cart)
    emulator.carts[stored["id"]] = stored
    emulator.hooks.after_commit("cart", action, stored, [])
    return stored


# -- API Extensions: called between computing a change and storing it, without the lock ---------


async def create_cart_extended(emulator: Emulator, build: Callable[[], Json]) -> Json:
    """Create a cart as `build()` (called under the lock) describes it, passing it through the
    API Extensions it triggers. Without any, this is `create_cart` in one locked section."""
    with emulator.lock:
        cart = build()
        calls = extensions.triggered(emulator, "cart", "Create", cart)
        if not calls:
            return commit(emulator, cart, "Create")
    answers = await extensions.call(calls, "Create", "cart", cart)
    with emulator.lock:
        cart = _with_extension_actions(emulator, cart, answers)
        _ensure_unique_key(emulator, cart)  # another request may have taken the key meanwhile
        return commit(emulator, cart, "Create")


async def update_cart_extended(
    emulator: Emulator,
    load: Callable[[], Json],
    version: int,
    actions: list[Json],
    *,
    my: bool = False,
) -> Json:
    """`update_cart` passing the API Extensions it triggers. `load()` (under the lock) reads
    the cart; it is read again after the extensions answered, and a cart changed meanwhile
    answers 409 ConcurrentModification, as the request's version no longer matches."""
    with emulator.lock:
        cart = load()
        staged = stage_update(emulator, cart, version, actions, my=my)
        if staged is None:
            return cart
        calls = extensions.triggered(emulator, "cart", "Update", staged)
        if not calls:
            return commit(emulator, staged, "Update")
    answers = await extensions.call(calls, "Update", "cart", staged)
    with emulator.lock:
        current = load()
        if current["version"] != cart["version"]:
            raise concurrent_modification(current["id"], version, int(current["version"]))
        return commit(emulator, _with_extension_actions(emulator, staged, answers), "Update")


def _with_extension_actions(
    emulator: Emulator, cart: Json, answers: list[extensions.Answer]
) -> Json:
    if not any(answer.actions for answer in answers):
        return cart
    # Extensions act with the full CartUpdateAction set, whoever made the request.
    work = extensions.apply_actions(emulator, cart, answers, CART_ACTIONS)
    pricing.recalculate(emulator, work)
    return work


# -- update actions -----------------------------------------------------------------------------


def _line_by(cart: Json, action: Json) -> Json:
    line_id = opt_str(action, "lineItemId", "actions")
    line_key = opt_str(action, "lineItemKey", "actions")
    if line_id is None and line_key is None:
        raise invalid_input("Either 'lineItemId' or 'lineItemKey' is required.")
    lines: list[Json] = cart["lineItems"]
    for line in lines:
        if (line_id is not None and line["id"] == line_id) or (
            line_id is None and line.get("key") == line_key
        ):
            return line
    raise invalid_input(f"The Cart does not contain a LineItem with ID '{line_id or line_key}'.")


def _quantity(action: Json, default: int | None, minimum: int) -> int | None:
    quantity = opt_int(action, "quantity", "actions")
    if quantity is None:
        return default
    if quantity < minimum:
        raise invalid_input(f"Invalid quantity {quantity}: it must be at least {minimum}.")
    return quantity


def _add_line_item(emulator: Emulator, cart: Json, action: Json, path: str = "actions") -> None:
    sku = opt_str(action, "sku", path)
    product_id = opt_str(action, "productId", path)
    variant_id = opt_int(action, "variantId", path)
    quantity = _quantity(action, 1, 1) or 1
    key = opt_str(action, "key", path)
    product, variant = pricing.find_variant(emulator.catalog, sku, product_id, variant_id)
    for line in cart["lineItems"]:
        # Same variant, mode and (absent) custom fields/channels: only the quantity grows.
        if (
            line["productId"] == product["id"]
            and line["variant"]["id"] == variant["id"]
            and line.get("lineItemMode") == "Standard"
            and "custom" not in line
            and "custom" not in action
        ):
            pricing.set_quantity(line, int(line["quantity"]) + quantity)
            line["lastModifiedAt"] = emulator.now_iso()
            return
    line = pricing.new_line_item(emulator, cart, product, variant, quantity)
    if key is not None:
        line = {"id": line["id"], "key": key, **{k: v for k, v in line.items() if k != "id"}}
    cart["lineItems"].append(line)


def _change_line_item_quantity(emulator: Emulator, cart: Json, action: Json) -> None:
    quantity = req_int(action, "quantity", "actions")
    line = _line_by(cart, action)
    if quantity < 0:
        raise invalid_input(f"Invalid quantity {quantity}: it must be at least 0.")
    if quantity == 0:
        cart["lineItems"].remove(line)
        return
    pricing.set_quantity(line, quantity)
    line["lastModifiedAt"] = emulator.now_iso()


def _remove_line_item(emulator: Emulator, cart: Json, action: Json) -> None:
    line = _line_by(cart, action)
    quantity = _quantity(action, None, 1)
    if quantity is None or quantity >= int(line["quantity"]):
        cart["lineItems"].remove(line)
        return
    pricing.set_quantity(line, int(line["quantity"]) - quantity)
    line["lastModifiedAt"] = emulator.now_iso()


def _set_address(field: str) -> Action:
    def apply(emulator: Emulator, cart: Json, action: Json) -> None:
        if action.get("address") is None:
            cart.pop(field, None)
        else:
            cart[field] = address_from_draft(action["address"], "actions -> address")

    return apply


def _set_customer_email(emulator: Emulator, cart: Json, action: Json) -> None:
    email = opt_str(action, "email", "actions")
    if email is None:
        cart.pop("customerEmail", None)
    else:
        cart["customerEmail"] = email


def _set_shipping_method(emulator: Emulator, cart: Json, action: Json) -> None:
    if action.get("shippingMethod") is None:
        cart.pop("shippingInfo", None)
        return
    method_id, method_key = resource_identifier(action["shippingMethod"], "shippingMethod")
    catalog = emulator.catalog
    method = (
        catalog.shipping_method(method_id)
        if method_id is not None
        else catalog.shipping_method_by_key(method_key or "")
    )
    if method is None:
        identifier = method_id or method_key
        raise CtpApiError(
            400,
            "ReferencedResourceNotFound",
            f"The referenced object of type 'shipping-method' with identifier '{identifier}' "
            "was not found.",
            typeId="shipping-method",
            **({"id": method_id} if method_id else {"key": method_key}),
        )
    if not method.get("active", True):
        raise invalid_operation(f"The Shipping Method '{method['id']}' is not active.")
    address = cart.get("shippingAddress")
    if address is None:
        raise invalid_operation("The Cart needs a shipping address to set a Shipping Method.")
    currency = cart["totalPrice"]["currencyCode"]
    if catalog.shipping_rate(method, address["country"], currency, 0) is None:
        raise invalid_operation(
            f"The Shipping Method '{method['id']}' has no shipping rate for country "
            f"{address['country']} and currency {currency}."
        )
    cart["shippingInfo"] = {
        "shippingMethodName": method.get("name", ""),
        "price": money(currency, 0),
        "shippingRate": {},
        "shippingMethod": reference("shipping-method", method["id"]),
        "deliveries": [],
        "shippingMethodState": "MatchesCart",
    }


def _add_discount_code(emulator: Emulator, cart: Json, action: Json) -> None:
    code_text = req_str(action, "code", "actions")
    code = emulator.catalog.discount_code_by_code(code_text)
    if code is None:
        raise CtpApiError(
            400,
            "DiscountCodeNonApplicable",
            f"The discount code '{code_text}' was not found.",
            discountCode=code_text,
            reason="DoesNotExist",
        )
    if any(info["discountCode"]["id"] == code["id"] for info in cart["discountCodes"]):
        return
    state, _ = pricing.discount_code_state(emulator, code, cart)
    if state in {"NotActive", "NotValid"}:
        extra: Json = {"discountCode": code_text, "discountCodeId": code["id"]}
        if state == "NotValid":
            extra["reason"] = "TimeRangeNonApplicable"
            extra.update({k: code[k] for k in ("validFrom", "validUntil") if k in code})
            extra["validityCheckTime"] = emulator.now_iso()
        raise CtpApiError(
            400,
            "DiscountCodeNonApplicable",
            f"The discountCode {code['id']} cannot be applied to the cart.",
            **extra,
        )
    cart["discountCodes"].append(
        {"discountCode": reference("discount-code", code["id"]), "state": state}
    )


def _remove_discount_code(emulator: Emulator, cart: Json, action: Json) -> None:
    target = req_obj(action, "discountCode", "actions")
    code_id = req_str(target, "id", "actions -> discountCode")
    remaining = [i for i in cart["discountCodes"] if i["discountCode"]["id"] != code_id]
    if len(remaining) == len(cart["discountCodes"]):
        raise invalid_input(f"The Cart does not contain the Discount Code '{code_id}'.")
    cart["discountCodes"] = remaining


def _recalculate(emulator: Emulator, cart: Json, action: Json) -> None:
    # Prices are selected again by every recalculation; this also refreshes product data.
    if opt_bool(action, "updateProductData", "actions"):
        for line in cart["lineItems"]:
            found = emulator.catalog.find_variant(line["productId"], line["variant"]["id"])
            if found is not None:
                product, variant = found
                line["name"] = dict(product["name"])
                line["productSlug"] = dict(product.get("slug", {}))
                line["variant"] = working_copy(variant)


def _set_country(emulator: Emulator, cart: Json, action: Json) -> None:
    if action.get("country") is None:
        cart.pop("country", None)
    else:
        cart["country"] = country_code(action["country"], "actions -> country")


def _set_locale(emulator: Emulator, cart: Json, action: Json) -> None:
    locale = opt_str(action, "locale", "actions")
    if locale is None:
        cart.pop("locale", None)
    else:
        cart["locale"] = locale


def _set_delete_days(emulator: Emulator, cart: Json, action: Json) -> None:
    days = opt_int(action, "deleteDaysAfterLastModification", "actions")
    cart["deleteDaysAfterLastModification"] = days or 90


def _set_customer_id(emulator: Emulator, cart: Json, action: Json) -> None:
    customer_id = opt_str(action, "customerId", "actions")
    if customer_id is None:
        cart.pop("customerId", None)
        return
    if customer_id not in emulator.customers:
        raise CtpApiError(
            400,
            "ReferencedResourceNotFound",
            f"The referenced object of type 'customer' with identifier '{customer_id}' "
            "was not found.",
            typeId="customer",
            id=customer_id,
        )
    cart["customerId"] = customer_id


def _set_anonymous_id(emulator: Emulator, cart: Json, action: Json) -> None:
    anonymous_id = opt_str(action, "anonymousId", "actions")
    if anonymous_id is None:
        cart.pop("anonymousId", None)
    else:
        cart["anonymousId"] = anonymous_id


# MyCartUpdateAction: what a customer or anonymous session may do to its own cart.
MY_CART_ACTIONS: dict[str, Action] = {
    "addLineItem": _add_line_item,
    "changeLineItemQuantity": _change_line_item_quantity,
    "removeLineItem": _remove_line_item,
    "setShippingAddress": _set_address("shippingAddress"),
    "setBillingAddress": _set_address("billingAddress"),
    "setCustomerEmail": _set_customer_email,
    "setShippingMethod": _set_shipping_method,
    "addDiscountCode": _add_discount_code,
    "removeDiscountCode": _remove_discount_code,
    "recalculate": _recalculate,
    "setCountry": _set_country,
    "setLocale": _set_locale,
    "setDeleteDaysAfterLastModification": _set_delete_days,
}
# CartUpdateAction: the above plus what only a trusted (backend) client may change.
CART_ACTIONS: dict[str, Action] = {
    **MY_CART_ACTIONS,
    "setCustomerId": _set_customer_id,
    "setAnonymousId": _set_anonymous_id,
}


def update_cart(
    emulator: Emulator, cart: Json, version: int, actions: list[Json], *, my: bool = False
) -> Json:
    """Apply update actions atomically: all succeed and are stored, or nothing changes."""
    staged = stage_update(emulator, cart, version, actions, my=my)
    return cart if staged is None else commit(emulator, staged, "Update")


def stage_update(
    emulator: Emulator, cart: Json, version: int, actions: list[Json], *, my: bool = False
) -> Json | None:
    """The updated cart, not stored yet; None when there are no actions."""
    check_version(emulator, cart, version)
    if cart["cartState"] != "Active" and actions:
        raise invalid_operation(
            f"The Cart '{cart['id']}' is in state '{cart['cartState']}' and cannot be updated."
        )
    table = MY_CART_ACTIONS if my else CART_ACTIONS
    work = working_copy(cart)
    for action in actions:
        handler = table.get(str(action["action"]))
        if handler is None:
            raise unknown_action(action)
        handler(emulator, work, action)
    if not actions:
        return None
    pricing.recalculate(emulator, work)
    return changed(emulator, work)


def delete_cart(emulator: Emulator, cart: Json, version: int) -> Json:
    check_version(emulator, cart, version)
    emulator.carts.pop(cart["id"], None)
    return cart


def version_param(request: Request) -> int:
    raw = request.query_params.get("version")
    if raw is None:
        raise invalid_input("Missing required query parameter 'version'.")
    try:
        return int(raw)
    except ValueError:
        raise invalid_input(f"Malformed parameter: version: '{raw}' is not a number.") from None


# -- /carts -------------------------------------------------------------------------------------


async def query_carts(request: Request) -> Response:
    token = require_token(request)
    require_scope(token, "view_orders")
    emulator = emulator_of(request)
    with emulator.lock:
        return respond(paged_query(list(emulator.carts.values()), request.query_params))


async def create(request: Request) -> Response:
    token = require_token(request)
    require_scope(token, "manage_orders")
    draft = await read_object(request)
    emulator = emulator_of(request)
    cart = await create_cart_extended(emulator, lambda: build_cart(emulator, draft))
    with emulator.lock:
        return respond(expand_cart(emulator, cart, request), 201)


async def get_by_id(request: Request) -> Response:
    token = require_token(request)
    require_scope(token, "view_orders")
    emulator = emulator_of(request)
    with emulator.lock:
        cart = get_cart(emulator, request.path_params["id"])
        return respond(expand_cart(emulator, cart, request))


async def get_by_customer(request: Request) -> Response:
    token = require_token(request)
    require_scope(token, "view_orders")
    emulator = emulator_of(request)
    customer_id = request.path_params["customerId"]
    with emulator.lock:
        cart = active_cart_of(emulator, customer_id=customer_id)
        if cart is None:
            raise CtpApiError(
                404, "ResourceNotFound", f"No active cart of the customer '{customer_id}' exists."
            )
        return respond(cart)


async def update(request: Request) -> Response:
    token = require_token(request)
    require_scope(token, "manage_orders")
    body = await read_object(request)
    version, actions = update_body(body)
    emulator = emulator_of(request)
    cart_id = request.path_params["id"]
    updated = await update_cart_extended(
        emulator, lambda: get_cart(emulator, cart_id), version, actions
    )
    with emulator.lock:
        return respond(expand_cart(emulator, updated, request))


async def delete(request: Request) -> Response:
    token = require_token(request)
    require_scope(token, "manage_orders")
    version = version_param(request)
    emulator = emulator_of(request)
    with emulator.lock:
        cart = get_cart(emulator, request.path_params["id"])
        return respond(delete_cart(emulator, cart, version))


def routes() -> list[BaseRoute]:
    return [
        Route("/carts", query_carts, methods=["GET"]),
        Route("/carts", create, methods=["POST"]),
        Route("/carts/customer-id={customerId}", get_by_customer, methods=["GET"]),
        Route("/carts/{id}", get_by_id, methods=["GET"]),
        Route("/carts/{id}", update, methods=["POST"]),
        Route("/carts/{id}", delete, methods=["DELETE"]),
    ]
