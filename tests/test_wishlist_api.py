"""The wishlist, kept through the session extension `wishlist_id`."""

from __future__ import annotations

import uuid

import pytest

from tests.conftest import RunningService
from tests.support.browser import Browser
from tests.support.queries import (
    ADD_TO_WISHLIST,
    REMOVE_FROM_WISHLIST,
    SIGN_IN,
    SIGN_OUT,
    SIGN_UP,
    WISHLIST,
)

pytestmark = pytest.mark.anyio

TSHIRT = "TSHIRT-CLASSIC-BLUE-M"
TOTE = "TOTE-CANVAS-BEIGE"


async def test_a_guest_keeps_a_wishlist_in_the_session(
    service: RunningService, browser: Browser
) -> None:
    assert (await browser.gql(WISHLIST)).ok() == {"wishlist": None}
    first = (await browser.gql(ADD_TO_WISHLIST, {"sku": TSHIRT})).ok()["addToWishlist"]["wishlist"]
    assert [i["sku"] for i in first["lineItems"]] == [TSHIRT]
    assert first["lineItems"][0]["name"] == "Classic T-Shirt"
    assert first["lineItems"][0]["price"] == {"centAmount": 1999}
    second = (await browser.gql(ADD_TO_WISHLIST, {"sku": TOTE})).ok()["addToWishlist"]["wishlist"]
    assert second["id"] == first["id"]
    again = (await browser.gql(ADD_TO_WISHLIST, {"sku": TOTE})).ok()["addToWishlist"]["wishlist"]
    assert [i["sku"] for i in again["lineItems"]] == [TSHIRT, TOTE]
    stored = await service.read_session(browser)
    assert stored is not None and stored.data["w"] == first["id"]
    assert (await browser.gql(WISHLIST)).ok()["wishlist"] == again
    async with service.browser() as stranger:
        assert (await stranger.gql(WISHLIST)).ok() == {"wishlist": None}


async def test_removing_items(browser: Browser) -> None:
    (await browser.gql(ADD_TO_WISHLIST, {"sku": TSHIRT})).ok()
    wishlist = (await browser.gql(ADD_TO_WISHLIST, {"sku": TOTE})).ok()["addToWishlist"]["wishlist"]
    tshirt = next(i for i in wishlist["lineItems"] if i["sku"] == TSHIRT)
    after = (await browser.gql(REMOVE_FROM_WISHLIST, {"id": tshirt["lineItemId"]})).ok()
    assert [i["sku"] for i in after["removeFromWishlist"]["wishlist"]["lineItems"]] == [TOTE]


async def test_bad_input(browser: Browser) -> None:
    no_wishlist = await browser.gql(REMOVE_FROM_WISHLIST, {"id": "x"})
    assert no_wishlist.refused() == ["NOT_FOUND"]
    assert no_wishlist.user_error_fields == [["lineItemId"]]
    for sku, problem in [("NO-SUCH-SKU", "NOT_FOUND"), (" ", "BLANK"), ("x" * 257, "TOO_LONG")]:
        result = await browser.gql(ADD_TO_WISHLIST, {"sku": sku})
        assert result.refused() == [problem]
        assert result.user_error_fields == [["sku"]]
    added = await browser.gql(ADD_TO_WISHLIST, {"sku": TSHIRT})
    wishlist = added.ok()["addToWishlist"]["wishlist"]
    unknown_line = await browser.gql(REMOVE_FROM_WISHLIST, {"id": "nope"})
    assert unknown_line.refused() == ["NOT_FOUND"]
    assert unknown_line.user_error_fields == [["lineItemId"]]
    assert (await browser.gql(WISHLIST)).ok()["wishlist"] == wishlist


async def test_a_customers_wishlist_outlives_the_session(service: RunningService) -> None:
    email = f"wish-{uuid.uuid4().hex[:10]}@example.com"
    async with service.browser() as browser:
        signup = {"input": {"email": email, "password": "Long-enough-1"}}
        (await browser.gql(SIGN_UP, signup)).ok()
        wishlist = (await browser.gql(ADD_TO_WISHLIST, {"sku": TSHIRT})).ok()["addToWishlist"][
            "wishlist"
        ]
        (await browser.gql(SIGN_OUT)).ok()
        assert (await browser.gql(WISHLIST)).ok() == {"wishlist": None}
    async with service.browser() as other_device:
        (await other_device.gql(SIGN_IN, {"e": email, "p": "Long-enough-1"})).ok()
        found = (await other_device.gql(WISHLIST)).ok()["wishlist"]
        assert found["id"] == wishlist["id"]
