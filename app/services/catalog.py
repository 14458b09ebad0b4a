"""The catalog a storefront browses: product search, predictive search, one product, the
category tree.

Reads only, with the app's own token (`CtpGateway.get`/`post` without a customer token):
browsing never touches the shopper's session, so it creates no cookie and no anonymous token.
Input is checked before any upstream call (`app.services.catalog_queries`). Searches run on
Product Search (`POST /products/search`), which answers with product ids; the products' data
come from one product projection query (`app.services.catalog_products`, cached briefly). The
category tree is read with one call and cached per process (`CATEGORY_TTL_SECONDS`):
categories rarely change, and products and facets name their categories by id only.
"""

from __future__ import annotations

import asyncio
import logging
import time
from urllib.parse import quote as quote_path

from app import models
from app.clock import Clock
from app.ctp import resources
from app.ctp.errors import CtpNotFound
from app.ctp.gateway import CtpGateway
from app.ctp.json import Json
from app.errors import BadUserInput
from app.request_context import RequestContext
from app.services import catalog_mapping, catalog_predictive, catalog_search_mapping, mapping
from app.services.catalog_facets import Facets
from app.services.catalog_mapping import Texts
from app.services.catalog_products import (
    MAPPED_LANGUAGES,
    ProductCache,
    ProductPage,
    products_by_ids,
)
from app.services.catalog_queries import (
    Market,
    ProductLookup,
    ProductSearch,
    check_search,
    language,
    market,
    product_lookup,
    sku_predicate,
    slug_predicate,
)
from app.services.catalog_search_body import search_body
from app.services.ttl_cache import CachedValue

log = logging.getLogger(__name__)

CATEGORY_TTL_SECONDS = 300.0
# How long an old tree may stand in while commercetools is unavailable.
CATEGORY_STALE_SECONDS = 3_600.0
# commercetools' largest page; a bigger tree is cut off (and logged).
CATEGORY_PAGE_SIZE = 500


class CategoryCache:
    """The project's categories as commercetools sends them, one copy per process, and the tree
    mapped from that copy per language (every page asks for the tree)."""

    def __init__(
        self,
        gateway: CtpGateway,
        *,
        clock: Clock = time.time,
        ttl_seconds: float = CATEGORY_TTL_SECONDS,
    ) -> None:
        self._gateway = gateway
        self._cached: CachedValue[list[resources.Category]] = CachedValue(
            self._read,
            ttl_seconds=ttl_seconds,
            stale_seconds=CATEGORY_STALE_SECONDS,
            clock=clock,
        )
        self._trees_of: list[resources.Category] | None = None
        self._trees: dict[tuple[str, str], models.CategoryTree] = {}

    async def get(self) -> list[resources.Category]:
        return await self._cached.get()

    async def tree(self, texts: Texts) -> models.CategoryTree:
        """The tree in the shopper's language. A tree is immutable once mapped, so one mapping
        serves every request until the categories are read again."""
        raws = await self._cached.get()
        if raws is not self._trees_of:
            self._trees_of, self._trees = raws, {}
        language = (texts.locale, texts.fallback)
        tree = self._trees.get(language)
        if tree is None:
            tree = catalog_mapping.category_tree(raws, texts)
            if len(self._trees) >= MAPPED_LANGUAGES:
                del self._trees[next(iter(self._trees))]
            self._trees[language] = tree
        return tree

    async def _read(self) -> list[resources.Category]:
        page: resources.PagedQueryResponse[resources.Category] = await self._gateway.get(
            "/categories", params={"limit": str(CATEGORY_PAGE_SIZE)}
        )
        results = mapping.results(page)
        total = page.get("total")
        if isinstance(total, int) and total > len(results):
            log.warning("only %d of %d categories are shown", len(results), total)
        return results


