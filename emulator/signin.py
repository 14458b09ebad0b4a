"""What happens to an anonymous session's carts and orders when its shopper signs in or up.

commercetools (customers overview, "Cart merge during sign-in and sign-up", and the
AnonymousCartSignInMode reference):
- every Cart and Order of the `anonymousId` is assigned to the Customer;
- the anonymous Cart (the one named, else the session's most recently modified active one):
  - `MergeWithExistingCustomerCart` (default): its Line Items are copied into the Customer's
    most recently modified active Cart; a Line Item of the same product and variant keeps the
    larger of the two quantities (not the sum); the anonymous Cart becomes `Merged`.
    Without a Customer Cart, the anonymous Cart becomes the Customer's active Cart;
  - `UseAsNewActiveCustomerCart`: the anonymous Cart becomes the active one, nothing merged;
- the result is a CustomerSignInResult: {"customer", "cart"?} with the active Cart, if any.

Everything is computed on copies and stored at the end, so a failure (e.g. a merged Line Item
without a price in the Customer Cart's currency) changes nothing. The caller holds the lock.
"""

from __future__ import annotations

from emulator import carts, pricing
from emulator.jsonio import Json
from emulator.resources import changed, working_copy
from emulator.state import Emulator
from emulator.stores import owner_key

MODES = ("MergeWithExistingCustomerCart", "UseAsNewActiveCustomerCart")


def _merge_lines(emulator: Emulator, target: Json, source: Json) -> None:
    for line in source["lineItems"]:
        same = next(
            (
                existing
                for existing in target["lineItems"]
                if existing["productId"] == line["productId"]
                and existing["variant"]["id"] == line["variant"]["id"]
                and existing.get("lineItemMode") == line.get("lineItemMode")
                and existing.get("distributionChannel") == line.get("distributionChannel")
                and existing.get("supplyChannel") == line.get("supplyChannel")
            ),
            None,
        )
        if same is not None:
            if int(line["quantity"]) > int(same["quantity"]):
                pricing.set_quantity(same, int(line["quantity"]))
                same["lastModifiedAt"] = emulator.now_iso()
            continue
        found = emulator.catalog.find_variant(line["productId"], line["variant"]["id"])
        if found is None:
            continue  # no longer sellable: commercetools cannot copy it either
        product, variant = found
        channels = {k: line[k] for k in ("distributionChannel", "supplyChannel") if k in line}
        target["lineItems"].append(
            pricing.new_line_item(
                emulator, target, product, variant, int(line["quantity"]), channels
            )
        )


def sign_in(
    emulator: Emulator,
    customer: Json,
    *,
    anonymous_id: str | None,
    anonymous_cart_id: str | None,
    mode: str,
    store_key: str | None = None,
) -> Json:
    """In a Store (`store_key`, the in-store sign-in and sign-up), the anonymous Cart and the
    Customer's active Cart are those of that Store; every Cart and Order of the session still
    moves to the Customer."""
    customer_id = customer["id"]
    staged_carts: dict[str, Json] = {}
    staged_orders: dict[str, Json] = {}

    # The anonymous cart, and the customer's active cart as it was before anything moved.
    anonymous_cart = None
    if anonymous_cart_id is not None:
        candidate = emulator.carts.get(anonymous_cart_id)
        if candidate is not None and candidate["cartState"] == "Active":
            anonymous_cart = candidate
    elif anonymous_id is not None:
        anonymous_cart = carts.active_cart_of(
            emulator, anonymous_id=anonymous_id, store_key=store_key
        )
    customer_cart = carts.active_cart_of(emulator, customer_id=customer_id, store_key=store_key)
    if (
        anonymous_cart is not None
        and customer_cart is not None
        and customer_cart["id"] == anonymous_cart["id"]
    ):
        customer_cart = None

    # Every cart and order of the anonymous session now belongs to the customer.
    if anonymous_id is not None:
        session = owner_key(None, anonymous_id)
        for cart in emulator.carts.lookup("owner", session):
            staged_carts[cart["id"]] = working_copy(cart)
        for order in emulator.orders.lookup("owner", session):
            staged_orders[order["id"]] = working_copy(order)
    if anonymous_cart is not None and anonymous_cart["id"] not in staged_carts:
        staged_carts[anonymous_cart["id"]] = working_copy(anonymous_cart)
    for resource in (*staged_carts.values(), *staged_orders.values()):
        resource["customerId"] = customer_id

    active: Json | None = customer_cart
    if anonymous_cart is not None:
        anonymous = staged_carts[anonymous_cart["id"]]
        if customer_cart is not None and mode == "MergeWithExistingCustomerCart":
            merged = working_copy(customer_cart)
            _merge_lines(emulator, merged, anonymous)
            pricing.recalculate(emulator, merged)
            staged_carts[merged["id"]] = merged
            anonymous["cartState"] = "Merged"
            active = merged
        else:
            # It becomes the customer's active cart: being modified now makes it the most
            # recently modified one, ahead of any older customer cart.
            pricing.recalculate(emulator, anonymous)
            active = anonymous

    for cart in staged_carts.values():
        carts.commit(emulator, changed(emulator, cart), "Update")
    for order in staged_orders.values():
        stored: Json = emulator.hooks.before_commit("order", "Update", changed(emulator, order))
        emulator.orders[stored["id"]] = stored
        emulator.hooks.after_commit("order", "Update", stored, ["OrderCustomerSet"])

    result: Json = {"customer": customer}
    if active is not None:
        result["cart"] = emulator.carts[active["id"]]
    return result
