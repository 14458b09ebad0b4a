"""Demo mode (`make run`, the embedded emulator): at start-up the service registers its own API
Extension and Subscription in the emulator, pointing at itself, so that the whole loop runs
locally: a cart write passes the cart rules, and a placed order's OrderCreated message comes
back through the Pub/Sub stand-in to /webhooks/events and leaves a confirmation in the outbox.

The extension and subscription go through the commercetools HTTP API (the gateway, app token);
the Pub/Sub push subscription, which in production lives in Google Cloud, is set up through
the emulator's Python API.
"""

from __future__ import annotations

import logging
from typing import Any

from app.ctp.errors import CtpNotFound
from app.ctp.gateway import CtpGateway
from app.ctp.json import Json
from app.settings import Settings
from webhooks import drafts

log = logging.getLogger(__name__)

DEMO_PUBSUB_PROJECT = "ctp-bff-demo"
DEMO_PUBSUB_TOPIC = "ctp-bff-events"
_WILDCARD_HOSTS = ("0.0.0.0", "::", "")  # noqa: S104 - a listen address, not a bind


def own_base_url(settings: Settings) -> str:
    """Where this process can be reached from itself: HOST and PORT, a wildcard host read as
    loopback."""
    host = "127.0.0.1" if settings.host in _WILDCARD_HOSTS else settings.host
    if ":" in host and not host.startswith("["):
        host = f"[{host}]"
    return f"http://{host}:{settings.port}"


async def _replace(gateway: CtpGateway, path: str, draft: Json) -> None:
    """Create by key, replacing one left by an earlier start on the same emulator."""
    try:
        existing = await gateway.get(f"{path}/key={draft['key']}")
    except CtpNotFound:
        existing = None
    if existing is not None:
        await gateway.delete(f"{path}/key={draft['key']}", params={"version": existing["version"]})
    await gateway.post(path, draft)


async def register_demo_webhooks(
    gateway: CtpGateway, emulator: Any, *, base_url: str, secret: str
) -> None:
    await _replace(gateway, "/extensions", drafts.extension_draft(base_url, secret))
    await _replace(
        gateway,
        "/subscriptions",
        drafts.subscription_draft(DEMO_PUBSUB_PROJECT, DEMO_PUBSUB_TOPIC),
    )
    emulator.pubsub.add_push_subscription(
        f"projects/{DEMO_PUBSUB_PROJECT}/topics/{DEMO_PUBSUB_TOPIC}",
        base_url + drafts.EVENTS_PATH,
        authorization=f"Bearer {secret}",
        name="ctp-bff-events-push",
    )
    log.info("demo: cart extension and event subscription point at %s", base_url)
