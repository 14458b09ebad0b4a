"""The demo's upstreams: the commercetools emulator in this process, reached through an
in-process HTTP transport (the same HTTP-shaped JSON as a real project, no socket), and the
Stripe stand-in the demo pays with (docs/payments.md, "The demo").

Imported only in demo mode, so a production process never loads the emulator.
"""

from __future__ import annotations

import httpx
from starlette.applications import Starlette
from starlette.routing import Mount

from app.asgi import ASGIApp
from app.ctp.asgi_transport import AsgiTransport
from app.ctp.transport import UpstreamTransport
from app.settings import CommercetoolsSettings, Settings
from app.settings.payments import PaymentSettings
from emulator.app import create_emulator_app
from emulator.config import EmulatorConfig
from emulator.state import Emulator
from emulator.stripe_standin import state as standin_state
from emulator.stripe_standin.app import StripeStandIn, create_stripe_app
from webhooks.demo import own_base_url


def build_embedded_emulator(settings: CommercetoolsSettings) -> Emulator:
    return Emulator(
        EmulatorConfig(
            product_projection_search=settings.emulator_product_projection_search,
        )
    )


def transport_to(emulator: Emulator) -> UpstreamTransport:
    return AsgiTransport(create_emulator_app(emulator))


def route_extension_calls_in_process(emulator: Emulator, base_url: str, app: ASGIApp) -> None:
    """The demo's emulator calls this service's own cart API Extension straight into its ASGI
    app: over the socket, that call queued behind every connection of a busy event loop and
    missed commercetools' 2 s limit first when the demo was loaded (docs/emulator.md)."""
    emulator.extension_transports[base_url] = httpx.ASGITransport(app=app)


# The demo's Stripe stand-in answers browsers under this path of the API's own address, as
# `python -m emulator` serves it under its port (docs/emulator.md, "Stripe stand-in").
STRIPE_PREFIX = "/_stripe"
STRIPE_WEBHOOK_PATH = "/webhooks/payments/stripe"


def wants_demo_payments(settings: Settings) -> bool:
    """The development demo takes payments from the stand-in unless PAYMENT_PROVIDER is set
    (`none` keeps the demo unpaid); tests and production never get it by default."""
    return (
        settings.app_env == "development"
        and settings.commercetools.uses_embedded_emulator
        and not settings.payments.provider_is_set
    )


class DemoPayments:
    """The Stripe stand-in of the demo: one state, served to browsers (Stripe.js's part) under
    STRIPE_PREFIX of the API, reached by the service in-process, and posting its signed events
    to the service's own webhook route."""

    def __init__(self, stand_in: StripeStandIn | None = None) -> None:
        self.stand_in = stand_in or StripeStandIn()
        self.app: ASGIApp = create_stripe_app(self.stand_in)

    def settings_for(self, settings: Settings) -> Settings:
        """`settings` with PAYMENT_PROVIDER=stripe and STRIPE_* of the stand-in. The API base is
        the address the browser confirms at; the service's own calls never leave the process
        (`transport`), so its host only has to be the right one for the page."""
        api = (
            settings.demo_storefront_api_url
            if settings.serves_demo_storefront
            else own_base_url(settings)
        )
        payments = PaymentSettings.model_validate(
            {
                "payment_provider": "stripe",
                "stripe_secret_key": standin_state.SECRET_KEY,
                "stripe_publishable_key": standin_state.PUBLISHABLE_KEY,
                "stripe_webhook_secret": standin_state.WEBHOOK_SECRET,
                "stripe_api_base": api + STRIPE_PREFIX,
                "stripe_capture_method": settings.payments.stripe_capture_method,
            }
        )
        return settings.model_copy(update={"payments": payments})

    def transport(self) -> httpx.AsyncBaseTransport:
        """The service's calls to the stand-in, in-process, at the same paths as the browser's."""
        return httpx.ASGITransport(app=Starlette(routes=[Mount(STRIPE_PREFIX, app=self.app)]))

    def route(self) -> Mount:
        """The stand-in under the API's address, for the browser."""
        return Mount(STRIPE_PREFIX, app=self.app)

    def register_webhook(self, base_url: str, app: ASGIApp) -> None:
        """The webhook endpoint a shop registers in Stripe's dashboard, with the demo's
        STRIPE_WEBHOOK_SECRET; delivered into the app in-process, as the cart extension is."""
        self.stand_in.events.add_endpoint(
            base_url + STRIPE_WEBHOOK_PATH,
            secret=standin_state.WEBHOOK_SECRET,
            transport=httpx.ASGITransport(app=app),
        )
