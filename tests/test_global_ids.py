"""Ids a normalized client cache can key by: over HTTP, across a product listing, two carts, an
order, an account and a wishlist, no two different objects share `__typename` + `id`, and a
listing written to an Apollo-style cache reads back as the server sent it."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from tests.conftest import RunningService
from tests.support.browser import Browser
from tests.support.normalized_cache import NormalizedCache, cache_key, with_typename
from tests.support.queries import (
    ADD,
    ADD_ADDRESS,
    ADD_TO_WISHLIST,
    APPLY_CODE,
    BERLIN,
    CART,
    ME,
    PLACE_ORDER,
    SET_SHIPPING_ADDRESS,
    SHIPPING_METHODS,
    SIGN_UP,
    WISHLIST,
)

pytestmark = pytest.mark.anyio

LISTING = with_typename("""{
  products(limit: 24) {
    pageInfo { total hasNextPage }
    results {
      id slug name
      categories { id name }
      masterVariant { id variantNumber sku price { centAmount currencyCode } images { url } }
      variants { id variantNumber sku price { centAmount currencyCode } images { url } }
    }
  }
}""")
# The master variant is also the first of `variants`: one entry, so both select the same fields
# (Apollo replaces an embedded object such as `price` wholesale, warning that data may be lost).
PRODUCT = with_typename("""query($sku: String!) { product(by: {sku: $sku}) {
  id name masterVariant { id sku isMatchingVariant } variants { id sku isMatchingVariant } } }""")
TSHIRT = "TSHIRT-CLASSIC-BLUE-M"
TOTE = "TOTE-CANVAS-BEIGE"


def entities(value: Any) -> Iterator[dict[str, Any]]:
    """Every object in an answer that a normalized cache would store on its own."""
    if isinstance(value, list):
        for item in value:
            yield from entities(item)
    elif isinstance(value, dict):
        if cache_key(value) is not None:
            yield value
        for item in value.values():
            yield from entities(item)


def _shallow(value: Any) -> Any:
    """A field's value as the cache stores it: objects with a key become references."""
    if isinstance(value, list):
        return [_shallow(item) for item in value]
    if isinstance(value, dict):
        key = cache_key(value)
        return {"__ref": key} if key else {k: _shallow(v) for k, v in value.items()}
    return value


def keys(answer: Any) -> set[str]:
    return {key for obj in entities(answer) if (key := cache_key(obj)) is not None}


def assert_one_object_per_key(*answers: Any) -> None:
    seen: dict[str, dict[str, Any]] = {}
    for answer in answers:
        for obj in entities(answer):
            key = cache_key(obj)
            assert key is not None
            fields = {name: _shallow(value) for name, value in obj.items()}
            before = seen.setdefault(key, fields)
            for name in fields.keys() & before.keys():
                assert fields[name] == before[name], (
                    f"{key}.{name}: {before[name]} vs {fields[name]}"
                )
            before.update(fields)


async def test_a_listing_reads_back_from_a_normalized_cache_as_the_server_sent_it(
    browser: Browser,
) -> None:
    answer = (await browser.gql(LISTING)).ok()
    results = answer["products"]["results"]
    assert len(results) == 24
    cache = NormalizedCache()
    cache.write(answer)
    assert cache.read(LISTING) == answer
    # Every product's master variant is its own cache entry.
    masters = {cache_key(product["masterVariant"]) for product in results}
    assert len(masters) == len(results)


def test_the_cache_shows_what_shared_keys_do() -> None:
    # Two products whose variants share a key: the second overwrites the first, as in Apollo.
    answer = {
        "products": [
            {
                "__typename": "Product",
                "id": "p1",
                "master": {"__typename": "V", "id": 1, "sku": "A"},
            },
            {
                "__typename": "Product",
                "id": "p2",
                "master": {"__typename": "V", "id": 1, "sku": "B"},
            },
        ]
    }
    cache = NormalizedCache()
    cache.write(answer)
    read = cache.read("{ products { __typename id master { __typename id sku } } }")
    assert [p["master"]["sku"] for p in read["products"]] == ["B", "B"]


async def test_no_two_objects_share_a_key_across_listing_carts_order_account_and_wishlist(
    service: RunningService, browser: Browser
) -> None:
    listing = (await browser.gql(LISTING)).ok()
    product = (await browser.gql(PRODUCT, {"sku": TSHIRT})).ok()

    await browser.gql(ADD, {"sku": TSHIRT, "q": 2})
    await browser.gql(ADD, {"sku": TOTE, "q": 1})
    (await browser.gql(APPLY_CODE, {"code": "DEMO10"})).ok()
    (await browser.gql(SET_SHIPPING_ADDRESS, {"a": BERLIN})).ok()
    signup = {"input": {"email": "ids@example.com", "password": "Global-ids-1"}}
    (await browser.gql(SIGN_UP, signup)).ok()
    (await browser.gql(ADD_ADDRESS, {"a": BERLIN, "s": True})).ok()
    (await browser.gql(ADD_TO_WISHLIST, {"sku": TSHIRT})).ok()
    cart = (await browser.gql(with_typename(CART))).ok()
    account = (await browser.gql(with_typename(ME))).ok()
    wishlist = (await browser.gql(with_typename(WISHLIST))).ok()
    shipping = (await browser.gql(with_typename(SHIPPING_METHODS))).ok()
    order = (await browser.gql(with_typename(PLACE_ORDER))).ok()

    async with service.browser() as other:
        await other.gql(ADD, {"sku": TSHIRT, "q": 1})
        (await other.gql(APPLY_CODE, {"code": "DEMO10"})).ok()
        other_cart = (await other.gql(with_typename(CART))).ok()

    answers = (listing, product, cart, other_cart, account, wishlist, shipping, order)
    assert_one_object_per_key(*answers)
    # The order keeps its cart's line item ids, and both carts hold the same discount code:
    # still, nothing of one is keyed like anything of another.
    carts_and_order = [keys(cart), keys(other_cart), keys(order)]
    for i, these in enumerate(carts_and_order):
        for those in carts_and_order[i + 1 :]:
            assert these.isdisjoint(those)
    assert (
        cart["cart"]["discountCodes"][0]["discountCodeId"]
        == (other_cart["cart"]["discountCodes"][0]["discountCodeId"])
    )
    # A price that belongs to one cart carries no id to be shared by.
    assert all("id" not in option for option in shipping["shippingMethods"])
