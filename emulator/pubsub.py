"""A stand-in for Google Cloud Pub/Sub push, so that Subscriptions reach an HTTP endpoint.

commercetools publishes a Subscription's messages to a Pub/Sub topic
(`GoogleCloudPubSub` destination: `projectId`, `topic`); a Pub/Sub push subscription on that
topic then POSTs each one to an endpoint, wrapped in the push envelope
`{"message": {"data": <base64>, "messageId", "publishTime", "attributes"}, "subscription"}`,
and redelivers with backoff until the endpoint answers 2xx. This module is that second half:
push subscriptions are registered per topic (`/_emulator/pubsub/subscriptions` or
`Emulator.pubsub.add_push_subscription`), and a worker thread delivers at least once.

Differences from Pub/Sub: authentication is a fixed `Authorization` header instead of a
Google-signed OIDC token; unacknowledged messages are retried `max_attempts` times (Pub/Sub: up
to 7 days), then kept in `dead_letters`. Publishing only enqueues, so the emulator's lock is
never held while delivering.
"""

from __future__ import annotations

import base64
import heapq
import itertools
import json
import logging
import random
import threading
import time
from collections import deque
from dataclasses import dataclass, field
from datetime import UTC, datetime
from urllib.parse import urlsplit

import httpx
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute, Route

from emulator.errors import invalid_input
from emulator.jsonio import Json, opt_str, read_object, req_obj, req_str

log = logging.getLogger(__name__)

_IDLE_EXIT_SECONDS = 5.0
_PUSH_TIMEOUT_SECONDS = 10.0  # Pub/Sub's default acknowledgement deadline


def topic_name(project_id: str, topic: str) -> str:
    """`projects/{project}/topics/{topic}`; a destination's `topic` may already be the full name."""
    return topic if topic.startswith("projects/") else f"projects/{project_id}/topics/{topic}"


@dataclass(frozen=True)
class PushSubscription:
    name: str  # projects/{project}/subscriptions/{name}
    topic: str  # projects/{project}/topics/{topic}
    push_endpoint: str
    authorization: str | None = None

    def as_json(self) -> Json:
        found: Json = {"name": self.name, "topic": self.topic}
        found["pushConfig"] = {"pushEndpoint": self.push_endpoint}
        if self.authorization is not None:
            found["pushConfig"]["authorizationHeader"] = "****" + self.authorization[-4:]
        return found


@dataclass(order=True)
class _Attempt:
    due: float
    seq: int
    subscription: PushSubscription = field(compare=False)
    envelope: bytes = field(compare=False)
    message_id: str = field(compare=False)
    attempt: int = field(compare=False, default=0)


@dataclass(frozen=True)
class DeliveryRecord:
    """One attempt, for tests and the admin route: what was sent where, and the answer."""

    message_id: str
    endpoint: str
    attempt: int
    status: int | None  # None: no answer (connection refused, timeout)


