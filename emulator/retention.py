"""How long stored things are kept: expiry (a token past its lifetime, a cart past
`deleteDaysAfterLastModification`) and caps (at most N carts, the ones closest to deletion go
first), both without ever scanning the whole store.

Each kept thing has a *due* time, given by the store's `Schedule`: when it expires, or, for
things that never expire (orders, customers), the order in which a cap removes them. Things are
filed in queues by a *lane* (the lifetime they were given, e.g. the cart's
`deleteDaysAfterLastModification`): every thing in a lane was given the same lifetime, so the
lane's oldest change is also its earliest due, and re-filing a changed thing at the lane's end
keeps the lane in due order. The earliest due overall is then the earliest of a few lane heads,
and purging and evicting cost O(1) per thing, whatever the store holds.

This assumes changes arrive in time order, which holds for everything written through the API
(the emulator's timestamps strictly increase); something stored directly with an older time is
still removed, only possibly later than its due time.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable, Hashable, Iterator
from dataclasses import dataclass
from typing import Generic, TypeVar

V = TypeVar("V")

# (lane, due in epoch seconds), or None for something kept for ever and never evicted.
Schedule = Callable[[str, V], tuple[Hashable, float] | None]
_UNFILED = object()  # lanes may be named None


@dataclass(frozen=True)
class RetentionPolicy(Generic[V]):
    schedule: Schedule[V]
    # True: a thing is deleted once its due time has passed. False: due only orders evictions.
    expires: bool
    # At most this many things are kept (None: no cap); beyond it, the earliest due goes.
    limit: int | None = None


class Retention(Generic[V]):
    """The queues of one store. The store calls `filed`/`forget` on every write."""

    def __init__(self, policy: RetentionPolicy[V]) -> None:
        self.policy = policy
        self._lanes: dict[Hashable, OrderedDict[str, float]] = {}
        self._lane_of: dict[str, Hashable] = {}
        self._pinned: set[str] = set()

    def filed(self, key: str, value: V) -> None:
        """`value` was stored under `key` (new or replacing): (re)file it by its due time."""
        found = None if key in self._pinned else self.policy.schedule(key, value)
        if found is None:
            self.forget(key)
            return
        lane_key, due = found
        previous = self._lane_of.get(key, _UNFILED)
        if previous is not _UNFILED and previous != lane_key:
            self.forget(key)
        lane = self._lanes.get(lane_key)
        if lane is None:
            lane = self._lanes[lane_key] = OrderedDict()
        if lane.get(key) == due:
            return  # unchanged (an order or customer update): it keeps its place
        lane[key] = due
        lane.move_to_end(key)
        self._lane_of[key] = lane_key

    def forget(self, key: str) -> None:
        lane_key = self._lane_of.pop(key, _UNFILED)
        if lane_key is _UNFILED:
            return
        lane = self._lanes[lane_key]
        del lane[key]
        if not lane:
            del self._lanes[lane_key]

    def pin(self, key: str) -> None:
        """Never expire or evict `key` (the seeded demo customer)."""
        self.forget(key)
        self._pinned.add(key)

    def clear(self) -> None:
        self._lanes.clear()
        self._lane_of.clear()

    def expired(self, now: float, budget: int) -> list[str]:
        """Up to `budget` keys whose due time has passed (none when nothing expires)."""
        if not self.policy.expires:
            return []
        found: list[str] = []
        for lane in self._lanes.values():
            for key, due in lane.items():
                if due > now or len(found) >= budget:
                    break
                found.append(key)
        return found

    def earliest(self, besides: str) -> str | None:
        """The key with the earliest due time, other than `besides` (the one just stored)."""
        best: tuple[float, str] | None = None
        for lane in self._lanes.values():
            head = _first_other(iter(lane.items()), besides)
            if head is not None and (best is None or head[1] < best[0]):
                best = (head[1], head[0])
        return None if best is None else best[1]

    def lanes(self) -> int:
        return len(self._lanes)


def _first_other(items: Iterator[tuple[str, float]], besides: str) -> tuple[str, float] | None:
    for key, due in items:
        if key != besides:
            return key, due
    return None
