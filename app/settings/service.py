"""The service's settings: the groups, and the rules that span them."""

from __future__ import annotations

from typing import Annotated, Any, Literal
from urllib.parse import urlsplit

from pydantic import Field, field_validator, model_validator
from pydantic_settings import BaseSettings, PydanticBaseSettingsSource, SettingsConfigDict

from app.settings.base import ConfigurationError
from app.settings.catalog import CatalogSettings
from app.settings.commercetools import CommercetoolsSettings
from app.settings.environment import FlatEnvironment, group_flat_names
from app.settings.graphql import GraphQLSettings
from app.settings.mail import MailSettings
from app.settings.observability import ObservabilitySettings
from app.settings.payments import PaymentSettings
from app.settings.security import SecuritySettings, normalize_host
from app.settings.session import SessionSettings
from app.settings.shop import ShopSettings
from app.settings.upstream import UpstreamSettings
from app.settings.webhooks import WebhookSettings
from app.sites import host_of, is_loopback_host

MIN_SECRET_LENGTH = 32
# HOST values that listen on every interface, and so name no host.
WILDCARD_HOSTS = frozenset({"", "0.0.0.0", "::", "[::]"})  # noqa: S104 - compared, not bound
LOOPBACK_NAMES = frozenset({"localhost", "127.0.0.1", "::1"})
HOST_PREFIX = "__Host-"


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
    # Worker processes of `python -m bootstrap serve`; "auto": one per core the process may use
    # (the Docker image's default). The demo always runs one (bootstrap/workers.py).
    web_concurrency: Annotated[int, Field(ge=1, le=256)] | Literal["auto"] = 1
    # The API's address as browsers reach it (scheme, host, optional port and path), e.g.
    # https://api.shop.example; required in production (docs/deployment.md).
    public_url: str | None = None

    commercetools: CommercetoolsSettings
    session: SessionSettings
    upstream: UpstreamSettings
    graphql: GraphQLSettings
    security: SecuritySettings
    shop: ShopSettings
    catalog: CatalogSettings
    mail: MailSettings
    webhooks: WebhookSettings
    payments: PaymentSettings
    observability: ObservabilitySettings

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

    @field_validator("public_url")
    @classmethod
    def _public_url_is_http(cls, value: str | None) -> str | None:
        if not value:
            return None
        parts = urlsplit(value)
        if parts.scheme not in ("http", "https") or not parts.hostname or parts.query:
            raise ValueError("PUBLIC_URL must be an http(s) URL, e.g. https://api.shop.example")
        return value.rstrip("/")

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

    @model_validator(mode="after")
    def _production_needs_payment_keys(self) -> Settings:
        if not self.is_production or self.payments.provider != "stripe":
            return self
        missing = self.payments.unset_stripe_variables
        if missing:
            raise ConfigurationError(
                "PAYMENT_PROVIDER=stripe needs "
                + ", ".join(missing)
                + " in production (docs/payments.md), or PAYMENT_PROVIDER=none to sell "
                "without payment."
            )
        return self

    @model_validator(mode="after")
    def _production_needs_public_url(self) -> Settings:
        if self.is_production and self.public_url is None:
            raise ConfigurationError(
                "APP_ENV=production needs PUBLIC_URL: the API's address as browsers reach it, "
                "e.g. https://api.shop.example (its host is the one the service answers for, "
                "see ALLOWED_HOSTS)."
            )
        return self

    @model_validator(mode="after")
    def _demo_storefront_fits(self) -> Settings:
        if not self.shop.demo_storefront:
            return self
        if self.is_production:
            raise ConfigurationError(
                "DEMO_STOREFRONT is a development demo: production serves no storefront page "
                "(leave DEMO_STOREFRONT unset or false)."
            )
        problem = self._demo_storefront_url_problem()
        if problem:
            raise ConfigurationError(
                f"DEMO_STOREFRONT serves the demo page on STOREFRONT_URL, but {problem}: set "
                "STOREFRONT_URL to an http:// origin on another port, e.g. "
                "http://localhost:3000, or DEMO_STOREFRONT=false."
            )
        return self

    def _demo_storefront_url_problem(self) -> str | None:
        """Why the demo storefront cannot be served on STOREFRONT_URL; None when it can."""
        parts = urlsplit(self.shop.storefront_url)
        if parts.scheme != "http" or parts.path not in ("", "/"):
            return f"{self.shop.storefront_url} is not a plain http:// origin"
        if (parts.port or 80) == self.port:
            return f"its port is the API's (PORT={self.port})"
        return None

    @model_validator(mode="after")
    def _secure_cookies_need_a_secure_url(self) -> Settings:
        if not self.secure_cookies:
            return self
        why = (
            "APP_ENV=production"
            if self.is_production
            else f"SESSION_COOKIE_SAMESITE={self.session.cookie_samesite}"
        )
        url = self.api_url
        if url is None:
            raise ConfigurationError(
                f"{why} makes the session cookie Secure, and browsers keep Secure cookies only "
                "from https:// or loopback URLs: set PUBLIC_URL to the API's address."
            )
        if urlsplit(url).scheme != "https" and not is_loopback_host(host_of(url)):
            raise ConfigurationError(
                f"{why} makes the session cookie Secure, which browsers never keep from {url}: "
                "serve the API over https (PUBLIC_URL=https://...) or, in development, reach it "
                "as http://localhost (docs/deployment.md)."
            )
        return self

    @property
    def is_production(self) -> bool:
        return self.app_env == "production"

    @property
    def secure_cookies(self) -> bool:
        """Browsers drop a SameSite=None cookie that is not Secure."""
        return self.is_production or self.session.cookie_samesite == "none"

    @property
    def session_cookie_name(self) -> str:
        """In production `__Host-` + SESSION_COOKIE_NAME: browsers then accept the cookie only
        with Secure, Path=/ and no Domain, so no subdomain or plain-http page can plant one."""
        name = self.session.cookie_name
        return f"{HOST_PREFIX}{name}" if self.is_production else name

    @property
    def api_url(self) -> str | None:
        """PUBLIC_URL, else http://HOST:PORT when HOST names one interface; None when it is a
        wildcard (the address browsers use is then unknown)."""
        if self.public_url is not None:
            return self.public_url
        if self.host in WILDCARD_HOSTS:
            return None
        host = f"[{self.host}]" if ":" in self.host and not self.host.startswith("[") else self.host
        return f"http://{host}:{self.port}"

    @property
    def allowed_hosts(self) -> frozenset[str] | None:
        """The Host header values answered (ports aside), None for any: ALLOWED_HOSTS, PUBLIC_URL's
        host, HOST unless a wildcard, and outside production the loopback names."""
        listed = self.security.allowed_host_names
        if "*" in listed:
            return None
        hosts = set(listed)
        if self.public_url is not None:
            hosts.add(host_of(self.public_url))
        if self.host not in WILDCARD_HOSTS:
            hosts.add(normalize_host(self.host))
        if not self.is_production:
            hosts |= LOOPBACK_NAMES
        if self.serves_demo_storefront:
            hosts.add(host_of(self.demo_storefront_api_url))
        return frozenset(hosts)

    @property
    def serves_demo_storefront(self) -> bool:
        """DEMO_STOREFRONT, else on in the development demo (embedded emulator) when
        STOREFRONT_URL is an http:// origin it can listen on; never in production."""
        if self.is_production:
            return False
        if self.shop.demo_storefront is not None:
            return self.shop.demo_storefront
        return (
            self.app_env == "development"
            and self.commercetools.uses_embedded_emulator
            and self._demo_storefront_url_problem() is None
        )

    @property
    def demo_storefront_api_url(self) -> str:
        """The API's address as the demo storefront's pages call it: PUBLIC_URL, else this
        service's port on the host name the browser opened the storefront with, when HOST is
        loopback or every interface. The one process serves both, so that name reaches the API
        too, and the same name keeps page and API one site: `localhost:3000` calling
        `127.0.0.1:8000` would lose the session cookie on every request."""
        if self.public_url is not None:
            return self.public_url
        host = normalize_host(self.host)
        if host in WILDCARD_HOSTS or is_loopback_host(host):
            host = host_of(self.shop.storefront_url)
        host = f"[{host}]" if ":" in host else host
        return f"http://{host}:{self.port}"

    @property
    def cors_origins(self) -> list[str]:
        """CORS_ALLOWED_ORIGINS, and the demo storefront's origin when it is served."""
        origins = self.security.cors_origins
        if self.serves_demo_storefront:
            parts = urlsplit(self.shop.storefront_url)
            demo_origin = f"{parts.scheme}://{parts.netloc}"
            if demo_origin not in origins:
                origins = [*origins, demo_origin]
        return origins

    @property
    def registers_demo_webhooks(self) -> bool:
        demo = self.commercetools.uses_embedded_emulator
        if self.webhooks.register_demo is not None:
            return self.webhooks.register_demo and demo
        return demo and self.app_env == "development"
