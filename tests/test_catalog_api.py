"""The catalog over HTTP: search with facets, one product, the category tree.

Expected values are computed from the emulator's demo catalog (docs/emulator-catalog.md), so the
tests check that what the storefront sees matches the data, not just its shape.
"""

from __future__ import annotations

import uuid
from collections import Counter
from collections.abc import Callable
from typing import Any

import pytest

from emulator.catalog.catalog import all_variants
from emulator.jsonio import Json
from emulator.state import Emulator
from tests.conftest import RunningService
from tests.support.browser import Browser
from tests.support.project_service import project_service

pytestmark = pytest.mark.anyio


TSHIRT_ID = "949b4333-8d03-5c59-b2ae-0f4d22220872"
JACKET_UNPUBLISHED_ID = "81a023fc-ce02-5cb5-8140-fcc28478a0d3"
WOMEN_ID = "e472b62e-54bb-5f2d-b8fd-fccd86d2d4f3"
WOMEN_TOPS_ID = "3d337d95-f701-5dae-9dd2-b3d1da4ffc85"
APP_TOKEN = ("POST", "/oauth/token")

SEARCH = """
query Search($text: String, $category: ID, $filters: [FacetFilterInput!], $sort: ProductSort,
             $limit: Int, $offset: Int, $currency: CurrencyCode, $country: CountryCode) {
  products(text: $text, category: $category, filters: $filters, sort: $sort, limit: $limit,
           offset: $offset, currency: $currency, country: $country) {
    pageInfo { total offset limit hasNextPage hasPreviousPage }
    results {
      id key slug name
      categories { id name }
      masterVariant { sku price { centAmount currencyCode } }
      variants {
        sku isMatchingVariant
        price { centAmount currencyCode }
        attributes { name value }
      }
    }
    facets { name terms { term label count selected } }
  }
}"""

SEARCH_WITHOUT_FACETS = """
query Search($limit: Int) { products(limit: $limit) { pageInfo { total } results { id } } }"""

PRODUCT = """
query Product($by: ProductLookupInput!, $currency: CurrencyCode, $country: CountryCode) {
  product(by: $by, currency: $currency, country: $country) {
    id key slug name description metaTitle metaDescription
    categories { id slug name parent { id } }
    masterVariant {
      id variantNumber sku key isMatchingVariant
      price { centAmount currencyCode fractionDigits }
      discountedPrice { centAmount }
      prices { value { centAmount currencyCode } country discounted { centAmount } }
      images { url label width height }
      attributes { name value }
      availability { isOnStock availableQuantity }
    }
    variants { id variantNumber sku isMatchingVariant price { centAmount currencyCode } }
  }
}"""

CATEGORY_NODE = "id key slug name description parent { id } ancestors { id }"
CATEGORIES = (
    "{ categories { " + CATEGORY_NODE + " children { " + CATEGORY_NODE + " children { id } } } }"
)


# -- expectations from the demo data ------------------------------------------------------------


def published(service: RunningService) -> list[Json]:
    return service.emulator.catalog.product_projections()


def in_subtree(service: RunningService, product: Json, category_id: str) -> bool:
    subtree = service.emulator.catalog.category_subtree_ids(category_id)
    return any(ref["id"] in subtree for ref in product["categories"])


def attribute(variant: Json, name: str) -> Any:
    return next((a["value"] for a in variant["attributes"] if a["name"] == name), None)


def eur_price(service: RunningService, variant: Json) -> int:
    price = service.emulator.catalog.select_price(variant, "EUR", "DE")
    assert price is not None
    return int(price["value"]["centAmount"])


def facet(result: Json, name: str) -> dict[str, int]:
    found = next(f for f in result["facets"] if f["name"] == name)
    return {term["term"]: term["count"] for term in found["terms"]}


async def search(browser: Browser, **variables: Any) -> Json:
    result: Json = (await browser.gql(SEARCH, variables)).ok()["products"]
    return result


