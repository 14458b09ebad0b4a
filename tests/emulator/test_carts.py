"""Carts: shapes, update actions, prices, taxes, discounts, shipping, versions, deletion."""

from __future__ import annotations

import pytest

from emulator.jsonio import Json
from emulator.state import Emulator
from tests.emulator.ctp import TSHIRT_L, TSHIRT_M, Ctp, error_code, quantities

pytestmark = pytest.mark.anyio
BERLIN = {"country": "DE", "city": "Berlin", "streetName": "Torstraße", "streetNumber": "1"}


def cents(money: Json) -> int:
    value: int = money["centAmount"]
    return value


async def test_new_cart_has_the_commercetools_shape(ctp: Ctp) -> None:
    token = await ctp.anonymous(anonymous_id="shape")
    cart = await ctp.my_cart(token["access_token"], [(TSHIRT_M, 2)])
    assert cart["type"] == "Cart"
    assert cart["version"] == 1
    assert cart["cartState"] == "Active"
    assert cart["anonymousId"] == "shape"
    assert "customerId" not in cart
    assert cart["country"] == "DE"
    assert cart["createdAt"] == cart["lastModifiedAt"]
    assert cart["createdAt"].endswith("Z") and len(cart["createdAt"]) == 24
    for field, value in {
        "shippingMode": "Single",
        "taxMode": "Platform",
        "taxRoundingMode": "HalfEven",
        "taxCalculationMode": "LineItemLevel",
        "inventoryMode": "None",
        "origin": "Customer",
        "customLineItems": [],
        "discountCodes": [],
        "itemShippingAddresses": [],
    }.items():
        assert cart[field] == value, field
    assert cart["totalPrice"] == {
        "type": "centPrecision",
        "currencyCode": "EUR",
        "centAmount": 3998,
        "fractionDigits": 2,
    }
    assert cart["totalLineItemQuantity"] == 2
    assert "taxedPrice" not in cart  # no shipping address, so no taxes yet
    line = cart["lineItems"][0]
    assert line["productKey"] == "tshirt-classic"
    assert line["name"]["en"] == "Classic T-Shirt"
    assert line["productSlug"]["en"] == "tshirt-classic"
    assert line["productType"]["typeId"] == "product-type"
    assert line["variant"]["sku"] == TSHIRT_M
    assert line["price"]["country"] == "DE"
    assert cents(line["price"]["value"]) == 1999
    assert line["quantity"] == 2
    assert cents(line["totalPrice"]) == 3998
    assert line["lineItemMode"] == "Standard"
    assert line["priceMode"] == "Platform"
    assert line["discountedPricePerQuantity"] == []
    assert line["state"][0]["quantity"] == 2
    assert line["state"][0]["state"]["typeId"] == "state"


async def test_add_line_item_by_sku_and_by_product_and_variant(ctp: Ctp) -> None:
    token = await ctp.anonymous_token()
    cart = await ctp.my_cart(token, [(TSHIRT_M, 1)])
    product_id = cart["lineItems"][0]["productId"]
    variant_id = cart["lineItems"][0]["variant"]["id"]
    cart = await ctp.update_my_cart(
        token,
        cart,
        {"action": "addLineItem", "sku": TSHIRT_M, "quantity": 2},
        {"action": "addLineItem", "productId": product_id, "variantId": variant_id},
        {"action": "addLineItem", "sku": TSHIRT_L},
    )
    assert quantities(cart) == {TSHIRT_M: 4, TSHIRT_L: 1}
    assert len(cart["lineItems"]) == 2
    assert cart["version"] == 2  # one update request, one version step
    assert cents(cart["totalPrice"]) == 5 * 1999


async def test_change_quantity_and_remove(ctp: Ctp) -> None:
    token = await ctp.anonymous_token()
    cart = await ctp.my_cart(token, [(TSHIRT_M, 5), (TSHIRT_L, 1)])
    first, second = cart["lineItems"]
    cart = await ctp.update_my_cart(
        token,
        cart,
        {"action": "removeLineItem", "lineItemId": first["id"], "quantity": 2},
        {"action": "changeLineItemQuantity", "lineItemId": second["id"], "quantity": 3},
    )
    assert quantities(cart) == {TSHIRT_M: 3, TSHIRT_L: 3}
    cart = await ctp.update_my_cart(
        token,
        cart,
        {"action": "changeLineItemQuantity", "lineItemId": first["id"], "quantity": 0},
        {"action": "removeLineItem", "lineItemId": second["id"]},
    )
    assert cart["lineItems"] == []
    assert cents(cart["totalPrice"]) == 0
    assert "totalLineItemQuantity" not in cart


