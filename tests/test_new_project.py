"""The whole storefront on a project created after 31 August 2026, which cannot activate Product
Projection Search: the emulator answers it (and Search Term Suggestions) with SearchDeactivated,
and everything a shopper does still works, on Product Search."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import httpx
import pytest

from bootstrap.app import create_app
from emulator.app import create_emulator_app
from emulator.config import EmulatorConfig
from emulator.state import Emulator
from tests.conftest import RunningService, make_settings
from tests.support.clock import FakeClock
from tests.test_journey import (  # noqa: F401 - the journey, rerun on a new project
    outbox,
    shop,
    test_a_shoppers_whole_journey,
)

pytestmark = pytest.mark.anyio

WOMEN_ID = "e472b62e-54bb-5f2d-b8fd-fccd86d2d4f3"
LISTING = """query($text: String, $category: ID, $filters: [FacetFilterInput!], $sort: ProductSort,
                   $currency: CurrencyCode, $country: CountryCode) {
  products(text: $text, category: $category, filters: $filters, sort: $sort, limit: 100,
           currency: $currency, country: $country) {
    pageInfo { total }
    results { key slug variants { sku isMatchingVariant price { centAmount } } }
    facets { name terms { term count selected } }
  }
}"""


@pytest.fixture
def emulator(clock: FakeClock) -> Iterator[Emulator]:
    new_project = Emulator(EmulatorConfig(product_projection_search=False), clock=clock)
    yield new_project
    # Whatever ran here (the journey imported above included) never asked for the searches
    # such a project cannot have.
    assert not [p for _, p in new_project.request_log if "/product-projections/s" in p]


def counts(result: Any, name: str) -> dict[str, int]:
    found = next(f for f in result["facets"] if f["name"] == name)
    return {t["term"]: t["count"] for t in found["terms"]}


async def test_browsing_uses_product_search_and_never_projection_search(
    start_service: Callable[..., RunningService],
) -> None:
    service = start_service()
    async with service.browser() as browser:

        async def listing(**variables: Any) -> Any:
            return (await browser.gql(LISTING, variables)).ok()["products"]

        everything = await listing()
        assert everything["pageInfo"]["total"] == 40
        women = await listing(category=WOMEN_ID)
        assert 0 < women["pageInfo"]["total"] < 40
        assert [p["key"] for p in (await listing(text="silk blouse"))["results"]] == ["blouse-silk"]
        # A selected facet narrows the results and the other facets, not its own counts.
        blue = await listing(category=WOMEN_ID, filters=[{"name": "color", "values": ["blue"]}])
        assert blue["pageInfo"]["total"] == counts(women, "color")["blue"]
        assert counts(blue, "color") == counts(women, "color")
        assert sum(counts(blue, "price").values()) >= blue["pageInfo"]["total"]
        # Price ranges and sorting use the price of the market asked for.
        cheap = await listing(filters=[{"name": "price", "values": ["0-2499"]}], sort="PRICE_ASC")
        prices = [min(v["price"]["centAmount"] for v in p["variants"]) for p in cheap["results"]]
        assert prices == sorted(prices) and max(prices) <= 2_499
        assert cheap["pageInfo"]["total"] == counts(everything, "price")["0-2499"]
        dollars = await listing(currency="USD", country="US", sort="PRICE_DESC")
        # The dearest product in dollars: the Weekender Duffle, 175.99 USD.
        assert dollars["results"][0]["key"] == "weekender-duffle"
        assert dollars["results"][0]["variants"][0]["price"]["centAmount"] == 175_99
        predicted = await browser.gql('{ predictiveSearch(query: "slik") { products { key } } }')
        assert "blouse-silk" in [p["key"] for p in predicted.ok()["predictiveSearch"]["products"]]
        product = await browser.gql('{ product(by: {slug: "tshirt-classic"}) { id } }')
        assert product.ok()["product"]["id"]
    log = service.emulator.request_log
    assert ("POST", "/demo/products/search") in log
    assert not [path for _, path in log if path.startswith("/demo/product-projections/search")]
    assert not [path for _, path in log if path.startswith("/demo/product-projections/suggest")]


async def test_the_emulator_refuses_projection_search_as_commercetools_does() -> None:
    new_project = Emulator(EmulatorConfig(product_projection_search=False))
    transport = httpx.ASGITransport(app=create_emulator_app(new_project))
    async with httpx.AsyncClient(transport=transport, base_url="http://emulator") as http:
        token = (
            await http.post(
                "/oauth/token",
                data={"grant_type": "client_credentials"},
                auth=("demo-client", "demo-secret"),
            )
        ).json()["access_token"]
        headers = {"Authorization": f"Bearer {token}"}
        for method, path in (
            ("GET", "/demo/product-projections/search"),
            ("POST", "/demo/product-projections/search"),
            ("GET", "/demo/product-projections/suggest?searchKeywords.en=blu"),
        ):
            refused = await http.request(method, path, headers=headers)
            assert refused.status_code == 400
            assert refused.json()["errors"][0]["code"] == "SearchDeactivated"
        found = await http.post("/demo/products/search", json={"limit": 1}, headers=headers)
        assert found.status_code == 200 and found.json()["total"] == 40


def test_the_embedded_emulator_is_a_new_project_by_setting() -> None:
    old = create_app(make_settings())
    new = create_app(make_settings(emulator_product_projection_search=False))
    assert old.state.embedded_emulator.config.product_projection_search is True
    assert new.state.embedded_emulator.config.product_projection_search is False
