"""A store of resources by id that keeps secondary indexes and a retention schedule up to date
on every write, so that finding a customer's carts or a customer by e-mail reads only the
matching resources, and a request costs the same with 10 or 100 000 resources stored.

It is a `MutableMapping` (tests and the service's tests read and assert on it like the dict it
replaced); every write goes through `__setitem__`/`__delitem__`, which update the indexes.
Stored values are replaced, never changed in place (resources.py), so the index keys computed
when a value was stored are still the ones to remove it from. Callers hold `Emulator.lock`.

`examined` counts the resources handed out (by key, by index, or all of them by `values()`):
tests assert on it to show that a request's work does not grow with the store.
"""

from __future__ import annotations

from collections.abc import (
    Callable,
    Hashable,
    ItemsView,
    Iterable,
    Iterator,
    KeysView,
    Mapping,
    MutableMapping,
    ValuesView,
)
from typing import Generic, TypeVar, overload

from emulator.retention import Retention, RetentionPolicy

V = TypeVar("V")
T = TypeVar("T")

# The keys a value is filed under in one index (none: not in that index).
IndexKeys = Callable[[V], Iterable[Hashable]]


class IndexedStore(MutableMapping[str, V], Generic[V]):
    def __init__(
        self,
        indexes: Mapping[str, IndexKeys[V]] | None = None,
        *,
        retention: RetentionPolicy[V] | None = None,
        on_remove: Callable[[str, V], None] | None = None,
    ) -> None:
        self._items: dict[str, V] = {}
        self._index_keys: dict[str, IndexKeys[V]] = dict(indexes or {})
        # index name -> index key -> ids (a dict as an insertion-ordered set)
        self._indexes: dict[str, dict[Hashable, dict[str, None]]] = {
            name: {} for name in self._index_keys
        }
        self._retention = None if retention is None else Retention(retention)
        self._on_remove = on_remove
        self.examined = 0
        self.evicted = 0
        self.expired = 0

    # -- the mapping -----------------------------------------------------------------------------
    def __getitem__(self, key: str) -> V:
        value = self._items[key]
        self.examined += 1
        return value

    @overload
    def get(self, key: str, /) -> V | None: ...
    @overload
    def get(self, key: str, /, default: V | T) -> V | T: ...
    def get(self, key: str, /, default: object = None) -> object:
        value = self._items.get(key)
        if value is None:
            return default
        self.examined += 1
        return value

    def __contains__(self, key: object) -> bool:
        return key in self._items

    def __len__(self) -> int:
        return len(self._items)

    def __iter__(self) -> Iterator[str]:
        self.examined += len(self._items)
        return iter(self._items)

    def keys(self) -> KeysView[str]:
        self.examined += len(self._items)
        return self._items.keys()

    def values(self) -> ValuesView[V]:
        self.examined += len(self._items)
        return self._items.values()

    def items(self) -> ItemsView[str, V]:
        self.examined += len(self._items)
        return self._items.items()

    def __setitem__(self, key: str, value: V) -> None:
        previous = self._items.get(key)
        self._items[key] = value
        for name, keys_of in self._index_keys.items():
            index = self._indexes[name]
            new_keys = tuple(keys_of(value))
            if previous is not None:
                # Only the keys that changed move: the others keep the value's place.
                for index_key in keys_of(previous):
                    if index_key not in new_keys:
                        self._drop(index, index_key, key)
            for index_key in new_keys:
                index.setdefault(index_key, {})[key] = None
        if self._retention is None:
            return
        self._retention.filed(key, value)
        limit = self._retention.policy.limit
        if previous is None and limit is not None and len(self._items) > limit:
            victim = self._retention.earliest(besides=key)
            if victim is not None:
                del self[victim]
                self.evicted += 1

    def __delitem__(self, key: str) -> None:
        value = self._items.pop(key)
        self._unindex(key, value)
        if self._retention is not None:
            self._retention.forget(key)
        if self._on_remove is not None:
            self._on_remove(key, value)

    def clear(self) -> None:
        removed = list(self._items.items())
        self._items.clear()
        for index in self._indexes.values():
            index.clear()
        if self._retention is not None:
            self._retention.clear()
        if self._on_remove is not None:
            for key, value in removed:
                self._on_remove(key, value)

    def __repr__(self) -> str:
        return f"IndexedStore({self._items!r})"

    # -- indexes ---------------------------------------------------------------------------------
    def lookup(self, index: str, index_key: Hashable) -> list[V]:
        """Every value filed under `index_key` in `index`, in the order they were first stored."""
        ids = self._indexes[index].get(index_key)
        if not ids:
            return []
        self.examined += len(ids)
        return [self._items[i] for i in ids]

    def first(self, index: str, index_key: Hashable) -> V | None:
        """The value filed under `index_key` (for indexes of unique values: key, e-mail)."""
        ids = self._indexes[index].get(index_key)
        if not ids:
            return None
        self.examined += 1
        return self._items[next(iter(ids))]

    def _unindex(self, key: str, value: V) -> None:
        for name, keys_of in self._index_keys.items():
            index = self._indexes[name]
            for index_key in keys_of(value):
                self._drop(index, index_key, key)

    @staticmethod
    def _drop(index: dict[Hashable, dict[str, None]], index_key: Hashable, key: str) -> None:
        ids = index.get(index_key)
        if ids is None:
            return
        ids.pop(key, None)
        if not ids:
            del index[index_key]

    # -- retention -------------------------------------------------------------------------------
    def purge(self, now: float, budget: int) -> int:
        """Delete up to `budget` values whose time is up; how many went."""
        if self._retention is None:
            return 0
        due = self._retention.expired(now, budget)
        for key in due:
            del self[key]
        self.expired += len(due)
        return len(due)

    def pin(self, key: str) -> None:
        """Keep `key` for ever: it never expires and no cap removes it."""
        if self._retention is not None:
            self._retention.pin(key)

    def stats(self) -> dict[str, int]:
        return {
            "size": len(self._items),
            "examined": self.examined,
            "expired": self.expired,
            "evicted": self.evicted,
            "indexKeys": sum(len(index) for index in self._indexes.values()),
        }
