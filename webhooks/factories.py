"""Builds the webhook parts from Settings (WebhookContainer's providers call these)."""

from __future__ import annotations

import logging
import secrets
from typing import Any

from app.ctp.gateway import CtpGateway
from app.settings import Settings
from webhooks.auth import EventAuthenticator, PubSubTokenVerifier, SharedSecret
from webhooks.cart_rules import CartRuleConfig, CartRules
from webhooks.jwks import FileKeySource, KeySource, RemoteKeySource
from webhooks.ledger import InMemoryMessageLedger, MessageLedger
from webhooks.shipping_defaults import DefaultShippingMethods

log = logging.getLogger(__name__)


def webhook_secret(settings: Settings) -> str:
    if settings.webhooks.secret is not None and settings.webhooks.secret.get_secret_value():
        return settings.webhooks.secret.get_secret_value()
    # Production refuses to start without one (Settings); elsewhere the demo registers its own
    # webhooks with this random one, and nobody else can call them.
    log.warning("WEBHOOK_SECRET is not set: using a random secret for this process")
    return secrets.token_urlsafe(32)


def event_authenticator(settings: Settings, secret: str) -> EventAuthenticator:
    pubsub = None
    if settings.webhooks.pubsub_audience:
        keys: KeySource = (
            FileKeySource(settings.webhooks.pubsub_jwks_file)
            if settings.webhooks.pubsub_jwks_file is not None
            else RemoteKeySource(settings.webhooks.pubsub_certs_url)
        )
        pubsub = PubSubTokenVerifier(
            keys,
            audience=settings.webhooks.pubsub_audience,
            issuers=settings.webhooks.pubsub_issuer_list,
            service_account_email=settings.webhooks.pubsub_service_account_email,
        )
    return EventAuthenticator(SharedSecret(secret), pubsub)


def cart_rules(settings: Settings, gateway: CtpGateway) -> CartRules:
    config = CartRuleConfig(
        max_line_quantity=settings.webhooks.cart_max_line_quantity,
        max_total_quantity=settings.webhooks.cart_max_total_quantity,
        default_country=settings.shop.default_country,
        default_shipping_method=settings.webhooks.cart_default_shipping_method,
        default_locale=settings.shop.default_locale,
    )
    return CartRules(config, DefaultShippingMethods(gateway))


def message_ledger(redis: Any) -> MessageLedger:
    """Per process without Redis; shared by every instance with it."""
    if redis is None:
        return InMemoryMessageLedger()
    from webhooks.ledger_redis import RedisMessageLedger

    return RedisMessageLedger(redis)
