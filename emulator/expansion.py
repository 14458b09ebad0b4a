"""Reference expansion (`expand=...`) for the paths the service asks for.

commercetools embeds the referenced resource as `obj` next to `typeId` and `id`; only
`discountCodes[*].discountCode` on carts is supported here (docs/emulator.md)."""

from __future__ import annotations

from starlette.requests import Request

from emulator.jsonio import Json
from emulator.state import Emulator

DISCOUNT_CODES = "discountCodes[*].discountCode"


def expand_cart(emulator: Emulator, cart: Json, request: Request) -> Json:
    if DISCOUNT_CODES not in request.query_params.getlist("expand"):
        return cart
    view = dict(cart)
    entries = []
    for entry in cart.get("discountCodes", []):
        reference = dict(entry["discountCode"])
        found = emulator.catalog.discount_code(reference["id"])
        if found is not None:
            reference["obj"] = found
        entries.append({**entry, "discountCode": reference})
    view["discountCodes"] = entries
    return view
