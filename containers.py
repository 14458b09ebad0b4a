"""Dependency-injector containers: who provides what (docs/architecture.md).

- CoreContainer: process-wide singletons; knows nothing of browsers.
- GraphQLContainer: the request-scoped CtpSession, the request context around it, and the
  services that take it; wired only into the `schema` package.
- WebhookContainer: no session provider at all; wired only into the `webhooks` package, so a
  webhook handler asking for the session fails at start-up instead of acting for some browser.

This module imports `app` and the webhook building blocks; `schema` and `webhooks` never import
each other, and `webhooks` names its providers by string (`Provide["cart_rules"]`) so that it
need not import this module (the import contracts in pyproject.toml).
"""

from __future__ import annotations

import time
from typing import TYPE_CHECKING, Any

from dependency_injector import containers, providers

from app.ctp.breaker import CircuitBreakers
from app.ctp.gateway import CtpGateway
from app.ctp.http import CtpHttp
from app.ctp.sdk import build_sdk_client
from app.ctp.tokens import TokenFlows
from app.ctp.transport import UpstreamTransport
from app.mailer import build_mailer
from app.payments.factory import build_payment_provider
from app.readiness import Readiness
from app.request_context import RequestContext
from app.services.account import AccountService, PasswordResetMail
from app.services.cart import CartService
from app.services.catalog import CatalogService, CategoryCache
from app.services.catalog_facets import Facets
from app.services.catalog_products import ProductCache
from app.services.credential_guard import CredentialGuard, CredentialRules
from app.services.email_verification import EmailVerification, VerificationLinks
from app.services.guest_budget import GuestSessionBudget
from app.services.mapped_carts import MappedCarts
from app.services.markets import ProjectMarkets
from app.services.orders import OrderService
from app.services.paid_checkout import PaidCheckout
from app.services.payment_records import PaymentRecords
from app.services.payments import PaymentService
from app.services.reset_budget import PasswordResetBudget
from app.services.session_tokens import SessionTokens
from app.services.shipping import ShippingService
from app.services.shopper_context import ShopperContextService
from app.services.token_refresher import TokenRefresher
from app.services.uniform_timing import UniformFailureTiming
from app.services.verification import VerificationService
from app.services.wishlist import WishlistService
from app.session.storefront_session import StorefrontSession
from app.session.stores import (
    build_redis,
    build_session_revocations,
    build_session_revoker,
    build_session_store,
)
from app.settings import Settings
from app.shared_state import build_throttle, redis_health
from app.throttle import ThrottleRule
from webhooks import factories as webhook_factories
from webhooks.auth import SharedSecret
from webhooks.events import EventProcessor
from webhooks.handlers import (
    MessageHandlers,
    OrderConfirmation,
    PasswordChangeEndsSessions,
    WelcomeMail,
)
from webhooks.payments import PaymentNotifications

if TYPE_CHECKING:
    import httpx


def _pooled_transport(max_connections: int) -> UpstreamTransport:
    # Imported when first built: the demo never loads aiohttp (80 ms of its start-up).
    from app.ctp.aiohttp_transport import AiohttpTransport

    return AiohttpTransport(max_connections=max_connections)


def _throttle_rule(settings: providers.Provider[Settings], max_attempts: Any) -> Any:
    """Credential checks and reset requests share the window and lockout; only how many
    attempts each allows differs."""
    return providers.Factory(
        ThrottleRule,
        max_attempts=max_attempts,
        window_seconds=settings.provided.security.throttle_window_seconds,
        lockout_seconds=settings.provided.security.throttle_lockout_seconds,
    )


