"""The catalog's HTTP routes, through the whole emulator app (token check included)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any
from urllib.parse import quote

import httpx
import pytest

from emulator.app import create_emulator_app
from emulator.catalog import Catalog
from emulator.catalog.catalog import all_variants
from emulator.jsonio import Json
from emulator.state import Emulator

BASE = "/demo"

# The anyio_backend fixture (asyncio) comes from tests/emulator/conftest.py.
pytestmark = pytest.mark.anyio


@pytest.fixture(scope="module")
def catalog() -> Catalog:
    return Catalog.demo()


@pytest.fixture
async def client() -> AsyncIterator[httpx.AsyncClient]:
    app = create_emulator_app(Emulator())
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://emulator") as http:
        yield http


async def token(client: httpx.AsyncClient, scope: str | None = None) -> dict[str, str]:
    data = {"grant_type": "client_credentials"}
    if scope is not None:
        data["scope"] = scope
    response = await client.post("/oauth/token", data=data, auth=("demo-client", "demo-secret"))
    assert response.status_code == 200, response.text
    return {"Authorization": f"Bearer {response.json()['access_token']}"}


@pytest.fixture
async def auth(client: httpx.AsyncClient) -> dict[str, str]:
    return await token(client)


async def get(
    client: httpx.AsyncClient, path: str, headers: dict[str, str], status: int = 200, **params: Any
) -> Json:
    response = await client.get(BASE + path, headers=headers, params=params)
    assert response.status_code == status, response.text
    body: Json = response.json()
    return body


def where(predicate: str) -> str:
    return quote(predicate)


# -- product projections ------------------------------------------------------------------------


async def test_query_product_projections_pages(
    client: httpx.AsyncClient, auth: dict[str, str], catalog: Catalog
) -> None:
    body = await get(client, "/product-projections", auth, limit=5, offset=5, sort="key asc")
    assert (body["limit"], body["offset"], body["count"]) == (5, 5, 5)
    assert body["total"] == len(catalog.product_projections())
    all_keys = sorted(p["key"] for p in catalog.product_projections())
    assert [p["key"] for p in body["results"]] == all_keys[5:10]


@pytest.mark.parametrize(
    ("predicate", "expected"),
    [
        ('slug(en = "tshirt-classic")', ["tshirt-classic"]),
        ('slug(de = "sommerkleid")', ["dress-summer"]),
        ('key = "dress-wrap"', ["dress-wrap"]),
        ('key in ("dress-wrap", "tote-canvas")', ["dress-wrap", "tote-canvas"]),
        (
            'masterVariant(sku = "TSHIRT-CLASSIC-BLUE-M") '
            'or variants(sku = "TSHIRT-CLASSIC-BLUE-M")',
            ["tshirt-classic"],
        ),
        (
            'masterVariant(sku = "TOTE-CANVAS-BEIGE") or variants(sku = "TOTE-CANVAS-BEIGE")',
            ["tote-canvas"],
        ),
        ('key = "jacket-rain"', []),  # unpublished
    ],
)
async def test_query_product_projections_where(
    client: httpx.AsyncClient, auth: dict[str, str], predicate: str, expected: list[str]
) -> None:
    body = await get(client, "/product-projections", auth, where=predicate, sort="key asc")
    assert [p["key"] for p in body["results"]] == expected


async def test_query_by_id_predicate(
    client: httpx.AsyncClient, auth: dict[str, str], catalog: Catalog
) -> None:
    product = catalog.product_projection_by_key("hat-fedora")
    assert product is not None
    body = await get(client, "/product-projections", auth, where=f'id = "{product["id"]}"')
    assert body["results"] == [product]


async def test_get_product_projection_by_id_and_key(
    client: httpx.AsyncClient, auth: dict[str, str], catalog: Catalog
) -> None:
    product = catalog.product_projection_by_key("tshirt-classic")
    assert product is not None
    assert await get(client, f"/product-projections/{product['id']}", auth) == product
    assert await get(client, "/product-projections/key=tshirt-classic", auth) == product


async def test_unknown_and_unpublished_products_are_404(
    client: httpx.AsyncClient, auth: dict[str, str], catalog: Catalog
) -> None:
    error = await get(client, "/product-projections/no-such-id", auth, status=404)
    assert error["errors"][0]["code"] == "ResourceNotFound"
    await get(client, "/product-projections/key=nope", auth, status=404)
    jacket = catalog.product_projection_by_key("jacket-rain", staged=True)
    assert jacket is not None
    await get(client, f"/product-projections/{jacket['id']}", auth, status=404)
    await get(client, "/product-projections/key=jacket-rain", auth, status=404)
    staged = await get(client, f"/product-projections/{jacket['id']}", auth, staged="true")
    assert staged["published"] is False
    await get(client, "/product-projections/key=jacket-rain", auth, staged="true")


async def test_price_selection_on_get(client: httpx.AsyncClient, auth: dict[str, str]) -> None:
    body = await get(
        client,
        "/product-projections/key=tshirt-classic",
        auth,
        priceCurrency="EUR",
        priceCountry="AT",
    )
    assert body["masterVariant"]["price"]["value"]["centAmount"] == 2099
    assert all(v["price"]["country"] == "AT" for v in all_variants(body))
    assert "scopedPrice" not in body["masterVariant"]  # only search sets scoped prices
    usd = await get(client, "/product-projections", auth, priceCurrency="USD", priceCountry="CA")
    assert all("price" not in v for p in usd["results"] for v in all_variants(p))
    await get(client, "/product-projections", auth, status=400, priceCountry="DE")


# -- search -------------------------------------------------------------------------------------


async def test_search_facet_filter_narrows_results(
    client: httpx.AsyncClient, auth: dict[str, str], catalog: Catalog
) -> None:
    unfiltered = await get(
        client, "/product-projections/search", auth, facet="variants.attributes.color"
    )
    yellow_terms = [
        t
        for t in unfiltered["facets"]["variants.attributes.color"]["terms"]
        if t["term"] == "yellow"
    ]
    filtered = await get(
        client,
        "/product-projections/search",
        auth,
        status=200,
        **{"filter.query": 'variants.attributes.color:"yellow"'},
        facet="variants.attributes.color",
        markMatchingVariants="true",
    )
    expected = {
        p["key"]
        for p in catalog.product_projections()
        if any(
            a == {"name": "color", "value": "yellow"}
            for v in all_variants(p)
            for a in v["attributes"]
        )
    }
    assert {p["key"] for p in filtered["results"]} == expected
    assert filtered["total"] < unfiltered["total"]
    matching = [v for p in filtered["results"] for v in all_variants(p) if v["isMatchingVariant"]]
    assert len(matching) == yellow_terms[0]["count"]
    assert filtered["facets"]["variants.attributes.color"]["terms"] == yellow_terms


async def test_search_with_repeated_parameters_and_prices(
    client: httpx.AsyncClient, auth: dict[str, str], catalog: Catalog
) -> None:
    women = catalog.category_by_key("women")
    assert women is not None
    response = await client.get(
        BASE + "/product-projections/search",
        headers=auth,
        params=[
            ("filter", f'categories.id:subtree("{women["id"]}")'),
            ("filter", "variants.scopedPrice.value.centAmount:range (* to 6000)"),
            ("priceCurrency", "EUR"),
            ("priceCountry", "DE"),
            ("sort", "price asc"),
            ("limit", "3"),
        ],
    )
    assert response.status_code == 200, response.text
    body = response.json()
    prices = [p["masterVariant"]["scopedPrice"]["value"]["centAmount"] for p in body["results"]]
    assert prices == sorted(prices) and all(p <= 6000 for p in prices)
    assert body["results"][0]["key"] == "tshirt-classic"


async def test_search_post(client: httpx.AsyncClient, auth: dict[str, str]) -> None:
    response = await client.post(
        BASE + "/product-projections/search",
        headers=auth,
        data={"text.en": "chelsea", "facet": "variants.attributes.size"},
    )
    assert response.status_code == 200, response.text
    body = response.json()
    assert [p["key"] for p in body["results"]] == ["boots-chelsea"]
    assert body["facets"]["variants.attributes.size"]["total"] == 5


@pytest.mark.parametrize(
    "params",
    [
        {"limit": "501"},
        {"limit": "ten"},
        {"offset": "-5"},
        {"filter": "variants.attributes.size"},
        {"filter": 'variants.attributes.size:"M'},
        {"filter.query": "variants.price.centAmount:range (a to b)"},
        {"filter.facets": "nope:1"},
        {"facet": 'categories.id:subtree("x")'},
        {"facet": "$$$"},
        {"sort": "price up"},
        {"priceCountry": "DE"},
        {"staged": "sometimes"},
        {"markMatchingVariants": "yes"},
        {"fuzzyLevel": "7"},
        {"text.en": "x", "fuzzy": "true", "fuzzyLevel": "2"},
    ],
)
async def test_search_bad_input_is_400(
    client: httpx.AsyncClient, auth: dict[str, str], params: dict[str, str]
) -> None:
    body = await get(client, "/product-projections/search", auth, status=400, **params)
    assert body["errors"][0]["code"] == "InvalidInput"


@pytest.mark.parametrize(
    "params",
    [
        {"where": 'slug(en = "x"'},
        {"where": "key =="},
        {"where": "(((("},
        {"limit": "1000"},
        {"offset": "x"},
        {"sort": "key sideways"},
        {"staged": "2"},
        {"priceCurrency": "eur"},
    ],
)
async def test_query_bad_input_is_400(
    client: httpx.AsyncClient, auth: dict[str, str], params: dict[str, str]
) -> None:
    body = await get(client, "/product-projections", auth, status=400, **params)
    assert body["errors"][0]["code"] == "InvalidInput"


# -- scopes -------------------------------------------------------------------------------------


async def test_missing_or_unknown_token_is_401(client: httpx.AsyncClient) -> None:
    response = await client.get(BASE + "/product-projections")
    assert response.status_code == 401
    response = await client.get(
        BASE + "/categories", headers={"Authorization": "Bearer not-a-token"}
    )
    assert response.status_code == 401


async def test_published_products_scope(client: httpx.AsyncClient, catalog: Catalog) -> None:
    headers = await token(client, "view_published_products:demo")
    await get(client, "/product-projections/key=tshirt-classic", headers)
    await get(client, "/product-projections/search", headers, facet="categories.id")
    # Staged data needs view_products; view_published_products is not enough.
    error = await get(client, "/product-projections", headers, status=403, staged="true")
    assert error["errors"][0]["code"] == "insufficient_scope"
    await get(client, "/product-projections/search", headers, status=403, staged="true")
    # Categories need view_categories (or view_products), as commercetools declares.
    await get(client, "/categories", headers, status=403)
    both = await token(client, "view_published_products:demo view_categories:demo")
    await get(client, "/categories", both)


async def test_unrelated_scope_is_403(client: httpx.AsyncClient) -> None:
    headers = await token(client, "manage_my_orders:demo")
    for path in (
        "/product-projections",
        "/product-projections/search",
        "/categories",
        "/shipping-methods",
        "/discount-codes",
        "/cart-discounts/x",
        "/tax-categories",
    ):
        error = await get(client, path, headers, status=403)
        assert error["errors"][0]["code"] == "insufficient_scope"


async def test_view_products_reads_staged(client: httpx.AsyncClient) -> None:
    headers = await token(client, "view_products:demo")
    body = await get(
        client, "/product-projections", headers, staged="true", where='key = "jacket-rain"'
    )
    assert body["total"] == 1


# -- categories, shipping, discounts, taxes -----------------------------------------------------


async def test_categories(
    client: httpx.AsyncClient, auth: dict[str, str], catalog: Catalog
) -> None:
    body = await get(client, "/categories", auth, limit=100)
    assert body["total"] == len(catalog.categories())
    women = catalog.category_by_key("women")
    assert women is not None
    children = await get(
        client, "/categories", auth, where=f'parent(id = "{women["id"]}")', sort="orderHint asc"
    )
    assert [c["key"] for c in children["results"]] == ["women-tops", "women-dresses", "women-shoes"]
    roots = await get(client, "/categories", auth, where="parent is not defined")
    assert {c["key"] for c in roots["results"]} == {"women", "men", "accessories"}
    by_slug = await get(client, "/categories", auth, where='slug(de = "damen-schuhe")')
    assert [c["key"] for c in by_slug["results"]] == ["women-shoes"]
    assert await get(client, f"/categories/{women['id']}", auth) == women
    assert await get(client, "/categories/key=women", auth) == women
    await get(client, "/categories/nope", auth, status=404)
    await get(client, "/categories/key=nope", auth, status=404)
    await get(client, "/categories", auth, status=400, where="parent(")


async def test_shipping_methods(
    client: httpx.AsyncClient, auth: dict[str, str], catalog: Catalog
) -> None:
    body = await get(client, "/shipping-methods", auth)
    assert [m["key"] for m in body["results"]] == ["standard", "express"]
    standard = body["results"][0]
    assert await get(client, f"/shipping-methods/{standard['id']}", auth) == standard
    assert await get(
        client, "/shipping-methods/key=express", auth
    ) == catalog.shipping_method_by_key("express")
    await get(client, "/shipping-methods/00000000-0000-0000-0000-000000000000", auth, status=404)
    defaults = await get(client, "/shipping-methods", auth, where="isDefault = true")
    assert [m["key"] for m in defaults["results"]] == ["standard"]


async def test_discount_codes_and_cart_discounts(
    client: httpx.AsyncClient, auth: dict[str, str]
) -> None:
    codes = await get(client, "/discount-codes", auth, where='code = "DEMO10"')
    assert codes["count"] == 1
    code = codes["results"][0]
    assert await get(client, f"/discount-codes/{code['id']}", auth) == code
    await get(client, "/discount-codes/nope", auth, status=404)
    discount = await get(client, f"/cart-discounts/{code['cartDiscounts'][0]['id']}", auth)
    assert discount["value"] == {"type": "relative", "permyriad": 1000}
    assert discount["requiresDiscountCode"] is True
    await get(client, "/cart-discounts/nope", auth, status=404)


async def test_tax_categories_and_zones(
    client: httpx.AsyncClient, auth: dict[str, str], catalog: Catalog
) -> None:
    body = await get(client, "/tax-categories", auth)
    assert body["results"] == catalog.tax_categories()
    tax_id = catalog.tax_category_reference()["id"]
    assert (await get(client, f"/tax-categories/{tax_id}", auth))["key"] == "standard"
    zones = await get(client, "/zones", auth)
    assert {z["key"] for z in zones["results"]} == {"europe", "usa"}


async def test_empty_catalog_serves_empty_pages(client: httpx.AsyncClient) -> None:
    from emulator.config import EmulatorConfig

    app = create_emulator_app(Emulator(EmulatorConfig(seed_demo_data=False)))
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="http://emulator"
    ) as empty:
        headers = await token(empty)
        body = await get(empty, "/product-projections/search", headers, facet="categories.id")
        assert body["total"] == 0
        assert body["facets"]["categories.id"]["terms"] == []
        assert (await get(empty, "/categories", headers))["results"] == []