def lookup(variables: Json) -> Json:
    """Product variables: slug, id, key or sku go into the `by` lookup."""
    by = {k: v for k, v in variables.items() if k in ("slug", "id", "sku", "key")}
    return {**{k: v for k, v in variables.items() if k not in by}, "by": by}


def upstream_paths(service: RunningService) -> Counter[tuple[str, str]]:
    return Counter(service.emulator.request_log)


# -- products ------------------------------------------------------------------------------------


async def test_products_pages_through_every_published_product(
    service: RunningService, browser: Browser
) -> None:
    expected = {p["id"] for p in published(service)}
    first = await search(browser, limit=30)
    second = await search(browser, limit=30, offset=30)
    assert first["pageInfo"]["total"] == second["pageInfo"]["total"] == len(expected) == 40
    assert (first["pageInfo"]["limit"], first["pageInfo"]["offset"]) == (30, 0)
    assert second["pageInfo"]["offset"] == 30
    assert first["pageInfo"]["hasNextPage"] and not first["pageInfo"]["hasPreviousPage"]
    assert second["pageInfo"]["hasPreviousPage"] and not second["pageInfo"]["hasNextPage"]
    seen = [p["id"] for p in first["results"] + second["results"]]
    assert len(seen) == len(set(seen)) and set(seen) == expected
    assert JACKET_UNPUBLISHED_ID not in seen


async def test_a_colour_filter_narrows_results_and_facet_counts_match_the_data(
    service: RunningService, browser: Browser
) -> None:
    result = await search(
        browser,
        category=WOMEN_ID,
        filters=[{"name": "color", "values": ["blue"]}],
        limit=100,
    )
    women = [p for p in published(service) if in_subtree(service, p, WOMEN_ID)]
    blue = [p for p in women if any(attribute(v, "color") == "blue" for v in all_variants(p))]
    assert 0 < len(blue) < len(women)
    assert result["pageInfo"]["total"] == len(blue)
    assert {p["id"] for p in result["results"]} == {p["id"] for p in blue}
    for product in result["results"]:
        for variant in product["variants"]:
            colour = next(a["value"] for a in variant["attributes"] if a["name"] == "color")
            assert variant["isMatchingVariant"] is (colour == "blue")

    # Multi-select: the colour facet still counts every colour of the category (in products) ...
    colours = Counter(
        colour for p in women for colour in {attribute(v, "color") for v in all_variants(p)}
    )
    assert facet(result, "color") == dict(colours)
    colour_terms = next(f for f in result["facets"] if f["name"] == "color")["terms"]
    assert [t["term"] for t in colour_terms if t["selected"]] == ["blue"]
    # ... while the other facets count only what the colour filter leaves.
    sizes = Counter(
        size
        for p in women
        for size in {
            attribute(v, "size") for v in all_variants(p) if attribute(v, "color") == "blue"
        }
        if size is not None
    )
    assert facet(result, "size") == dict(sizes)
    cheap = sum(
        1
        for p in blue
        if any(
            attribute(v, "color") == "blue" and eur_price(service, v) < 2_500
            for v in all_variants(p)
        )
    )
    assert facet(result, "price").get("0-2499", 0) == cheap
    category_terms = next(f for f in result["facets"] if f["name"] == "category")["terms"]
    assert {t["term"]: t["label"] for t in category_terms}[WOMEN_TOPS_ID] == "Tops & T-Shirts"


async def test_filters_combine_and_a_price_range_filter_uses_the_selected_price(
    service: RunningService, browser: Browser
) -> None:
    result = await search(
        browser,
        filters=[
            {"name": "price", "values": ["0-2499"]},
            {"name": "color", "values": ["grey", "black"]},
        ],
        limit=100,
    )
    expected = {
        p["id"]
        for p in published(service)
        if any(
            attribute(v, "color") in {"grey", "black"} and eur_price(service, v) <= 2_499
            for v in all_variants(p)
        )
    }
    assert expected and {p["id"] for p in result["results"]} == expected
    assert result["pageInfo"]["total"] == len(expected)
    price_terms = next(f for f in result["facets"] if f["name"] == "price")["terms"]
    assert [t["term"] for t in price_terms if t["selected"]] == ["0-2499"]


