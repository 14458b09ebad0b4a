"""The search endpoints: Product Search, Product Projection Search, Search Term Suggestions.

| endpoint                                           | any one of                             |
| -------------------------------------------------- | -------------------------------------- |
| `POST /products/search`                            | view_published_products, view_products |
| `GET/POST /product-projections/search`, `GET /product-projections/suggest` | the same   |

A project created after 31 August 2026 cannot activate Product Projection Search, nor Search
Term Suggestions, which share its indexing (release note of 31 August 2026); there both answer
as commercetools does for a deactivated search: 400 SearchDeactivated
(types/error/SearchDeactivatedError.raml). `EmulatorConfig.product_projection_search=False`
(`python -m emulator --no-product-projection-search`) makes the emulator such a project.
"""

from __future__ import annotations

from urllib.parse import parse_qsl

from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import BaseRoute, Route

from emulator.auth import emulator_of
from emulator.catalog.access import PRODUCT_SCOPES, catalog_for, now, require_view_products
from emulator.catalog.catalog import Catalog
from emulator.catalog.product_search import parse_request as parse_product_search
from emulator.catalog.product_search import product_search
from emulator.catalog.search import SearchInputError, parse_request, search
from emulator.catalog.suggestions import SuggestionInputError, suggest
from emulator.errors import CtpApiError, invalid_input
from emulator.jsonio import read_json

SEARCH_DEACTIVATED_MESSAGE = (
    "The endpoint is deactivated for this project. Please enable it via the Project endpoint, "
    "via the Merchant Center in the Project settings, or reach out to Support to enable it."
)


def _projection_search_catalog(request: Request) -> Catalog:
    catalog = catalog_for(request, PRODUCT_SCOPES)
    if not emulator_of(request).config.product_projection_search:
        raise CtpApiError(400, "SearchDeactivated", SEARCH_DEACTIVATED_MESSAGE)
    return catalog


async def _projection_search(request: Request, items: list[tuple[str, str]]) -> JSONResponse:
    catalog = _projection_search_catalog(request)
    try:
        search_request = parse_request(items)
    except SearchInputError as exc:
        raise invalid_input(str(exc)) from None
    if search_request.staged:
        require_view_products(request)
    return JSONResponse(search(catalog, search_request, now(request)))


async def search_product_projections(request: Request) -> JSONResponse:
    return await _projection_search(request, request.query_params.multi_items())


async def search_product_projections_post(request: Request) -> JSONResponse:
    """The POST variant: the same parameters, form-encoded in the body (long filter lists)."""
    body = await request.body()
    try:
        form = parse_qsl(body.decode(), keep_blank_values=True)
    except UnicodeDecodeError:
        raise invalid_input("The request body is not form-encoded UTF-8.") from None
    return await _projection_search(request, [*request.query_params.multi_items(), *form])


async def suggest_search_keywords(request: Request) -> JSONResponse:
    catalog = _projection_search_catalog(request)
    try:
        suggestions, staged = suggest(catalog, request.query_params.multi_items())
    except SuggestionInputError as exc:
        raise invalid_input(str(exc)) from None
    if staged:
        require_view_products(request)
    return JSONResponse(suggestions)


async def search_products(request: Request) -> JSONResponse:
    catalog = catalog_for(request, PRODUCT_SCOPES)
    search_request = parse_product_search(await read_json(request))
    if search_request.staged:
        require_view_products(request)
    return JSONResponse(product_search(catalog, search_request, now(request)))


def search_routes() -> list[BaseRoute]:
    """Literal paths: they come before `/product-projections/{id}`."""
    return [
        Route("/products/search", search_products, methods=["POST"]),
        Route("/product-projections/search", search_product_projections, methods=["GET"]),
        Route("/product-projections/search", search_product_projections_post, methods=["POST"]),
        Route("/product-projections/suggest", suggest_search_keywords, methods=["GET"]),
    ]
