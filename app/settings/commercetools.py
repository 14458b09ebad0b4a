"""CTP_*: the commercetools project, or the embedded emulator when any of it is missing."""

from __future__ import annotations

from pydantic import BaseModel, Field, SecretStr

from app.settings.base import GROUP_CONFIG
from app.settings.environment import env_name

EMULATOR_PROJECT_KEY = "demo"
EMULATOR_BASE_URL = "http://emulator.embedded"

# The storefront only ever acts for one customer with these; commercetools requires a customer
# token's scopes to be a subset of the API client's.
CUSTOMER_SCOPE_NAMES = (
    "manage_my_profile",
    "manage_my_orders",
    "manage_my_shopping_lists",
    # Creating the shopper's Payment (`/me/payments`) when PAYMENT_PROVIDER is set.
    "manage_my_payments",
    "view_published_products",
    "view_categories",
)

_REQUIRED = (
    "configured_project_key",
    "configured_client_id",
    "configured_client_secret",
    "configured_api_url",
    "configured_auth_url",
)


class CommercetoolsSettings(BaseModel):
    """The `configured_*` fields hold CTP_* as given; the properties are what the service uses,
    which is the embedded emulator's project unless every required CTP_* is set."""

    model_config = GROUP_CONFIG

    configured_project_key: str | None = Field(default=None, validation_alias="ctp_project_key")
    configured_client_id: str | None = Field(default=None, validation_alias="ctp_client_id")
    configured_client_secret: SecretStr | None = Field(
        default=None, validation_alias="ctp_client_secret"
    )
    configured_scopes: str | None = Field(default=None, validation_alias="ctp_scopes")
    configured_api_url: str | None = Field(default=None, validation_alias="ctp_api_url")
    configured_auth_url: str | None = Field(default=None, validation_alias="ctp_auth_url")
    # The embedded emulator only: false makes it a project created after 31 August 2026, which
    # has Product Search but cannot activate Product Projection Search (docs/emulator.md).
    emulator_product_projection_search: bool = Field(
        default=True, validation_alias="emulator_product_projection_search"
    )

    @property
    def unset_variables(self) -> list[str]:
        """The required CTP_* variables that are not set, by their environment names."""
        fields = type(self).model_fields
        return [env_name(fields[name]).upper() for name in _REQUIRED if not getattr(self, name)]

    @property
    def uses_embedded_emulator(self) -> bool:
        return bool(self.unset_variables)

    @property
    def project_key(self) -> str:
        if self.uses_embedded_emulator:
            return EMULATOR_PROJECT_KEY
        assert self.configured_project_key is not None
        return self.configured_project_key

    @property
    def api_url(self) -> str:
        if self.uses_embedded_emulator:
            return EMULATOR_BASE_URL
        assert self.configured_api_url is not None
        return self.configured_api_url.rstrip("/")

    @property
    def auth_url(self) -> str:
        if self.uses_embedded_emulator:
            return EMULATOR_BASE_URL
        assert self.configured_auth_url is not None
        return self.configured_auth_url.rstrip("/")

    @property
    def client_id(self) -> str:
        if self.uses_embedded_emulator:
            return "demo-client"
        assert self.configured_client_id is not None
        return self.configured_client_id

    @property
    def client_secret(self) -> str:
        if self.uses_embedded_emulator:
            return "demo-secret"
        assert self.configured_client_secret is not None
        return self.configured_client_secret.get_secret_value()

    @property
    def client_scopes(self) -> str:
        if self.configured_scopes and not self.uses_embedded_emulator:
            return self.configured_scopes
        return f"manage_project:{self.project_key}"

    @property
    def customer_scopes(self) -> str:
        pk = self.project_key
        return " ".join(f"{name}:{pk}" for name in CUSTOMER_SCOPE_NAMES)

    @property
    def anonymous_scopes(self) -> str:
        return f"{self.customer_scopes} create_anonymous_token:{self.project_key}"
