"""Where API Extensions and Subscriptions will plug in (not built yet; a later issue).

Cart, order and customer code calls these at the points commercetools calls them:
- `before_commit(type_id, action, resource)` runs after a create/update was computed and before
  it is stored (API Extensions answer with more update actions, or reject with 400 errors);
- `after_commit(type_id, action, resource, messages)` runs once the change is stored
  (Subscriptions then deliver messages such as `OrderCreated`).
Both are no-ops now, so their callers already sit at the right place. They are called with
`Emulator.lock` held: the real API Extension call (up to 2 s over HTTP) will have to happen
outside the lock, e.g. compute the change, release the lock, call the extension, then take the
lock again and re-check the version before storing.
"""

from __future__ import annotations

from typing import Any, Literal

Json = dict[str, Any]
Action = Literal["Create", "Update"]


class ResourceHooks:
    def before_commit(self, type_id: str, action: Action, resource: Json) -> Json:
        """Return the resource to store (an extension may have changed it)."""
        return resource

    def after_commit(
        self, type_id: str, action: Action, resource: Json, messages: list[str]
    ) -> None:
        """`messages` names what happened, e.g. ["OrderCreated"], for Subscriptions."""
        return None
