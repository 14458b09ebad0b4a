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


# -- /shopping-lists: the whole project's lists, as the SDK and a back office use them ----------

DEMO_CUSTOMER_ID = "358e732d-df87-5142-9ed7-0d41fc0e32d1"


async def test_project_shopping_lists_by_id_and_key(ctp: Ctp) -> None:
    token = await ctp.client_token("manage_shopping_lists:demo")
    draft = {
        "name": {"en": "Gift ideas"},
        "key": "gift-ideas",
        "customer": {"typeId": "customer", "id": DEMO_CUSTOMER_ID},
        "lineItems": [{"sku": TSHIRT_M, "quantity": 2}],
    }
    created = await ctp.post("/shopping-lists", token, draft, expect=201)
    assert created["key"] == "gift-ideas"
    assert created["customer"] == {"typeId": "customer", "id": DEMO_CUSTOMER_ID}
    assert [(li["variantId"], li["quantity"]) for li in created["lineItems"]] == [(2, 2)]
    assert (await ctp.get("/shopping-lists/key=gift-ideas", token))["id"] == created["id"]
    page = await ctp.get("/shopping-lists", token, where='key = "gift-ideas"')
    assert [s["id"] for s in page["results"]] == [created["id"]]
    # The customer's own token sees the list the project made for them.
    mine = await ctp.get("/me/shopping-lists", await ctp.customer_token())
    assert created["id"] in [s["id"] for s in mine["results"]]

    updated = await ctp.post(
        f"/shopping-lists/{created['id']}",
        token,
        {
            "version": created["version"],
            "actions": [
                {"action": "setKey", "key": "gifts"},
                {"action": "addLineItem", "sku": TSHIRT_L},
            ],
        },
    )
    assert updated["key"] == "gifts" and len(updated["lineItems"]) == 2
    await ctp.get("/shopping-lists/key=gift-ideas", token, expect=404)
    duplicate = await ctp.post("/shopping-lists", token, {**draft, "key": "gifts"}, expect=400)
    assert error_code(duplicate) == "DuplicateField"
    await ctp.call(
        "DELETE", "/shopping-lists/key=gifts", token, params={"version": updated["version"]}
    )
    await ctp.get(f"/shopping-lists/{created['id']}", token, expect=404)


async def test_project_shopping_lists_need_their_scopes(ctp: Ctp) -> None:
    viewer = await ctp.client_token("view_shopping_lists:demo")
    assert (await ctp.get("/shopping-lists", viewer))["results"] == []
    refused = await ctp.post("/shopping-lists", viewer, {"name": {"en": "x"}}, expect=403)
    assert error_code(refused) == "insufficient_scope"
    shopper = await ctp.anonymous_token()
    await ctp.get("/shopping-lists", shopper, expect=403)
    manager = await ctp.client_token("manage_shopping_lists:demo")
    unknown = await ctp.post(
        "/shopping-lists",
        manager,
        {"name": {"en": "x"}, "customer": {"typeId": "customer", "id": "nobody"}},
        expect=400,
    )
    assert error_code(unknown) == "ReferencedResourceNotFound"