async def test_an_empty_filter_value_list_filters_nothing(browser: Browser) -> None:
    result = await search(browser, filters=[{"name": "size", "values": []}], limit=1)
    assert result["pageInfo"]["total"] == 40


async def test_sorting_by_price_and_name(service: RunningService, browser: Browser) -> None:
    ascending = await search(browser, sort="PRICE_ASC", limit=100)
    lowest = [min(v["price"]["centAmount"] for v in p["variants"]) for p in ascending["results"]]
    assert lowest == sorted(lowest)
    descending = await search(browser, sort="PRICE_DESC", limit=100)
    highest = [max(v["price"]["centAmount"] for v in p["variants"]) for p in descending["results"]]
    assert highest == sorted(highest, reverse=True)
    by_name = await search(browser, sort="NAME_ASC", limit=100)
    names = [p["name"] for p in by_name["results"]]
    assert names == sorted(names)
    newest = await search(browser, sort="NEWEST", limit=1)
    assert newest["results"][0]["id"] == published(service)[-1]["id"]


async def test_text_search_uses_the_shoppers_language(service: RunningService) -> None:
    async with service.browser(headers={"Accept-Language": "de-DE,de;q=0.9"}) as german:
        found = await search(german, text="Seidenbluse")
    assert [p["key"] for p in found["results"]] == ["blouse-silk"]
    assert found["results"][0]["name"] == "Seidenbluse"
    async with service.browser() as english:
        assert (await search(english, text="Seidenbluse"))["pageInfo"]["total"] == 0
        assert [p["key"] for p in (await search(english, text="silk blouse"))["results"]] == [
            "blouse-silk"
        ]


async def test_a_cached_product_is_shown_in_each_shoppers_language(
    service: RunningService,
) -> None:
    """The product cache is per market, not per language: products cached for a German
    shopper's listing are shown to an English shopper in English, and in German again after."""
    data = {p["id"]: p for p in published(service)}
    async with (
        service.browser(headers={"Accept-Language": "de"}) as german,
        service.browser(headers={"Accept-Language": "en"}) as english,
    ):
        first = await search(german, category=WOMEN_ID, limit=5)
        service.emulator.clear_request_log()
        pages = [
            (first, "de"),
            (await search(english, category=WOMEN_ID, limit=5), "en"),
            (await search(german, category=WOMEN_ID, limit=5), "de"),
        ]
    # The second and third listing found the products' data in the cache.
    assert upstream_paths(service)[("GET", "/demo/product-projections")] == 0
    assert len({tuple(p["id"] for p in page["results"]) for page, _ in pages}) == 1
    for page, language in pages:
        for product in page["results"]:
            assert product["name"] == data[product["id"]]["name"][language]
            assert product["slug"] == data[product["id"]]["slug"][language]
            assert [c["name"] for c in product["categories"]] == [
                service.emulator.catalog.category(ref["id"])["name"][language]  # type: ignore[index]
                for ref in data[product["id"]]["categories"]
            ]


async def test_a_cached_product_is_marked_for_each_search_anew(
    service: RunningService, browser: Browser
) -> None:
    """Which variants match is the search's, never kept with the cached product: the same
    products filtered by one colour, unfiltered, then filtered by another."""

    def marks(result: Json) -> dict[str, bool | None]:
        return {
            variant["sku"]: variant["isMatchingVariant"]
            for product in result["results"]
            for variant in product["variants"]
        }

    def colours(result: Json) -> dict[str, str]:
        return {
            variant["sku"]: next(a["value"] for a in variant["attributes"] if a["name"] == "color")
            for product in result["results"]
            for variant in product["variants"]
        }

    blue = await search(
        browser, category=WOMEN_ID, filters=[{"name": "color", "values": ["blue"]}], limit=100
    )
    plain = await search(browser, category=WOMEN_ID, limit=100)
    # A colour that products found blue have too: the same cached products, marked differently.
    others = sorted({c for c in colours(blue).values() if c != "blue"})
    assert others
    other = await search(
        browser, category=WOMEN_ID, filters=[{"name": "color", "values": [others[0]]}], limit=100
    )
    assert marks(blue) == {sku: colour == "blue" for sku, colour in colours(blue).items()}
    assert set(marks(plain).values()) == {None}
    assert marks(other) == {sku: colour == others[0] for sku, colour in colours(other).items()}
    assert {p["id"] for p in blue["results"]} & {p["id"] for p in other["results"]}


