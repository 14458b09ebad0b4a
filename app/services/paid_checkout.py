"""Ordering a cart, paid for when the shop has a payment provider: the one place that decides
whether a cart's payment covers it, for the shopper's placeOrder and for the provider's webhook
alike (the shopper may never come back after paying).

A cart is ordered at exactly the version whose total was checked: after a 409 the cart is not
simply ordered at its newer version, as `CtpGateway.write_versioned` would do, because the newer
cart may cost more than was paid; the shopper's placeOrder reads it and checks it again
(`CtpGateway.write_prepared`). An ordered cart is no longer `Active`, so commercetools refuses
to order it twice.
"""

from __future__ import annotations

import logging
import secrets
import time

from app import models
from app.ctp import resources
from app.ctp.gateway import CtpGateway
from app.ctp.json import Json
from app.errors import BadUserInput, UpstreamUnavailable, UserErrorCode
from app.payments.provider import (
    PaymentNotFound,
    PaymentProvider,
    PaymentStatus,
    PaymentUnavailable,
    ProviderPayment,
)
from app.request_context import StoreScope
from app.services.payment_records import PaymentRecords
from app.services.payment_release import release_payment

log = logging.getLogger(__name__)

_REQUIRED = "Pay for your order before placing it."
_CHANGED = "Your cart changed after the payment started: start a new payment for the new total."
_DECLINED = "Your payment was declined; try another card or payment method."


def new_order_number(now: float) -> str:
    """commercetools does not number orders; shoppers and support staff need a short one."""
    day = time.strftime("%Y%m%d", time.gmtime(now))
    return f"{day}-{secrets.token_hex(4).upper()}"


def cart_payment_ids(cart: resources.Cart | resources.Order) -> list[str]:
    info = cart.get("paymentInfo")
    return [str(p["id"]) for p in info["payments"]] if info is not None else []


def covers(provider_payment: ProviderPayment, cart: resources.Cart) -> bool:
    total = cart.get("totalPrice") or {}
    return (provider_payment.amount, provider_payment.currency) == (
        total.get("centAmount"),
        str(total.get("currencyCode", "")).upper(),
    )


class PaidCheckout:
    def __init__(
        self, gateway: CtpGateway, records: PaymentRecords, provider: PaymentProvider | None
    ) -> None:
        self._gateway = gateway
        self._records = records
        self._provider = provider

    async def check(
        self, cart: resources.Cart, payment_id: str | None
    ) -> tuple[models.PaymentState | None, str | None]:
        """The order's paymentState if the cart may be ordered now, and the id of the Payment
        that covers it (None, None: the shop takes no payments); else a BadUserInput saying
        what to do. `payment_id` is the Payment the shopper started, which counts only while
        the cart lists it; the order keeps it, the cart's others are released after it.

        The session's payment comes first (else the cart's newest); when it does not do, the
        cart's other payments are tried, newest first (two tabs each started one, and the
        other one is paid for the cart as it is); if none does, the first one's refusal says
        what to do."""
        if self._provider is None:
            return None, None
        listed = cart_payment_ids(cart)
        if not listed:
            raise BadUserInput(_REQUIRED, code=UserErrorCode.PAYMENT_REQUIRED)
        # A session that lost its payment id still finds the newest payment of its cart.
        preferred = payment_id if payment_id in listed else listed[-1]
        try:
            return await self._check_one(cart, preferred), preferred
        except BadUserInput as refusal:
            for other in reversed(listed):
                if other == preferred:
                    continue
                try:
                    return await self._check_one(cart, other), other
                except BadUserInput:
                    continue
            raise refusal

    async def _check_one(self, cart: resources.Cart, payment_id: str) -> models.PaymentState:
        assert self._provider is not None
        payment = await self._records.get(payment_id)
        interface_id = payment.get("interfaceId") if payment is not None else None
        if payment is None or not interface_id:
            raise BadUserInput(_REQUIRED, code=UserErrorCode.PAYMENT_REQUIRED)
        try:
            current = await self._provider.retrieve(str(interface_id))
        except PaymentNotFound as exc:
            raise BadUserInput(_REQUIRED, code=UserErrorCode.PAYMENT_REQUIRED) from exc
        except PaymentUnavailable as exc:
            log.warning("payment %s could not be checked: %s", payment_id, exc)
            raise UpstreamUnavailable() from exc
        await self._records.sync(payment, current)
        if not covers(current, cart):
            raise BadUserInput(_CHANGED, code=UserErrorCode.PAYMENT_REQUIRED)
        if not current.settled:
            if current.last_decline is not None:
                raise BadUserInput(_DECLINED, code=UserErrorCode.PAYMENT_DECLINED)
            raise BadUserInput(_REQUIRED, code=UserErrorCode.PAYMENT_REQUIRED)
        if current.status is PaymentStatus.SUCCEEDED:
            return models.PaymentState.PAID
        # Authorised, to be captured later: the money is guaranteed, not yet taken.
        return models.PaymentState.PENDING

    async def release_others(self, order: resources.Order, paid_with: str | None) -> None:
        """Gives back every other payment the ordered cart listed (e.g. two tabs each started
        one): refunded, or its authorisation cancelled (payment_release.py)."""
        if self._provider is None or paid_with is None:
            return
        others = [p for p in cart_payment_ids(order) if p != paid_with]
        if not others:
            return
        kept = await self._records.get(paid_with)
        # Two Payments can stand for one provider payment (a double click made both with the
        # same idempotency key): that one is what the order is paid with.
        keep = str(kept.get("interfaceId") or "") if kept is not None else ""
        for other in others:
            await release_payment(self._records, self._provider, other, keep=keep)

    async def order(
        self,
        cart: resources.Cart,
        order_number: str,
        payment_state: models.PaymentState | None,
    ) -> resources.Order:
        """Orders the cart at the version it was read at; CtpConcurrentModification when it
        changed since, CtpBadRequest when commercetools refuses (e.g. ordered already)."""
        # The server-side endpoint, because only it takes an orderNumber and a paymentState
        # (MyOrderFromCartDraft has id and version alone); callers read the cart with the
        # shopper's token (or found it through its payment), so it is theirs to order. A cart of
        # a Store is ordered in that Store, as every other call for it.
        store = cart.get("store")
        path = StoreScope(store["key"] if store else None).path(ORDERS_PATH)
        order: resources.Order = await self._gateway.post(
            path, order_draft(cart, order_number, payment_state)
        )
        return order


ORDERS_PATH = "/orders"


def order_draft(
    cart: resources.Cart, order_number: str, payment_state: models.PaymentState | None
) -> Json:
    """OrderFromCartDraft for the cart at the version it was read at."""
    draft: Json = {
        "cart": {"typeId": "cart", "id": cart["id"]},
        "version": int(cart["version"]),
        "orderNumber": order_number,
    }
    if payment_state is not None:
        draft["paymentState"] = payment_state.value
    return draft
