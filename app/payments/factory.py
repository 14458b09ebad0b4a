"""PAYMENT_PROVIDER → the provider, or None (`none`: orders are placed without payment)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from app.payments.provider import PaymentProvider
from app.settings import Settings

if TYPE_CHECKING:
    import httpx


def build_payment_provider(
    settings: Settings, transport: httpx.AsyncBaseTransport | None = None
) -> PaymentProvider | None:
    payments = settings.payments
    if payments.provider == "none":
        return None
    # Stripe's library (and the requests and httpx it brings) is imported only by a shop that
    # takes payments: ~80 ms of start-up for every worker of one that does not.
    from app.payments.stripe_provider import StripePaymentProvider

    secret = payments.stripe_secret_key
    webhook_secret = payments.stripe_webhook_secret
    return StripePaymentProvider(
        # Outside production an unset key still builds the client: every call then fails as
        # unavailable, which the demo without a stand-in shows plainly.
        secret_key=secret.get_secret_value() if secret else "",
        publishable_key=payments.stripe_publishable_key,
        webhook_secret=webhook_secret.get_secret_value() if webhook_secret else None,
        api_base=payments.stripe_api_base,
        capture_method=payments.stripe_capture_method,
        transport=transport,
    )
