"""The demo's upstream: the commercetools emulator in this process, reached through an
in-process HTTP transport (the same HTTP-shaped JSON as a real project, no socket).

Imported only in demo mode, so a production process never loads the emulator.
"""

from __future__ import annotations

import httpx

from emulator.app import create_emulator_app
from emulator.config import EmulatorConfig
from emulator.state import Emulator


def build_embedded_emulator() -> Emulator:
    return Emulator(EmulatorConfig())


def transport_to(emulator: Emulator) -> httpx.AsyncBaseTransport:
    return httpx.ASGITransport(app=create_emulator_app(emulator))
