"""HTTP endpoints of the catalog, relative to `/{projectKey}` (the core mounts them there).

Scopes are enforced as commercetools' API reference declares them (`securedBy` in the RAML);
`manage_X` implies `view_X` and `manage_project` grants everything (see `TokenInfo.grants`):

| endpoints                         | any one of                                            |
| --------------------------------- | ----------------------------------------------------- |
| product-projections              | view_published_products, view_products                |
| ... with `staged=true`            | view_products                                         |
| categories                        | view_categories, view_products                        |
| shipping-methods                  | view_shipping_methods, view_orders                    |
| discount-codes                    | view_discount_codes                                   |
| cart-discounts                    | view_cart_discounts, view_orders                      |
| tax-categories                    | view_tax_categories, view_products                    |
| zones                             | view_zones, view_orders                               |

The search endpoints (Product Search, Product Projection Search, suggestions) are in
search_routes.py.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from starlette.datastructures import QueryParams
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import BaseRoute, Route

from emulator.catalog.access import PRODUCT_SCOPES, catalog_for, now, require_view_products
from emulator.catalog.catalog import Catalog
from emulator.catalog.projection import Projection, apply, from_query
from emulator.catalog.search_routes import search_routes
from emulator.errors import CtpApiError, not_found
from emulator.jsonio import Json
from emulator.query import malformed, paged_query

Handler = Callable[[Request], Awaitable[JSONResponse]]

CATEGORY_SCOPES = ("view_categories", "view_products")
SHIPPING_SCOPES = ("view_shipping_methods", "view_orders")
DISCOUNT_CODE_SCOPES = ("view_discount_codes",)
CART_DISCOUNT_SCOPES = ("view_cart_discounts", "view_orders")
TAX_SCOPES = ("view_tax_categories", "view_products")
ZONE_SCOPES = ("view_zones", "view_orders")


def _key_not_found(key: str) -> CtpApiError:
    return CtpApiError(404, "ResourceNotFound", f"The Resource with key '{key}' was not found.")


# -- product projections ------------------------------------------------------------------------


def _staged(request: Request, params: QueryParams) -> bool:
    """The `staged` flag; true needs view_products (view_published_products is not enough)."""
    raw = params.get("staged", "false").lower()
    if raw not in {"true", "false"}:
        raise malformed("staged", f"'{params.get('staged')}' is not a boolean.")
    staged = raw == "true"
    if staged:
        require_view_products(request)
    return staged


def _price_selection(params: QueryParams) -> tuple[str, str | None] | None:
    currency = params.get("priceCurrency")
    country = params.get("priceCountry")
    if currency is None:
        if country is not None:
            raise malformed("priceCountry", "can only be used together with priceCurrency.")
        return None
    if len(currency) != 3 or not currency.isalpha() or not currency.isupper():
        raise malformed("priceCurrency", f"'{currency}' is not a currency code.")
    if country is not None and (
        len(country) != 2 or not country.isalpha() or not country.isupper()
    ):
        raise malformed("priceCountry", f"'{country}' is not a country code.")
    return currency, country


def _projection_or_404(catalog: Catalog, product_id: str, staged: bool) -> Json:
    if staged:
        product = catalog.staged_product_projection(product_id)
    else:
        product = catalog.product_projection(product_id)
    if product is None:
        raise not_found(product_id)
    return product


def _in_store(request: Request, catalog: Catalog) -> str | None:
    """The Store of `/in-store/key={storeKey}/product-projections/...` (None elsewhere)."""
    key = request.path_params.get("storeKey")
    if key is not None and catalog.markets.store_by_key(key) is None:
        raise CtpApiError(404, "ResourceNotFound", f"The Store with key '{key}' was not found.")
    return None if key is None else str(key)


def _projection(request: Request, catalog: Catalog, store_key: str | None = None) -> Projection:
    params = request.query_params
    _price_selection(params)  # the currency and country checks, with their messages
    return from_query(params, catalog.markets, store_key)


async def query_product_projections(request: Request) -> JSONResponse:
    catalog = catalog_for(request, PRODUCT_SCOPES)
    params = request.query_params
    staged = _staged(request, params)
    projection = _projection(request, catalog)
    body = paged_query(catalog.product_projections(staged=staged), params)
    moment = now(request)
    body["results"] = [apply(p, projection, catalog.markets, moment) for p in body["results"]]
    return JSONResponse(body)


def _projected(request: Request, catalog: Catalog, product: Json, missing: CtpApiError) -> Json:
    """The projection; in a Store, 404 for a product the Store does not offer (the in-store
    endpoints take its Product Selections into account, `storeProjection` does not)."""
    store_key = _in_store(request, catalog)
    found = apply(
        product,
        _projection(request, catalog, store_key),
        catalog.markets,
        now(request),
        available_only=store_key is not None,
    )
    if found is None:
        raise missing
    return found


async def get_product_projection(request: Request) -> JSONResponse:
    catalog = catalog_for(request, PRODUCT_SCOPES)
    staged = _staged(request, request.query_params)
    product_id = request.path_params["id"]
    product = _projection_or_404(catalog, product_id, staged)
    return JSONResponse(_projected(request, catalog, product, not_found(product_id)))


async def get_product_projection_by_key(request: Request) -> JSONResponse:
    catalog = catalog_for(request, PRODUCT_SCOPES)
    staged = _staged(request, request.query_params)
    key = request.path_params["key"]
    product = catalog.product_projection_by_key(key, staged=staged)
    if product is None:
        raise _key_not_found(key)
    return JSONResponse(_projected(request, catalog, product, _key_not_found(key)))


def in_store_routes() -> list[BaseRoute]:
    """Get ProductProjection in Store by ID / by Key (relative to the in-store prefix)."""
    return [
        Route("/product-projections/key={key}", get_product_projection_by_key, methods=["GET"]),
        Route("/product-projections/{id}", get_product_projection, methods=["GET"]),
    ]


# -- categories, shipping methods, discounts, tax categories ------------------------------------


def _by_id(
    scopes: tuple[str, ...], lookup: Callable[[Catalog, str], Json | None], param: str = "id"
) -> Handler:
    async def handler(request: Request) -> JSONResponse:
        catalog = catalog_for(request, scopes)
        identifier = request.path_params[param]
        found = lookup(catalog, identifier)
        if found is None:
            raise _key_not_found(identifier) if param == "key" else not_found(identifier)
        return JSONResponse(found)

    return handler


def _query(scopes: tuple[str, ...], listing: Callable[[Catalog], list[Json]]) -> Handler:
    async def handler(request: Request) -> JSONResponse:
        catalog = catalog_for(request, scopes)
        return JSONResponse(paged_query(listing(catalog), request.query_params))

    return handler


def catalog_routes() -> list[BaseRoute]:
    """The catalog's routes, relative to /{projectKey}. Literal paths come before `{id}`."""
    return [
        Route("/product-projections", query_product_projections, methods=["GET"]),
        *search_routes(),
        Route("/product-projections/key={key}", get_product_projection_by_key, methods=["GET"]),
        Route("/product-projections/{id}", get_product_projection, methods=["GET"]),
        Route("/categories", _query(CATEGORY_SCOPES, Catalog.categories), methods=["GET"]),
        Route(
            "/categories/key={key}",
            _by_id(CATEGORY_SCOPES, Catalog.category_by_key, "key"),
            methods=["GET"],
        ),
        Route("/categories/{id}", _by_id(CATEGORY_SCOPES, Catalog.category), methods=["GET"]),
        Route(
            "/shipping-methods",
            _query(SHIPPING_SCOPES, Catalog.shipping_methods),
            methods=["GET"],
        ),
        Route(
            "/shipping-methods/key={key}",
            _by_id(SHIPPING_SCOPES, Catalog.shipping_method_by_key, "key"),
            methods=["GET"],
        ),
        Route(
            "/shipping-methods/{id}",
            _by_id(SHIPPING_SCOPES, Catalog.shipping_method),
            methods=["GET"],
        ),
        Route(
            "/discount-codes",
            _query(DISCOUNT_CODE_SCOPES, Catalog.discount_codes),
            methods=["GET"],
        ),
        Route(
            "/discount-codes/{id}",
            _by_id(DISCOUNT_CODE_SCOPES, Catalog.discount_code),
            methods=["GET"],
        ),
        Route(
            "/cart-discounts",
            _query(CART_DISCOUNT_SCOPES, Catalog.cart_discounts),
            methods=["GET"],
        ),
        Route(
            "/cart-discounts/{id}",
            _by_id(CART_DISCOUNT_SCOPES, Catalog.cart_discount),
            methods=["GET"],
        ),
        Route("/tax-categories", _query(TAX_SCOPES, Catalog.tax_categories), methods=["GET"]),
        Route(
            "/tax-categories/{id}",
            _by_id(TAX_SCOPES, Catalog.tax_category),
            methods=["GET"],
        ),
        Route("/zones", _query(ZONE_SCOPES, Catalog.zones), methods=["GET"]),
    ]
