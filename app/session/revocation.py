"""Ending a customer's sessions from outside a browser request, e.g. after a password change
reported by commercetools (webhooks/handlers.py).

Only a store that keeps sessions server-side can do it: it finds them by customer and deletes
them. The encrypted-cookie store keeps nothing on the server; each session lives only in its
browser's cookie, so there is nothing to find or delete. What still protects the customer
there: commercetools invalidates the customer's tokens on a password reset, so the next call a
stale cookie's session makes fails, and the session then continues as a guest's.
"""

from __future__ import annotations

import logging
from typing import Protocol

log = logging.getLogger(__name__)


class CustomerSessionRevoker(Protocol):
    async def end_sessions_of(
        self, customer_id: str, *, signed_in_before: float | None = None
    ) -> int:
        """End the customer's sessions (those signed in before `signed_in_before`, epoch
        seconds, when given) and return how many were ended."""
        ...


class CookieSessionRevoker:
    """For EncryptedCookieStore: there is no server-side record to end (see module doc)."""

    async def end_sessions_of(
        self, customer_id: str, *, signed_in_before: float | None = None
    ) -> int:
        log.info(
            "sessions of customer %s cannot be ended server-side with cookie sessions; "
            "commercetools' token invalidation ends them at their next call",
            customer_id,
        )
        return 0
