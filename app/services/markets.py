"""What the project and the deployment's stores allow: countries, currencies, languages, each
store's distribution channel. Read with the app's token (`GET /{projectKey}`, `GET
/stores/key={key}` for each store of STORE_KEYS) and kept per process for `MARKETS_TTL_SECONDS`,
like the category tree (one read however many requests ask; the last value stands in while
commercetools is unavailable). The request context reads the last value without waiting
(`snapshot`): the defaults of a shopper who chose nothing; setShopperContext, shopperContext and
stores wait for a fresh one (`get`).
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Mapping

from app.clock import Clock
from app.ctp import resources
from app.ctp.errors import CtpNotFound
from app.ctp.gateway import CtpGateway
from app.models import MarketRules, StoreMarket
from app.services.ttl_cache import CachedValue

log = logging.getLogger(__name__)

MARKETS_TTL_SECONDS = 300.0
MARKETS_STALE_SECONDS = 3_600.0


class ProjectMarkets:
    def __init__(
        self,
        gateway: CtpGateway,
        *,
        store_keys: tuple[str, ...],
        store_currencies: Mapping[str, tuple[str, ...]],
        clock: Clock = time.time,
        ttl_seconds: float = MARKETS_TTL_SECONDS,
    ) -> None:
        self._gateway = gateway
        self._store_keys = store_keys
        self._store_currencies = dict(store_currencies)
        self._cached: CachedValue[MarketRules] = CachedValue(
            self._read, ttl_seconds=ttl_seconds, stale_seconds=MARKETS_STALE_SECONDS, clock=clock
        )

    async def get(self) -> MarketRules:
        return await self._cached.get()

    def snapshot(self) -> MarketRules | None:
        """The last rules read, without waiting (None before the first read)."""
        return self._cached.last()

    async def _read(self) -> MarketRules:
        project, *stores = await asyncio.gather(
            self._gateway.get(""), *(self._store(key) for key in self._store_keys)
        )
        return MarketRules(
            countries=tuple(project.get("countries") or ()),
            currencies=tuple(project.get("currencies") or ()),
            languages=tuple(project.get("languages") or ()),
            stores=tuple(store for store in stores if store is not None),
        )

    async def _store(self, key: str) -> StoreMarket | None:
        try:
            store: resources.Store = await self._gateway.get(f"/stores/key={key}")
        except CtpNotFound:
            # A deployment naming a store the project lacks: the others still work.
            log.error("STORE_KEYS names %r, which the project has no store for", key)
            return None
        channels = store.get("distributionChannels") or []
        name = store.get("name") or {}
        return StoreMarket(
            key=store["key"],
            name=name.get("en") or next(iter(name.values()), None),
            countries=tuple(c["code"] for c in store.get("countries") or ()),
            currencies=self._store_currencies.get(key, ()),
            languages=tuple(store.get("languages") or ()),
            channel_id=channels[0]["id"] if channels else None,
            id=store["id"],
            names=tuple(sorted(name.items())),
        )