async def test_unknown_line_item_is_bad_request_and_changes_nothing(ctp: Ctp) -> None:
    token = await ctp.anonymous_token()
    cart = await ctp.my_cart(token, [(TSHIRT_M, 1)])
    body = await ctp.update_my_cart(
        token,
        cart,
        {"action": "addLineItem", "sku": TSHIRT_L},
        {"action": "changeLineItemQuantity", "lineItemId": "nope", "quantity": 2},
        expect=400,
    )
    assert error_code(body) == "InvalidInput"
    unchanged = await ctp.get(f"/me/carts/{cart['id']}", token)
    assert unchanged == cart  # all actions of a request apply, or none


async def test_unknown_sku(ctp: Ctp) -> None:
    token = await ctp.anonymous_token()
    cart = await ctp.my_cart(token)
    body = await ctp.update_my_cart(
        token, cart, {"action": "addLineItem", "sku": "NO-SUCH-SKU"}, expect=400
    )
    assert error_code(body) == "InvalidInput"


async def test_price_follows_cart_country(ctp: Ctp) -> None:
    token = await ctp.anonymous_token()
    cart = await ctp.my_cart(token, [(TSHIRT_M, 1)], country="AT")
    assert cents(cart["lineItems"][0]["price"]["value"]) == 2099
    cart = await ctp.update_my_cart(token, cart, {"action": "setCountry", "country": "DE"})
    assert cents(cart["lineItems"][0]["price"]["value"]) == 1999
    cart = await ctp.update_my_cart(token, cart, {"action": "setCountry"})
    assert "country" not in cart
    assert "country" not in cart["lineItems"][0]["price"]  # the no-country fallback price


async def test_sku_without_price_in_currency_is_matching_price_not_found(ctp: Ctp) -> None:
    token = await ctp.anonymous_token()
    body = await ctp.post(
        "/me/carts",
        token,
        {"currency": "USD", "lineItems": [{"sku": TSHIRT_M}]},
        expect=400,
    )
    error = body["errors"][0]
    assert error["code"] == "MatchingPriceNotFound"
    assert error["currency"] == "USD"
    assert error["variantId"] == 2
    # With country US there is a USD price.
    cart = await ctp.my_cart(token, [(TSHIRT_M, 1)], currency="USD", country="US")
    assert cents(cart["totalPrice"]) == 2199


async def test_gross_taxes_from_the_shipping_address(ctp: Ctp) -> None:
    token = await ctp.anonymous_token()
    cart = await ctp.my_cart(token, [(TSHIRT_M, 2)])
    cart = await ctp.update_my_cart(
        token,
        cart,
        {"action": "setShippingAddress", "address": BERLIN},
        {"action": "setBillingAddress", "address": {"country": "DE", "city": "Hamburg"}},
        {"action": "setCustomerEmail", "email": "guest@example.com"},
        {"action": "setLocale", "locale": "de-DE"},
    )
    assert cart["shippingAddress"]["city"] == "Berlin"
    assert cart["billingAddress"]["city"] == "Hamburg"
    assert cart["customerEmail"] == "guest@example.com"
    assert cart["locale"] == "de-DE"
    taxed = cart["taxedPrice"]
    # 19 % included in 39.98: net round(3998 / 1.19) = 3360.
    assert cents(taxed["totalGross"]) == 3998
    assert cents(taxed["totalNet"]) == 3360
    assert cents(taxed["totalTax"]) == 638
    assert taxed["taxPortions"][0]["rate"] == 0.19
    line = cart["lineItems"][0]
    assert line["taxRate"]["country"] == "DE" and line["taxRate"]["includedInPrice"] is True
    assert cents(line["taxedPrice"]["totalNet"]) == 3360
    cart = await ctp.update_my_cart(token, cart, {"action": "setShippingAddress"})
    assert "taxedPrice" not in cart and "taxRate" not in cart["lineItems"][0]


async def test_net_taxes_in_the_us(ctp: Ctp) -> None:
    token = await ctp.anonymous_token()
    cart = await ctp.my_cart(token, [(TSHIRT_M, 2)], currency="USD", country="US")
    cart = await ctp.update_my_cart(
        token, cart, {"action": "setShippingAddress", "address": {"country": "US", "state": "NY"}}
    )
    # 7 % on top of 43.98: 307.86 -> 308 cents.
    assert cents(cart["taxedPrice"]["totalNet"]) == 4398
    assert cents(cart["taxedPrice"]["totalGross"]) == 4706
    assert cents(cart["totalPrice"]) == 4398


