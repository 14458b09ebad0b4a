"""The shipping method a cart gets when it has an address but none chosen: the project's
default method among those shipping to that country in that currency (matching-location).

Looked up with the app token and cached per (country, currency) for a few minutes, and bounded
in time: the API Extension that asks must answer within commercetools' 2 s, so a slow or failing
lookup gives no default rather than a late answer.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable
from typing import Any

from app.ctp.errors import CtpError
from app.ctp.gateway import CtpGateway
from app.errors import UpstreamUnavailable

log = logging.getLogger(__name__)

_TTL_SECONDS = 300.0
_FAILURE_TTL_SECONDS = 15.0
_MAX_ENTRIES = 1_000


class DefaultShippingMethods:
    def __init__(
        self,
        gateway: CtpGateway,
        *,
        timeout_seconds: float = 0.5,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._gateway = gateway
        self._timeout = timeout_seconds
        self._clock = clock
        self._cache: dict[tuple[str, str], tuple[float, str | None]] = {}

    async def for_location(self, country: str, currency: str) -> str | None:
        """The id of the default method shipping there, or None."""
        key = (country, currency)
        cached = self._cache.get(key)
        if cached is not None and cached[0] > self._clock():
            return cached[1]
        try:
            async with asyncio.timeout(self._timeout):
                page: Any = await self._gateway.get(
                    "/shipping-methods/matching-location",
                    params={"country": country, "currency": currency},
                )
        except (CtpError, UpstreamUnavailable, TimeoutError) as exc:
            log.warning("no default shipping method for %s/%s: %r", country, currency, exc)
            self._remember(key, None, _FAILURE_TTL_SECONDS)
            return None
        found = next(
            (
                str(method["id"])
                for method in page.get("results", [])
                if isinstance(method, dict) and method.get("isDefault") and "id" in method
            ),
            None,
        )
        self._remember(key, found, _TTL_SECONDS)
        return found

    def _remember(self, key: tuple[str, str], value: str | None, ttl: float) -> None:
        if len(self._cache) >= _MAX_ENTRIES:
            self._cache.clear()
        self._cache[key] = (self._clock() + ttl, value)
