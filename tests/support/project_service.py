"""The service configured for a "real" project (CTP_* set, CTP_SCOPES as given), whose
commercetools is the emulator on a loopback port; the JSON bodies the service sends are
recorded, so tests can check what commercetools receives."""

from __future__ import annotations

import contextlib
import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from bootstrap.app import create_app
from emulator.app import create_emulator_app
from emulator.state import Emulator
from tests.conftest import make_settings
from tests.support.servers import ServerThread

ASGIApp = Any


@dataclass
class RecordedBodies:
    """(method, path, JSON body) of every request with a JSON body."""

    calls: list[tuple[str, str, Any]] = field(default_factory=list)

    def bodies(self, method: str, path: str) -> list[Any]:
        return [body for m, p, body in self.calls if (m, p) == (method, path)]


def recording(app: ASGIApp, record: RecordedBodies) -> ASGIApp:
    async def recorder(scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await app(scope, receive, send)
            return
        chunks: list[bytes] = []
        more = True
        while more:
            message = await receive()
            chunks.append(message.get("body", b""))
            more = message.get("more_body", False)
        raw = b"".join(chunks)
        # Form-encoded token requests and empty bodies are not JSON.
        with contextlib.suppress(ValueError):
            record.calls.append((scope["method"], scope["path"], json.loads(raw)))
        delivered = False

        async def replay() -> Any:
            nonlocal delivered
            if delivered:
                return await receive()
            delivered = True
            return {"type": "http.request", "body": raw, "more_body": False}

        await app(scope, replay, send)

    return recorder


@dataclass
class ProjectService:
    url: str
    emulator: Emulator
    recorded: RecordedBodies


@contextlib.contextmanager
def project_service(emulator: Emulator, scopes: str, **overrides: Any) -> Iterator[ProjectService]:
    recorded = RecordedBodies()
    with ServerThread(recording(create_emulator_app(emulator), recorded)) as upstream:
        settings = make_settings(
            ctp_project_key="demo",
            ctp_client_id="demo-client",
            ctp_client_secret="demo-secret",
            ctp_scopes=scopes,
            ctp_api_url=upstream.url,
            ctp_auth_url=upstream.url,
            upstream_max_retries=0,
            **overrides,
        )
        with ServerThread(create_app(settings)) as service:
            yield ProjectService(service.url, emulator, recorded)
