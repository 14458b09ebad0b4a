"""Configuration from the environment (12-factor); see docs/configuration.md."""

from __future__ import annotations

from functools import cached_property
from pathlib import Path
from typing import Literal
from urllib.parse import urlsplit

from pydantic import Field, SecretStr, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from app.networks import IPNetwork, parse_networks

EMULATOR_PROJECT_KEY = "demo"
EMULATOR_BASE_URL = "http://emulator.embedded"

# The storefront only ever acts for one customer with these; commercetools requires a customer
# token's scopes to be a subset of the API client's.
CUSTOMER_SCOPE_NAMES = (
    "manage_my_profile",
    "manage_my_orders",
    "manage_my_shopping_lists",
    "view_published_products",
    "view_categories",
)

_CTP_REQUIRED = (
    "ctp_project_key",
    "ctp_client_id",
    "ctp_client_secret",
    "ctp_api_url",
    "ctp_auth_url",
)

MIN_SESSION_KEY_LENGTH = 32

# smtp: STARTTLS when the server offers it; smtp+starttls: STARTTLS required; smtps: TLS from
# the first byte (port 465).
SMTP_SCHEMES = ("smtp", "smtp+starttls", "smtps")


class ConfigurationError(RuntimeError):
    """The environment does not describe a service that may start."""