class PubSub:
    def __init__(
        self,
        *,
        retry_initial_seconds: float = 0.1,
        retry_max_seconds: float = 10.0,
        max_attempts: int = 30,
    ) -> None:
        self.retry_initial_seconds = retry_initial_seconds
        self.retry_max_seconds = retry_max_seconds
        self.max_attempts = max_attempts
        self._lock = threading.Lock()
        self._wake = threading.Condition(self._lock)
        self._subscriptions: dict[str, PushSubscription] = {}
        self._queue: list[_Attempt] = []
        self._seq = itertools.count()
        self._message_ids = itertools.count(1)
        self._worker: threading.Thread | None = None
        self._in_flight = 0
        # Both bounded: a demo whose endpoint keeps failing must not grow without limit.
        self.deliveries: deque[DeliveryRecord] = deque(maxlen=10_000)
        self.dead_letters: deque[bytes] = deque(maxlen=10_000)

    # -- configuration ---------------------------------------------------------------------------
    def add_push_subscription(
        self, topic: str, push_endpoint: str, *, authorization: str | None = None, name: str = ""
    ) -> PushSubscription:
        project = topic.split("/")[1] if topic.startswith("projects/") else "emulator"
        short = name or f"push-{len(self._subscriptions) + 1}"
        subscription = PushSubscription(
            name=f"projects/{project}/subscriptions/{short}",
            topic=topic,
            push_endpoint=push_endpoint,
            authorization=authorization,
        )
        with self._lock:
            self._subscriptions[subscription.name] = subscription
        return subscription

    def push_subscriptions(self) -> list[PushSubscription]:
        with self._lock:
            return list(self._subscriptions.values())

    def clear(self) -> None:
        """Forget push subscriptions, pending deliveries and the records."""
        with self._lock:
            self._subscriptions.clear()
            self._queue.clear()
            self.deliveries.clear()
            self.dead_letters.clear()

    # -- publishing ------------------------------------------------------------------------------
    def publish(self, topic: str, data: Json) -> int:
        """Queue `data` for every push subscription of `topic`; returns how many."""
        with self._lock:
            targets = [s for s in self._subscriptions.values() if s.topic == topic]
            message_id = str(next(self._message_ids))
            published = datetime.now(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")
            encoded = base64.b64encode(json.dumps(data).encode()).decode()
            for subscription in targets:
                envelope = {
                    "message": {
                        "data": encoded,
                        "attributes": {},
                        "messageId": message_id,
                        "message_id": message_id,
                        "publishTime": published,
                        "publish_time": published,
                    },
                    "subscription": subscription.name,
                }
                self._schedule(
                    _Attempt(
                        time.monotonic(),
                        next(self._seq),
                        subscription,
                        json.dumps(envelope).encode(),
                        message_id,
                    )
                )
            return len(targets)

    def wait_idle(self, timeout: float = 10.0) -> bool:
        """Block until nothing is queued or being delivered (tests)."""
        deadline = time.monotonic() + timeout
        with self._lock:
            while self._queue or self._in_flight:
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    return False
                self._wake.wait(min(remaining, 0.05))
            return True

    # -- the worker ------------------------------------------------------------------------------
    def _schedule(self, attempt: _Attempt) -> None:
        # Caller holds self._lock.
        heapq.heappush(self._queue, attempt)
        if self._worker is None or not self._worker.is_alive():
            self._worker = threading.Thread(
                target=self._run, name="emulator-pubsub-push", daemon=True
            )
            self._worker.start()
        self._wake.notify_all()

    def _run(self) -> None:
        with httpx.Client(timeout=_PUSH_TIMEOUT_SECONDS, follow_redirects=False) as client:
            while True:
                with self._lock:
                    attempt = self._next_due()
                    if attempt is None:
                        self._worker = None
                        return
                    self._in_flight += 1
                status = self._push(client, attempt)
                with self._lock:
                    self._in_flight -= 1
                    self._after(attempt, status)
                    self._wake.notify_all()

    def _next_due(self) -> _Attempt | None:
        # Caller holds self._lock; waits for the earliest attempt to fall due.
        idle_since = time.monotonic()
        while True:
            now = time.monotonic()
            if self._queue and self._queue[0].due <= now:
                return heapq.heappop(self._queue)
            if not self._queue and now - idle_since >= _IDLE_EXIT_SECONDS:
                return None
            wait = self._queue[0].due - now if self._queue else _IDLE_EXIT_SECONDS
            self._wake.wait(max(0.0, min(wait, _IDLE_EXIT_SECONDS)))

    def _push(self, client: httpx.Client, attempt: _Attempt) -> int | None:
        headers = {"Content-Type": "application/json"}
        if attempt.subscription.authorization is not None:
            headers["Authorization"] = attempt.subscription.authorization
        try:
            response = client.post(
                attempt.subscription.push_endpoint, content=attempt.envelope, headers=headers
            )
        except Exception as exc:  # any failure to deliver is retried, never fatal to the worker
            log.warning("push of message %s failed: %r", attempt.message_id, exc)
            return None
        return response.status_code

    def _after(self, attempt: _Attempt, status: int | None) -> None:
        # Caller holds self._lock.
        self.deliveries.append(
            DeliveryRecord(
                attempt.message_id, attempt.subscription.push_endpoint, attempt.attempt, status
            )
        )
        if status is not None and 200 <= status < 300:
            return
        if attempt.attempt + 1 >= self.max_attempts:
            log.error("message %s dropped after %d attempts", attempt.message_id, self.max_attempts)
            self.dead_letters.append(attempt.envelope)
            return
        backoff = min(self.retry_initial_seconds * 2**attempt.attempt, self.retry_max_seconds)
        # Jitter, so that many failed messages do not all come back at the same instant.
        delay = backoff * (0.5 + random.random() / 2)
        attempt.attempt += 1
        attempt.due = time.monotonic() + delay
        attempt.seq = next(self._seq)
        heapq.heappush(self._queue, attempt)


# -- admin routes (not part of commercetools; like /_emulator/faults) ----------------------------


def _pubsub_of(request: Request) -> PubSub:
    found: PubSub = request.app.state.emulator.pubsub
    return found


async def _list_push_subscriptions(request: Request) -> Response:
    subscriptions = [s.as_json() for s in _pubsub_of(request).push_subscriptions()]
    return JSONResponse({"subscriptions": subscriptions})


async def _add_push_subscription(request: Request) -> Response:
    body = await read_object(request)
    topic = req_str(body, "topic")
    if not topic.startswith("projects/") or "/topics/" not in topic:
        raise invalid_input("topic must look like projects/{project}/topics/{topic}.")
    push_config = req_obj(body, "pushConfig")
    endpoint = req_str(push_config, "pushEndpoint", "pushConfig")
    if urlsplit(endpoint).scheme not in ("http", "https"):
        raise invalid_input("pushConfig -> pushEndpoint must be an http(s) URL.")
    subscription = _pubsub_of(request).add_push_subscription(
        topic,
        endpoint,
        authorization=opt_str(push_config, "authorizationHeader", "pushConfig"),
        name=opt_str(body, "name") or "",
    )
    return JSONResponse(subscription.as_json(), status_code=201)


def routes() -> list[BaseRoute]:
    return [
        Route("/_emulator/pubsub/subscriptions", _list_push_subscriptions, methods=["GET"]),
        Route("/_emulator/pubsub/subscriptions", _add_push_subscription, methods=["POST"]),
    ]
