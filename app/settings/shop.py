"""The shop the storefront shows: its defaults and its address."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from pydantic import BaseModel, Field, field_validator, model_validator

from app.settings.base import GROUP_CONFIG

# commercetools' pattern for a Store key.
_STORE_KEY = re.compile(r"^[A-Za-z0-9_-]{2,256}$")


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

    # Run the whole storefront in this commercetools Store: carts, orders, customers and
    # product data go through its in-store endpoints (docs/storefront-api.md, "Stores").
    store_key: str | None = Field(default=None, validation_alias="store_key")
    # The stores a shopper may switch to with setShopperContext; unset: STORE_KEY alone.
    configured_store_keys: str | None = Field(default=None, validation_alias="store_keys")

    # A commercetools Store names no currency: which ones each store sells in, e.g.
    # "de-shop:EUR,us-shop:USD" (a store not named here: every currency of the project).
    configured_store_currencies: str | None = Field(
        default=None, validation_alias="store_currencies"
    )

    @field_validator("store_key")
    @classmethod
    def _store_key_is_a_key(cls, value: str | None) -> str | None:
        value = (value or "").strip() or None
        if value is not None and not _STORE_KEY.match(value):
            raise ValueError("STORE_KEY must be a commercetools Store key: [A-Za-z0-9_-]{2,256}")
        return value

    @model_validator(mode="after")
    def _store_keys_are_keys(self) -> ShopSettings:
        for key in self.store_keys:
            if not _STORE_KEY.match(key):
                raise ValueError(f"STORE_KEYS: {key[:40]!r} is not a commercetools Store key")
        if self.configured_store_keys and self.store_key is None:
            raise ValueError("STORE_KEYS needs STORE_KEY: the store a shopper starts in")
        if self.store_key is not None and self.store_key not in self.store_keys:
            raise ValueError("STORE_KEYS must include STORE_KEY")
        return self

    @property
    def store_keys(self) -> tuple[str, ...]:
        """The stores a shopper may shop in: STORE_KEYS, else STORE_KEY alone, else none
        (the project without stores)."""
        if self.configured_store_keys:
            keys = (k.strip() for k in self.configured_store_keys.split(","))
            return tuple(dict.fromkeys(k for k in keys if k))
        return (self.store_key,) if self.store_key else ()

    @property
    def store_currencies(self) -> dict[str, tuple[str, ...]]:
        found: dict[str, list[str]] = {}
        for entry in (self.configured_store_currencies or "").split(","):
            key, _, currency = entry.strip().partition(":")
            if key.strip() and currency.strip():
                found.setdefault(key.strip(), []).append(currency.strip().upper())
        return {key: tuple(dict.fromkeys(values)) for key, values in found.items()}

    @field_validator("configured_store_currencies")
    @classmethod
    def _store_currencies_are_pairs(cls, value: str | None) -> str | None:
        for entry in (value or "").split(","):
            if entry.strip() and not re.match(r"^[A-Za-z0-9_-]{2,256}:[A-Za-z]{3}$", entry.strip()):
                raise ValueError(
                    f"STORE_CURRENCIES: {entry.strip()[:40]!r} is not store-key:CURRENCY"
                )
        return value

    @field_validator("storefront_url")
    @classmethod
    def _storefront_url_is_http(cls, value: str) -> str:
        parts = urlsplit(value)
        if parts.scheme not in ("http", "https") or not parts.netloc:
            raise ValueError("STOREFRONT_URL must be an http(s) URL, e.g. https://shop.example.com")
        return value.rstrip("/")
