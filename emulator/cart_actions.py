"""Cart update actions (CartUpdateAction and MyCartUpdateAction): one function per action,
each applying it to a working copy of a cart, and the tables that name them.

They change only the cart they are given (a copy: `carts.stage_update` stores it once every
action of a request succeeded) and read the catalog and the stored customers, never write them.
`build_cart` uses `add_line_item`, `add_discount_code` and `set_shipping_method` for the
matching CartDraft fields.
"""

from __future__ import annotations

from collections.abc import Callable

from emulator import pricing
from emulator.errors import (
    CtpApiError,
    invalid_input,
    invalid_operation,
    referenced_resource_not_found,
)
from emulator.jsonio import Json, opt_bool, opt_int, opt_str, req_int, req_obj, req_str
from emulator.markets.cart_rules import check_store_country, line_channels
from emulator.markets.membership import group_reference
from emulator.resources import (
    address_from_draft,
    country_code,
    money,
    reference,
    resource_identifier,
)
from emulator.state import Emulator

Action = Callable[[Emulator, Json, Json], None]


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


def add_line_item(emulator: Emulator, cart: Json, action: Json, path: str = "actions") -> None:
    sku = opt_str(action, "sku", path)
    product_id = opt_str(action, "productId", path)
    variant_id = opt_int(action, "variantId", path)
    quantity = _quantity(action, 1, 1) or 1
    key = opt_str(action, "key", path)
    product, variant = pricing.find_variant(emulator.catalog, sku, product_id, variant_id)
    channels = line_channels(emulator.catalog.markets, cart, action)
    for line in cart["lineItems"]:
        # Same variant, mode, channels and (absent) custom fields: only the quantity grows.
        if (
            line["productId"] == product["id"]
            and line["variant"]["id"] == variant["id"]
            and line.get("lineItemMode") == "Standard"
            and "custom" not in line
            and "custom" not in action
            and line.get("distributionChannel") == channels.get("distributionChannel")
            and line.get("supplyChannel") == channels.get("supplyChannel")
        ):
            pricing.set_quantity(line, int(line["quantity"]) + quantity)
            line["lastModifiedAt"] = emulator.now_iso()
            return
    line = pricing.new_line_item(emulator, cart, product, variant, quantity, channels)
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


def set_shipping_method(emulator: Emulator, cart: Json, action: Json) -> None:
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
        by = {"id": method_id} if method_id else {"key": method_key or ""}
        raise referenced_resource_not_found("shipping-method", **by)
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


def add_discount_code(emulator: Emulator, cart: Json, action: Json) -> None:
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
                line.update(pricing.product_data(emulator, *found, cart))


def _set_country(emulator: Emulator, cart: Json, action: Json) -> None:
    if action.get("country") is None:
        cart.pop("country", None)
    else:
        cart["country"] = country_code(action["country"], "actions -> country")
        check_store_country(emulator.catalog.markets, cart)


def _set_locale(emulator: Emulator, cart: Json, action: Json) -> None:
    locale = opt_str(action, "locale", "actions")
    if locale is None:
        cart.pop("locale", None)
    else:
        cart["locale"] = locale


def _set_delete_days(emulator: Emulator, cart: Json, action: Json) -> None:
    days = opt_int(action, "deleteDaysAfterLastModification", "actions")
    # Without a value the project's CartsConfiguration applies again, as in commercetools.
    cart["deleteDaysAfterLastModification"] = days or emulator.config.cart_delete_days


def _set_customer_id(emulator: Emulator, cart: Json, action: Json) -> None:
    customer_id = opt_str(action, "customerId", "actions")
    if customer_id is None:
        cart.pop("customerId", None)
        return
    if customer_id not in emulator.customers:
        raise referenced_resource_not_found("customer", id=customer_id)
    cart["customerId"] = customer_id


def _set_anonymous_id(emulator: Emulator, cart: Json, action: Json) -> None:
    anonymous_id = opt_str(action, "anonymousId", "actions")
    if anonymous_id is None:
        cart.pop("anonymousId", None)
    else:
        cart["anonymousId"] = anonymous_id


# MyCartUpdateAction: what a customer or anonymous session may do to its own cart.
def _payment_id(emulator: Emulator, action: Json) -> str:
    payment = req_obj(action, "payment", "actions")
    payment_id = req_str(payment, "id", "actions -> payment")
    if emulator.payments.get(payment_id) is None:
        raise referenced_resource_not_found("payment", id=payment_id)
    return payment_id


def _add_payment(emulator: Emulator, cart: Json, action: Json) -> None:
    payment_id = _payment_id(emulator, action)
    payments: list[Json] = cart.setdefault("paymentInfo", {"payments": []})["payments"]
    if any(p["id"] == payment_id for p in payments):
        raise invalid_operation(f"The payment '{payment_id}' is already in the cart.")
    payments.append(reference("payment", payment_id))


def _remove_payment(emulator: Emulator, cart: Json, action: Json) -> None:
    payment_id = _payment_id(emulator, action)
    payments: list[Json] = cart.get("paymentInfo", {}).get("payments", [])
    kept = [p for p in payments if p["id"] != payment_id]
    if len(kept) == len(payments):
        raise invalid_operation(f"The payment '{payment_id}' is not in the cart.")
    if kept:
        cart["paymentInfo"] = {"payments": kept}
    else:
        cart.pop("paymentInfo", None)


MY_CART_ACTIONS: dict[str, Action] = {
    "addPayment": _add_payment,
    "removePayment": _remove_payment,
    "addLineItem": add_line_item,
    "changeLineItemQuantity": _change_line_item_quantity,
    "removeLineItem": _remove_line_item,
    "setShippingAddress": _set_address("shippingAddress"),
    "setBillingAddress": _set_address("billingAddress"),
    "setCustomerEmail": _set_customer_email,
    "setShippingMethod": set_shipping_method,
    "addDiscountCode": add_discount_code,
    "removeDiscountCode": _remove_discount_code,
    "recalculate": _recalculate,
    "setCountry": _set_country,
    "setLocale": _set_locale,
    "setDeleteDaysAfterLastModification": _set_delete_days,
}


# CartUpdateAction: the above plus what only a trusted (backend) client may change.
def _set_customer_group(emulator: Emulator, cart: Json, action: Json) -> None:
    """CartSetCustomerGroupAction: only for a Cart without Customer (one with a Customer uses
    the Customer's group)."""
    if cart.get("customerId"):
        raise invalid_operation(
            "The Customer Group of a Cart with a Customer is the Customer's; "
            "setCustomerGroup needs a Cart without customerId."
        )
    if action.get("customerGroup") is None:
        cart.pop("customerGroup", None)
    else:
        cart["customerGroup"] = group_reference(
            emulator.catalog.markets, action["customerGroup"], "actions -> customerGroup"
        )


CART_ACTIONS: dict[str, Action] = {
    **MY_CART_ACTIONS,
    "setCustomerId": _set_customer_id,
    "setAnonymousId": _set_anonymous_id,
    "setCustomerGroup": _set_customer_group,
}
