"""Product data for the products a search found: read by id in one query, kept for a while.

Product Search answers with product ids only (commercetools calls it "ID-first"). The product
data of a page comes from one `GET /product-projections?where=id in (...)` with the shopper's
price selection, and is kept per process for `CATALOG_PRODUCT_CACHE_SECONDS` under (id, the
whole price-selection key: currency, country, customer groups, channel, store): commercetools'
first recommendation for data integration is an application-side cache, and a search box
asking after every keystroke finds mostly the same products again. The cache holds at most
`CATALOG_PRODUCT_CACHE_SIZE` products, least recently used first out. docs/upstream-calls.md
has the measurements behind this choice.

A cached product keeps its mapping (per language) with it: mapping 20 products' variants,
prices and images again for every listing was about half of a listing's CPU.
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
from app.services.catalog_mapping import LocalizedProduct, Texts
from app.services.catalog_queries import Market, ids_predicate

log = logging.getLogger(__name__)

Key = tuple[str, Market]

# Languages whose mapping one cached product keeps (a shop has a few; the oldest goes first).
MAPPED_LANGUAGES = 4


class CachedProduct:
    """A product projection as read for one market, and its mappings by language.

    The projection is immutable once read (nothing changes a cached one), so its mapping in a
    language never changes either; the category tree and the matching variants, which do
    change, are applied per request by LocalizedProduct.shown().
    """

    __slots__ = ("_mapped", "raw")

    def __init__(self, raw: resources.ProductProjection) -> None:
        self.raw = raw
        self._mapped: dict[tuple[str, str], LocalizedProduct] = {}

    @property
    def id(self) -> str:
        return self.raw["id"]

    def mapped(self, texts: Texts) -> LocalizedProduct:
        """Mapped in the shopper's language (MalformedUpstreamData if the projection is not
        what commercetools documents)."""
        language = (texts.locale, texts.fallback)
        found = self._mapped.get(language)
        if found is None:
            found = catalog_mapping.localized_product(self.raw, texts)
            if len(self._mapped) >= MAPPED_LANGUAGES:
                del self._mapped[next(iter(self._mapped))]
            self._mapped[language] = found
        return found


class ProductCache:
    """Product projections with prices selected for a market, by (id, Market), each with its
    mappings."""

    def __init__(self, *, ttl_seconds: float, max_entries: int, clock: Clock = time.time) -> None:
        self._ttl = ttl_seconds
        self._max = max_entries
        self._clock = clock
        self._entries: OrderedDict[Key, tuple[float, CachedProduct]] = OrderedDict()

    @property
    def enabled(self) -> bool:
        return self._ttl > 0 and self._max > 0

    def get(self, key: Key) -> CachedProduct | None:
        entry = self._entries.get(key)
        if entry is None:
            return None
        stored_at, product = entry
        if self._clock() - stored_at >= self._ttl:
            del self._entries[key]
            return None
        self._entries.move_to_end(key)
        return product

    def put(self, key: Key, product: CachedProduct) -> None:
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

    products: list[CachedProduct]
    read: list[CachedProduct]
    market: Market

    def keep(self, cache: ProductCache) -> None:
        for product in self.read:
            cache.put((product.id, self.market), product)


async def products_by_ids(
    gateway: CtpGateway, cache: ProductCache, ids: Sequence[str], market: Market
) -> ProductPage:
    """The published products with these ids, in the order given; ids commercetools no longer
    has (unpublished since the search index saw them) are left out."""
    read: list[CachedProduct] = []
    found: dict[str, CachedProduct] = {}
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
        for product_id, raw in catalog_mapping.by_id(mapping.results(page)).items():
            product = CachedProduct(raw)
            found[product_id] = product
            read.append(product)
    gone = [product_id for product_id in ids if product_id not in found]
    if gone:
        log.info("%d of %d searched products are no longer published", len(gone), len(ids))
    return ProductPage([found[p] for p in ids if p in found], read, market)
