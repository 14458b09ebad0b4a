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

Create: `POST /customer-groups` (CustomerGroupDraft `groupName`, `key`; manage_customer_groups
or manage_customers), `POST /channels` (ChannelDraft `key`, `roles`, `name`, `description`;
manage_channels or manage_products), `POST /stores` (StoreDraft `key`, `name`, `languages`,
`countries`, `distributionChannels`, `supplyChannels`, `productSelections`; manage_stores);
`Emulator.reset()` forgets what was created. No update or delete actions.

Query endpoints take `where`, `sort`, `limit`, `offset`, `withTotal` (emulator/query.py);
Stores expand `distributionChannels[*]`, `supplyChannels[*]` and
`productSelections[*].productSelection`.
"""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute, Route

from emulator.auth import emulator_of, require_scope, require_token
from emulator.catalog.ids import timestamp
from emulator.errors import (
    CtpApiError,
    duplicate_field,
    invalid_input,
    invalid_json,
    invalid_operation,
    not_found,
    referenced_resource_not_found,
)
from emulator.jsonio import Json, opt_list, read_object, req_str
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
_KEY = re.compile(r"^[A-Za-z0-9_-]{2,256}$")
_ROLES = ("InventorySupply", "ProductDistribution", "OrderExport", "OrderImport", "Primary")


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
        *create_routes(),
        *_routes("/channels", _endpoints(CHANNEL_SCOPES, lambda m: m.channels)),
        *_routes("/stores", _endpoints(STORE_SCOPES, lambda m: m.stores, expand_store=True)),
        Route("/product-selections/key={key}/products", _selection_products(True), methods=["GET"]),
        Route("/product-selections/{id}/products", _selection_products(False), methods=["GET"]),
        *_routes(
            "/product-selections", _endpoints(SELECTION_SCOPES, lambda m: m.product_selections)
        ),
        *_routes("/customer-groups", _endpoints(GROUP_SCOPES, lambda m: m.customer_groups)),
    ]


# -- create endpoints ------------------------------------------------------------------------------


def _draft_key(draft: Json, required: bool) -> str | None:
    key = draft.get("key")
    if key is None:
        if required:
            raise invalid_json("key: Missing required value.")
        return None
    if not isinstance(key, str) or not _KEY.match(key):
        raise invalid_input(f"key: '{key}' is not a valid key (2-256 of A-Z a-z 0-9 _ -).")
    return key


def _unique(table: dict[str, Json], field: str, value: Any) -> None:
    if any(r.get(field) == value for r in table.values()):
        raise duplicate_field(field, value)


def _created(emulator: Emulator, key: str | None) -> Json:
    now = emulator.now_iso()
    resource: Json = {"id": emulator.new_id(), "version": 1}
    if key is not None:
        resource["key"] = key
    resource.update({"createdAt": now, "lastModifiedAt": now})
    return resource


def _localized(draft: Json, field: str) -> Json | None:
    value = draft.get(field)
    if value is None:
        return None
    if not isinstance(value, dict) or not all(isinstance(v, str) for v in value.values()):
        raise invalid_json(f"{field}: LocalizedString expected.")
    return dict(value)


def _store_channel(markets: Markets, value: Any, role: str, field: str) -> Json:
    if not isinstance(value, dict):
        raise invalid_json(f"{field}: ResourceIdentifier expected.")
    channel = (
        markets.channels.get(value["id"])
        if isinstance(value.get("id"), str)
        else markets.channel_by_key(str(value.get("key")))
    )
    if channel is None:
        raise referenced_resource_not_found(
            "channel", **({"id": value["id"]} if "id" in value else {"key": str(value.get("key"))})
        )
    if role not in channel.get("roles", []):
        raise CtpApiError(
            400,
            "MissingRoleOnChannel",
            f"Given channel with {channel.get('key') or channel['id']} does not have the "
            f"required role {role}.",
            channel={"typeId": "channel", "id": channel["id"]},
            missingRole=role,
        )
    return {"typeId": "channel", "id": channel["id"]}


def _store_country(value: Any) -> Json:
    if not isinstance(value, dict):
        raise invalid_json("countries: StoreCountry objects expected.")
    code = req_str(value, "code", "countries")
    if not re.fullmatch(r"[A-Z]{2}", code):
        raise invalid_input(f"countries: '{code}' is not a country code.")
    return {"code": code}


async def create_customer_group(request: Request) -> Response:
    token = require_token(request)
    require_scope(token, "manage_customer_groups", "manage_customers")
    draft = await read_object(request)
    emulator = emulator_of(request)
    name = req_str(draft, "groupName")
    with emulator.lock:
        markets = emulator.catalog.markets
        key = _draft_key(draft, required=False)
        _unique(markets.customer_groups, "name", name)
        if key is not None:
            _unique(markets.customer_groups, "key", key)
        group = {**_created(emulator, key), "name": name}
        markets.add(markets.customer_groups, group)
        return respond(group, 201)


async def create_channel(request: Request) -> Response:
    token = require_token(request)
    require_scope(token, "manage_channels", "manage_products")
    draft = await read_object(request)
    emulator = emulator_of(request)
    roles = draft.get("roles", ["InventorySupply"])
    if not isinstance(roles, list) or not all(r in _ROLES for r in roles):
        raise invalid_json(f"roles: a list of {', '.join(_ROLES)} expected.")
    if not roles:
        raise invalid_operation("A Channel needs at least one role.")
    with emulator.lock:
        markets = emulator.catalog.markets
        key = _draft_key(draft, required=True)
        _unique(markets.channels, "key", key)
        channel = {**_created(emulator, key), "roles": list(dict.fromkeys(roles))}
        for field in ("name", "description"):
            value = _localized(draft, field)
            if value is not None:
                channel[field] = value
        markets.add(markets.channels, channel)
        return respond(channel, 201)


async def create_store(request: Request) -> Response:
    token = require_token(request)
    require_scope(token, "manage_stores")
    draft = await read_object(request)
    emulator = emulator_of(request)
    with emulator.lock:
        markets = emulator.catalog.markets
        key = _draft_key(draft, required=True)
        _unique(markets.stores, "key", key)
        store = _created(emulator, key)
        name = _localized(draft, "name")
        if name is not None:
            store["name"] = name
        store["languages"] = [str(x) for x in opt_list(draft, "languages")]
        store["countries"] = [_store_country(c) for c in opt_list(draft, "countries")]
        store["distributionChannels"] = [
            _store_channel(markets, c, "ProductDistribution", "distributionChannels")
            for c in opt_list(draft, "distributionChannels")
        ]
        store["supplyChannels"] = [
            _store_channel(markets, c, "InventorySupply", "supplyChannels")
            for c in opt_list(draft, "supplyChannels")
        ]
        settings = []
        for entry in opt_list(draft, "productSelections"):
            if not isinstance(entry, dict) or not isinstance(entry.get("productSelection"), dict):
                raise invalid_json("productSelections: ProductSelectionSettingDraft expected.")
            ident = entry["productSelection"]
            selection = (
                markets.product_selections.get(str(ident.get("id")))
                if "id" in ident
                else markets.product_selection_by_key(str(ident.get("key")))
            )
            if selection is None:
                raise referenced_resource_not_found(
                    "product-selection",
                    **(
                        {"id": str(ident.get("id"))}
                        if "id" in ident
                        else {"key": str(ident.get("key"))}
                    ),
                )
            settings.append(
                {
                    "productSelection": {"typeId": "product-selection", "id": selection["id"]},
                    "active": bool(entry.get("active", False)),
                }
            )
        store["productSelections"] = settings
        markets.add(markets.stores, store)
        return respond(store, 201)


def create_routes() -> list[BaseRoute]:
    return [
        Route("/customer-groups", create_customer_group, methods=["POST"]),
        Route("/channels", create_channel, methods=["POST"]),
        Route("/stores", create_store, methods=["POST"]),
    ]
