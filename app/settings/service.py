"""The service's settings: the groups, and the rules that span them."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import model_validator
from pydantic_settings import BaseSettings, PydanticBaseSettingsSource, SettingsConfigDict

from app.settings.base import ConfigurationError
from app.settings.commercetools import CommercetoolsSettings
from app.settings.environment import FlatEnvironment, group_flat_names
from app.settings.graphql import GraphQLSettings
from app.settings.mail import MailSettings
from app.settings.security import SecuritySettings
from app.settings.session import SessionSettings
from app.settings.shop import ShopSettings
from app.settings.upstream import UpstreamSettings
from app.settings.webhooks import WebhookSettings

MIN_SECRET_LENGTH = 32


class Settings(BaseSettings):
    """Read from flat environment variables (UPSTREAM_MAX_RETRIES, case-insensitive), or from
    keyword arguments of the same names in lower case (`Settings(upstream_max_retries=3)`),
    and read back by group (`settings.upstream.max_retries`)."""

    # Unknown environment variables are never read; an unknown keyword argument is a typo and
    # fails. Errors never echo a value: SMTP_URL and the CTP_* secrets would end up in logs.
    model_config = SettingsConfigDict(frozen=True, extra="forbid", hide_input_in_errors=True)

    app_env: Literal["development", "test", "production"] = "development"
    debug: bool = False
    host: str = "127.0.0.1"
    port: int = 8000

    commercetools: CommercetoolsSettings
    session: SessionSettings
    upstream: UpstreamSettings
    graphql: GraphQLSettings
    security: SecuritySettings
    shop: ShopSettings
    mail: MailSettings
    webhooks: WebhookSettings

    # Declared so type checkers accept the flat names, which are not the fields' names.
    def __init__(self, **flat: Any) -> None:
        super().__init__(**flat)

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        # Keyword arguments first, then the process environment: the service reads no .env
        # file and no secrets directory, and the default environment source would look for a
        # variable per group (MAIL, which login shells set).
        return init_settings, FlatEnvironment(settings_cls)

    @model_validator(mode="before")
    @classmethod
    def _group_flat_names(cls, data: Any) -> Any:
        return group_flat_names(cls, data) if isinstance(data, dict) else data

    @model_validator(mode="after")
    def _production_needs_real_project(self) -> Settings:
        if not self.is_production:
            return self
        missing = self.commercetools.unset_variables
        if missing:
            raise ConfigurationError(
                "APP_ENV=production needs a real commercetools project, but "
                + ", ".join(missing)
                + " is not set. Set them (see docs/configuration.md), "
                "or leave APP_ENV unset to run the demo on the embedded emulator."
            )
        keys = self.session.keys_newest_first
        if not keys or any(len(key) < MIN_SECRET_LENGTH for key in keys):
            raise ConfigurationError(
                "APP_ENV=production needs SESSION_SECRET_KEYS: comma-separated secrets of at "
                f"least {MIN_SECRET_LENGTH} characters, newest first "
                '(e.g. python3 -c "import secrets; print(secrets.token_urlsafe(48))").'
            )
        return self

    @model_validator(mode="after")
    def _production_needs_webhook_secret(self) -> Settings:
        if not self.is_production:
            return self
        secret = self.webhooks.secret.get_secret_value() if self.webhooks.secret else ""
        if len(secret) < MIN_SECRET_LENGTH:
            raise ConfigurationError(
                "APP_ENV=production needs WEBHOOK_SECRET: a secret of at least "
                f"{MIN_SECRET_LENGTH} characters that commercetools sends with every "
                "webhook call (docs/webhooks.md)."
            )
        return self

    @property
    def is_production(self) -> bool:
        return self.app_env == "production"

    @property
    def secure_cookies(self) -> bool:
        return self.is_production

    @property
    def registers_demo_webhooks(self) -> bool:
        demo = self.commercetools.uses_embedded_emulator
        if self.webhooks.register_demo is not None:
            return self.webhooks.register_demo and demo
        return demo and self.app_env == "development"
