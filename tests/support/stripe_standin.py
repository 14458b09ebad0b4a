"""The emulator's Stripe stand-in on a loopback port, and what the browser does with it."""

from __future__ import annotations

from typing import Any

import httpx

from emulator.stripe_standin.app import StripeStandIn, create_stripe_app
from emulator.stripe_standin.state import PUBLISHABLE_KEY
from tests.support.servers import ServerThread


class RunningStandIn:
    def __init__(self, stand_in: StripeStandIn | None = None) -> None:
        self.stand_in = stand_in or StripeStandIn(retry_delays=(0.05, 0.1, 0.2))
        self._server = ServerThread(create_stripe_app(self.stand_in))

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
