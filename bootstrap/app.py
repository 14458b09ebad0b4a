"""`create_app()`: builds the containers, wires them, and assembles the ASGI app."""

from __future__ import annotations

import gc
import logging
import secrets
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from types import ModuleType
from typing import TYPE_CHECKING

from ariadne.explorer import ExplorerGraphiQL
from dependency_injector import providers
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

import schema
import webhooks
from app.clock import Clock
from app.logging_setup import configure_logging
from app.session.cookie_policy import CookiePolicy
from app.session.middleware import SessionMiddleware
from app.settings import Settings
from app.web.access_log import AccessLogMiddleware
from app.web.allowed_hosts import AllowedHosts
from app.web.body_deadline import BodyDeadline
from app.web.body_limit import BodyLimit
from app.web.cors import CorsMiddleware
from app.web.csrf import CsrfGuard
from app.web.json_depth import JsonNestingLimit
from app.web.media_type import JsonBodiesOnly
from app.web.request_id import RequestIdMiddleware
from app.web.security_headers import SecurityHeadersMiddleware
from app.web.shopper import ShopDefaults
from app.web.slash_redirect import TrailingSlashRedirect
from bootstrap.browser_checks import browser_warnings
from bootstrap.request_scope import RequestScope
from bootstrap.telemetry import Telemetry
from bootstrap.wiring import wire_strictly
from containers import CoreContainer, GraphQLContainer, WebhookContainer
from schema.executable import build_graphql_app
from webhooks.demo import own_base_url, register_demo_webhooks
from webhooks.routes import webhook_paths, webhook_routes

if TYPE_CHECKING:
    from opentelemetry.sdk.trace import TracerProvider

    from bootstrap.embedded_emulator import DemoPayments
    from emulator.state import Emulator

log = logging.getLogger("app")


def _session_secrets(settings: Settings) -> list[str]:
    if settings.session.keys_newest_first:
        return settings.session.keys_newest_first
    # Outside production a missing key is tolerated: sessions then end when the process does.
    log.warning("SESSION_SECRET_KEYS is not set: using a random key; sessions end on restart")
    return [secrets.token_urlsafe(48)]