class CatalogService:
    def __init__(
        self,
        context: RequestContext,
        gateway: CtpGateway,
        categories: CategoryCache,
        products: ProductCache,
        facets: Facets,
        *,
        default_locale: str,
        country_prices: frozenset[str],
    ) -> None:
        self._shopper = context.shopper
        self._store = context.store
        self._gateway = gateway
        self._categories = categories
        self._products = products
        self._facets = facets
        self._default_locale = default_locale
        self._country_prices = country_prices

    async def search_products(
        self,
        search: ProductSearch,
        *,
        currency: str | None = None,
        country: str | None = None,
        with_facets: bool = True,
    ) -> models.ProductSearchResult:
        request = check_search(search, self._facets)
        prices = market(self._shopper, currency, country)
        lang = self._language()
        body = search_body(
            request,
            self._facets,
            language=lang,
            market=prices,
            country_prices=self._country_prices,
            with_facets=with_facets,
            store_id=self._shopper.store_id,
        )
        raw, tree = await asyncio.gather(self._search(body), self._tree())
        page = await self._page_products(raw, prices)
        result = catalog_search_mapping.search_result(
            raw,
            page.products,
            request,
            self._facets,
            tree,
            self._texts(),
            language=lang,
            default_language=language(self._default_locale, "en"),
            marked=bool(body.get("markMatchingVariants")),
        )
        page.keep(self._products)
        return result

    async def predictive_search(
        self,
        query: str,
        limit: int | None = None,
        *,
        currency: str | None = None,
        country: str | None = None,
    ) -> models.PredictiveSearchResult:
        """Products and categories matching what a shopper typed so far (a search box)."""
        checked = catalog_predictive.check_predictive(query, limit)
        prices = market(self._shopper, currency, country)
        tree = await self._tree()
        if not catalog_predictive.words(checked.text):
            return models.PredictiveSearchResult(products=(), categories=())
        body = catalog_predictive.product_search_body(
            checked, self._language(), self._shopper.store_id
        )
        raw = await self._search(body)
        page = await self._page_products(raw, prices)
        texts = self._texts()
        products = tuple(p.mapped(texts).shown(tree) for p in page.products)
        page.keep(self._products)
        return models.PredictiveSearchResult(
            products=products,
            categories=catalog_predictive.matching_categories(tree, checked),
        )

    async def product(
        self,
        *,
        slug: str | None = None,
        id: str | None = None,
        sku: str | None = None,
        key: str | None = None,
        currency: str | None = None,
        country: str | None = None,
    ) -> models.Product | None:
        """The published product with this slug, id, key or SKU (exactly one); None if there is
        none."""
        lookup = product_lookup(slug=slug, id=id, sku=sku, key=key)
        prices = market(self._shopper, currency, country)
        if not lookup.can_exist:
            return None
        raw, tree = await asyncio.gather(self._find(lookup, prices), self._tree())
        if raw is None:
            return None
        matching = (
            catalog_mapping.variants_with_sku(raw, lookup.value) if lookup.by == "sku" else None
        )
        return catalog_mapping.product(raw, tree, self._texts(), matching)

    async def categories(self) -> tuple[models.Category, ...]:
        """The top-level categories, each with its children, in the merchant's order."""
        return (await self._tree()).roots

    async def category(
        self, *, id: str | None = None, slug: str | None = None
    ) -> models.Category | None:
        """The category with this id or slug (exactly one; GraphQL's @oneOf input lets only one
        through); None if there is none."""
        if (id is None) == (slug is None):
            raise BadUserInput("Give exactly one of id or slug.", field=("by",))
        tree = await self._tree()
        if id is not None:
            return tree.by_id.get(id.strip())
        assert slug is not None
        wanted = slug.strip()
        if not wanted:
            return None
        # Slugs are per language: the shopper's first, then the shop's default.
        for category in tree.by_id.values():
            if category.slug == wanted:
                return category
        fallback = Texts(self._default_locale, self._default_locale)
        for raw in await self._categories.get():
            if fallback.text(raw["slug"]) == wanted:
                return tree.by_id.get(raw["id"])
        return None

    # -- upstream reads --------------------------------------------------------------------------

    async def _search(self, body: Json) -> resources.ProductPagedSearchResponse:
        found: resources.ProductPagedSearchResponse = await self._gateway.search(
            "/products/search", body
        )
        return found

    async def _page_products(
        self, raw: resources.ProductPagedSearchResponse, prices: Market
    ) -> ProductPage:
        ids = catalog_search_mapping.result_ids(raw)
        if not ids:
            return ProductPage([], [], prices)
        return await products_by_ids(self._gateway, self._products, ids, prices)

    async def _find(
        self, lookup: ProductLookup, prices: Market
    ) -> resources.ProductProjection | None:
        if lookup.by in ("id", "key"):
            return await self._by_id_or_key(lookup.by, lookup.value, prices)
        languages = (self._language(), language(self._default_locale, "en"))
        if lookup.by == "slug":
            where = slug_predicate(lookup.value, languages)
        else:
            where = sku_predicate(lookup.value)
        page: resources.PagedQueryResponse[resources.ProductProjection] = await self._gateway.get(
            "/product-projections",
            # Two: a slug may be one product's in German and another's in English.
            params={**prices.params(), "where": where, "limit": "2", "withTotal": "false"},
        )
        results = mapping.results(page)
        if lookup.by == "slug":
            # The shopper's language wins over the fallback when both match.
            found = catalog_mapping.preferred_by_slug(results, lookup.value, languages[0])
        else:
            found = results[0] if results else None
        if found is None or self._store.key is None:
            return found
        # There is no in-store query: the store's own read says whether it sells the product.
        return await self._by_id_or_key("id", found["id"], prices)

    async def _by_id_or_key(
        self, by: str, value: str, prices: Market
    ) -> resources.ProductProjection | None:
        """In a store, its in-store read: 404 for a product outside its product selections."""
        path = quote_path(value, safe="")
        relative = (
            f"/product-projections/{path}" if by == "id" else f"/product-projections/key={path}"
        )
        try:
            found: resources.ProductProjection = await self._gateway.get(
                self._store.path(relative), params=prices.params()
            )
        except CtpNotFound:
            return None
        return found

    async def _tree(self) -> models.CategoryTree:
        return await self._categories.tree(self._texts())

    def _texts(self) -> Texts:
        return Texts(self._shopper.locale, self._default_locale)

    def _language(self) -> str:
        return language(self._shopper.locale, self._default_locale)
