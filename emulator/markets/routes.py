"""Read endpoints of the project setup: `GET /{projectKey}` (the Project), Channels, Stores,
Product Selections (and the products assigned to one) and Customer Groups.

Scopes as the API reference's RAML declares them (`securedBy`; manage_X implies view_X):

| endpoint                                   | any one of                                      |
| ------------------------------------------ | ----------------------------------------------- |
| `GET /{projectKey}`                        | view_project_settings                           |
| `/channels`, `/{id}`, `/key={key}`         | view_channels, view_products                    |
| `/stores`, `/{id}`, `/key={key}`           | view_stores                                     |
| `/product-selections` (+ `/products`)      | view_product_selections                         |
| `/customer-groups`, `/{id}`, `/key={key}`  | view_customer_groups, view_customers            |

The create endpoints are in create_routes.py.

Query endpoints take `where`, `sort`, `limit`, `offset`, `withTotal` (emulator/query.py);
Stores expand `distributionChannels[*]`, `supplyChannels[*]` and
`productSelections[*].productSelection`.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute, Route

from emulator.auth import emulator_of, require_scope, require_token
from emulator.catalog.ids import timestamp
from emulator.errors import CtpApiError, not_found
from emulator.jsonio import Json
from emulator.markets.demo import PROJECT_COUNTRIES, PROJECT_CURRENCIES, PROJECT_LANGUAGES
from emulator.markets.registry import Markets
from emulator.query import paged_query
from emulator.resources import respond
from emulator.state import Emulator

Handler = Callable[[Request], Awaitable[Response]]
Table = Callable[[Markets], dict[str, Json]]

CHANNEL_SCOPES = ("view_channels", "view_products")
STORE_SCOPES = ("view_stores",)
SELECTION_SCOPES = ("view_product_selections",)
GROUP_SCOPES = ("view_customer_groups", "view_customers")


def project(emulator: Emulator) -> Json:
    """The Project resource (Project reference, "Get Project"): countries, currencies and
    languages of the demo; carts and shopping lists configured as the emulator keeps them."""
    config = emulator.config
    seeded = config.seed_demo_data
    return {
        "version": 1,
        "key": config.project_key,
        "name": "ctp-bff demo" if seeded else config.project_key,
        "countries": list(PROJECT_COUNTRIES),
        "currencies": list(PROJECT_CURRENCIES),
        "languages": list(PROJECT_LANGUAGES),
        "createdAt": timestamp(0),
        "messages": {"enabled": False},
        "carts": {
            "deleteDaysAfterLastModification": config.cart_delete_days,
            "countryTaxRateFallbackEnabled": False,
        },
        "shoppingLists": {
            "deleteDaysAfterLastModification": config.shopping_list_delete_days,
        },
        "searchIndexing": {
            "productsSearch": {"status": "Activated"},
            **({"products": {"status": "Activated"}} if config.product_projection_search else {}),
        },
        "discounts": {"discountCombinationMode": "Stacking"},
        "inventory": {"releaseExpiredReservations": True, "reservationExpirationInMinutes": 1440},
    }


async def get_project(request: Request) -> Response:
    token = require_token(request)
    require_scope(token, "view_project_settings")
    # No shippingRateInputType: the demo's shipping rates are not tiered.
    return respond(project(emulator_of(request)))


def _markets(request: Request, scopes: tuple[str, ...]) -> Markets:
    token = require_token(request)
    require_scope(token, *scopes)
    return emulator_of(request).catalog.markets


def _key_not_found(key: str) -> CtpApiError:
    return CtpApiError(404, "ResourceNotFound", f"The Resource with key '{key}' was not found.")


def _expanded_store(markets: Markets, store: Json, request: Request) -> Json:
    expand = set(request.query_params.getlist("expand"))
    if not expand:
        return store
    view = dict(store)
    for field in ("distributionChannels", "supplyChannels"):
        if f"{field}[*]" in expand:
            view[field] = [
                {**ref, "obj": markets.channels[ref["id"]]}
                for ref in store.get(field, [])
                if ref["id"] in markets.channels
            ]
    if "productSelections[*].productSelection" in expand:
        view["productSelections"] = [
            {
                **setting,
                "productSelection": {
                    **setting["productSelection"],
                    "obj": markets.product_selections[setting["productSelection"]["id"]],
                },
            }
            for setting in store.get("productSelections", [])
        ]
    return view


def _endpoints(
    scopes: tuple[str, ...], table: Table, *, expand_store: bool = False
) -> tuple[Handler, Handler, Handler]:
    def render(markets: Markets, resource: Json, request: Request) -> Json:
        return _expanded_store(markets, resource, request) if expand_store else resource

    async def query(request: Request) -> Response:
        markets = _markets(request, scopes)
        body = paged_query(list(table(markets).values()), request.query_params)
        body["results"] = [render(markets, r, request) for r in body["results"]]
        return JSONResponse(body)

    async def by_id(request: Request) -> Response:
        markets = _markets(request, scopes)
        found = table(markets).get(request.path_params["id"])
        if found is None:
            raise not_found(request.path_params["id"])
        return JSONResponse(render(markets, found, request))

    async def by_key(request: Request) -> Response:
        markets = _markets(request, scopes)
        key = request.path_params["key"]
        found = next((r for r in table(markets).values() if r.get("key") == key), None)
        if found is None:
            raise _key_not_found(key)
        return JSONResponse(render(markets, found, request))

    return query, by_id, by_key


def _selection_products(by_key: bool) -> Handler:
    """`GET /product-selections/{id}/products` (or `/key={key}/products`): the
    ProductSelectionProductPagedQueryResponse of the Individual selection."""

    async def handler(request: Request) -> Response:
        markets = _markets(request, SELECTION_SCOPES)
        if by_key:
            selection = markets.product_selection_by_key(request.path_params["key"])
            if selection is None:
                raise _key_not_found(request.path_params["key"])
        else:
            selection = markets.product_selections.get(request.path_params["id"])
            if selection is None:
                raise not_found(request.path_params["id"])
        assigned = [
            {"product": {"typeId": "product", "id": product_id}}
            for product_id in markets.selection_products.get(selection["id"], [])
        ]
        return JSONResponse(paged_query(assigned, request.query_params, default_sort=None))

    return handler


def _routes(path: str, handlers: tuple[Handler, Handler, Handler]) -> list[BaseRoute]:
    query, by_id, by_key = handlers
    return [
        Route(path, query, methods=["GET"]),
        Route(path + "/key={key}", by_key, methods=["GET"]),
        Route(path + "/{id}", by_id, methods=["GET"]),
    ]


def routes() -> list[BaseRoute]:
    return [
        Route("/{projectKey}", get_project, methods=["GET"]),
        *_routes("/channels", _endpoints(CHANNEL_SCOPES, lambda m: m.channels)),
        *_routes("/stores", _endpoints(STORE_SCOPES, lambda m: m.stores, expand_store=True)),
        Route("/product-selections/key={key}/products", _selection_products(True), methods=["GET"]),
        Route("/product-selections/{id}/products", _selection_products(False), methods=["GET"]),
        *_routes(
            "/product-selections", _endpoints(SELECTION_SCOPES, lambda m: m.product_selections)
        ),
        *_routes("/customer-groups", _endpoints(GROUP_SCOPES, lambda m: m.customer_groups)),
    ]
