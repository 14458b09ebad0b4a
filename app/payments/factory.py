"""PAYMENT_PROVIDER → the provider, or None (`none`: orders are placed without payment)."""

from __future__ import annotations

import httpx

from app.payments.provider import PaymentProvider
from app.payments.stripe_provider import StripePaymentProvider
from app.settings import Settings


def build_payment_provider(
    settings: Settings, transport: httpx.AsyncBaseTransport | None = None
) -> PaymentProvider | None:
    payments = settings.payments
    if payments.provider == "none":
        return None
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
