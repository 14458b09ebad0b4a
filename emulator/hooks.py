"""Where API Extensions and Subscriptions plug into the resources' write paths.

- API Extensions are not called from here: their HTTP call (up to 2 s) must not happen under
  `Emulator.lock`, so the cart routes compute the change, release the lock, call the extensions
  (emulator/extensions.py), then take the lock again, check the version and store.
  `before_commit` stays as the point where a synchronous change could still be made.
- `after_commit(type_id, action, resource, messages)` runs under the lock once the change is
  stored: it turns `messages` (names such as "OrderCreated", or (name, extra payload fields))
  into commercetools Messages and publishes them to the matching Subscriptions
  (emulator/subscriptions.py). Publishing only queues them; delivery runs on another thread.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Literal

from emulator.jsonio import Json

if TYPE_CHECKING:
    from emulator.state import Emulator

Action = Literal["Create", "Update"]
MessageSpec = str | tuple[str, Json]


class ResourceHooks:
    def __init__(self, emulator: Emulator | None = None) -> None:
        self._emulator = emulator

    def before_commit(self, type_id: str, action: Action, resource: Json) -> Json:
        """Return the resource to store."""
        return resource

    def after_commit(
        self, type_id: str, action: Action, resource: Json, messages: Sequence[MessageSpec]
    ) -> None:
        if self._emulator is None:
            return
        # Imported here: subscriptions builds on state, which builds on this module.
        from emulator.subscriptions import publish

        publish(self._emulator, type_id, action, resource, messages)
