"""The brake on credential attacks: password guessing against one account, credential stuffing
from one address, and account enumeration (docs/security.md).

Every credential check reserves an attempt before it goes upstream, per account (the normalized
e-mail address, or the signed-in customer for checks of the current password) and per client
address, atomically (app/throttle.py): guesses sent in parallel count before their answers are
known, so no more than the limit is ever tried. A failed check keeps its reservation; a
success clears the account's count and gives the address's attempt back; a check whose outcome
stayed unknown (commercetools unavailable) gives both back. Either key over its limit answers
TOO_MANY_REQUESTS for a few minutes. Unknown and known e-mail addresses are counted alike and
their failures padded to the same duration, so neither the answer, the lockout nor the timing
tells whether an address has an account. The client address is a plain string here: the web
layer works it out (app/web/client_address.py).
"""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass

from app.errors import TooManyRequests
from app.services.uniform_timing import UniformFailureTiming
from app.throttle import Attempt, AttemptThrottle, ThrottleRule, wait_message

# IPv6 clients usually hold a whole /64: counting single addresses would let one client rotate
# through billions of them.
_IPV6_PREFIX = 64


def email_key(email: str) -> str:
    return "email:" + email.strip().casefold()


def customer_key(customer_id: str) -> str:
    return "customer:" + customer_id


def address_key(client_ip: str | None) -> str | None:
    if not client_ip:
        return None
    try:
        address = ipaddress.ip_address(client_ip)
    except ValueError:
        return "addr:" + client_ip[:64]
    if isinstance(address, ipaddress.IPv6Address):
        if address.ipv4_mapped is not None:
            return f"addr:{address.ipv4_mapped}"
        return f"addr:{ipaddress.IPv6Network((address, _IPV6_PREFIX), strict=False)}"
    return f"addr:{address}"


@dataclass(frozen=True, slots=True)
class CredentialRules:
    per_account: ThrottleRule
    per_address: ThrottleRule


class CredentialGuard:
    def __init__(
        self, throttle: AttemptThrottle, rules: CredentialRules, timing: UniformFailureTiming
    ) -> None:
        self._throttle = throttle
        self._rules = rules
        self._timing = timing

    def start(self) -> float:
        """Mark when a check began, for `pad` to pad from."""
        return self._timing.start()

    async def reserve(self, *, account: str | None, client_ip: str | None) -> None:
        """Count one attempt against the account and the address before checking anything;
        TOO_MANY_REQUESTS, with nothing counted, when either is locked."""
        wait = await self._throttle.reserve(self._attempts(account, client_ip))
        if wait is not None:
            raise TooManyRequests(
                f"Too many attempts. Please try again {wait_message(wait)}.",
                retry_after_seconds=wait,
            )

    async def succeeded(self, *, account: str, client_ip: str | None) -> None:
        # The rightful owner got in: earlier typos no longer count against them. The address
        # gets only this attempt back, or one valid account would reset a stuffing run from it.
        await self._throttle.clear(account)
        await self._throttle.refund(self._attempts(None, client_ip))

    async def give_back(self, *, account: str | None, client_ip: str | None) -> None:
        """The check told nothing (it never reached a verdict, or its success must not count):
        its reservation is returned."""
        await self._throttle.refund(self._attempts(account, client_ip))

    async def pad(self, started: float) -> None:
        """Pad an answer that must not tell outcomes apart (a failed check, a reset request)."""
        await self._timing.pad(started)

    def _attempts(self, account: str | None, client_ip: str | None) -> list[Attempt]:
        attempts = []
        if account is not None:
            attempts.append(Attempt(account, self._rules.per_account))
        address = address_key(client_ip)
        if address is not None:
            attempts.append(Attempt(address, self._rules.per_address))
        return attempts