async def test_prices_follow_the_currency_and_country_arguments(browser: Browser) -> None:
    default = await search(browser, text="Classic T-Shirt", limit=1)
    usd = await search(browser, text="Classic T-Shirt", limit=1, currency="USD", country="US")
    assert default["results"][0]["masterVariant"]["price"] == {
        "centAmount": 1999,
        "currencyCode": "EUR",
    }
    assert usd["results"][0]["masterVariant"]["price"] == {
        "centAmount": 2199,
        "currencyCode": "USD",
    }


async def test_products_without_facets_asks_upstream_for_none(
    service: RunningService, browser: Browser
) -> None:
    service.emulator.clear_request_log()
    result = (await browser.gql(SEARCH_WITHOUT_FACETS, {"limit": 2})).ok()["products"]
    assert result["pageInfo"]["total"] == 40 and len(result["results"]) == 2
    assert upstream_paths(service) == Counter(
        {
            APP_TOKEN: 1,
            ("POST", "/demo/products/search"): 1,
            ("GET", "/demo/product-projections"): 1,
            ("GET", "/demo/categories"): 1,
        }
    )


@pytest.mark.parametrize(
    "variables",
    [
        {"limit": 0},
        {"limit": 101},
        {"offset": -1},
        {"offset": 10_001},
        {"sort": "CHEAPEST"},
        {"category": "women"},
        {"text": "x" * 257},
        {"filters": [{"name": "brand", "values": ["acme"]}]},
        {"filters": [{"name": "price", "values": ["cheap"]}]},
        {"filters": [{"name": "price", "values": ["5000-100"]}]},
        {"filters": [{"name": "color", "values": [" "]}]},
        {"filters": [{"name": "color", "values": ["blue\u0000"]}]},
        {"filters": [{"name": "color", "values": [f"c{i}" for i in range(31)]}]},
        {"filters": [{"name": "category", "values": ['x") or id:exists']}]},
        {"currency": "EURO"},
        {"country": "Germany"},
    ],
)
async def test_bad_search_input_is_rejected_before_any_upstream_call(
    service: RunningService, browser: Browser, variables: Json
) -> None:
    service.emulator.clear_request_log()
    result = await browser.gql(SEARCH, variables)
    # An unknown enum value fails variable coercion (400, nothing ran); the rest fail in the
    # service (200 with the error naming the argument, as the GraphQL-over-HTTP spec has it).
    by_schema = variables.keys() & {"sort", "currency", "country"}
    assert result.status_code == (400 if by_schema else 200)
    assert result.data is None
    assert result.error_codes == ["BAD_USER_INPUT"]
    if not by_schema:
        assert result.errors[0]["extensions"]["field"] == [next(iter(variables))]
    assert service.emulator.request_log == []


async def test_filter_values_cannot_break_out_of_their_string_literal(browser: Browser) -> None:
    hostile = ['blue","white', "blue\\", '" or variants.sku:exists or "']
    result = await search(browser, filters=[{"name": "color", "values": hostile}], limit=1)
    assert result["pageInfo"]["total"] == 0


# -- product ------------------------------------------------------------------------------------


