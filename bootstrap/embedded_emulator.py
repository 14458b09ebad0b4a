"""The demo's upstream: the commercetools emulator in this process, reached through an
in-process HTTP transport (the same HTTP-shaped JSON as a real project, no socket).

Imported only in demo mode, so a production process never loads the emulator.
"""

from __future__ import annotations

import httpx

from app.asgi import ASGIApp
from app.ctp.asgi_transport import AsgiTransport
from app.ctp.transport import UpstreamTransport
from app.settings import CommercetoolsSettings
from emulator.app import create_emulator_app
from emulator.config import EmulatorConfig
from emulator.state import Emulator


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
