"""The interface between the shop and a payment provider: create a payment for an amount, read
its state, refund or cancel it, and read the provider's signed notifications.

Amounts are in the currency's minor unit (cents), as commercetools' `centAmount`; currencies are
ISO 4217 in upper case. Nothing here knows commercetools or the shopper's session.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Protocol


class PaymentStatus(StrEnum):
    """Where a payment stands, in the provider-neutral words of the storefront API."""

    REQUIRES_PAYMENT_METHOD = "REQUIRES_PAYMENT_METHOD"  # new, or the last attempt failed
    REQUIRES_CONFIRMATION = "REQUIRES_CONFIRMATION"
    REQUIRES_ACTION = "REQUIRES_ACTION"  # e.g. 3-D Secure: the shopper must authenticate
    PROCESSING = "PROCESSING"
    AUTHORIZED = "AUTHORIZED"  # the money is reserved, to be captured (manual capture)
    SUCCEEDED = "SUCCEEDED"  # the money is taken
    CANCELED = "CANCELED"


# The states in which the shop has the shopper's money, or a guarantee of it.
SETTLED = frozenset({PaymentStatus.AUTHORIZED, PaymentStatus.SUCCEEDED})


@dataclass(frozen=True)
class Decline:
    """Why the last attempt failed, e.g. ("card_declined", "Your card was declined.")."""

    code: str
    message: str


@dataclass(frozen=True)
class ProviderPayment:
    id: str
    status: PaymentStatus
    amount: int
    currency: str
    # What the browser needs to confirm the payment with the provider's own script.
    client_secret: str | None = None
    # Where the shopper must go to finish (3-D Secure, a bank's page), when the provider says so.
    redirect_url: str | None = None
    last_decline: Decline | None = None
    metadata: Mapping[str, str] = field(default_factory=dict)

    @property
    def settled(self) -> bool:
        return self.status in SETTLED


@dataclass(frozen=True)
class PaymentRequest:
    amount: int
    currency: str
    # The same key gives the same payment, however often the request is repeated.
    idempotency_key: str
    method: str
    metadata: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Refund:
    id: str
    amount: int
    currency: str
    succeeded: bool


@dataclass(frozen=True)
class Notification:
    """A verified notification. `payment` is the payment as the provider sent it, None for a
    kind of notification the shop does not act on."""

    id: str
    kind: str
    payment: ProviderPayment | None


class PaymentError(Exception):
    """The provider refused or failed; `str()` is safe to log, never shown to shoppers."""


class PaymentUnavailable(PaymentError):
    """The provider did not answer, or failed on its side: try again later."""


class PaymentNotFound(PaymentError):
    pass


class PaymentRefused(PaymentError):
    """The provider refused the request as such (a state that does not allow it, a bad amount)."""


class InvalidNotification(PaymentError):
    """Not a notification from the provider: bad signature, too old, or not its format."""


class PaymentProvider(Protocol):
    @property
    def name(self) -> str:
        """The provider's name, as commercetools' `paymentMethodInfo.paymentInterface`."""
        ...

    @property
    def publishable_key(self) -> str | None:
        """The key the browser-side script is given, if it needs one."""
        ...

    def methods(self, currency: str, country: str) -> tuple[str, ...]:
        """The payment methods offered for a cart in this currency and country."""
        ...

    async def create(self, request: PaymentRequest) -> ProviderPayment: ...

    async def retrieve(self, payment_id: str) -> ProviderPayment: ...

    async def cancel(self, payment_id: str) -> ProviderPayment: ...

    async def capture(self, payment_id: str) -> ProviderPayment: ...

    async def refund(self, payment_id: str, idempotency_key: str) -> Refund: ...

    def parse_notification(self, body: bytes, headers: Mapping[str, str]) -> Notification:
        """Verifies and reads a notification; raises InvalidNotification."""
        ...

    async def aclose(self) -> None:
        """Closes the provider's connections (at shutdown)."""
        ...
