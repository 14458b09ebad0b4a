"""SESSION_* and REDIS_URL: the browser's session cookie and where its record lives."""

from __future__ import annotations

from functools import cached_property
from typing import Literal

from pydantic import BaseModel, Field, SecretStr, field_validator, model_validator

from app.settings.base import GROUP_CONFIG, ConfigurationError


class SessionSettings(BaseModel):
    model_config = GROUP_CONFIG

    # Comma-separated, newest first: the first encrypts, all decrypt (key rotation).
    secret_keys: SecretStr | None = Field(default=None, validation_alias="session_secret_keys")
    # Without a prefix: production adds `__Host-` (Settings.session_cookie_name).
    cookie_name: str = Field(
        default="ctp_session", pattern=r"^[A-Za-z0-9_.-]+$", validation_alias="session_cookie_name"
    )
    # Which requests browsers send the cookie with (docs/deployment.md): "lax" (same-site
    # requests and top-level navigations), "strict" (same-site requests only), "none" (also
    # cross-site requests, where the browser allows third-party cookies; the cookie is then
    # Secure, and the service must be reached over https or on loopback).
    cookie_samesite: Literal["lax", "strict", "none"] = Field(
        default="lax", validation_alias="session_cookie_samesite"
    )
    # "cookie": the session travels encrypted in the cookie. "redis": the cookie holds an
    # opaque id and REDIS_URL keeps the record.
    store: Literal["cookie", "redis"] = Field(default="cookie", validation_alias="session_store")
    # Set: what instances share (throttle, budgets, ended sessions, the webhook ledger) lives in
    # this Redis, and with store="redis" the sessions too. Unset: all of it per process.
    redis_url: SecretStr | None = Field(default=None, validation_alias="redis_url")
    idle_timeout_seconds: int = Field(
        default=14 * 86_400, gt=0, validation_alias="session_idle_timeout_seconds"
    )
    absolute_timeout_seconds: int = Field(
        default=90 * 86_400, gt=0, validation_alias="session_absolute_timeout_seconds"
    )
    # How stale this instance's knowledge of ended sessions (sign-out, password change) may
    # be: it asks the shared store (Redis) about a signed-in session at most this often. What
    # this instance ended itself counts at once.
    revocation_check_seconds: float = Field(
        default=5.0, ge=0, le=300, validation_alias="session_revocation_check_seconds"
    )

    @field_validator("cookie_name")
    @classmethod
    def _cookie_name_has_no_prefix(cls, value: str) -> str:
        if value.lower().startswith(("__host-", "__secure-")):
            raise ValueError(
                "SESSION_COOKIE_NAME is the name without a prefix: production adds __Host- itself"
            )
        return value

    @model_validator(mode="after")
    def _redis_store_needs_url(self) -> SessionSettings:
        if self.store == "redis" and not self.redis_url:
            raise ConfigurationError(
                "SESSION_STORE=redis needs REDIS_URL, e.g. redis://127.0.0.1:6379/0."
            )
        return self

    @cached_property
    def keys_newest_first(self) -> list[str]:
        """SESSION_SECRET_KEYS split; empty when unset."""
        if self.secret_keys is None:
            return []
        raw = self.secret_keys.get_secret_value()
        return [key.strip() for key in raw.split(",") if key.strip()]
