"""The project setup commercetools serves: the Project, Channels, Stores, Product Selections,
Customer Groups; their scopes; price selection by customer group and channel; store and locale
projections; Product Search's `variants.stores`."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from emulator.catalog.pricing import PriceSelector, select
from emulator.state import Emulator
from tests.emulator.ctp import Ctp, error_code

pytestmark = pytest.mark.anyio


async def test_the_project_lists_the_demo_markets(ctp: Ctp) -> None:
    token = await ctp.client_token("view_project_settings:demo")
    project = await ctp.get("", token)
    assert project["key"] == "demo"
    assert set(project["countries"]) == {"DE", "AT", "US"}
    assert set(project["currencies"]) == {"EUR", "USD"}
    assert {"en", "de"} <= set(project["languages"])
    assert project["carts"]["deleteDaysAfterLastModification"] == 90
    assert project["version"] == 1 and project["createdAt"].endswith("Z")
    # The project needs view_project_settings: a storefront's catalog scope is not enough.
    other = await ctp.client_token("view_published_products:demo")
    assert error_code(await ctp.get("", other, expect=403)) == "insufficient_scope"


async def test_stores_with_their_channels_and_selections(ctp: Ctp) -> None:
    token = await ctp.client_token("view_stores:demo view_channels:demo")
    de_shop = await ctp.get(
        "/stores/key=de-shop", token, expand=["distributionChannels[*]", "supplyChannels[*]"]
    )
    assert [c["code"] for c in de_shop["countries"]] == ["DE", "AT"]
    assert de_shop["languages"] == ["de", "en"]
    assert de_shop["distributionChannels"][0]["obj"]["key"] == "de-distribution"
    assert de_shop["distributionChannels"][0]["obj"]["roles"] == ["ProductDistribution"]
    assert de_shop["supplyChannels"][0]["obj"]["roles"] == ["InventorySupply"]
    assert de_shop["productSelections"][0]["active"] is True
    by_id = await ctp.get(f"/stores/{de_shop['id']}", token)
    assert by_id["key"] == "de-shop" and "obj" not in by_id["distributionChannels"][0]
    found = await ctp.get("/stores", token, where='key in ("us-shop", "nowhere")')
    assert [s["key"] for s in found["results"]] == ["us-shop"]
    channels = await ctp.get("/channels", token, where='key = "us-warehouse"')
    assert channels["results"][0]["roles"] == ["InventorySupply"]
    await ctp.get("/stores/key=nowhere", token, expect=404)
    # Stores need view_stores.
    other = await ctp.client_token("view_channels:demo")
    await ctp.get("/stores", other, expect=403)


async def test_the_us_assortment_leaves_one_product_out(ctp: Ctp) -> None:
    token = await ctp.client_token("view_product_selections:demo view_products:demo")
    selection = await ctp.get("/product-selections/key=us-assortment", token)
    assert selection["mode"] == "Individual"
    assigned = await ctp.get("/product-selections/key=us-assortment/products", token, limit=500)
    keyring = await ctp.get("/product-projections/key=keyring-brass", token)
    ids = {entry["product"]["id"] for entry in assigned["results"]}
    assert keyring["id"] not in ids
    assert assigned["total"] == selection["productCount"] == len(ids)
    de = await ctp.get("/product-selections/key=de-assortment/products", token, limit=500)
    assert keyring["id"] in {entry["product"]["id"] for entry in de["results"]}


async def test_customer_groups(ctp: Ctp) -> None:
    token = await ctp.client_token("view_customer_groups:demo")
    vip = await ctp.get("/customer-groups/key=vip", token)
    assert vip["name"] == "VIP"
    assert (await ctp.get(f"/customer-groups/{vip['id']}", token))["key"] == "vip"
    # view_customers reads them too (the reference lists both).
    other = await ctp.client_token("view_customers:demo")
    assert (await ctp.get("/customer-groups", other, where='key = "vip"'))["total"] == 1


def _price(cents: int, **scope: object) -> dict[str, object]:
    return {"id": str(cents), "value": {"currencyCode": "EUR", "centAmount": cents}, **scope}


def test_the_most_specific_price_wins() -> None:
    group = {"typeId": "customer-group", "id": "g"}
    other_group = {"typeId": "customer-group", "id": "h"}
    channel = {"typeId": "channel", "id": "c"}
    prices = [
        _price(1000),
        _price(900, country="DE"),
        _price(800, channel=channel),
        _price(700, channel=channel, country="DE"),
        _price(600, customerGroup=group),
        _price(500, customerGroup=group, country="DE"),
        _price(400, customerGroup=group, channel=channel),
        _price(300, customerGroup=group, channel=channel, country="DE"),
        _price(100, customerGroup=other_group),
    ]
    now = datetime(2026, 1, 1, tzinfo=UTC)

    def chosen(**selector: object) -> int:
        found = select(prices, PriceSelector("EUR", **selector), now)  # type: ignore[arg-type]
        assert found is not None
        return int(found["value"]["centAmount"])

    assert chosen() == 1000
    assert chosen(country="DE") == 900
    assert chosen(country="AT") == 1000
    assert chosen(channel="c") == 800
    assert chosen(channel="c", country="DE") == 700
    assert chosen(customer_groups=("g",)) == 600
    assert chosen(customer_groups=("g",), country="DE") == 500
    assert chosen(customer_groups=("g",), channel="c") == 400
    assert chosen(customer_groups=("g",), channel="c", country="DE") == 300
    # Several groups: the lowest price of the most specific level.
    assert chosen(customer_groups=("g", "h")) == 100
    assert chosen(customer_groups=("g", "h"), country="DE") == 500


async def test_price_selection_parameters_on_projections(ctp: Ctp) -> None:
    admin = await ctp.client_token()
    vip = (await ctp.get("/customer-groups/key=vip", admin))["id"]
    path = "/product-projections/key=sweater-cashmere"
    plain = await ctp.get(path, admin, priceCurrency="EUR", priceCountry="DE")
    assert plain["masterVariant"]["price"]["value"]["centAmount"] == 12999
    grouped = await ctp.get(
        path, admin, priceCurrency="EUR", priceCountry="DE", priceCustomerGroup=vip
    )
    assert grouped["masterVariant"]["price"]["value"]["centAmount"] == 10999
    assert grouped["masterVariant"]["price"]["customerGroup"]["id"] == vip
    assigned = await ctp.get(
        path, admin, priceCurrency="USD", priceCountry="US", priceCustomerGroupAssignments=[vip]
    )
    assert assigned["masterVariant"]["price"]["value"]["centAmount"] == 12099
    # A group without prices of its own falls back to the country price.
    other = await ctp.get(
        "/product-projections/key=tshirt-classic",
        admin,
        priceCurrency="EUR",
        priceCountry="AT",
        priceCustomerGroup=vip,
    )
    assert other["masterVariant"]["price"]["value"]["centAmount"] == 2099
    queried = await ctp.get(
        "/product-projections",
        admin,
        where='key = "boots-chelsea"',
        priceCurrency="EUR",
        priceCustomerGroup=vip,
    )
    assert queried["results"][0]["masterVariant"]["price"]["value"]["centAmount"] == 11999
    bad = await ctp.get(path, admin, expect=400, priceCustomerGroup=vip)
    assert error_code(bad) == "InvalidInput"


async def test_store_and_locale_projection(ctp: Ctp) -> None:
    token = await ctp.client_token("view_published_products:demo")
    # storeProjection projects (languages, countries' prices) but does not hide a product the
    # Store does not offer (the trait's description); the in-store endpoint does.
    us = await ctp.get("/product-projections/key=keyring-brass", token, storeProjection="us-shop")
    assert us["name"] == {"en": "Brass Key Ring"}
    countries = {p.get("country") for p in us["masterVariant"]["prices"]}
    assert countries == {None, "US"}
    await ctp.get("/in-store/key=us-shop/product-projections/key=keyring-brass", token, expect=404)
    await ctp.get(f"/in-store/key=us-shop/product-projections/{us['id']}", token, expect=404)
    in_de = await ctp.get(f"/in-store/key=de-shop/product-projections/{us['id']}", token)
    assert set(in_de["name"]) == {"de", "en"}
    assert {p.get("country") for p in in_de["masterVariant"]["prices"]} == {None, "DE", "AT"}
    priced = await ctp.get(
        "/in-store/key=us-shop/product-projections/key=tote-canvas",
        token,
        priceCurrency="USD",
        priceCountry="US",
    )
    assert priced["masterVariant"]["price"]["value"]["centAmount"] == 2699
    listed = await ctp.get("/product-projections", token, storeProjection="us-shop", limit=500)
    assert listed["total"] == 40
    german = await ctp.get("/product-projections/key=tote-canvas", token, localeProjection="de")
    assert set(german["name"]) == {"de"} and set(german["slug"]) == {"de"}
    bad = await ctp.get("/product-projections", token, storeProjection="nowhere", expect=400)
    assert error_code(bad) == "InvalidInput"
    await ctp.get("/in-store/key=nowhere/product-projections/key=tote-canvas", token, expect=404)


async def test_product_search_by_store_with_projection_parameters(ctp: Ctp) -> None:
    admin = await ctp.client_token()
    us_shop = await ctp.get("/stores/key=us-shop", admin)
    vip = (await ctp.get("/customer-groups/key=vip", admin))["id"]
    found = await ctp.post(
        "/products/search",
        admin,
        {
            "query": {"exact": {"field": "variants.stores", "value": us_shop["id"]}},
            "limit": 100,
            "productProjectionParameters": {
                "priceCurrency": "USD",
                "priceCountry": "US",
                "priceCustomerGroupAssignments": [vip],
                "storeProjection": "us-shop",
            },
        },
    )
    assert found["total"] == 39
    projections = {r["productProjection"]["key"]: r["productProjection"] for r in found["results"]}
    assert "keyring-brass" not in projections
    assert projections["boots-chelsea"]["masterVariant"]["price"]["value"]["centAmount"] == 13199
    assert projections["tote-canvas"]["masterVariant"]["price"]["value"]["centAmount"] == 2699
    assert set(projections["tote-canvas"]["name"]) == {"en"}


async def test_the_vip_demo_customer_is_in_the_vip_group(ctp: Ctp) -> None:
    token = await ctp.customer_token("vip@example.com", "Demo-Passw0rd!")
    me = await ctp.get("/me", token)
    admin = await ctp.client_token()
    vip = await ctp.get("/customer-groups/key=vip", admin)
    assert me["customerGroup"] == {"typeId": "customer-group", "id": vip["id"]}
    assert me["customerGroupAssignments"] == [
        {"customerGroup": {"typeId": "customer-group", "id": vip["id"]}}
    ]
    assert me["stores"] == []


async def test_customer_group_and_store_update_actions(ctp: Ctp) -> None:
    admin = await ctp.client_token()
    customer, _ = await ctp.new_customer("groups@example.com")
    vip = await ctp.get("/customer-groups/key=vip", admin)
    path = f"/customers/{customer['id']}"

    customer = await ctp.update(
        path,
        admin,
        customer,
        {"action": "setCustomerGroup", "customerGroup": {"key": "vip"}},
        {
            "action": "addCustomerGroupAssignment",
            "customerGroupAssignment": {"customerGroup": {"id": vip["id"]}},
        },
        {"action": "addStore", "store": {"key": "de-shop"}},
    )
    assert customer["customerGroup"] == {"typeId": "customer-group", "id": vip["id"]}
    assert customer["customerGroupAssignments"][0]["customerGroup"]["id"] == vip["id"]
    assert customer["stores"] == [{"typeId": "store", "key": "de-shop"}]
    missing = await ctp.update(
        path,
        admin,
        customer,
        {"action": "setCustomerGroup", "customerGroup": {"key": "nope"}},
        expect=400,
    )
    assert error_code(missing) == "ReferencedResourceNotFound"
    customer = await ctp.update(
        path,
        admin,
        customer,
        {"action": "setCustomerGroup"},
        {"action": "removeCustomerGroupAssignment", "customerGroup": {"key": "vip"}},
        {"action": "setStores", "stores": []},
    )
    assert "customerGroup" not in customer
    assert customer["customerGroupAssignments"] == [] and customer["stores"] == []
    # The customer's own /me cannot change its group.
    own = await ctp.customer_token("groups@example.com", "Secret-123")
    denied = await ctp.post(
        "/me",
        own,
        {
            "version": customer["version"],
            "actions": [{"action": "setCustomerGroup", "customerGroup": {"key": "vip"}}],
        },
        expect=400,
    )
    assert error_code(denied) == "InvalidJsonInput"


async def test_creating_a_store_with_channels_and_a_group(ctp: Ctp, emulator: Emulator) -> None:
    admin = await ctp.client_token()
    group = await ctp.post(
        "/customer-groups", admin, {"groupName": "Staff", "key": "staff"}, expect=201
    )
    assert group["name"] == "Staff" and group["version"] == 1
    duplicate = await ctp.post("/customer-groups", admin, {"groupName": "Staff"}, expect=400)
    assert error_code(duplicate) == "DuplicateField"
    channel = await ctp.post(
        "/channels",
        admin,
        {"key": "ch-distribution", "roles": ["ProductDistribution"], "name": {"en": "CH"}},
        expect=201,
    )
    warehouse = await ctp.post("/channels", admin, {"key": "ch-warehouse"}, expect=201)
    assert warehouse["roles"] == ["InventorySupply"]
    wrong_role = await ctp.post(
        "/stores",
        admin,
        {"key": "ch-shop", "distributionChannels": [{"key": "ch-warehouse"}]},
        expect=400,
    )
    assert error_code(wrong_role) == "MissingRoleOnChannel"
    assert wrong_role["errors"][0]["missingRole"] == "ProductDistribution"
    store = await ctp.post(
        "/stores",
        admin,
        {
            "key": "ch-shop",
            "name": {"de": "Schweiz"},
            "languages": ["de"],
            "countries": [{"code": "CH"}],
            "distributionChannels": [{"id": channel["id"]}],
            "supplyChannels": [{"key": "ch-warehouse"}],
            "productSelections": [{"productSelection": {"key": "us-assortment"}, "active": True}],
        },
        expect=201,
    )
    assert store["distributionChannels"] == [{"typeId": "channel", "id": channel["id"]}]
    assert (await ctp.get("/stores/key=ch-shop", admin))["id"] == store["id"]
    # The new Store is searchable at once, and offers the US assortment.
    found = await ctp.post(
        "/products/search",
        admin,
        {"query": {"exact": {"field": "variants.stores", "value": store["id"]}}, "limit": 0},
    )
    assert found["total"] == 39
    # A store-bound cart there: only Swiss addresses' country.
    refused = await ctp.post(
        "/in-store/key=ch-shop/carts", admin, {"currency": "EUR", "country": "DE"}, expect=400
    )
    assert error_code(refused) == "CountryNotConfiguredInStore"
    await ctp.post("/stores", admin, {"key": "ch-shop"}, expect=400)
    # A reset forgets what was created.
    emulator.reset()
    admin = await ctp.client_token()
    await ctp.get("/stores/key=ch-shop", admin, expect=404)
    await ctp.get("/customer-groups/key=staff", admin, expect=404)
    assert (await ctp.get("/stores", admin))["total"] == 2
    # Creating needs the manage scopes.
    reader = await ctp.client_token("view_stores:demo")
    await ctp.post("/stores", reader, {"key": "other"}, expect=403)
