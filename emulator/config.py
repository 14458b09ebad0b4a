"""Settings of one emulator instance; the demo values are documented in docs/emulator.md."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class EmulatorConfig:
    project_key: str = "demo"
    client_id: str = "demo-client"
    client_secret: str = "demo-secret"  # noqa: S105 - a documented demo credential
    # commercetools issues 48 h access tokens; tests shorten these to make tokens expire.
    access_token_ttl_seconds: int = 172_800
    refresh_token_ttl_seconds: int = 200 * 86_400
    seed_demo_data: bool = True
