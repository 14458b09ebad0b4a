"""Configuration from the environment (12-factor), grouped by concern; see
docs/configuration.md."""

from app.settings.base import ConfigurationError
from app.settings.catalog import CatalogSettings
from app.settings.commercetools import CommercetoolsSettings
from app.settings.graphql import GraphQLSettings
from app.settings.mail import SMTP_SCHEMES, MailSettings
from app.settings.observability import ObservabilitySettings
from app.settings.payments import PaymentSettings
from app.settings.security import SecuritySettings
from app.settings.service import Settings
from app.settings.session import SessionSettings
from app.settings.shop import ShopSettings
from app.settings.upstream import UpstreamSettings
from app.settings.webhooks import WebhookSettings

__all__ = [
    "SMTP_SCHEMES",
    "CatalogSettings",
    "CommercetoolsSettings",
    "ConfigurationError",
    "GraphQLSettings",
    "MailSettings",
    "ObservabilitySettings",
    "PaymentSettings",
    "SecuritySettings",
    "SessionSettings",
    "Settings",
    "ShopSettings",
    "UpstreamSettings",
    "WebhookSettings",
]
