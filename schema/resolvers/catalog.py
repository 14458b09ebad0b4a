"""Catalog fields. Thin: read arguments, call the service, return its model.

The catalog service is session-free (app token only), so these fields never load or create a
browser session's token.
"""

from __future__ import annotations

from typing import Any

from dependency_injector.wiring import Provide, inject
from graphql import FieldNode, FragmentSpreadNode, InlineFragmentNode, SelectionSetNode

from app.models import Category, PredictiveSearchResult, Product, ProductSearchResult
from app.services.catalog import CatalogService
from app.services.catalog_queries import FacetFilter, ProductSearch
from containers import GraphQLContainer
from schema.bindables import query
from schema.context import ResolveInfo


def _selects(info: ResolveInfo, name: str) -> bool:
    """Whether the query selects `name` directly under this field (through fragments too)."""

    def within(selection_set: SelectionSetNode | None) -> bool:
        for selection in selection_set.selections if selection_set else ():
            if isinstance(selection, FieldNode) and selection.name.value == name:
                return True
            if isinstance(selection, InlineFragmentNode) and within(selection.selection_set):
                return True
            if isinstance(selection, FragmentSpreadNode):
                fragment = info.fragments.get(selection.name.value)
                if fragment is not None and within(fragment.selection_set):
                    return True
        return False

    return any(within(node.selection_set) for node in info.field_nodes)


class CatalogResolvers:
    @inject
    async def products(
        self,
        _obj: Any,
        info: ResolveInfo,
        text: str | None = None,
        category: str | None = None,
        filters: list[dict[str, Any]] | None = None,
        sort: str | None = None,
        limit: int | None = None,
        offset: int | None = None,
        currency: str | None = None,
        country: str | None = None,
        catalog: CatalogService = Provide[GraphQLContainer.catalog_service],
    ) -> ProductSearchResult:
        search = ProductSearch(
            text=text,
            category=category,
            filters=tuple(FacetFilter(f["name"], tuple(f["values"])) for f in filters or ()),
            sort=sort,
            limit=limit,
            offset=offset,
        )
        return await catalog.search_products(
            search,
            currency=currency,
            country=country,
            # Facets cost the search index extra work: ask only when the page shows them.
            with_facets=_selects(info, "facets"),
        )

    @inject
    async def predictive_search(
        self,
        _obj: Any,
        _info: ResolveInfo,
        query: str,
        limit: int | None = None,
        currency: str | None = None,
        country: str | None = None,
        catalog: CatalogService = Provide[GraphQLContainer.catalog_service],
    ) -> PredictiveSearchResult:
        return await catalog.predictive_search(query, limit, currency=currency, country=country)

    @inject
    async def product(
        self,
        _obj: Any,
        _info: ResolveInfo,
        by: dict[str, str],
        currency: str | None = None,
        country: str | None = None,
        catalog: CatalogService = Provide[GraphQLContainer.catalog_service],
    ) -> Product | None:
        return await catalog.product(
            slug=by.get("slug"),
            id=by.get("id"),
            sku=by.get("sku"),
            key=by.get("key"),
            currency=currency,
            country=country,
        )

    @inject
    async def categories(
        self,
        _obj: Any,
        _info: ResolveInfo,
        catalog: CatalogService = Provide[GraphQLContainer.catalog_service],
    ) -> tuple[Category, ...]:
        return await catalog.categories()

    @inject
    async def category(
        self,
        _obj: Any,
        _info: ResolveInfo,
        by: dict[str, str],
        catalog: CatalogService = Provide[GraphQLContainer.catalog_service],
    ) -> Category | None:
        return await catalog.category(id=by.get("id"), slug=by.get("slug"))


_resolvers = CatalogResolvers()
query.set_field("products", _resolvers.products)
query.set_field("predictiveSearch", _resolvers.predictive_search)
query.set_field("product", _resolvers.product)
query.set_field("categories", _resolvers.categories)
query.set_field("category", _resolvers.category)
