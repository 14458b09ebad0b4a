"""PAYMENT_PROVIDER and STRIPE_* (docs/payments.md): who takes the shopper's money, if anyone."""

from __future__ import annotations

from typing import Literal
from urllib.parse import urlsplit

from pydantic import BaseModel, Field, SecretStr, field_validator

from app.settings.base import GROUP_CONFIG

STRIPE_API_BASE = "https://api.stripe.com"


def _secret(value: SecretStr | None) -> str:
    return value.get_secret_value() if value is not None else ""


class PaymentSettings(BaseModel):
    model_config = GROUP_CONFIG

    # `none`: orders are placed unpaid (shops that invoice), as before payments existed.
    provider: Literal["none", "stripe"] = Field(default="none", validation_alias="payment_provider")
    stripe_secret_key: SecretStr | None = Field(default=None, validation_alias="stripe_secret_key")
    stripe_publishable_key: str | None = Field(
        default=None, validation_alias="stripe_publishable_key"
    )
    stripe_webhook_secret: SecretStr | None = Field(
        default=None, validation_alias="stripe_webhook_secret"
    )
    # Another address for Stripe's API: the emulator's stand-in in the demo and the tests.
    stripe_api_base: str = Field(default=STRIPE_API_BASE, validation_alias="stripe_api_base")
    # `manual`: the card is only authorised at checkout and captured later (e.g. on shipping).
    stripe_capture_method: Literal["automatic", "manual"] = Field(
        default="automatic", validation_alias="stripe_capture_method"
    )

    @field_validator("stripe_api_base")
    @classmethod
    def _api_base_is_http(cls, value: str) -> str:
        parts = urlsplit(value)
        if parts.scheme not in ("http", "https") or not parts.hostname or parts.query:
            raise ValueError("STRIPE_API_BASE must be an http(s) URL, e.g. https://api.stripe.com")
        return value.rstrip("/")

    @property
    def provider_is_set(self) -> bool:
        """Whether PAYMENT_PROVIDER was given (the development demo pays only when it was not)."""
        return "provider" in self.model_fields_set

    @property
    def unset_stripe_variables(self) -> list[str]:
        """The STRIPE_* keys the Stripe provider cannot work without, when they are unset."""
        missing = []
        if not _secret(self.stripe_secret_key):
            missing.append("STRIPE_SECRET_KEY")
        if not self.stripe_publishable_key:
            missing.append("STRIPE_PUBLISHABLE_KEY")
        if not _secret(self.stripe_webhook_secret):
            missing.append("STRIPE_WEBHOOK_SECRET")
        return missing
