"""The in-store endpoints: `/{projectKey}/in-store/key={storeKey}/...`.

They are the project's handlers, served a second time under the Store's prefix; each reads the
Store from the path (markets/store_context.py). What is served in a Store:

- `me`, `me/password`, `me/signup`, `me/login`, `me/active-cart`, `me/carts` (+ `/{id}`),
  `me/orders` (+ `/{id}`), `me/shopping-lists` (+ `/{id}`);
- `carts` (+ `/{id}`, `/customer-id={customerId}`), `orders` (+ `/{id}`,
  `/order-number={orderNumber}`), `customers` (+ `/{id}`), `login`;
- `product-projections/{id}` and `/key={key}`: projected for the Store, 404 for a product it
  does not offer (catalog/routes.py);
- `shipping-methods/matching-cart?cartId=` (shipping.py).

The auth URL's in-store password flow is in auth.py.
"""

from __future__ import annotations

from starlette.routing import BaseRoute, Route

from emulator import cart_routes, customers, me, orders, shipping, shopping_lists
from emulator.catalog.routes import in_store_routes as catalog_in_store_routes

PREFIX = "/in-store/key={storeKey}"

# Project endpoints without an in-store twin here (the customers' token endpoints).
_NOT_IN_STORE = frozenset(
    {
        "/customers/password-token",
        "/customers/password/reset",
        "/customers/password",
        "/customers/email-token",
        "/customers/email/confirm",
    }
)


def routes() -> list[BaseRoute]:
    found: list[BaseRoute] = []
    for route in (
        *me.routes(),
        *shopping_lists.routes(),
        *cart_routes.routes(),
        *orders.routes(),
        *customers.routes(),
        *catalog_in_store_routes(),
        *(r for r in shipping.routes() if getattr(r, "path", "").endswith("/matching-cart")),
    ):
        assert isinstance(route, Route)
        if route.path in _NOT_IN_STORE:
            continue
        # Some project routes are given with their `/{projectKey}` already (app.py).
        path = route.path.removeprefix("/{projectKey}")
        found.append(Route(PREFIX + path, route.endpoint, methods=route.methods))
    return found