async def test_a_product_by_slug_id_key_or_sku(service: RunningService, browser: Browser) -> None:
    found = []
    paths = {
        "id": f"/demo/product-projections/{TSHIRT_ID}",
        "key": "/demo/product-projections/key=tshirt-classic",
    }
    for variables in (
        {"slug": "tshirt-classic"},
        {"id": TSHIRT_ID},
        {"sku": "TSHIRT-CLASSIC-WHITE-M"},
        {"key": "tshirt-classic"},
    ):
        service.emulator.clear_request_log()
        product = (await browser.gql(PRODUCT, lookup(variables))).ok()["product"]
        assert product is not None, variables
        found.append(product)
        (by,) = variables
        calls = [c for c in service.emulator.request_log if c != APP_TOKEN]
        assert ("GET", paths.get(by, "/demo/product-projections")) in calls
    assert {p["id"] for p in found} == {TSHIRT_ID}

    product = found[0]
    assert (product["key"], product["slug"], product["name"]) == (
        "tshirt-classic",
        "tshirt-classic",
        "Classic T-Shirt",
    )
    assert product["metaTitle"] == "Classic T-Shirt"
    assert product["description"].startswith("A soft organic cotton T-shirt")
    assert [c["slug"] for c in product["categories"]] == ["women-tops", "men-shirts"]
    master = product["masterVariant"]
    assert (master["id"], master["variantNumber"], master["sku"], master["key"]) == (
        f"{TSHIRT_ID}/1",
        1,
        "TSHIRT-CLASSIC-BLUE-S",
        "tshirt-classic-blue-s",
    )
    assert master["price"] == {"centAmount": 1999, "currencyCode": "EUR", "fractionDigits": 2}
    assert master["discountedPrice"] is None
    assert {(p["value"]["currencyCode"], p["country"]) for p in master["prices"]} == {
        ("EUR", "DE"),
        ("EUR", "AT"),
        ("EUR", None),
        ("USD", "US"),
    }
    assert master["images"][0] == {
        "url": "https://images.example.com/products/tshirt-classic/blue-front.jpg",
        "label": "Classic T-Shirt - blue (front)",
        "width": 1200,
        "height": 1500,
    }
    assert master["attributes"] == [
        {"name": "color", "value": "blue"},
        {"name": "size", "value": "S"},
    ]
    assert master["availability"] == {"isOnStock": True, "availableQuantity": 100}
    assert [v["variantNumber"] for v in product["variants"]] == [1, 2, 3, 4, 5, 6]
    assert len({v["id"] for v in product["variants"]}) == 6
    # Only a lookup by SKU says which variant was meant.
    assert master["isMatchingVariant"] is None
    by_sku = found[2]
    assert [v["sku"] for v in by_sku["variants"] if v["isMatchingVariant"]] == [
        "TSHIRT-CLASSIC-WHITE-M"
    ]


async def test_a_product_in_german_and_in_dollars(service: RunningService) -> None:
    async with service.browser(headers={"Accept-Language": "de"}) as german:
        by_german_slug = (
            await german.gql(
                PRODUCT,
                lookup({"slug": "klassisches-t-shirt", "currency": "USD", "country": "US"}),
            )
        ).ok()["product"]
        # A link carrying the shop's default-language slug still resolves.
        by_english_slug = (await german.gql(PRODUCT, lookup({"slug": "tshirt-classic"}))).ok()[
            "product"
        ]
    assert by_german_slug["id"] == by_english_slug["id"] == TSHIRT_ID
    assert by_german_slug["name"] == "Klassisches T-Shirt"
    assert by_german_slug["slug"] == "klassisches-t-shirt"
    assert by_german_slug["description"].startswith("Ein weiches T-Shirt")
    assert [c["name"] for c in by_german_slug["categories"]] == [
        "Tops & T-Shirts",
        "Hemden & Shirts",
    ]
    assert by_german_slug["masterVariant"]["price"]["currencyCode"] == "USD"
    assert {v["price"]["centAmount"] for v in by_german_slug["variants"]} == {2199}


