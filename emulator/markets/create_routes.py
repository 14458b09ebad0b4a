"""Create endpoints of the project setup (the read ones are in routes.py):

- `POST /customer-groups`: CustomerGroupDraft `groupName`, `key`; manage_customer_groups or
  manage_customers;
- `POST /channels`: ChannelDraft `key`, `roles` (default InventorySupply), `name`,
  `description`; manage_channels or manage_products;
- `POST /stores`: StoreDraft `key`, `name`, `languages`, `countries`, `distributionChannels`
  (ProductDistribution), `supplyChannels` (InventorySupply), `productSelections`; manage_stores.

A duplicate key (or group name) answers 400 DuplicateField, a channel without the role its place
needs 400 MissingRoleOnChannel. `Emulator.reset()` forgets what was created. No update or delete.
"""

from __future__ import annotations

import re
from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from emulator.auth import emulator_of, require_scope, require_token
from emulator.errors import (
    CtpApiError,
    duplicate_field,
    invalid_input,
    invalid_json,
    invalid_operation,
    referenced_resource_not_found,
)
from emulator.jsonio import Json, opt_list, read_object, req_str
from emulator.markets.registry import Markets
from emulator.resources import respond
from emulator.state import Emulator

_KEY = re.compile(r"^[A-Za-z0-9_-]{2,256}$")
_ROLES = ("InventorySupply", "ProductDistribution", "OrderExport", "OrderImport", "Primary")


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
