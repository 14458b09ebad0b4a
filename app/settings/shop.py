"""The shop the storefront shows: its defaults and its address."""

from __future__ import annotations

from urllib.parse import urlsplit

from pydantic import BaseModel, Field, field_validator

from app.settings.base import GROUP_CONFIG


class ShopSettings(BaseModel):
    model_config = GROUP_CONFIG

    # Used when a request does not say (Accept-Language sets the locale).
    default_locale: str = Field(default="en", validation_alias="default_locale")
    default_currency: str = Field(default="EUR", validation_alias="default_currency")
    default_country: str = Field(default="DE", validation_alias="default_country")
    # Links in e-mails point here (e.g. {STOREFRONT_URL}/reset-password?token=...).
    storefront_url: str = Field(default="http://localhost:3000", validation_alias="storefront_url")
    # Serve the demo storefront page (storefront/) on STOREFRONT_URL; unset: only in the
    # development demo (Settings.serves_demo_storefront). Never in production.
    demo_storefront: bool | None = Field(default=None, validation_alias="demo_storefront")

    @field_validator("storefront_url")
    @classmethod
    def _storefront_url_is_http(cls, value: str) -> str:
        parts = urlsplit(value)
        if parts.scheme not in ("http", "https") or not parts.netloc:
            raise ValueError("STOREFRONT_URL must be an http(s) URL, e.g. https://shop.example.com")
        return value.rstrip("/")