@pytest.mark.parametrize(
    "variables",
    [
        {"slug": "no-such-product"},
        {"id": str(uuid.uuid4())},
        {"sku": "NO-SUCH-SKU"},
        {"id": JACKET_UNPUBLISHED_ID},
        {"slug": "jacket-rain"},
        {"sku": 'X") or variants(sku != "'},
        {"sku": "TSHIRT-CLASSIC-BLUE-S\\"},
        {"slug": "  "},
        {"sku": ""},
        {"key": "no-such-key"},
        {"key": "jacket-rain"},
    ],
)
async def test_an_unknown_product_is_null_not_an_error(browser: Browser, variables: Json) -> None:
    result = await browser.gql(PRODUCT, lookup(variables))
    assert result.ok() == {"product": None}


@pytest.mark.parametrize(
    "variables",
    [{"id": "../carts"}, {"slug": "not a slug"}, {"id": "1"}, {"key": "../carts"}, {"key": "x"}],
)
async def test_an_impossible_identifier_is_null_without_an_upstream_call(
    service: RunningService, browser: Browser, variables: Json
) -> None:
    service.emulator.clear_request_log()
    assert (await browser.gql(PRODUCT, lookup(variables))).ok() == {"product": None}
    assert service.emulator.request_log == []


@pytest.mark.parametrize(
    "variables",
    [
        {},
        {"slug": None},
        {"slug": "tshirt-classic", "id": TSHIRT_ID},
        {"id": TSHIRT_ID, "sku": "TSHIRT-CLASSIC-BLUE-S"},
        {"slug": "tshirt-classic", "currency": "E"},
    ],
)
async def test_bad_product_input_is_refused_by_the_schema(
    service: RunningService, browser: Browser, variables: Json
) -> None:
    # `by` takes exactly one non-null identifier (@oneOf); currencies are an enum.
    service.emulator.clear_request_log()
    result = await browser.gql(PRODUCT, lookup(variables))
    assert result.status_code == 400 and result.data is None
    assert result.error_codes == ["BAD_USER_INPUT"]
    assert service.emulator.request_log == []


# -- categories ---------------------------------------------------------------------------------


async def test_categories_come_as_a_tree(service: RunningService, browser: Browser) -> None:
    roots = (await browser.gql(CATEGORIES)).ok()["categories"]
    data = service.emulator.catalog.categories()
    by_id = {c["id"]: c for c in data}
    assert [r["key"] for r in roots] == ["women", "men", "accessories"]
    seen = 0
    for root in roots:
        assert root["parent"] is None and root["ancestors"] == []
        expected_children = [
            c["id"] for c in data if (c.get("parent") or {}).get("id") == root["id"]
        ]
        assert [c["id"] for c in root["children"]] == expected_children
        for child in root["children"]:
            assert child["parent"] == {"id": root["id"]}
            assert child["ancestors"] == [{"id": root["id"]}]
            assert child["children"] == []
            assert child["name"] == by_id[child["id"]]["name"]["en"]
            seen += 1
        seen += 1
    assert seen == len(data) == 13


async def test_a_category_by_slug_in_either_language(service: RunningService) -> None:
    query = "query($by: CategoryLookupInput!) { category(by: $by) { id name children { slug } } }"
    async with service.browser(headers={"Accept-Language": "de"}) as german:
        damen = (await german.gql(query, {"by": {"slug": "damen"}})).ok()["category"]
        women = (await german.gql(query, {"by": {"slug": "women"}})).ok()["category"]
        by_id = (await german.gql(query, {"by": {"id": WOMEN_ID}})).ok()["category"]
        missing = (await german.gql(query, {"by": {"slug": "no-such-category"}})).ok()["category"]
        blank = (await german.gql(query, {"by": {"slug": " "}})).ok()["category"]
        both = await german.gql(query, {"by": {"slug": "damen", "id": WOMEN_ID}})
    assert damen == women == by_id
    assert damen["name"] == "Damen"
    assert [c["slug"] for c in damen["children"]] == ["damen-tops", "damen-kleider", "damen-schuhe"]
    assert missing is None and blank is None
    assert both.status_code == 400 and both.error_codes == ["BAD_USER_INPUT"]


