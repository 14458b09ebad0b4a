"""How often password reset mail may be asked for: a budget of its own per client address (so
asking never locks anyone out of signing in), and at most one mail per e-mail address per
interval (so no inbox can be flooded through it, from however many addresses).

Both are counted before any upstream call, in the shared throttle (app/throttle.py), keyed by
e-mail address whether or not it has an account: nothing here tells whether it has one.
"""

from __future__ import annotations

from app.errors import TooManyRequests
from app.services.credential_guard import address_key, email_key
from app.throttle import Attempt, AttemptThrottle, ThrottleRule, wait_message


class PasswordResetBudget:
    def __init__(
        self, throttle: AttemptThrottle, *, per_address: ThrottleRule, mail_interval_seconds: float
    ) -> None:
        self._throttle = throttle
        self._per_address = per_address
        # One attempt locks the key for the interval: the first request mails, the rest wait.
        self._one_mail = ThrottleRule(1, mail_interval_seconds, mail_interval_seconds)

    async def reserve_request(self, client_ip: str | None) -> None:
        """TOO_MANY_REQUESTS when this client asked too often; else the request is counted."""
        address = address_key(client_ip)
        if address is None:
            return
        wait = await self._throttle.reserve([Attempt("reset:" + address, self._per_address)])
        if wait is not None:
            raise TooManyRequests(
                f"Too many password reset requests. Please try again {wait_message(wait)}.",
                retry_after_seconds=wait,
            )

    async def mail_due(self, email: str, purpose: str = "reset") -> bool:
        """Whether this request may mail `email` for `purpose` (e.g. "verify" for e-mail
        verification, which is as easy to ask for): true once per interval per purpose."""
        wait = await self._throttle.reserve(
            [Attempt(f"{purpose}-mail:" + email_key(email), self._one_mail)]
        )
        return wait is None
