"""The demo project's markets: two Stores, their Channels and Product Selections, and the
Customer Group `vip` (docs/emulator-catalog.md, "Markets").

- `de-shop`: countries DE and AT (EUR), languages de and en, channels `de-distribution`
  (ProductDistribution) and `de-warehouse` (InventorySupply), Product Selection
  `de-assortment` with every published product;
- `us-shop`: country US (USD), language en, channels `us-distribution` and `us-warehouse`,
  Product Selection `us-assortment` with every published product but `keyring-brass`.

Ids are uuid5s of the keys (`catalog/ids.py`), so they are the same on every run.
"""

from __future__ import annotations

from collections.abc import Iterable

from emulator.catalog.builders import resource_base
from emulator.catalog.demo_data import VIP_CUSTOMER_GROUP_KEY
from emulator.catalog.ids import resource_id
from emulator.jsonio import Json
from emulator.markets.registry import Markets

# The one product the US store does not sell (so that a Store's assortment is visible).
NOT_IN_US_SHOP = "keyring-brass"

PROJECT_COUNTRIES = ("DE", "AT", "US")
PROJECT_CURRENCIES = ("EUR", "USD")
# The catalog's LocalizedStrings use `en` and `de`; the regional tags are there for storefronts
# that send a full locale (they fall back to the language, as commercetools' locale fallback).
PROJECT_LANGUAGES = ("en", "de", "en-US", "de-DE", "de-AT")


def _ref(type_id: str, kind: str, key: str) -> Json:
    return {"typeId": type_id, "id": resource_id(kind, key)}


def _channel(key: str, role: str, name_en: str, name_de: str, hours: float) -> Json:
    return {
        **resource_base("channel", key, hours),
        "roles": [role],
        "name": {"en": name_en, "de": name_de},
    }


def _store(
    key: str,
    name_en: str,
    name_de: str,
    countries: Iterable[str],
    languages: Iterable[str],
    prefix: str,
    hours: float,
) -> Json:
    return {
        **resource_base("store", key, hours),
        "name": {"en": name_en, "de": name_de},
        "languages": list(languages),
        "countries": [{"code": code} for code in countries],
        "distributionChannels": [_ref("channel", "channel", f"{prefix}-distribution")],
        "supplyChannels": [_ref("channel", "channel", f"{prefix}-warehouse")],
        "productSelections": [
            {
                "productSelection": _ref(
                    "product-selection", "product-selection", f"{prefix}-assortment"
                ),
                "active": True,
            }
        ],
    }


def _selection(key: str, name_en: str, name_de: str, count: int, hours: float) -> Json:
    return {
        **resource_base("product-selection", key, hours),
        "name": {"en": name_en, "de": name_de},
        "productCount": count,
        "mode": "Individual",
    }


def demo_markets(products: Iterable[Json]) -> Markets:
    """The demo markets for the given (published and unpublished) product projections."""
    published = [p for p in products if p.get("published")]
    de_ids = [p["id"] for p in published]
    us_ids = [p["id"] for p in published if p.get("key") != NOT_IN_US_SHOP]
    # Set up "before" the products (their timestamps start a day after the catalog's epoch).
    channels = [
        _channel(
            "de-distribution",
            "ProductDistribution",
            "Germany and Austria",
            "Deutschland und Österreich",
            1,
        ),
        _channel("de-warehouse", "InventorySupply", "Warehouse Leipzig", "Lager Leipzig", 1.5),
        _channel(
            "us-distribution", "ProductDistribution", "United States", "Vereinigte Staaten", 2
        ),
        _channel(
            "us-warehouse", "InventorySupply", "Warehouse New Jersey", "Lager New Jersey", 2.5
        ),
    ]
    selections = [
        _selection("de-assortment", "DACH assortment", "DACH-Sortiment", len(de_ids), 3),
        _selection("us-assortment", "US assortment", "US-Sortiment", len(us_ids), 3.5),
    ]
    stores = [
        _store(
            "de-shop",
            "Germany & Austria",
            "Deutschland & Österreich",
            ("DE", "AT"),
            ("de", "en"),
            "de",
            4,
        ),
        _store("us-shop", "United States", "Vereinigte Staaten", ("US",), ("en",), "us", 4.5),
    ]
    groups = [
        {
            **resource_base("customer-group", VIP_CUSTOMER_GROUP_KEY, 5),
            "name": "VIP",
        }
    ]
    return Markets(
        channels=channels,
        stores=stores,
        product_selections=selections,
        selection_products={
            resource_id("product-selection", "de-assortment"): de_ids,
            resource_id("product-selection", "us-assortment"): us_ids,
        },
        customer_groups=groups,
    )
