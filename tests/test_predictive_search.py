"""predictiveSearch over HTTP: what a search box shows while the shopper types, with typos; its
upstream calls, its input checks and its own cost limit."""

from __future__ import annotations

from collections import Counter
from typing import Any

import pytest

from tests.conftest import RunningService
from tests.support.browser import Browser

pytestmark = pytest.mark.anyio

PREDICTIVE = """
query Predictive($query: String!, $limit: Int, $currency: CurrencyCode, $country: CountryCode) {
  predictiveSearch(query: $query, limit: $limit, currency: $currency, country: $country) {
    products { id key name slug masterVariant { price { centAmount currencyCode } } }
    categories { id slug name parent { slug } }
  }
}"""
SEARCH_AND_CATEGORIES = (
    ("POST", "/demo/products/search"),
    ("GET", "/demo/product-projections"),
    ("GET", "/demo/categories"),
)


async def predict(browser: Browser, query: str, **variables: Any) -> Any:
    result = await browser.gql(PREDICTIVE, {"query": query, **variables})
    return result.ok()["predictiveSearch"]


def keys(found: Any) -> list[str]:
    return [p["key"] for p in found["products"]]


async def test_typed_words_find_products_the_last_one_unfinished(browser: Browser) -> None:
    found = await predict(browser, "silk blo")
    assert keys(found) == ["blouse-silk"]
    assert found["products"][0]["name"] == "Silk Blouse"
    assert found["categories"] == []


@pytest.mark.parametrize(
    ("typed", "expected"),
    [("slik blouse", "blouse-silk"), ("cashmer sweater", "sweater-cashmere"), ("sneker", None)],
)
async def test_typos_are_forgiven_as_fuzzy_search_allows(
    browser: Browser, typed: str, expected: str | None
) -> None:
    found = keys(await predict(browser, typed))
    if expected is None:
        # "sneker" is two edits from "sneaker"? One (a deletion): both sneakers, nothing else.
        assert set(found) == {"sneaker-canvas", "sneaker-leather"}
    else:
        assert found[0] == expected


async def test_categories_come_from_the_tree_in_its_order(browser: Browser) -> None:
    found = await predict(browser, "shoe", limit=10)
    assert [(c["slug"], c["parent"]["slug"]) for c in found["categories"]] == [
        ("women-shoes", "women"),
        ("men-shoes", "men"),
    ]
    assert {"sneaker-canvas", "boots-chelsea"} <= set(keys(found)) or found["products"]


async def test_german_shoppers_search_german_names(service: RunningService) -> None:
    async with service.browser(headers={"Accept-Language": "de"}) as german:
        found = await predict(german, "seidenblu")
        assert keys(found) == ["blouse-silk"]
        assert found["products"][0]["name"] == "Seidenbluse"
        assert [c["name"] for c in (await predict(german, "tasch"))["categories"]] == ["Taschen"]


async def test_prices_follow_the_market_and_limit_caps_both_lists(browser: Browser) -> None:
    found = await predict(browser, "s", limit=3, currency="USD", country="US")
    assert len(found["products"]) <= 3 and len(found["categories"]) <= 3
    tshirt = await predict(browser, "classic t-shirt", currency="USD", country="US")
    assert tshirt["products"][0]["masterVariant"]["price"] == {
        "centAmount": 2199,
        "currencyCode": "USD",
    }


async def test_one_search_for_products_then_cached_product_data(
    service: RunningService, browser: Browser
) -> None:
    await predict(browser, "x")  # the category tree and the app token, once
    service.emulator.clear_request_log()
    assert keys(await predict(browser, "silk b")) == ["blouse-silk"]
    assert Counter(service.emulator.request_log) == Counter(SEARCH_AND_CATEGORIES[:2])
    # The next keystroke finds the same product: its data is still cached.
    service.emulator.clear_request_log()
    assert keys(await predict(browser, "silk bl")) == ["blouse-silk"]
    assert service.emulator.request_log == [("POST", "/demo/products/search")]


async def test_a_blank_query_finds_nothing_without_a_search(
    service: RunningService, browser: Browser
) -> None:
    await predict(browser, "x")
    service.emulator.clear_request_log()
    assert await predict(browser, "  -  ") == {"products": [], "categories": []}
    assert service.emulator.request_log == []


@pytest.mark.parametrize(
    ("variables", "field"),
    [
        ({"query": "x", "limit": 0}, "limit"),
        ({"query": "x", "limit": 11}, "limit"),
        ({"query": "x" * 257}, "query"),
        ({"query": "silk\u0000"}, "query"),
    ],
)
async def test_bad_input_is_refused_before_any_upstream_call(
    service: RunningService, browser: Browser, variables: dict[str, Any], field: str
) -> None:
    service.emulator.clear_request_log()
    result = await browser.gql(PREDICTIVE, variables)
    assert result.error_codes == ["BAD_USER_INPUT"]
    assert result.errors[0]["extensions"]["field"] == [field]
    assert service.emulator.request_log == []


async def test_predictive_search_has_a_cost_limit_of_its_own(browser: Browser) -> None:
    # Cards are cheap; whole product pages for ten suggestions are not what a search box needs.
    heavy = """{ predictiveSearch(query: "shirt", limit: 10) { products { id name description
      categories { id name ancestors { id name } } variants {
      sku price { centAmount } prices { value { centAmount } country }
      images { url width height } attributes { name value } } } } }"""
    result = await browser.gql(heavy)
    assert result.error_codes == ["QUERY_TOO_COMPLEX"]
    assert "predictiveSearch" in result.errors[0]["message"]
    light = '{ predictiveSearch(query: "shirt", limit: 10) { products { id name slug } } }'
    assert (await browser.gql(light)).ok()["predictiveSearch"]["products"]
