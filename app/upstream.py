"""Builds the connection to commercetools: a real project, or the embedded emulator."""

from __future__ import annotations

import logging
from typing import Any

import httpx

from app.ctp.http import build_http_client
from app.settings import Settings

log = logging.getLogger(__name__)


def build_embedded_emulator(settings: Settings) -> Any:
    """The in-process emulator the demo runs on, or None when a real project is configured."""
    if not settings.uses_embedded_emulator:
        return None
    # Imported here so a production process never loads the emulator.
    from emulator.config import EmulatorConfig
    from emulator.state import Emulator

    return Emulator(EmulatorConfig())


def build_upstream_client(settings: Settings, embedded_emulator: Any) -> httpx.AsyncClient:
    transport: httpx.AsyncBaseTransport | None = None
    if embedded_emulator is not None:
        from emulator.app import create_emulator_app

        # No socket: requests go straight into the emulator's ASGI app, as HTTP-shaped JSON.
        transport = httpx.ASGITransport(app=create_emulator_app(embedded_emulator))
    return build_http_client(
        connect_timeout=settings.upstream_connect_timeout_seconds,
        read_timeout=settings.upstream_read_timeout_seconds,
        max_connections=settings.upstream_max_connections,
        transport=transport,
    )


def build_sdk_client(settings: Settings) -> Any:
    """The commercetools SDK client, for session-less low-volume work (webhooks, admin)."""
    from commercetools.platform.client import Client

    client = Client(  # type: ignore[no-untyped-call]
        client_id=settings.client_id,
        client_secret=settings.client_secret,
        scope=settings.client_scopes.split(),
        url=settings.api_url,
        token_url=f"{settings.auth_url}/oauth/token",
    )
    return client.with_project_key(settings.project_key)
