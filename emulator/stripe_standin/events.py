"""Events, signed and delivered to the registered webhook endpoints, as Stripe does it:

- the body is the event JSON; `Stripe-Signature: t={unix time},v1={hex}` where v1 is
  HMAC-SHA256 with the endpoint's secret over `"{t}.{body}"`;
- delivery is at least once: an answer other than 2xx, or none, is retried with backoff
  (Stripe: for up to three days; here `retry_delays`), and every attempt is recorded.
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import json
import logging
import secrets
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import httpx

from emulator.stripe_standin.state import API_VERSION, new_id

log = logging.getLogger(__name__)

Json = dict[str, Any]
_TIMEOUT_SECONDS = 10.0


def signature_header(body: bytes, secret: str, timestamp: int) -> str:
    signed = f"{timestamp}.".encode() + body
    digest = hmac.new(secret.encode(), signed, hashlib.sha256).hexdigest()
    return f"t={timestamp},v1={digest}"


@dataclass
class WebhookEndpoint:
    id: str
    url: str
    secret: str
    enabled_events: tuple[str, ...] = ("*",)
    # Set to reach the endpoint in-process (the demo); else over HTTP.
    transport: httpx.AsyncBaseTransport | None = None

    def wants(self, event_type: str) -> bool:
        return "*" in self.enabled_events or event_type in self.enabled_events

    def as_json(self) -> Json:
        return {
            "id": self.id,
            "object": "webhook_endpoint",
            "url": self.url,
            "enabled_events": list(self.enabled_events),
            "status": "enabled",
        }


@dataclass
class Delivery:
    event_id: str
    endpoint_id: str
    attempt: int
    status: int | None  # None: no answer


@dataclass
class EventSender:
    clock: Callable[[], float]
    retry_delays: tuple[float, ...] = (0.2, 1.0, 5.0, 15.0, 60.0)
    endpoints: dict[str, WebhookEndpoint] = field(default_factory=dict)
    events: list[Json] = field(default_factory=list)
    deliveries: list[Delivery] = field(default_factory=list)
    _tasks: set[asyncio.Task[None]] = field(default_factory=set)

    def add_endpoint(
        self,
        url: str,
        *,
        secret: str | None = None,
        enabled_events: tuple[str, ...] = ("*",),
        transport: httpx.AsyncBaseTransport | None = None,
    ) -> WebhookEndpoint:
        endpoint = WebhookEndpoint(
            id=new_id("we"),
            url=url,
            secret=secret or f"whsec_{secrets.token_hex(16)}",
            enabled_events=enabled_events,
            transport=transport,
        )
        self.endpoints[endpoint.id] = endpoint
        return endpoint

    def publish(self, event_type: str, payment_intent: Json) -> Json:
        event: Json = {
            "id": new_id("evt"),
            "object": "event",
            "api_version": API_VERSION,
            "created": int(self.clock()),
            "data": {"object": payment_intent},
            "livemode": False,
            "pending_webhooks": 0,
            "request": {"id": None, "idempotency_key": None},
            "type": event_type,
        }
        self.events.append(event)
        for endpoint in self.endpoints.values():
            if endpoint.wants(event_type):
                event["pending_webhooks"] += 1
                self._spawn(self._deliver(event, endpoint))
        return event

    def resend(self, event_id: str) -> bool:
        """Delivers an event again (Stripe's "Resend" in the dashboard): the tests' duplicate."""
        for event in self.events:
            if event["id"] == event_id:
                for endpoint in self.endpoints.values():
                    if endpoint.wants(event["type"]):
                        self._spawn(self._deliver(event, endpoint, retries=False))
                return True
        return False

    def _spawn(self, work: Any) -> None:
        try:
            task = asyncio.get_running_loop().create_task(work)
        except RuntimeError:
            log.warning("stripe stand-in: no event loop, an event was not delivered")
            return
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def idle(self) -> None:
        """Waits until every delivery running now has finished (tests)."""
        while self._tasks:
            await asyncio.gather(*list(self._tasks), return_exceptions=True)

    async def _deliver(self, event: Json, endpoint: WebhookEndpoint, retries: bool = True) -> None:
        body = json.dumps(event, separators=(",", ":")).encode()
        delays = (0.0, *self.retry_delays) if retries else (0.0,)
        async with httpx.AsyncClient(
            transport=endpoint.transport, timeout=_TIMEOUT_SECONDS
        ) as client:
            for attempt, delay in enumerate(delays, start=1):
                if delay:
                    await asyncio.sleep(delay)
                headers = {
                    "Content-Type": "application/json; charset=utf-8",
                    "User-Agent": "Stripe/1.0 (+https://stripe.com/docs/webhooks)",
                    # Signed per attempt, as Stripe does: a retry carries a fresh timestamp.
                    "Stripe-Signature": signature_header(body, endpoint.secret, int(self.clock())),
                }
                status: int | None
                try:
                    answer = await client.post(endpoint.url, content=body, headers=headers)
                    status = answer.status_code
                except httpx.HTTPError as exc:
                    log.info("stripe stand-in: %s to %s failed: %s", event["id"], endpoint.url, exc)
                    status = None
                self.deliveries.append(Delivery(event["id"], endpoint.id, attempt, status))
                if status is not None and 200 <= status < 300:
                    return
        log.warning("stripe stand-in: gave up delivering %s to %s", event["id"], endpoint.url)