async def test_discount_code(ctp: Ctp) -> None:
    token = await ctp.anonymous_token()
    cart = await ctp.my_cart(token, [(TSHIRT_M, 2)])
    cart = await ctp.update_my_cart(token, cart, {"action": "addDiscountCode", "code": "DEMO10"})
    (info,) = cart["discountCodes"]
    assert info["state"] == "MatchesCart"
    assert info["discountCode"]["typeId"] == "discount-code"
    line = cart["lineItems"][0]
    (per_quantity,) = line["discountedPricePerQuantity"]
    assert per_quantity["quantity"] == 2
    assert cents(per_quantity["discountedPrice"]["value"]) == 1799
    portion = per_quantity["discountedPrice"]["includedDiscounts"][0]
    assert portion["discount"]["typeId"] == "cart-discount"
    assert cents(portion["discountedAmount"]) == 200
    assert cents(line["totalPrice"]) == 3598
    assert cents(cart["totalPrice"]) == 3598
    cart = await ctp.update_my_cart(
        token, cart, {"action": "removeDiscountCode", "discountCode": info["discountCode"]}
    )
    assert cart["discountCodes"] == []
    assert cents(cart["totalPrice"]) == 3998


async def test_discount_code_in_the_draft(ctp: Ctp) -> None:
    token = await ctp.anonymous_token()
    cart = await ctp.my_cart(token, [(TSHIRT_M, 1)], discountCodes=["DEMO10"])
    assert cents(cart["totalPrice"]) == 1799


async def test_unknown_discount_code(ctp: Ctp) -> None:
    token = await ctp.anonymous_token()
    cart = await ctp.my_cart(token, [(TSHIRT_M, 1)])
    body = await ctp.update_my_cart(
        token, cart, {"action": "addDiscountCode", "code": "NOPE"}, expect=400
    )
    error = body["errors"][0]
    assert error["code"] == "DiscountCodeNonApplicable"
    assert error["reason"] == "DoesNotExist"
    assert error["discountCode"] == "NOPE"


async def test_shipping_method_needs_a_shipping_address(ctp: Ctp) -> None:
    token = await ctp.anonymous_token()
    cart = await ctp.my_cart(token, [(TSHIRT_M, 1)])
    body = await ctp.update_my_cart(
        token,
        cart,
        {"action": "setShippingMethod", "shippingMethod": {"key": "standard"}},
        expect=400,
    )
    assert error_code(body) == "InvalidOperation"


async def test_shipping_costs_taxes_and_free_above(ctp: Ctp) -> None:
    token = await ctp.anonymous_token()
    cart = await ctp.my_cart(token, [(TSHIRT_M, 2)], shippingAddress=BERLIN)
    methods = await ctp.get("/shipping-methods/matching-cart", token, cartId=cart["id"])
    assert methods["results"][0]["key"] == "standard"  # the default method comes first
    standard = methods["results"][0]
    assert [r["isMatching"] for r in standard["zoneRates"][0]["shippingRates"]] == [True]
    cart = await ctp.update_my_cart(
        token,
        cart,
        {
            "action": "setShippingMethod",
            "shippingMethod": {"typeId": "shipping-method", "id": standard["id"]},
        },
    )
    info = cart["shippingInfo"]
    assert info["shippingMethodName"] == "Standard"
    assert info["shippingMethod"] == {"typeId": "shipping-method", "id": standard["id"]}
    assert info["shippingMethodState"] == "MatchesCart"
    assert cents(info["price"]) == 495
    assert cents(info["taxedPrice"]["totalNet"]) == 416
    assert cents(cart["totalPrice"]) == 3998 + 495
    assert cents(cart["taxedPrice"]["totalGross"]) == 3998 + 495
    assert cents(cart["taxedPrice"]["totalNet"]) == 3360 + 416
    # 50 EUR of line items ship for free.
    cart = await ctp.update_my_cart(token, cart, {"action": "addLineItem", "sku": TSHIRT_L})
    assert cents(cart["shippingInfo"]["price"]) == 0
    assert cents(cart["totalPrice"]) == 3 * 1999
    cart = await ctp.update_my_cart(token, cart, {"action": "setShippingMethod"})
    assert "shippingInfo" not in cart


async def test_unknown_shipping_method(ctp: Ctp) -> None:
    token = await ctp.anonymous_token()
    cart = await ctp.my_cart(token, [(TSHIRT_M, 1)], shippingAddress=BERLIN)
    body = await ctp.update_my_cart(
        token,
        cart,
        {"action": "setShippingMethod", "shippingMethod": {"id": "nope"}},
        expect=400,
    )
    assert error_code(body) == "ReferencedResourceNotFound"


async def test_stale_version_is_409_with_current_version(ctp: Ctp) -> None:
    token = await ctp.anonymous_token()
    cart = await ctp.my_cart(token, [(TSHIRT_M, 1)])
    updated = await ctp.update_my_cart(token, cart, {"action": "addLineItem", "sku": TSHIRT_M})
    body = await ctp.update_my_cart(
        token, cart, {"action": "addLineItem", "sku": TSHIRT_M}, expect=409
    )
    error = body["errors"][0]
    assert error["code"] == "ConcurrentModification"
    assert error["currentVersion"] == updated["version"] == 2
    assert body["statusCode"] == 409
    assert quantities(await ctp.get(f"/me/carts/{cart['id']}", token)) == {TSHIRT_M: 2}


