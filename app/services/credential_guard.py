"""The brake on credential attacks: password guessing against one account, credential stuffing
from one address, and account enumeration (docs/security.md).

Failed checks are counted per account (the normalized e-mail address, or the signed-in
customer for checks of the current password) and per client address; either one over its
limit answers TOO_MANY_REQUESTS for a few minutes. Unknown and known e-mail addresses are
counted alike and their failures padded to the same duration, so neither the answer, the
lockout nor the timing tells whether an address has an account. The client address is a plain
string here: the web layer works it out (app/web/client_address.py).
"""

from __future__ import annotations

import ipaddress

from app.errors import TooManyRequests
from app.services.uniform_timing import UniformFailureTiming
from app.throttle import AttemptThrottle, whole_minutes

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


class CredentialGuard:
    def __init__(
        self,
        by_account: AttemptThrottle,
        by_address: AttemptThrottle,
        timing: UniformFailureTiming,
    ) -> None:
        self._by_account = by_account
        self._by_address = by_address
        self._timing = timing

    def start(self) -> float:
        """Mark when a check began, for `failed`/`equalize` to pad from."""
        return self._timing.start()

    async def check(self, *, account: str | None, client_ip: str | None) -> None:
        """TOO_MANY_REQUESTS when the account or the address is locked out; else nothing."""
        waits = []
        if account is not None:
            waits.append(await self._by_account.retry_after([account]))
        address = address_key(client_ip)
        if address is not None:
            waits.append(await self._by_address.retry_after([address]))
        longest = max((wait for wait in waits if wait is not None), default=None)
        if longest is not None:
            raise TooManyRequests(
                f"Too many attempts. Please try again in {_minutes(longest)}.",
                retry_after_seconds=longest,
            )

    async def failed(self, *, account: str | None, client_ip: str | None, started: float) -> None:
        """Count a failed check and pad its answer to the common duration."""
        await self.count(account=account, client_ip=client_ip)
        await self._timing.pad(started)

    async def count(self, *, account: str | None, client_ip: str | None) -> None:
        if account is not None:
            await self._by_account.hit([account])
        address = address_key(client_ip)
        if address is not None:
            await self._by_address.hit([address])

    async def succeeded(self, *, account: str) -> None:
        # The rightful owner got in: earlier typos no longer count against them. The address's
        # count stays, or one valid account would reset a stuffing run from that address.
        await self._by_account.clear(account)

    async def equalize(self, started: float) -> None:
        """Pad an answer that must not tell outcomes apart (e.g. a reset request)."""
        await self._timing.pad(started)


def _minutes(seconds: float) -> str:
    minutes = whole_minutes(seconds)
    return "1 minute" if minutes == 1 else f"{minutes} minutes"
