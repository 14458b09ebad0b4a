"""The service as production runs it (APP_ENV=production, CTP_* set), pointed at the emulator
on a loopback port, for tests of what only production does (JSON logs, HSTS, no explorer)."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from bootstrap.app import create_app
from emulator.app import create_emulator_app
from emulator.state import Emulator
from tests.conftest import SESSION_KEY, make_settings
from tests.support.servers import ServerThread

WEBHOOK_SECRET = "test-webhook-secret-0123456789-abcdefghij"


@dataclass
class ProductionService:
    url: str
    emulator: Emulator
    app: Any


@contextlib.contextmanager
def production_service(**overrides: Any) -> Iterator[ProductionService]:
    emulator = Emulator()
    with ServerThread(create_emulator_app(emulator)) as upstream:
        values: dict[str, Any] = {
            # Loopback http: browsers keep Secure cookies from it, as from https.
            "public_url": "http://127.0.0.1",
            **overrides,
        }
        settings = make_settings(
            app_env="production",
            ctp_project_key="demo",
            ctp_client_id="demo-client",
            ctp_client_secret="demo-secret",
            ctp_scopes="manage_project:demo",
            ctp_api_url=upstream.url,
            ctp_auth_url=upstream.url,
            session_secret_keys=SESSION_KEY,
            webhook_secret=WEBHOOK_SECRET,
            **values,
        )
        app = create_app(settings)
        with ServerThread(app) as service:
            yield ProductionService(service.url, emulator, app)
