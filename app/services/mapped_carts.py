"""Carts as mapped for the storefront, kept per process by (id, version, language).

commercetools raises a cart's version with every change to it, so a cart read again at the
same version is the same cart (its discount codes' text, read by expansion, cannot change:
a DiscountCode has no update action for its code). A storefront reads the unchanged cart on
most page views (the header's count, the cart page): mapping its lines, prices and addresses
again was ~25 us of a 5-line cart's ~300 us of service CPU. Only the mapping is kept: the cart
is still read from commercetools on every request.
"""

from __future__ import annotations

from collections import OrderedDict

from app import models
from app.ctp import resources
from app.services import cart_mapping

# Carts of as many shoppers per process; a mapped 5-line cart is a few KiB.
MAPPED_CARTS_KEPT = 1024


class MappedCarts:
    def __init__(self, size: int = MAPPED_CARTS_KEPT) -> None:
        self._size = size
        self._carts: OrderedDict[tuple[str, int, str], models.Cart] = OrderedDict()

    def cart(self, raw: resources.Cart, locale: str) -> models.Cart:
        cart_id, version = raw.get("id"), raw.get("version")
        if not isinstance(cart_id, str) or type(version) is not int:
            # Malformed: the mapping says what is wrong (MalformedUpstreamData).
            return cart_mapping.cart(raw, locale)
        key = (cart_id, version, locale)
        found = self._carts.get(key)
        if found is not None:
            self._carts.move_to_end(key)
            return found
        mapped = cart_mapping.cart(raw, locale)
        self._carts[key] = mapped
        if len(self._carts) > self._size:
            self._carts.popitem(last=False)
        return mapped