class CoreContainer(containers.DeclarativeContainer):
    settings = providers.Dependency(instance_of=Settings)
    session_secrets = providers.Dependency(instance_of=list)
    clock = providers.Object(time.time)
    # One keep-alive pool per process; in demo mode the composition root overrides it with the
    # embedded emulator's in-process transport.
    upstream_transport: providers.Provider[UpstreamTransport] = providers.Singleton(
        _pooled_transport, max_connections=settings.provided.upstream.max_connections
    )
    # Per process: fails calls at once while commercetools is down (docs/security.md).
    upstream_breakers = providers.Singleton(
        CircuitBreakers,
        failure_threshold=settings.provided.upstream.breaker_failures,
        reset_seconds=settings.provided.upstream.breaker_reset_seconds,
    )
    http = providers.Singleton(
        CtpHttp,
        upstream_transport,
        connect_timeout=settings.provided.upstream.connect_timeout_seconds,
        read_timeout=settings.provided.upstream.read_timeout_seconds,
        max_retries=settings.provided.upstream.max_retries,
        deadline_seconds=settings.provided.upstream.deadline_seconds,
        breakers=upstream_breakers,
    )
    token_flows = providers.Singleton(
        TokenFlows,
        http,
        auth_url=settings.provided.commercetools.auth_url,
        project_key=settings.provided.commercetools.project_key,
        client_id=settings.provided.commercetools.client_id,
        client_secret=settings.provided.commercetools.client_secret,
        client_scopes=settings.provided.commercetools.client_scopes,
        customer_scopes=settings.provided.commercetools.customer_scopes,
        anonymous_scopes=settings.provided.commercetools.anonymous_scopes,
        clock=clock,
    )
    token_refresher = providers.Singleton(TokenRefresher, token_flows, clock)
    gateway = providers.Singleton(
        CtpGateway,
        http,
        token_flows,
        api_url=settings.provided.commercetools.api_url,
        project_key=settings.provided.commercetools.project_key,
    )
    # With REDIS_URL: what instances share (sessions with SESSION_STORE=redis, ended sessions,
    # the throttle, the webhook ledger); else None and all of it per process.
    redis = providers.Singleton(build_redis, settings)
    session_store = providers.Singleton(
        build_session_store, settings, session_secrets, redis, clock
    )
    session_revocations = providers.Singleton(build_session_revocations, settings, redis, clock)
    session_revoker = providers.Singleton(build_session_revoker, session_store, session_revocations)
    sdk_client = providers.Singleton(build_sdk_client, settings)
    # Categories rarely change and every page names them: one copy per process.
    category_cache = providers.Singleton(CategoryCache, gateway, clock=clock)
    mapped_carts = providers.Singleton(MappedCarts)
    product_cache = providers.Singleton(
        ProductCache,
        ttl_seconds=settings.provided.catalog.product_cache_seconds,
        max_entries=settings.provided.catalog.product_cache_size,
        clock=clock,
    )
    catalog_facets = providers.Singleton(Facets.from_settings, settings.provided.catalog.facets)
    # What the project and the deployment's stores allow (countries, currencies, languages).
    project_markets = providers.Singleton(
        ProjectMarkets,
        gateway,
        store_keys=settings.provided.shop.store_keys,
        store_currencies=settings.provided.shop.store_currencies,
        clock=clock,
    )
    # Session-free: webhooks (order confirmations) use it as well as the storefront.
    mailer = providers.Singleton(build_mailer, settings)
    readiness = providers.Singleton(
        Readiness,
        http,
        token_flows,
        api_url=settings.provided.commercetools.api_url,
        project_key=settings.provided.commercetools.project_key,
        cache_seconds=settings.provided.upstream.readiness_cache_seconds,
        timeout_seconds=settings.provided.upstream.readiness_timeout_seconds,
        session_store=providers.Singleton(redis_health, redis),
    )
    # Attempts reserved before the work they stand for (docs/security.md): in Redis with
    # REDIS_URL, so that every instance counts against the same numbers.
    throttle = providers.Singleton(build_throttle, redis, clock)
    credential_guard = providers.Singleton(
        CredentialGuard,
        throttle,
        providers.Factory(
            CredentialRules,
            per_account=_throttle_rule(
                settings, settings.provided.security.throttle_max_failures_per_email
            ),
            per_address=_throttle_rule(
                settings, settings.provided.security.throttle_max_failures_per_address
            ),
        ),
        providers.Singleton(
            UniformFailureTiming, settings.provided.security.credential_failure_min_seconds
        ),
    )
    password_reset_budget = providers.Singleton(
        PasswordResetBudget,
        throttle,
        per_address=_throttle_rule(
            settings, settings.provided.security.password_reset_max_requests_per_address
        ),
        mail_interval_seconds=settings.provided.security.password_reset_mail_interval_seconds,
    )
    # Session-free: the storefront's verifyEmail and the welcome mail (a webhook) both use it.
    email_verification = providers.Singleton(
        EmailVerification,
        gateway,
        providers.Factory(
            VerificationLinks,
            storefront_url=settings.provided.shop.storefront_url,
            ttl_minutes=settings.provided.mail.email_verification_ttl_minutes,
        ),
    )
    # None for the real Stripe; the embedded demo's in-process Stripe stand-in otherwise.
    payment_transport: providers.Object[httpx.AsyncBaseTransport | None] = providers.Object(None)
    # None with PAYMENT_PROVIDER=none: orders are placed unpaid, as before payments existed.
    payment_provider = providers.Singleton(
        build_payment_provider, settings, transport=payment_transport
    )
    # Session-free, so that the provider's webhook orders a paid cart as the storefront does.
    payment_records = providers.Singleton(PaymentRecords, gateway)
    paid_checkout = providers.Singleton(PaidCheckout, gateway, payment_records, payment_provider)
    guest_session_budget = providers.Singleton(
        GuestSessionBudget,
        throttle,
        providers.Factory(
            ThrottleRule,
            max_attempts=settings.provided.security.anonymous_sessions_per_address,
            window_seconds=settings.provided.security.anonymous_sessions_window_seconds,
            lockout_seconds=settings.provided.security.anonymous_sessions_window_seconds,
        ),
    )


