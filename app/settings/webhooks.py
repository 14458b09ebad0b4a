"""Webhooks and events (docs/webhooks.md): who may call /webhooks/*, and the cart rules of the
API Extension."""

from __future__ import annotations

from pathlib import Path

from pydantic import BaseModel, Field, SecretStr

from app.settings.base import GROUP_CONFIG


class WebhookSettings(BaseModel):
    model_config = GROUP_CONFIG

    # commercetools and Pub/Sub send it as `Authorization: Bearer …`; required in production,
    # random per process elsewhere.
    secret: SecretStr | None = Field(default=None, validation_alias="webhook_secret")
    # With PUBSUB_AUDIENCE, /webhooks/events also accepts Google-signed OIDC tokens (Pub/Sub
    # push authentication) for that audience, checked against the keys of PUBSUB_JWKS_FILE or,
    # without it, PUBSUB_CERTS_URL.
    pubsub_audience: str | None = Field(default=None, validation_alias="pubsub_audience")
    pubsub_jwks_file: Path | None = Field(default=None, validation_alias="pubsub_jwks_file")
    pubsub_certs_url: str = Field(
        default="https://www.googleapis.com/oauth2/v3/certs", validation_alias="pubsub_certs_url"
    )
    pubsub_issuers: str = Field(
        default="https://accounts.google.com,accounts.google.com",
        validation_alias="pubsub_issuers",
    )
    pubsub_service_account_email: str | None = Field(
        default=None, validation_alias="pubsub_service_account_email"
    )
    # 0 turns a limit off.
    cart_max_line_quantity: int = Field(default=50, ge=0, validation_alias="cart_max_line_quantity")
    cart_max_total_quantity: int = Field(
        default=200, ge=0, validation_alias="cart_max_total_quantity"
    )
    cart_default_shipping_method: bool = Field(
        default=True, validation_alias="cart_default_shipping_method"
    )
    # Register the extension and subscription against this process at start-up; unset: only
    # in the development demo (Settings.registers_demo_webhooks).
    register_demo: bool | None = Field(default=None, validation_alias="demo_webhooks")

    @property
    def pubsub_issuer_list(self) -> list[str]:
        return [issuer.strip() for issuer in self.pubsub_issuers.split(",") if issuer.strip()]
