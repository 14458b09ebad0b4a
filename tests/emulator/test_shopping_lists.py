"""My Shopping Lists (wishlists)."""

from __future__ import annotations

import pytest

from tests.emulator.ctp import TSHIRT_L, TSHIRT_M, Ctp, error_code

pytestmark = pytest.mark.anyio


async def test_wishlist_lifecycle(ctp: Ctp) -> None:
    customer, token = await ctp.new_customer("wish@example.com")
    wishlist = await ctp.post(
        "/me/shopping-lists",
        token,
        {"name": {"en": "Wishlist"}, "lineItems": [{"sku": TSHIRT_M}]},
        expect=201,
    )
    assert wishlist["customer"] == {"typeId": "customer", "id": customer["id"]}
    assert wishlist["textLineItems"] == []
    (line,) = wishlist["lineItems"]
    assert line["variantId"] == 2 and line["quantity"] == 1
    assert line["name"]["en"] == "Classic T-Shirt"
    assert "variant" not in line  # only when expanded
    wishlist = await ctp.post(
        f"/me/shopping-lists/{wishlist['id']}",
        token,
        {
            "version": wishlist["version"],
            "actions": [
                {"action": "addLineItem", "sku": TSHIRT_M, "quantity": 2},
                {"action": "addLineItem", "sku": TSHIRT_L},
                {"action": "changeName", "name": {"en": "Birthday"}},
            ],
        },
    )
    assert wishlist["name"] == {"en": "Birthday"}
    assert [(li["variantId"], li["quantity"]) for li in wishlist["lineItems"]] == [(2, 3), (3, 1)]
    first, second = wishlist["lineItems"]
    wishlist = await ctp.post(
        f"/me/shopping-lists/{wishlist['id']}",
        token,
        {
            "version": wishlist["version"],
            "actions": [
                {"action": "removeLineItem", "lineItemId": second["id"]},
                {"action": "changeLineItemQuantity", "lineItemId": first["id"], "quantity": 5},
            ],
        },
    )
    assert [(li["variantId"], li["quantity"]) for li in wishlist["lineItems"]] == [(2, 5)]
    expanded = await ctp.get(
        f"/me/shopping-lists/{wishlist['id']}", token, expand="lineItems[*].variant"
    )
    assert expanded["lineItems"][0]["variant"]["sku"] == TSHIRT_M
    page = await ctp.get("/me/shopping-lists", token)
    assert [s["id"] for s in page["results"]] == [wishlist["id"]]
    stale = await ctp.post(
        f"/me/shopping-lists/{wishlist['id']}", token, {"version": 1, "actions": []}, expect=409
    )
    assert stale["errors"][0]["currentVersion"] == wishlist["version"]
    await ctp.call(
        "DELETE",
        f"/me/shopping-lists/{wishlist['id']}",
        token,
        params={"version": wishlist["version"]},
    )
    await ctp.get(f"/me/shopping-lists/{wishlist['id']}", token, expect=404)


async def test_wishlists_are_scoped_to_their_session(ctp: Ctp) -> None:
    guest = await ctp.anonymous_token()
    other = await ctp.anonymous_token()
    wishlist = await ctp.post("/me/shopping-lists", guest, {"name": {"en": "Mine"}}, expect=201)
    assert "anonymousId" in wishlist and "customer" not in wishlist
    body = await ctp.get(f"/me/shopping-lists/{wishlist['id']}", other, expect=404)
    assert error_code(body) == "ResourceNotFound"
    assert (await ctp.get("/me/shopping-lists", other))["results"] == []
    await ctp.post(
        f"/me/shopping-lists/{wishlist['id']}",
        other,
        {"version": 1, "actions": [{"action": "addLineItem", "sku": TSHIRT_M}]},
        expect=404,
    )


async def test_unknown_sku_in_wishlist(ctp: Ctp) -> None:
    token = await ctp.anonymous_token()
    body = await ctp.post(
        "/me/shopping-lists",
        token,
        {"name": {"en": "x"}, "lineItems": [{"sku": "NOPE"}]},
        expect=400,
    )
    assert error_code(body) == "InvalidInput"
