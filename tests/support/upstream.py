"""Talks to the emulator directly, as commercetools, with a token taken from a session
(tests hold the session key; browsers never see tokens)."""

from __future__ import annotations

from typing import Any

import httpx

from emulator.app import create_emulator_app
from emulator.state import Emulator


class Upstream:
    def __init__(self, emulator: Emulator) -> None:
        self.http = httpx.AsyncClient(
            transport=httpx.ASGITransport(app=create_emulator_app(emulator)),
            base_url="http://emulator.test/demo",
        )

    async def call(self, method: str, path: str, token: str, body: Any = None) -> Any:
        response = await self.http.request(
            method, path, json=body, headers={"Authorization": f"Bearer {token}"}
        )
        assert response.is_success, response.text
        return response.json()

    async def aclose(self) -> None:
        await self.http.aclose()