class GraphQLContainer(containers.DeclarativeContainer):
    core = providers.DependenciesContainer()

    # One each per request: opened by the session middleware before GraphQL runs (through
    # bootstrap/request_scope.py), reset after. The middleware passes the shopper and the
    # client address when it opens `request_context`.
    ctp_session = providers.ContextLocalSingleton(StorefrontSession, core.clock)
    request_context = providers.ContextLocalSingleton(RequestContext, session=ctp_session)

    # Stateless over the request context, so plain factories: whatever a request learns lives
    # in the context, and every instance of a request sees it.
    session_tokens = providers.Factory(
        SessionTokens,
        request_context,
        core.token_flows,
        core.token_refresher,
        core.guest_session_budget,
        core.clock,
    )
    cart_service = providers.Factory(
        CartService, request_context, session_tokens, core.gateway, core.mapped_carts
    )
    catalog_service = providers.Factory(
        CatalogService,
        request_context,
        core.gateway,
        core.category_cache,
        core.product_cache,
        core.catalog_facets,
        default_locale=core.settings.provided.shop.default_locale,
        country_prices=core.settings.provided.catalog.price_countries,
    )
    order_service = providers.Factory(
        OrderService,
        request_context,
        session_tokens,
        core.gateway,
        cart_service,
        core.paid_checkout,
        core.clock,
    )
    payment_service = providers.Factory(
        PaymentService,
        request_context,
        session_tokens,
        core.gateway,
        cart_service,
        core.payment_records,
        core.payment_provider,
        capture_method=core.settings.provided.payments.stripe_capture_method,
    )
    shopper_context_service = providers.Factory(
        ShopperContextService, request_context, core.project_markets, cart_service, core.gateway
    )
    shipping_service = providers.Factory(
        ShippingService, request_context, cart_service, core.gateway
    )
    wishlist_service = providers.Factory(
        WishlistService, request_context, session_tokens, core.gateway
    )
    account_service = providers.Factory(
        AccountService,
        request_context,
        session_tokens,
        core.token_flows,
        core.gateway,
        core.mailer,
        providers.Factory(
            PasswordResetMail,
            storefront_url=core.settings.provided.shop.storefront_url,
            ttl_minutes=core.settings.provided.mail.password_reset_ttl_minutes,
        ),
        core.credential_guard,
        core.password_reset_budget,
        core.session_revoker,
        core.clock,
        shopper_context_service,
    )

    verification_service = providers.Factory(
        VerificationService,
        request_context,
        session_tokens,
        core.email_verification,
        core.mailer,
        core.credential_guard,
        core.password_reset_budget,
    )


class WebhookContainer(containers.DeclarativeContainer):
    core = providers.DependenciesContainer()

    settings = core.settings
    gateway = core.gateway
    sdk_client = core.sdk_client
    mailer = core.mailer

    # Random per process when WEBHOOK_SECRET is unset (never in production).
    webhook_secret = providers.Singleton(webhook_factories.webhook_secret, settings)
    shared_secret = providers.Singleton(SharedSecret, webhook_secret)
    event_authenticator = providers.Singleton(
        webhook_factories.event_authenticator, settings, webhook_secret
    )
    cart_rules = providers.Singleton(webhook_factories.cart_rules, settings, gateway)
    # In Redis with REDIS_URL: a message delivered to two instances is handled once.
    message_ledger = providers.Singleton(webhook_factories.message_ledger, core.redis)
    # Ends the customer's sessions in every store (cookie sessions: refused from then on).
    session_revoker = core.session_revoker
    message_handlers = providers.Singleton(
        MessageHandlers,
        providers.Factory(
            OrderConfirmation,
            mailer,
            default_locale=settings.provided.shop.default_locale,
            storefront_url=settings.provided.shop.storefront_url,
        ),
        providers.Factory(
            WelcomeMail,
            mailer,
            core.email_verification,
            storefront_url=settings.provided.shop.storefront_url,
        ),
        providers.Factory(PasswordChangeEndsSessions, session_revoker),
    )
    event_processor = providers.Singleton(EventProcessor, message_handlers, message_ledger)
    # The provider's notifications: the same ledger drops one delivered twice.
    payment_notifications = providers.Singleton(
        PaymentNotifications,
        core.payment_provider,
        message_ledger,
        core.payment_records,
        core.paid_checkout,
        gateway,
        core.clock,
    )
