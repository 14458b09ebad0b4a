"""PAYMENT_PROVIDER and STRIPE_*: `none` by default; production refuses Stripe without keys."""

from __future__ import annotations

from typing import Any

import pytest

from app.payments.factory import build_payment_provider
from app.payments.stripe_provider import StripePaymentProvider
from app.settings import ConfigurationError
from tests.conftest import SESSION_KEY, make_settings
from tests.support.production import WEBHOOK_SECRET

PRODUCTION: dict[str, Any] = {
    "app_env": "production",
    "ctp_project_key": "demo",
    "ctp_client_id": "demo-client",
    "ctp_client_secret": "demo-secret",
    "ctp_api_url": "https://api.example",
    "ctp_auth_url": "https://auth.example",
    "session_secret_keys": SESSION_KEY,
    "webhook_secret": WEBHOOK_SECRET,
    "public_url": "https://api.shop.example",
}
KEYS = {
    "stripe_secret_key": "sk_live_x",
    "stripe_publishable_key": "pk_live_x",
    "stripe_webhook_secret": "whsec_x",
}


def test_no_provider_by_default() -> None:
    settings = make_settings()
    assert settings.payments.provider == "none"
    assert build_payment_provider(settings) is None


@pytest.mark.parametrize("unset", sorted(KEYS))
def test_production_refuses_stripe_without_its_keys(unset: str) -> None:
    keys = {name: value for name, value in KEYS.items() if name != unset}
    with pytest.raises(ConfigurationError, match=unset.upper()):
        make_settings(**PRODUCTION, payment_provider="stripe", **keys)


def test_production_starts_with_stripe_and_its_keys() -> None:
    settings = make_settings(**PRODUCTION, payment_provider="stripe", **KEYS)
    assert isinstance(build_payment_provider(settings), StripePaymentProvider)
    assert make_settings(**PRODUCTION).payments.provider == "none"


def test_the_api_base_must_be_a_url() -> None:
    with pytest.raises(ValueError, match="STRIPE_API_BASE"):
        make_settings(stripe_api_base="api.stripe.com")