class Settings(BaseSettings):
    # Errors never echo a value: SMTP_URL and the CTP_* secrets would end up in logs.
    model_config = SettingsConfigDict(extra="ignore", frozen=True, hide_input_in_errors=True)

    app_env: Literal["development", "test", "production"] = "development"
    debug: bool = False
    host: str = "127.0.0.1"
    port: int = 8000

    ctp_project_key: str | None = None
    ctp_client_id: str | None = None
    ctp_client_secret: SecretStr | None = None
    ctp_scopes: str | None = None
    ctp_api_url: str | None = None
    ctp_auth_url: str | None = None

    # Comma-separated, newest first: the first encrypts, all decrypt (key rotation).
    session_secret_keys: SecretStr | None = None
    session_cookie_name: str = "ctp_session"
    # "cookie": the session travels encrypted in the cookie (one instance or many, no server
    # state). "redis": the cookie holds an opaque id and REDIS_URL keeps the record, so sign-out
    # and password changes can end sessions on every instance.
    session_store: Literal["cookie", "redis"] = "cookie"
    redis_url: SecretStr | None = None
    session_idle_timeout_seconds: int = Field(default=14 * 86_400, gt=0)
    session_absolute_timeout_seconds: int = Field(default=90 * 86_400, gt=0)

    upstream_connect_timeout_seconds: float = Field(default=2.0, gt=0)
    upstream_read_timeout_seconds: float = Field(default=8.0, gt=0)
    upstream_max_retries: int = Field(default=2, ge=0, le=5)
    # httpcore walks every pooled connection on each request: a smaller pool costs less CPU, and
    # 32 connections at 50 ms per call still carry ~640 calls/s (docs/performance.md).
    upstream_max_connections: int = Field(default=32, gt=0)
    # All of one upstream call, retries included, ends within this (docs/security.md).
    upstream_deadline_seconds: float = Field(default=10.0, gt=0)
    # Consecutive failed calls that open the circuit breaker (0: no breaker), and how long it
    # then fails calls at once before letting one through to test commercetools again.
    upstream_breaker_failures: int = Field(default=5, ge=0)
    upstream_breaker_reset_seconds: float = Field(default=5.0, gt=0)
    # /readyz: how long an answer is reused, and how long its check may take.
    readiness_cache_seconds: float = Field(default=5.0, ge=0)
    readiness_timeout_seconds: float = Field(default=2.0, gt=0)

    # Limits on what one GraphQL request may ask (docs/security.md).
    graphql_max_body_bytes: int = Field(default=64 * 1024, ge=1024)
    graphql_max_tokens: int = Field(default=2_000, ge=50)
    graphql_max_depth: int = Field(default=12, ge=2)
    graphql_max_aliases: int = Field(default=20, ge=0)
    graphql_max_cost: int = Field(default=5_000, ge=10)
    graphql_document_cache_size: int = Field(default=1_000, ge=0)

    # Hardening (docs/security.md). Storefront origins that may call /graphql from a browser
    # with cookies (comma-separated, e.g. https://shop.example.com); none by default.
    cors_allowed_origins: str = ""
    # Proxies (addresses or CIDR ranges) whose X-Forwarded-For is believed; none by default.
    trusted_proxies: str = ""
    # Failed credential checks: this many within THROTTLE_WINDOW_SECONDS lock the e-mail
    # address (or client address) for THROTTLE_LOCKOUT_SECONDS.
    throttle_window_seconds: int = Field(default=900, gt=0)
    throttle_lockout_seconds: int = Field(default=300, gt=0)
    throttle_max_failures_per_email: int = Field(default=5, ge=1)
    throttle_max_failures_per_address: int = Field(default=30, ge=1)
    # Failed sign-ins take at least this long, whatever failed (no timing says if an account
    # exists).
    credential_failure_min_seconds: float = Field(default=0.3, ge=0, le=5)

    default_locale: str = "en"
    default_currency: str = "EUR"
    default_country: str = "DE"

    # Mail (app/mailer.py): SMTP when SMTP_URL is set, else .eml files in MAIL_OUTBOX_DIR.
    smtp_url: SecretStr | None = None
    smtp_timeout_seconds: float = Field(default=10.0, gt=0)
    mail_outbox_dir: Path = Path("var/outbox")
    mail_from: str = "ctp-bff <no-reply@localhost>"
    # Links in e-mails point here (e.g. {STOREFRONT_URL}/reset-password?token=...).
    storefront_url: str = "http://localhost:3000"
    password_reset_ttl_minutes: int = Field(default=60, ge=1, le=1440)

    # Webhooks and events (docs/webhooks.md). commercetools and Pub/Sub send WEBHOOK_SECRET as
    # `Authorization: Bearer …`; required in production, random per process elsewhere.
    webhook_secret: SecretStr | None = None
    # With PUBSUB_AUDIENCE, /webhooks/events also accepts Google-signed OIDC tokens (Pub/Sub
    # push authentication) for that audience, checked against the keys of PUBSUB_JWKS_FILE or,
    # without it, PUBSUB_CERTS_URL.
    pubsub_audience: str | None = None
    pubsub_jwks_file: Path | None = None
    pubsub_certs_url: str = "https://www.googleapis.com/oauth2/v3/certs"
    pubsub_issuers: str = "https://accounts.google.com,accounts.google.com"
    pubsub_service_account_email: str | None = None
    # Cart rules of the API Extension; 0 turns a limit off.
    cart_max_line_quantity: int = Field(default=50, ge=0)
    cart_max_total_quantity: int = Field(default=200, ge=0)
    cart_default_shipping_method: bool = True
    # Register the extension and subscription against this process at start-up; unset: only
    # in the development demo (embedded emulator).
    demo_webhooks: bool | None = None

    @field_validator("smtp_url")
    @classmethod
    def _smtp_url_scheme(cls, value: SecretStr | None) -> SecretStr | None:
        if value is None or not value.get_secret_value():
            return None
        parts = urlsplit(value.get_secret_value())
        if parts.scheme not in SMTP_SCHEMES or not parts.hostname:
            # The message never repeats the URL: it may hold the SMTP password.
            raise ValueError(
                "SMTP_URL must look like smtp://user:password@host:587 "
                f"(schemes: {', '.join(SMTP_SCHEMES)})"
            )
        return value

    @field_validator("storefront_url")
    @classmethod
    def _storefront_url_is_http(cls, value: str) -> str:
        parts = urlsplit(value)
        if parts.scheme not in ("http", "https") or not parts.netloc:
            raise ValueError("STOREFRONT_URL must be an http(s) URL, e.g. https://shop.example.com")
        return value.rstrip("/")

    @field_validator("cors_allowed_origins")
    @classmethod
    def _origins_are_exact(cls, value: str) -> str:
        for origin in (part.strip() for part in value.split(",")):
            if not origin:
                continue
            parts = urlsplit(origin)
            # Credentials are allowed for these origins: never a wildcard, never a path.
            exact = f"{parts.scheme}://{parts.netloc}" == origin
            if parts.scheme not in ("http", "https") or not parts.netloc or not exact:
                raise ValueError(
                    "CORS_ALLOWED_ORIGINS lists exact origins such as https://shop.example.com "
                    "(scheme and host, optional port; no '*', no path)"
                )
        return value

    @field_validator("trusted_proxies")
    @classmethod
    def _proxies_are_networks(cls, value: str) -> str:
        try:
            parse_networks(value)
        except ValueError:
            raise ValueError(
                "TRUSTED_PROXIES lists IP addresses or CIDR ranges, e.g. 10.0.0.0/8,192.0.2.7"
            ) from None
        return value

    @model_validator(mode="after")
    def _production_needs_real_project(self) -> Settings:
        if self.app_env != "production":
            return self
        missing = [name.upper() for name in _CTP_REQUIRED if not getattr(self, name)]
        if missing:
            raise ConfigurationError(
                "APP_ENV=production needs a real commercetools project, but "
                + ", ".join(missing)
                + " is not set. Set them (see docs/configuration.md), "
                "or leave APP_ENV unset to run the demo on the embedded emulator."
            )
        keys = self.session_keys
        if not keys or any(len(key) < MIN_SESSION_KEY_LENGTH for key in keys):
            raise ConfigurationError(
                "APP_ENV=production needs SESSION_SECRET_KEYS: comma-separated secrets of at "
                f"least {MIN_SESSION_KEY_LENGTH} characters, newest first "
                '(e.g. python3 -c "import secrets; print(secrets.token_urlsafe(48))").'
            )
        return self

    @model_validator(mode="after")
    def _production_needs_webhook_secret(self) -> Settings:
        if self.app_env != "production":
            return self
        secret = self.webhook_secret.get_secret_value() if self.webhook_secret else ""
        if len(secret) < MIN_SESSION_KEY_LENGTH:
            raise ConfigurationError(
                "APP_ENV=production needs WEBHOOK_SECRET: a secret of at least "
                f"{MIN_SESSION_KEY_LENGTH} characters that commercetools sends with every "
                "webhook call (docs/webhooks.md)."
            )
        return self

    @property
    def registers_demo_webhooks(self) -> bool:
        if self.demo_webhooks is not None:
            return self.demo_webhooks and self.uses_embedded_emulator
        return self.uses_embedded_emulator and self.app_env == "development"

    @property
    def pubsub_issuer_list(self) -> list[str]:
        return [issuer.strip() for issuer in self.pubsub_issuers.split(",") if issuer.strip()]

    @property
    def cors_origins(self) -> list[str]:
        return [part.strip() for part in self.cors_allowed_origins.split(",") if part.strip()]

    @cached_property
    def trusted_proxy_networks(self) -> list[IPNetwork]:
        return parse_networks(self.trusted_proxies)

    @model_validator(mode="after")
    def _redis_store_needs_url(self) -> Settings:
        if self.session_store == "redis" and not self.redis_url:
            raise ConfigurationError(
                "SESSION_STORE=redis needs REDIS_URL, e.g. redis://127.0.0.1:6379/0."
            )
        return self

    @property
    def uses_embedded_emulator(self) -> bool:
        return not all(getattr(self, name) for name in _CTP_REQUIRED)

    @property
    def is_production(self) -> bool:
        return self.app_env == "production"

    @property
    def secure_cookies(self) -> bool:
        return self.app_env == "production"

    @cached_property
    def session_keys(self) -> list[str]:
        if self.session_secret_keys is None:
            return []
        raw = self.session_secret_keys.get_secret_value()
        return [key.strip() for key in raw.split(",") if key.strip()]

    @property
    def project_key(self) -> str:
        if self.uses_embedded_emulator:
            return EMULATOR_PROJECT_KEY
        assert self.ctp_project_key is not None
        return self.ctp_project_key

    @property
    def api_url(self) -> str:
        if self.uses_embedded_emulator:
            return EMULATOR_BASE_URL
        assert self.ctp_api_url is not None
        return self.ctp_api_url.rstrip("/")

    @property
    def auth_url(self) -> str:
        if self.uses_embedded_emulator:
            return EMULATOR_BASE_URL
        assert self.ctp_auth_url is not None
        return self.ctp_auth_url.rstrip("/")

    @property
    def client_id(self) -> str:
        if self.uses_embedded_emulator:
            return "demo-client"
        assert self.ctp_client_id is not None
        return self.ctp_client_id

    @property
    def client_secret(self) -> str:
        if self.uses_embedded_emulator:
            return "demo-secret"
        assert self.ctp_client_secret is not None
        return self.ctp_client_secret.get_secret_value()

    @property
    def client_scopes(self) -> str:
        if self.ctp_scopes and not self.uses_embedded_emulator:
            return self.ctp_scopes
        return f"manage_project:{self.project_key}"

    @property
    def customer_scopes(self) -> str:
        pk = self.project_key
        return " ".join(f"{name}:{pk}" for name in CUSTOMER_SCOPE_NAMES)

    @property
    def anonymous_scopes(self) -> str:
        return f"{self.customer_scopes} create_anonymous_token:{self.project_key}"
