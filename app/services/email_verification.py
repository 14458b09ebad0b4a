"""Verifying a customer's e-mail address with commercetools' e-mail tokens: a token per
customer (`POST /customers/email-token`), mailed as a link to the storefront's
`/verify-email` page, and confirmed there (`POST /customers/email/confirm`), which sets the
customer's `isEmailVerified`.

Session-free (the app's token): the storefront's `requestEmailVerification`/`verifyEmail` use
it, and so does the welcome mail, which a webhook sends with no browser behind it.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlencode

from app.ctp import resources
from app.ctp.gateway import CtpGateway


@dataclass(frozen=True, slots=True)
class VerificationLinks:
    storefront_url: str
    ttl_minutes: int

    def link(self, token: str) -> str:
        return f"{self.storefront_url}/verify-email?{urlencode({'token': token})}"


class EmailVerification:
    def __init__(self, gateway: CtpGateway, links: VerificationLinks) -> None:
        self._gateway = gateway
        self._links = links

    @property
    def ttl_minutes(self) -> int:
        return self._links.ttl_minutes

    async def new_link(self, customer_id: str) -> str:
        """A link with a fresh token; older links of the customer stop working."""
        token = await self._gateway.post(
            "/customers/email-token",
            {
                "id": customer_id,
                "ttlMinutes": self._links.ttl_minutes,
                "invalidateOlderTokens": True,
            },
        )
        return self._links.link(str(token["value"]))

    async def customer_of(self, access_token: str) -> resources.Customer:
        """The customer a customer token belongs to (`GET /me`)."""
        customer: resources.Customer = await self._gateway.get("/me", token=access_token)
        return customer

    async def confirm(self, token_value: str) -> resources.Customer:
        """The customer whose address the token verifies, now verified. CtpNotFound for a
        token commercetools does not know (or one already used); CtpBadRequest with
        `ExpiredCustomerEmailToken` for an expired one."""
        customer: resources.Customer = await self._gateway.post(
            "/customers/email/confirm", {"tokenValue": token_value}
        )
        return customer
