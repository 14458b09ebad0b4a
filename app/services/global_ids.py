"""Ids that name one object across the whole API, for its GraphQL type.

Normalized client caches (Apollo Client, urql's graphcache, Relay) key objects by `__typename`
and `id`: two different objects with one key show each other's data. commercetools' resource
ids (products, categories, carts, orders, customers, shopping lists) are unique; the things a
resource holds are identified only within it: a variant by its number within the product, an
address within its customer (or as the cart's shipping address), a discount code's state within
a cart, and an order keeps the line item ids of the cart it was made from. Those get
`<owner id>/<own id>`; their own id stays in a field of its own (`variantNumber`, `lineItemId`,
`addressId`, `discountCodeId`), which is what mutations take. Clients treat ids as opaque.
"""

from __future__ import annotations

SEPARATOR = "/"


def owned_id(owner_id: str, own_id: str | int) -> str:
    return f"{owner_id}{SEPARATOR}{own_id}"