def create_app(
    settings: Settings | None = None,
    *,
    webhook_packages: Sequence[ModuleType] = (webhooks,),
    clock: Clock | None = None,
    embedded_emulator: Emulator | None = None,
    demo_payments: DemoPayments | None = None,
    tracer_provider: TracerProvider | None = None,
) -> Starlette:
    """The whole service. `clock` and `embedded_emulator` replace the real ones (tests move
    time forward and inspect the emulator); `demo_payments` turns the demo's Stripe stand-in on
    (the development demo has it unless PAYMENT_PROVIDER is set); `webhook_packages` is what
    WebhookContainer wires; `tracer_provider` traces without the OTEL_* variables (tests: an
    in-memory exporter)."""
    settings = settings or Settings()
    demo_payments = demo_payments or _demo_payments(settings)
    if demo_payments is not None:
        settings = demo_payments.settings_for(settings)
    configure_logging(settings)
    for warning in browser_warnings(settings):
        log.warning("%s", warning)

    core = CoreContainer(settings=settings, session_secrets=_session_secrets(settings))
    if clock is not None:
        core.clock.override(providers.Object(clock))
    emulator = _demo_upstream(settings, embedded_emulator)
    if emulator is not None:
        from bootstrap.embedded_emulator import transport_to

        core.upstream_transport.override(providers.Object(transport_to(emulator)))
    if demo_payments is not None:
        core.payment_transport.override(providers.Object(demo_payments.transport()))
    # Metrics and traces (docs/observability.md): wraps the session store and the throttle
    # when either is on; switched on per process in the lifespan, after the fork.
    telemetry = Telemetry(settings, core, tracer_provider)
    graphql_container = GraphQLContainer(core=core)
    webhook_container = WebhookContainer(core=core)
    wire_strictly(webhook_container, webhook_packages, role="Webhook")
    wire_strictly(graphql_container, [schema], role="GraphQL")

    graphql_app = build_graphql_app(settings)
    request_scope = RequestScope(
        graphql_container,
        defaults=ShopDefaults(
            locale=settings.shop.default_locale,
            currency=settings.shop.default_currency,
            country=settings.shop.default_country,
            store_key=settings.shop.store_key,
            store_keys=settings.shop.store_keys,
        ),
        trusted_proxies=settings.security.trusted_proxy_networks,
        rules=core.project_markets().snapshot,
    )
    session_layer = SessionMiddleware(
        graphql_app,
        store=telemetry.session_store(core.session_store()),
        open_request=request_scope.open,
        close_request=request_scope.close,
        cookies=CookiePolicy(
            name=settings.session_cookie_name,
            secure=settings.secure_cookies,
            idle_timeout_seconds=settings.session.idle_timeout_seconds,
            absolute_timeout_seconds=settings.session.absolute_timeout_seconds,
            same_site=settings.session.cookie_samesite,
        ),
        revocations=core.session_revocations(),
        clock=core.clock(),
    )

    # Outermost first: refuse oversized bodies, then forgeable requests, then bodies that are
    # not JSON or nest too deeply to parse, before any session work.
    graphql_endpoint = BodyLimit(
        CsrfGuard(JsonBodiesOnly(JsonNestingLimit(session_layer))),
        settings.graphql.max_body_bytes,
    )

    async def healthz(_request: Request) -> JSONResponse:
        # The process lives; nothing more (a dead upstream must not get it restarted).
        return JSONResponse({"status": "ok"})

    async def readyz(_request: Request) -> JSONResponse:
        verdict = await core.readiness().check()
        return JSONResponse(verdict.as_json(), status_code=200 if verdict.ready else 503)

    @asynccontextmanager
    async def lifespan(this_app: Starlette) -> AsyncIterator[None]:
        if settings.commercetools.uses_embedded_emulator:
            log.info(
                "No CTP_* settings: serving the demo on the embedded commercetools emulator "
                "(project %r)",
                settings.commercetools.project_key,
            )
        else:
            log.info(
                "Using commercetools project %r at %s",
                settings.commercetools.project_key,
                settings.commercetools.api_url,
            )
        # Built now so that a bad PUBSUB_* setting stops start-up rather than the first event.
        webhook_container.event_authenticator()
        # The upstream client too: its import is not the first request's wait.
        core.http()
        if settings.registers_demo_webhooks and emulator is not None:
            from bootstrap.embedded_emulator import route_extension_calls_in_process

            route_extension_calls_in_process(emulator, own_base_url(settings), this_app)
            await register_demo_webhooks(
                core.gateway(),
                emulator,
                base_url=own_base_url(settings),
                secret=webhook_container.webhook_secret(),
            )
        if demo_payments is not None:
            demo_payments.register_webhook(own_base_url(settings), this_app)
            log.info(
                "demo: payments go to the Stripe stand-in at %s (test cards: pm_card_visa, "
                "pm_card_chargeDeclined, pm_card_authenticationRequired)",
                settings.payments.stripe_api_base,
            )
        # In a store, a shopper who chose nothing gets the store's defaults from the first
        # request on (docs/storefront-api.md); without one, the configured defaults stand
        # until the project is first read (setShopperContext, shopperContext, stores).
        if settings.shop.store_key is not None:
            await _read_markets(core)
        # What exists now lives as long as the app: the cyclic garbage collector need not walk
        # it again. Without this, every collection that requests trigger (a product listing
        # allocates ~10,000 objects) walked ~170,000 of them: 4.8 ms to read a 20-product
        # search answer instead of 0.9 ms (docs/performance.md).
        await telemetry.start(this_app)
        gc.freeze()
        yield
        gc.unfreeze()
        # Mails still being sent (e.g. a password reset) finish before the pool closes.
        await core.mailer().aclose()
        await core.http().aclose()
        payments = core.payment_provider()
        if payments is not None:
            await payments.aclose()
        redis = core.redis()
        if redis is not None:
            await redis.aclose()
        # Last: what the shutdown still did (mails, calls) is counted, and its spans exported.
        await telemetry.stop()

    explorer = graphql_app.http_handler.explorer
    app = Starlette(
        routes=[
            Route("/healthz", healthz, methods=["GET"]),
            Route("/readyz", readyz, methods=["GET"]),
            Route("/graphql", graphql_endpoint, methods=["GET", "POST"]),
            *webhook_routes(),
            *([demo_payments.route()] if demo_payments is not None else []),
        ],
        # Outermost first: the request id exists before anything logs (telemetry, when on, puts
        # its span around everything after it, so log lines carry its ids); security headers go on
        # every answer, the access log's last-resort 500 included; a foreign Host is refused
        # before anything else looks at the request; CORS answers preflights before any route;
        # every route's body must arrive in time (docs/security.md).
        middleware=[
            Middleware(RequestIdMiddleware),
            *telemetry.middleware(routes=("/healthz", "/readyz", "/graphql", *webhook_paths())),
            Middleware(
                SecurityHeadersMiddleware,
                session_cookie=settings.session_cookie_name,
                explorer_page=(
                    explorer.html(None) if isinstance(explorer, ExplorerGraphiQL) else None
                ),
                hsts=settings.is_production,
            ),
            Middleware(AccessLogMiddleware),
            Middleware(
                AllowedHosts, hosts=settings.allowed_hosts, exempt_paths=("/healthz", "/readyz")
            ),
            Middleware(TrailingSlashRedirect, paths=("/graphql",)),
            Middleware(
                CorsMiddleware,
                allowed_origins=settings.cors_origins,
                paths=("/graphql",),
                extra_headers=settings.security.cors_extra_headers,
            ),
            Middleware(BodyDeadline, seconds=settings.security.request_body_timeout_seconds),
        ],
        lifespan=lifespan,
    )
    # Starlette's redirect would put the request's Host into Location; TrailingSlashRedirect
    # answers /graphql/ instead, and other paths with a stray slash are not found.
    app.router.redirect_slashes = False
    app.state.core = core
    app.state.graphql_container = graphql_container
    app.state.webhook_container = webhook_container
    app.state.embedded_emulator = emulator
    app.state.demo_payments = demo_payments
    return app


def _demo_payments(settings: Settings) -> DemoPayments | None:
    """The Stripe stand-in the development demo pays with (docs/payments.md, "The demo")."""
    if not settings.commercetools.uses_embedded_emulator:
        return None  # never load the emulator's code outside the demo
    from bootstrap.embedded_emulator import DemoPayments, wants_demo_payments

    return DemoPayments() if wants_demo_payments(settings) else None


async def _read_markets(core: CoreContainer) -> None:
    try:
        await core.project_markets().get()
    except Exception as exc:
        log.warning(
            "project settings and stores not read at start-up (%s): the configured defaults "
            "apply until they are",
            type(exc).__name__,
        )


def _demo_upstream(settings: Settings, given: Emulator | None) -> Emulator | None:
    """The embedded emulator when no commercetools project is configured (the demo)."""
    if not settings.commercetools.uses_embedded_emulator:
        return None
    if given is not None:
        return given
    from bootstrap.embedded_emulator import build_embedded_emulator

    return build_embedded_emulator(settings.commercetools)
