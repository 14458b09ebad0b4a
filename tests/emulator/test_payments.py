"""Payments as commercetools models them: created with the shopper's token, written by the
server with the provider's results, added to the cart, copied to the order, whose
`paymentState` the server sets."""

from __future__ import annotations

import pytest

from emulator.jsonio import Json
from tests.emulator.ctp import TSHIRT_M, Ctp, error_code

pytestmark = pytest.mark.anyio
BERLIN = {"country": "DE", "city": "Berlin"}
SHOPPER = (
    "manage_my_orders:demo manage_my_payments:demo view_published_products:demo "
    "create_anonymous_token:demo"
)


async def _shopper(ctp: Ctp) -> str:
    token: str = (await ctp.anonymous(scope=SHOPPER))["access_token"]
    return token


def _my_payment(cents: int) -> Json:
    return {
        "amountPlanned": {"currencyCode": "EUR", "centAmount": cents},
        "paymentMethodInfo": {"paymentInterface": "stripe", "method": "card"},
        "transaction": {
            "type": "Charge",
            "amount": {"currencyCode": "EUR", "centAmount": cents},
        },
    }


async def test_a_payment_from_the_shopper_to_the_order(ctp: Ctp) -> None:
    token = await _shopper(ctp)
    app_token = await ctp.client_token()
    cart = await ctp.my_cart(token, [(TSHIRT_M, 1)], shippingAddress=BERLIN)
    cents = cart["totalPrice"]["centAmount"]
    payment = await ctp.post("/me/payments", token, _my_payment(cents), expect=201)
    assert payment["amountPlanned"]["centAmount"] == cents
    assert payment["paymentMethodInfo"] == {"paymentInterface": "stripe", "method": "card"}
    [charge] = payment["transactions"]
    assert charge["state"] == "Initial" and charge["type"] == "Charge"
    assert "anonymousId" in payment
    # Another shopper cannot see it; the server can.
    stranger = await _shopper(ctp)
    await ctp.get(f"/me/payments/{payment['id']}", stranger, expect=404)
    await ctp.get(f"/me/payments/{payment['id']}", token)

    payment = await ctp.post(
        f"/payments/{payment['id']}",
        app_token,
        {
            "version": payment["version"],
            "actions": [
                {"action": "setInterfaceId", "interfaceId": "pi_123"},
                {
                    "action": "changeTransactionInteractionId",
                    "transactionId": charge["id"],
                    "interactionId": "pi_123",
                },
                {
                    "action": "changeTransactionState",
                    "transactionId": charge["id"],
                    "state": "Success",
                },
                {"action": "setStatusInterfaceCode", "interfaceCode": "succeeded"},
            ],
        },
    )
    assert payment["interfaceId"] == "pi_123"
    assert payment["transactions"][0]["state"] == "Success"
    assert payment["transactions"][0]["interactionId"] == "pi_123"
    assert payment["paymentStatus"] == {"interfaceCode": "succeeded"}
    found = await ctp.get("/payments", app_token, where='interfaceId="pi_123"')
    assert [p["id"] for p in found["results"]] == [payment["id"]]

    # A final transaction state is final.
    refused = await ctp.post(
        f"/payments/{payment['id']}",
        app_token,
        {
            "version": payment["version"],
            "actions": [
                {
                    "action": "changeTransactionState",
                    "transactionId": charge["id"],
                    "state": "Failure",
                }
            ],
        },
        expect=400,
    )
    assert error_code(refused) == "InvalidOperation"

    cart = await ctp.update_my_cart(
        token, cart, {"action": "addPayment", "payment": {"typeId": "payment", "id": payment["id"]}}
    )
    assert cart["paymentInfo"] == {"payments": [{"typeId": "payment", "id": payment["id"]}]}
    order = await ctp.post(
        "/orders",
        app_token,
        {
            "cart": {"typeId": "cart", "id": cart["id"]},
            "version": cart["version"],
            "paymentState": "Paid",
        },
        expect=201,
    )
    assert order["paymentInfo"] == cart["paymentInfo"]
    assert order["paymentState"] == "Paid"
    # The cart is ordered: a second order from it (the webhook's, after the shopper's) fails.
    again = await ctp.post(
        "/orders", app_token, {"id": cart["id"], "version": cart["version"] + 1}, expect=400
    )
    assert error_code(again) == "InvalidOperation"
    order = await ctp.post(
        f"/orders/{order['id']}",
        app_token,
        {
            "version": order["version"],
            "actions": [{"action": "changePaymentState", "paymentState": "CreditOwed"}],
        },
    )
    assert order["paymentState"] == "CreditOwed"


async def test_bad_payments_are_refused(ctp: Ctp) -> None:
    token = await _shopper(ctp)
    bad = {"amountPlanned": {"currencyCode": "XXX1", "centAmount": 1}}
    assert error_code(await ctp.post("/me/payments", token, bad, expect=400))
    draft = _my_payment(100)
    draft["transaction"]["type"] = "Gift"
    assert error_code(await ctp.post("/me/payments", token, draft, expect=400))
    cart = await ctp.my_cart(token, [(TSHIRT_M, 1)])
    refused = await ctp.post(
        f"/me/carts/{cart['id']}",
        token,
        {
            "version": cart["version"],
            "actions": [{"action": "addPayment", "payment": {"typeId": "payment", "id": "nope"}}],
        },
        expect=400,
    )
    assert error_code(refused) == "ReferencedResourceNotFound"
    # The shopper cannot write the provider's side.
    payment = await ctp.post("/me/payments", token, _my_payment(100), expect=201)
    refused = await ctp.post(
        f"/me/payments/{payment['id']}",
        token,
        {"version": 1, "actions": [{"action": "setInterfaceId", "interfaceId": "pi_x"}]},
        expect=400,
    )
    assert error_code(refused) == "InvalidJsonInput"


async def test_my_payments_need_the_manage_my_payments_scope(ctp: Ctp) -> None:
    without = "manage_my_orders:demo view_published_products:demo create_anonymous_token:demo"
    token: str = (await ctp.anonymous(scope=without))["access_token"]
    refused = await ctp.post("/me/payments", token, _my_payment(100), expect=403)
    assert error_code(refused) == "insufficient_scope"
