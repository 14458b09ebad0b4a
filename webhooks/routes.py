"""The webhook routes mounted under /webhooks. API Extensions and Subscription messages come
with their own issue; until then the package holds only its wiring contract."""

from __future__ import annotations

from starlette.routing import BaseRoute


def webhook_routes() -> list[BaseRoute]:
    return []