async def test_the_category_tree_is_read_once_per_ttl(
    service: RunningService, browser: Browser
) -> None:
    service.emulator.clear_request_log()
    for _ in range(3):
        (await browser.gql("{ categories { id } }")).ok()
    (await browser.gql(PRODUCT, lookup({"id": TSHIRT_ID}))).ok()
    assert upstream_paths(service)[("GET", "/demo/categories")] == 1
    service.clock.advance(301)
    (await browser.gql("{ categories { id } }")).ok()
    assert upstream_paths(service)[("GET", "/demo/categories")] == 2


async def test_the_mapped_category_tree_follows_the_language_and_the_next_read(
    start_service: Callable[..., RunningService],
) -> None:
    """The tree is mapped once per language and read: a German shopper's tree is never an
    English shopper's, and a renamed category shows after the next read (in the category tree
    and in the product categories of a listing whose products are still cached), not before."""
    service = start_service(catalog_product_cache_seconds=3_600)
    named = "query($id: ID!) { category(by: {id: $id}) { name } }"
    listed = "{ products(limit: 100) { results { categories { id name } } } }"

    async def name(browser: Browser) -> str:
        return str((await browser.gql(named, {"id": WOMEN_ID})).ok()["category"]["name"])

    async def in_listing(browser: Browser) -> set[str]:
        results = (await browser.gql(listed)).ok()["products"]["results"]
        return {c["name"] for p in results for c in p["categories"] if c["id"] == WOMEN_TOPS_ID}

    women = service.emulator.catalog.category(WOMEN_ID)
    tops = service.emulator.catalog.category(WOMEN_TOPS_ID)
    assert women is not None and tops is not None
    german_name, english_name = women["name"]["de"], women["name"]["en"]
    tops_name = tops["name"]["en"]
    async with (
        service.browser(headers={"Accept-Language": "de"}) as german,
        service.browser(headers={"Accept-Language": "en"}) as english,
    ):
        before = [await name(german), await name(english), await name(german)]
        listing_before = await in_listing(english)
        with service.emulator.lock:
            women["name"] = {**women["name"], "en": "Ladies"}
            tops["name"] = {**tops["name"], "en": "Ladies' tops"}
        within_ttl = (await name(english), await in_listing(english))
        service.clock.advance(301)
        service.emulator.clear_request_log()
        after = [await name(english), await name(german)]
        listing_after = await in_listing(english)
    assert upstream_paths(service)[("GET", "/demo/product-projections")] == 0
    assert before == [german_name, english_name, german_name] and german_name != english_name
    assert listing_before == {tops_name}
    assert within_ttl == (english_name, {tops_name})
    assert after == ["Ladies", german_name]
    assert listing_after == {"Ladies' tops"}


# -- no session for browsing ----------------------------------------------------------------------


async def test_browsing_creates_no_session_and_uses_only_the_app_token(
    service: RunningService, browser: Browser
) -> None:
    service.emulator.clear_request_log()
    results = [
        await browser.gql(
            SEARCH, {"text": "shirt", "filters": [{"name": "size", "values": ["M"]}]}
        ),
        await browser.gql(PRODUCT, lookup({"slug": "tshirt-classic"})),
        await browser.gql(PRODUCT, lookup({"sku": "TSHIRT-CLASSIC-BLUE-S"})),
        await browser.gql(CATEGORIES),
    ]
    for result in results:
        result.ok()
        assert "set-cookie" not in result.response.headers
    assert browser.cookie(service.settings.session.cookie_name) is None
    token_calls = [c for c in service.emulator.request_log if c[1].startswith("/oauth/")]
    assert token_calls == [APP_TOKEN]


# -- Product Search: calls, markets, labels -------------------------------------------------------


