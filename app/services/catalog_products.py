"""Product data for the products a search found: read by id in one query, kept for a while.

Product Search answers with product ids only (commercetools calls it "ID-first"). The product
data of a page comes from one `GET /product-projections?where=id in (...)` with the shopper's
price selection, and is kept per process for `CATALOG_PRODUCT_CACHE_SECONDS` under (id, the
whole price-selection key: currency, country, customer groups, channel, store): commercetools'
first recommendation for data integration is an application-side cache, and a search box
asking after every keystroke finds mostly the same products again. The cache holds at most
`CATALOG_PRODUCT_CACHE_SIZE` products, least recently used first out. docs/upstream-calls.md
has the measurements behind this choice.
"""

from __future__ import annotations

import logging
import time
from collections import OrderedDict
from collections.abc import Sequence
from dataclasses import dataclass

from app.clock import Clock
from app.ctp import resources
from app.ctp.gateway import CtpGateway
from app.services import catalog_mapping, mapping
from app.services.catalog_queries import Market, ids_predicate

log = logging.getLogger(__name__)

Key = tuple[str, Market]


class ProductCache:
    """Product projections with prices selected for a market, by (id, Market)."""

    def __init__(self, *, ttl_seconds: float, max_entries: int, clock: Clock = time.time) -> None:
        self._ttl = ttl_seconds
        self._max = max_entries
        self._clock = clock
        self._entries: OrderedDict[Key, tuple[float, resources.ProductProjection]] = OrderedDict()

    @property
    def enabled(self) -> bool:
        return self._ttl > 0 and self._max > 0

    def get(self, key: Key) -> resources.ProductProjection | None:
        entry = self._entries.get(key)
        if entry is None:
            return None
        stored_at, product = entry
        if self._clock() - stored_at >= self._ttl:
            del self._entries[key]
            return None
        self._entries.move_to_end(key)
        return product

    def put(self, key: Key, product: resources.ProductProjection) -> None:
        if not self.enabled:
            return
        self._entries[key] = (self._clock(), product)
        self._entries.move_to_end(key)
        while len(self._entries) > self._max:
            self._entries.popitem(last=False)

    def __len__(self) -> int:
        return len(self._entries)


@dataclass(frozen=True, slots=True)
class ProductPage:
    """The products of a page, in the search's order, and those read from commercetools for it
    (to be cached once they were mapped without error: malformed data is not kept)."""

    products: list[resources.ProductProjection]
    read: list[resources.ProductProjection]
    market: Market

    def keep(self, cache: ProductCache) -> None:
        for product in self.read:
            cache.put((product["id"], self.market), product)


async def products_by_ids(
    gateway: CtpGateway, cache: ProductCache, ids: Sequence[str], market: Market
) -> ProductPage:
    """The published products with these ids, in the order given; ids commercetools no longer
    has (unpublished since the search index saw them) are left out."""
    read: list[resources.ProductProjection] = []
    found: dict[str, resources.ProductProjection] = {}
    missing: list[str] = []
    for product_id in dict.fromkeys(ids):
        cached = cache.get((product_id, market))
        if cached is None:
            missing.append(product_id)
        else:
            found[product_id] = cached
    if missing:
        page: resources.PagedQueryResponse[resources.ProductProjection] = await gateway.get(
            "/product-projections",
            params={
                **market.params(),
                "where": ids_predicate(missing),
                "limit": str(len(missing)),
                "withTotal": "false",
            },
        )
        for product_id, product in catalog_mapping.by_id(mapping.results(page)).items():
            found[product_id] = product
            read.append(product)
    gone = [product_id for product_id in ids if product_id not in found]
    if gone:
        log.info("%d of %d searched products are no longer published", len(gone), len(ids))
    return ProductPage([found[p] for p in ids if p in found], read, market)
