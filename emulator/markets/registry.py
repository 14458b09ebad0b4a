"""`Markets`: the Channels, Stores, Product Selections and Customer Groups of one project.

They are project setup, fixed once built (like the catalog), so readers need no lock. Lookups
by id and by key; which products a Store offers (its active Product Selections).
"""

from __future__ import annotations

from collections.abc import Iterable

from emulator.jsonio import Json


class Markets:
    def __init__(
        self,
        *,
        channels: Iterable[Json] = (),
        stores: Iterable[Json] = (),
        product_selections: Iterable[Json] = (),
        selection_products: dict[str, list[str]] | None = None,
        customer_groups: Iterable[Json] = (),
    ) -> None:
        self.channels: dict[str, Json] = {c["id"]: c for c in channels}
        self.stores: dict[str, Json] = {s["id"]: s for s in stores}
        self.product_selections: dict[str, Json] = {p["id"]: p for p in product_selections}
        self.customer_groups: dict[str, Json] = {g["id"]: g for g in customer_groups}
        # Product Selection id -> product ids, in assignment order (Individual mode).
        self.selection_products: dict[str, list[str]] = dict(selection_products or {})
        # The set-up as built: `forget_created` goes back to it (Emulator.reset).
        self._seeded = (dict(self.channels), dict(self.stores), dict(self.customer_groups))
        # Goes up with every change, so that caches built from the assortments (Product
        # Search's index) know when to rebuild.
        self.generation = 0
        self._index()

    def _index(self) -> None:
        self._store_products: dict[str, frozenset[str] | None] = {
            store["key"]: self._offered(store) for store in self.stores.values()
        }
        self._product_stores: dict[str, list[str]] = {}
        for store in self.stores.values():
            offered = self._store_products[store["key"]]
            for product_id in offered or ():
                self._product_stores.setdefault(product_id, []).append(store["id"])
        self._product_selections: dict[str, list[str]] = {}
        for selection_id, product_ids in self.selection_products.items():
            for product_id in product_ids:
                self._product_selections.setdefault(product_id, []).append(selection_id)

    @classmethod
    def empty(cls) -> Markets:
        return cls()

    # -- changes (the create endpoints; the caller holds Emulator.lock) -------------------------
    def add(self, table: dict[str, Json], resource: Json) -> None:
        table[resource["id"]] = resource
        self._index()
        self.generation += 1

    def forget_created(self) -> None:
        channels, stores, groups = self._seeded
        self.channels, self.stores, self.customer_groups = (
            dict(channels),
            dict(stores),
            dict(groups),
        )
        self._index()
        self.generation += 1

    # -- lookups -------------------------------------------------------------------------------
    @staticmethod
    def _by_key(resources: dict[str, Json], key: str) -> Json | None:
        return next((r for r in resources.values() if r.get("key") == key), None)

    def store_by_key(self, key: str) -> Json | None:
        return self._by_key(self.stores, key)

    def channel_by_key(self, key: str) -> Json | None:
        return self._by_key(self.channels, key)

    def customer_group_by_key(self, key: str) -> Json | None:
        return self._by_key(self.customer_groups, key)

    def product_selection_by_key(self, key: str) -> Json | None:
        return self._by_key(self.product_selections, key)

    # -- assortments ---------------------------------------------------------------------------
    def _offered(self, store: Json) -> frozenset[str] | None:
        """The products of the Store's active Product Selections; None when the Store has no
        Product Selections at all, which makes every product available in it (Stores
        reference, `productSelections`)."""
        settings = store.get("productSelections") or []
        if not settings:
            return None
        offered: set[str] = set()
        for setting in settings:
            if setting.get("active"):
                offered.update(self.selection_products.get(setting["productSelection"]["id"], []))
        return frozenset(offered)

    def store_offers(self, store_key: str, product_id: str) -> bool:
        offered = self._store_products.get(store_key)
        return offered is None or product_id in offered

    def stores_of_product(self, product_id: str) -> list[str]:
        """Ids of the Stores whose active Product Selections hold the product (for Product
        Search's `variants.stores`; Stores without selections are not listed)."""
        return self._product_stores.get(product_id, [])

    def selections_of_product(self, product_id: str) -> list[str]:
        return self._product_selections.get(product_id, [])