async def test_a_listing_is_one_search_and_one_product_query_then_one_search(
    service: RunningService, browser: Browser
) -> None:
    await search(browser, limit=1)  # the app token and the category tree
    service.emulator.clear_request_log()
    first = await search(browser, category=WOMEN_ID, limit=5)
    assert upstream_paths(service) == Counter(
        {("POST", "/demo/products/search"): 1, ("GET", "/demo/product-projections"): 1}
    )
    # The same page again (another shopper, a sort toggled back): the products' data is cached.
    service.emulator.clear_request_log()
    again = await search(browser, category=WOMEN_ID, limit=5)
    assert upstream_paths(service) == Counter({("POST", "/demo/products/search"): 1})
    assert again == first
    # A search that finds nothing reads no products.
    service.emulator.clear_request_log()
    assert (await search(browser, text="zzzz-nothing"))["results"] == []
    assert upstream_paths(service) == Counter({("POST", "/demo/products/search"): 1})


@pytest.mark.parametrize("country", ["AT", "FR"])
async def test_price_filters_and_counts_use_the_price_the_shopper_sees(
    service: RunningService, browser: Browser, country: str
) -> None:
    """Austria has prices of its own (1.00 dearer than Germany's), France falls back to the
    currency's price without a country: the ranges follow whichever the shopper is shown."""

    def price(variant: Json) -> int:
        selected = service.emulator.catalog.select_price(variant, "EUR", country)
        assert selected is not None
        return int(selected["value"]["centAmount"])

    shown = {p["id"]: [price(v) for v in all_variants(p)] for p in published(service)}
    everything = await search(browser, country=country, limit=100)
    for product in everything["results"]:
        assert [v["price"]["centAmount"] for v in product["variants"]] == shown[product["id"]]
    in_range = {pid for pid, prices in shown.items() if any(5_000 <= c <= 9_999 for c in prices)}
    assert facet(everything, "price")["5000-9999"] == len(in_range)
    filtered = await search(
        browser, country=country, filters=[{"name": "price", "values": ["5000-9999"]}], limit=100
    )
    assert {p["id"] for p in filtered["results"]} == in_range
    # 49.99 in Germany is 50.99 in Austria: the Oxford Shirt changes range there.
    oxford = next(p["id"] for p in published(service) if p["key"] == "shirt-oxford")
    assert (oxford in in_range) is (country == "AT")


async def test_facets_carry_their_label_and_kind(service: RunningService) -> None:
    labels = "{ products(limit: 1) { facets { name label kind } } }"
    async with service.browser(headers={"Accept-Language": "de"}) as german:
        facets = (await german.gql(labels)).ok()["products"]["facets"]
    assert [(f["name"], f["label"], f["kind"]) for f in facets] == [
        ("category", "Kategorie", "VALUES"),
        ("color", "Farbe", "VALUES"),
        ("size", "Größe", "VALUES"),
        ("price", "Preis", "RANGES"),
    ]


async def test_malformed_product_data_is_not_kept(
    service: RunningService, browser: Browser
) -> None:
    product = service.emulator.catalog.product_projection(TSHIRT_ID)
    assert product is not None
    variant = product["masterVariant"]
    original = variant["images"]
    with service.emulator.lock:
        variant["images"] = [{"url": "https://images.example.com/x.jpg"}]  # no dimensions
    try:
        broken = await browser.gql(SEARCH, {"text": "Classic T-Shirt", "limit": 1})
        assert broken.error_codes == ["UPSTREAM_UNAVAILABLE"]
    finally:
        with service.emulator.lock:
            variant["images"] = original
    # commercetools sends it whole again: the listing shows it at once, nothing bad was cached.
    fixed = await search(browser, text="Classic T-Shirt", limit=1)
    assert fixed["results"][0]["id"] == TSHIRT_ID


async def test_facets_are_asked_for_only_when_the_query_selects_them() -> None:
    with project_service(Emulator(), "manage_project:demo") as shop:
        async with Browser(shop.url) as browser:
            (await browser.gql(SEARCH_WITHOUT_FACETS, {"limit": 2})).ok()
            (await search(browser, limit=2))
        without, with_facets = shop.recorded.bodies("POST", "/demo/products/search")
    assert "facets" not in without
    assert [next(iter(f.values()))["name"] for f in with_facets["facets"]] == [
        "category",
        "color",
        "size",
        "price",
    ]
