"""Carts as stored resources: building one from a CartDraft, staging and storing updates,
passing the API Extensions they trigger, deleting, and finding a session's active cart.

Every function here that touches stored carts expects the caller to hold `emulator.lock`,
except the `*_extended` ones, which take it themselves around their synchronous parts. The
update actions are in cart_actions.py, the `/carts` endpoints in cart_routes.py; `/me/carts`
(me.py) uses the same functions with `my=True`, limiting the actions to MyCartUpdateAction.
"""

from __future__ import annotations

from collections.abc import Callable

from emulator import extensions, pricing
from emulator.cart_actions import (
    CART_ACTIONS,
    MY_CART_ACTIONS,
    add_discount_code,
    add_line_item,
    set_shipping_method,
)
from emulator.errors import (
    CtpApiError,
    concurrent_modification,
    invalid_json,
    invalid_operation,
    not_found,
    referenced_resource_not_found,
)
from emulator.hooks import Action as HookAction
from emulator.jsonio import Json, opt_int, opt_list, opt_objects, opt_str, unknown_action
from emulator.markets import membership
from emulator.markets.cart_rules import check_store_country, sync_customer_group
from emulator.markets.store_context import in_store, store_reference
from emulator.resources import (
    address_from_draft,
    changed,
    check_version,
    country_code,
    currency_code,
    money,
    new_resource,
    working_copy,
)
from emulator.state import Emulator
from emulator.stores import owner_key

# -- reading ------------------------------------------------------------------------------------


def get_cart(emulator: Emulator, cart_id: str) -> Json:
    cart = emulator.carts.get(cart_id)
    if cart is None:
        raise not_found(cart_id)
    return cart


def active_cart_of(
    emulator: Emulator,
    *,
    customer_id: str | None = None,
    anonymous_id: str | None = None,
    store_key: str | None = None,
) -> Json | None:
    """The most recently modified Active cart (origin Customer) of a customer or session; with
    `store_key`, of that Store only (the in-store active cart).

    Read from the "active" index: only that owner's active carts are looked at."""
    owner = owner_key(customer_id, anonymous_id)
    if owner is None:
        return None
    candidates = [c for c in emulator.carts.lookup("active", owner) if in_store(c, store_key)]
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
    store_key: str | None = None,
) -> Json:
    """The priced cart a CartDraft describes, not stored yet; in a Store (`store_key`, the
    in-store endpoints) the Cart's `store` is that Store, whatever the draft says."""
    currency = currency_code(draft.get("currency"), "currency")
    markets = emulator.catalog.markets
    if store_key is None and draft.get("store") is not None:
        # CartDraft and MyCartDraft both name a Store; an in-store endpoint's path wins.
        store_key = membership.store_reference(markets, draft["store"], "store")["key"]
    if not my:
        customer_id = opt_str(draft, "customerId") or customer_id
        anonymous_id = opt_str(draft, "anonymousId") or anonymous_id
        if customer_id is not None and customer_id not in emulator.customers:
            raise referenced_resource_not_found("customer", id=customer_id)
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
    if store_key is not None:
        cart["store"] = store_reference(store_key)
    if customer_id is not None:
        sync_customer_group(cart, emulator.customers.get(customer_id))
    elif not my and draft.get("customerGroup") is not None:
        # A Cart without Customer may name a Customer Group of its own (CartDraft).
        cart["customerGroup"] = membership.group_reference(
            markets, draft["customerGroup"], "customerGroup"
        )
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
            # Without a value, the project's CartsConfiguration decides.
            "deleteDaysAfterLastModification": opt_int(draft, "deleteDaysAfterLastModification")
            or emulator.config.cart_delete_days,
            "refusedGifts": [],
            "origin": "Customer" if my else _origin(draft),
            "itemShippingAddresses": [],
        }
    )
    if draft.get("country") is not None:
        cart["country"] = country_code(draft["country"], "country")
        check_store_country(markets, cart)
    locale = opt_str(draft, "locale")
    if locale is not None:
        cart["locale"] = locale
    for field in ("shippingAddress", "billingAddress"):
        if draft.get(field) is not None:
            cart[field] = address_from_draft(draft[field], field)
    for index, line_draft in enumerate(opt_objects(draft, "lineItems")):
        add_line_item(emulator, cart, line_draft, f"lineItems[{index}]")
    for code in opt_list(draft, "discountCodes"):
        if not isinstance(code, str):
            raise invalid_json("discountCodes: JSON string expected.")
        add_discount_code(emulator, cart, {"code": code})
    if draft.get("shippingMethod") is not None:
        set_shipping_method(emulator, cart, {"shippingMethod": draft["shippingMethod"]})
    pricing.recalculate(emulator, cart)
    return cart


def _ensure_unique_key(emulator: Emulator, cart: Json) -> None:
    key = cart.get("key")
    holder = None if key is None else emulator.carts.first("key", key)
    if holder is not None and holder["id"] != cart["id"]:
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
