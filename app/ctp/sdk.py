"""commercetools' own Python SDK client, for session-less low-volume work (webhook payloads,
registering webhooks): its models are slow and its client synchronous, so the storefront's hot
path never uses it."""

from __future__ import annotations

from typing import Any

from app.settings import Settings


def build_sdk_client(settings: Settings) -> Any:
    from commercetools.platform.client import Client

    client = Client(  # type: ignore[no-untyped-call]
        client_id=settings.commercetools.client_id,
        client_secret=settings.commercetools.client_secret,
        scope=settings.commercetools.client_scopes.split(),
        url=settings.commercetools.api_url,
        token_url=f"{settings.commercetools.auth_url}/oauth/token",
    )
    return client.with_project_key(settings.commercetools.project_key)
