"""The emulator's Stripe stand-in on a loopback port, and what the browser does with it."""

from __future__ import annotations

import asyncio
import threading
from typing import Any

import httpx

from emulator.stripe_standin.app import StripeStandIn, create_stripe_app
from emulator.stripe_standin.state import PUBLISHABLE_KEY
from tests.support.servers import ServerThread


class RequestGate:
    """Holds the next matching request until the test lets it go: e.g. the moment between the
    service's payment check and its order, in which a test lets another request in."""

    def __init__(self, app: Any) -> None:
        self._app = app
        self._armed: tuple[str, str] | None = None
        self.reached = threading.Event()
        self._release = threading.Event()

    def arm(self, method: str = "GET", path: str = "/v1/payment_intents/") -> None:
        """Holds the next `method` request whose path starts with `path`."""
        self.reached.clear()
        self._release.clear()
        self._armed = (method, path)

    def release(self) -> None:
        self._release.set()

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        armed = self._armed
        if (
            armed is not None
            and scope["type"] == "http"
            and scope["method"] == armed[0]
            and scope["path"].startswith(armed[1])
        ):
            self._armed = None
            self.reached.set()
            await asyncio.to_thread(self._release.wait, 20)
        await self._app(scope, receive, send)


class RunningStandIn:
    def __init__(self, stand_in: StripeStandIn | None = None) -> None:
        self.stand_in = stand_in or StripeStandIn(retry_delays=(0.05, 0.1, 0.2))
        self.gate = RequestGate(create_stripe_app(self.stand_in))
        self._server = ServerThread(self.gate)

    @property
    def url(self) -> str:
        return self._server.url

    def start(self) -> RunningStandIn:
        self._server.start()
        return self

    def stop(self) -> None:
        self._server.stop()


async def browser_confirms(
    api_base: str, client_secret: str, payment_method: str, **extra: str
) -> httpx.Response:
    """What Stripe.js sends on `confirmCardPayment`: the publishable key and the secret."""
    intent_id = client_secret.split("_secret_")[0]
    form: dict[str, Any] = {
        "payment_method": payment_method,
        "client_secret": client_secret,
        **extra,
    }
    async with httpx.AsyncClient() as client:
        return await client.post(
            f"{api_base}/v1/payment_intents/{intent_id}/confirm",
            data=form,
            headers={"Authorization": f"Bearer {PUBLISHABLE_KEY}"},
        )
