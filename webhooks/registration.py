"""`python -m bootstrap register-webhooks`: put this service's API Extension and Subscription into a
commercetools project with the SDK, idempotently: each is found by its key, then updated to
match (or left alone when it does) or created.

The SDK is synchronous (requests); this runs once from a shell, so that is fine.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from webhooks import drafts

if TYPE_CHECKING:
    from commercetools.platform.models.extension import Extension, ExtensionUpdateAction
    from commercetools.platform.models.subscription import (
        Subscription,
        SubscriptionUpdateAction,
    )

# The SDK's models are imported where they are used, not here: the webhooks package is wired
# (so imported) at every start of the service, and importing them costs ~180 ms that only this
# one-off command needs.


def _same(left: Any, right: Any) -> bool:
    def plain(value: Any) -> Any:
        return [v.serialize() for v in value] if isinstance(value, list) else value.serialize()

    return bool(plain(left) == plain(right))


def register_extension(project: Any, *, base_url: str, secret: str) -> str:
    """'created' or 'updated' (the secret cannot be read back, so an existing one is always
    given the destination again)."""
    from commercetools.platform.models.extension import (
        ExtensionChangeDestinationAction,
        ExtensionChangeTriggersAction,
        ExtensionDraft,
        ExtensionSetTimeoutInMsAction,
        ExtensionUpdate,
    )

    draft = ExtensionDraft.deserialize(drafts.extension_draft(base_url, secret))
    by_key = project.extensions().with_key(drafts.EXTENSION_KEY)
    existing: Extension | None = by_key.get()
    if existing is None:
        project.extensions().post(draft)
        return "created"
    actions: list[ExtensionUpdateAction] = [
        ExtensionChangeDestinationAction(destination=draft.destination)
    ]
    if not _same(existing.triggers, draft.triggers):
        actions.append(ExtensionChangeTriggersAction(triggers=draft.triggers))
    if existing.timeout_in_ms != draft.timeout_in_ms:
        actions.append(ExtensionSetTimeoutInMsAction(timeout_in_ms=draft.timeout_in_ms))
    by_key.post(ExtensionUpdate(version=existing.version, actions=actions))
    return "updated"


def register_subscription(project: Any, *, pubsub_project: str, pubsub_topic: str) -> str:
    """'created', 'updated' or 'unchanged'."""
    from commercetools.platform.models.subscription import (
        SubscriptionChangeDestinationAction,
        SubscriptionDraft,
        SubscriptionSetMessagesAction,
        SubscriptionUpdate,
    )

    draft = SubscriptionDraft.deserialize(drafts.subscription_draft(pubsub_project, pubsub_topic))
    by_key = project.subscriptions().with_key(drafts.SUBSCRIPTION_KEY)
    existing: Subscription | None = by_key.get()
    if existing is None:
        project.subscriptions().post(draft)
        return "created"
    actions: list[SubscriptionUpdateAction] = []
    if not _same(existing.destination, draft.destination):
        actions.append(SubscriptionChangeDestinationAction(destination=draft.destination))
    if not _same(existing.messages, draft.messages or []):
        actions.append(SubscriptionSetMessagesAction(messages=draft.messages))
    if not actions:
        return "unchanged"
    by_key.post(SubscriptionUpdate(version=existing.version, actions=actions))
    return "updated"