async def test_update_without_actions_changes_nothing(ctp: Ctp) -> None:
    token = await ctp.anonymous_token()
    cart = await ctp.my_cart(token, [(TSHIRT_M, 1)])
    same = await ctp.post(f"/me/carts/{cart['id']}", token, {"version": 1, "actions": []})
    assert same == cart


async def test_delete_cart_needs_current_version(ctp: Ctp) -> None:
    token = await ctp.anonymous_token()
    cart = await ctp.my_cart(token, [(TSHIRT_M, 1)])
    body = await ctp.call(
        "DELETE", f"/me/carts/{cart['id']}", token, params={"version": 9}, expect=409
    )
    assert body["errors"][0]["currentVersion"] == 1
    deleted = await ctp.call("DELETE", f"/me/carts/{cart['id']}", token, params={"version": 1})
    assert deleted["id"] == cart["id"]
    body = await ctp.get(f"/me/carts/{cart['id']}", token, expect=404)
    assert error_code(body) == "ResourceNotFound"


async def test_cart_deleted_by_the_platform_is_not_found(ctp: Ctp, emulator: Emulator) -> None:
    token = await ctp.anonymous_token()
    cart = await ctp.my_cart(token, [(TSHIRT_M, 1)])
    assert emulator.delete_cart(cart["id"]) is True
    assert emulator.delete_cart(cart["id"]) is False
    await ctp.get(f"/me/carts/{cart['id']}", token, expect=404)
    await ctp.get("/me/active-cart", token, expect=404)
    body = await ctp.update_my_cart(token, cart, {"action": "recalculate"}, expect=404)
    assert error_code(body) == "ResourceNotFound"


async def test_active_cart_is_the_most_recently_modified(ctp: Ctp) -> None:
    token = await ctp.anonymous_token()
    older = await ctp.my_cart(token, [(TSHIRT_M, 1)])
    newer = await ctp.my_cart(token, [(TSHIRT_L, 1)])
    assert (await ctp.get("/me/active-cart", token))["id"] == newer["id"]
    await ctp.update_my_cart(token, older, {"action": "recalculate"})
    assert (await ctp.get("/me/active-cart", token))["id"] == older["id"]


async def test_my_cart_cannot_use_backend_only_actions(ctp: Ctp) -> None:
    token = await ctp.anonymous_token()
    cart = await ctp.my_cart(token)
    body = await ctp.update_my_cart(
        token, cart, {"action": "setCustomerId", "customerId": "x"}, expect=400
    )
    assert error_code(body) == "InvalidJsonInput"


async def test_backend_carts_endpoints(ctp: Ctp, emulator: Emulator) -> None:
    token = await ctp.client_token()
    customer = emulator.customer_by_email("demo@example.com")
    assert customer is not None
    cart = await ctp.post(
        "/carts",
        token,
        {
            "currency": "EUR",
            "customerId": customer["id"],
            "customerEmail": "demo@example.com",
            "country": "DE",
            "lineItems": [{"sku": TSHIRT_M, "quantity": 3}],
        },
        expect=201,
    )
    assert cart["customerId"] == customer["id"]
    assert (await ctp.get(f"/carts/{cart['id']}", token)) == cart
    by_customer = await ctp.get(f"/carts/customer-id={customer['id']}", token)
    assert by_customer["id"] == cart["id"]
    page = await ctp.get("/carts", token, where=f'customerId = "{customer["id"]}"')
    assert [c["id"] for c in page["results"]] == [cart["id"]]
    updated = await ctp.post(
        f"/carts/{cart['id']}",
        token,
        {"version": 1, "actions": [{"action": "setAnonymousId", "anonymousId": "a-1"}]},
    )
    assert updated["anonymousId"] == "a-1"
    await ctp.call("DELETE", f"/carts/{cart['id']}", token, params={"version": 2})
    await ctp.get(f"/carts/{cart['id']}", token, expect=404)


async def test_backend_cart_for_unknown_customer(ctp: Ctp) -> None:
    token = await ctp.client_token()
    body = await ctp.post("/carts", token, {"currency": "EUR", "customerId": "nope"}, expect=400)
    assert error_code(body) == "ReferencedResourceNotFound"


async def test_backend_cart_origin(ctp: Ctp) -> None:
    token = await ctp.client_token()
    cart = await ctp.post("/carts", token, {"currency": "EUR", "origin": "Merchant"}, expect=201)
    assert cart["origin"] == "Merchant"
    body = await ctp.post("/carts", token, {"currency": "EUR", "origin": "Elsewhere"}, expect=400)
    assert error_code(body) == "InvalidJsonInput"
