"""New guest sessions cost commercetools an anonymous token and, right after, a cart: a client
address may start only so many per window (ANONYMOUS_SESSIONS_PER_ADDRESS), counted before the
token is asked for, in the shared throttle (app/throttle.py). A browser starts one and keeps it
in its cookie; the budget is sized for the many shoppers one address can stand for (an office,
a carrier's NAT), far below a flood of cookieless requests.
"""

from __future__ import annotations

from app.errors import TooManyRequests
from app.services.credential_guard import address_key
from app.throttle import Attempt, AttemptThrottle, ThrottleRule, wait_message


class GuestSessionBudget:
    def __init__(self, throttle: AttemptThrottle, rule: ThrottleRule) -> None:
        self._throttle = throttle
        self._rule = rule

    async def reserve(self, client_ip: str | None) -> None:
        """Count one new guest session for this client, or TOO_MANY_REQUESTS past the budget."""
        address = address_key(client_ip)
        if address is None:
            return
        wait = await self._throttle.reserve([Attempt("guest:" + address, self._rule)])
        if wait is not None:
            raise TooManyRequests(
                "Too many new shopping sessions from your network. "
                f"Please try again {wait_message(wait)}.",
                retry_after_seconds=wait,
            )
