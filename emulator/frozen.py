"""JSON that never changes once built, so that every cart and order holding it can share one
copy: the product variant, name, slug and type inside each line item.

Carts are deep-copied on every update and again into their order (resources.py), and most of a
line item is its variant, the same for every cart that holds it. `copy.deepcopy` returns frozen
values as they are, so those copies share them; any attempt to change one raises TypeError, so
sharing can never carry a change from one cart into another. They are plain dicts and lists to
everything else (JSON encoding, equality).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, NoReturn, SupportsIndex


def _refuse() -> NoReturn:
    raise TypeError("frozen JSON is shared by many resources and cannot be changed")


class FrozenDict(dict[str, Any]):
    def __deepcopy__(self, memo: dict[int, Any]) -> FrozenDict:
        return self

    def __copy__(self) -> FrozenDict:
        return self

    def __setitem__(self, key: str, value: Any) -> None:
        _refuse()

    def __delitem__(self, key: str) -> None:
        _refuse()

    def clear(self) -> None:
        _refuse()

    def pop(self, key: str, *default: Any) -> Any:
        _refuse()

    def popitem(self) -> tuple[str, Any]:
        _refuse()

    def setdefault(self, key: str, default: Any = None) -> Any:
        _refuse()

    def update(self, *args: Any, **kwargs: Any) -> None:
        _refuse()

    def __ior__(self, other: Any) -> FrozenDict:  # type: ignore[override,misc]
        _refuse()


class FrozenList(list[Any]):
    def __deepcopy__(self, memo: dict[int, Any]) -> FrozenList:
        return self

    def __copy__(self) -> FrozenList:
        return self

    def __setitem__(self, index: Any, value: Any) -> None:
        _refuse()

    def __delitem__(self, index: SupportsIndex | slice) -> None:
        _refuse()

    def __iadd__(self, other: Iterable[Any]) -> FrozenList:  # type: ignore[misc]
        _refuse()

    def __imul__(self, count: SupportsIndex) -> FrozenList:
        _refuse()

    def append(self, value: Any) -> None:
        _refuse()

    def extend(self, values: Iterable[Any]) -> None:
        _refuse()

    def insert(self, index: SupportsIndex, value: Any) -> None:
        _refuse()

    def pop(self, index: SupportsIndex = -1) -> Any:
        _refuse()

    def remove(self, value: Any) -> None:
        _refuse()

    def clear(self) -> None:
        _refuse()

    def sort(self, *args: Any, **kwargs: Any) -> None:
        _refuse()

    def reverse(self) -> None:
        _refuse()


def freeze(value: Any) -> Any:
    """A frozen copy of JSON (dicts, lists, scalars)."""
    if isinstance(value, dict):
        return FrozenDict({key: freeze(item) for key, item in value.items()})
    if isinstance(value, list):
        return FrozenList(freeze(item) for item in value)
    return value
