"""The Store of an in-store request (`/{projectKey}/in-store/key={storeKey}/...`).

The in-store endpoints are the project's endpoints with a Store: the handlers in me.py,
cart_routes.py, orders.py, customers.py and shopping_lists.py read it from the path with
`store_of(request)` (None outside a Store) and then
- accept the Store-based form of the scope (`manage_my_orders:{projectKey}:{storeKey}`) besides
  the project one (`scope`);
- see only resources whose `store` is that Store (`in_store`): someone else's Store, or none,
  answers 404 ResourceNotFound like a resource that does not exist (Carts in Store reference);
- create resources with `store: {"typeId": "store", "key"}`.
"""

from __future__ import annotations

from starlette.requests import Request

from emulator.auth import emulator_of, require_scope
from emulator.errors import CtpApiError
from emulator.jsonio import Json
from emulator.tokens import TokenInfo

STORE_PARAM = "storeKey"


def store_of(request: Request) -> str | None:
    """The key of the request's Store, checked to exist; None outside a Store."""
    key = request.path_params.get(STORE_PARAM)
    if key is None:
        return None
    if emulator_of(request).catalog.markets.store_by_key(key) is None:
        raise CtpApiError(404, "ResourceNotFound", f"The Store with key '{key}' was not found.")
    return str(key)


def scope(request: Request, token: TokenInfo, *names: str) -> str | None:
    """`require_scope` for the request's Store; answers the Store's key (or None)."""
    store_key = store_of(request)
    require_scope(token, *names, store=store_key)
    return store_key


def store_reference(store_key: str) -> Json:
    return {"typeId": "store", "key": store_key}


def in_store(resource: Json, store_key: str | None) -> bool:
    """Whether an in-store endpoint of `store_key` sees the resource (always outside a Store)."""
    if store_key is None:
        return True
    store = resource.get("store")
    return isinstance(store, dict) and store.get("key") == store_key


def customer_in_store(customer: Json, store_key: str | None) -> bool:
    """A global Customer (no `stores`) belongs to every Store; a Store's Customer to its own."""
    if store_key is None:
        return True
    stores = customer.get("stores") or []
    return not stores or any(s.get("key") == store_key for s in stores)


def store_json(request: Request, store_key: str) -> Json:
    store = emulator_of(request).catalog.markets.store_by_key(store_key)
    assert store is not None  # checked by store_of
    return store
