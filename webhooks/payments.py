"""The payment provider's notifications (`POST /webhooks/payments/stripe`): keep the
commercetools Payment in step, and order a paid cart whose shopper never came back.

No session here: the cart is found through the payment (the provider payment's `cart`
metadata, set by the storefront), read and ordered with the shop's token, through the same
PaidCheckout as placeOrder. At least once in, exactly once out: the message ledger drops an
event handled before (on every instance with Redis), and a second order of one cart is refused
by commercetools, since an ordered cart is no longer `Active`. So one order, and one
OrderCreated message, hence one confirmation mail, however often the event comes.
"""

from __future__ import annotations

import enum
import logging

from app.clock import Clock
from app.ctp import resources
from app.ctp.errors import CtpBadRequest, CtpConcurrentModification, CtpNotFound
from app.ctp.gateway import CtpGateway
from app.errors import UserError
from app.payments.provider import PaymentProvider, ProviderPayment
from app.services.paid_checkout import PaidCheckout, new_order_number
from app.services.payment_records import PaymentRecords
from webhooks.ledger import Claim, MessageLedger

log = logging.getLogger(__name__)

_ORDER_ATTEMPTS = 5


class PaymentOutcome(enum.Enum):
    ORDERED = "ordered"
    SYNCED = "synced"
    DUPLICATE = "duplicate"
    IGNORED = "ignored"
    BUSY = "busy"
    FAILED = "failed"


class PaymentNotifications:
    def __init__(
        self,
        provider: PaymentProvider | None,
        ledger: MessageLedger,
        records: PaymentRecords,
        checkout: PaidCheckout,
        gateway: CtpGateway,
        clock: Clock,
    ) -> None:
        self.provider = provider
        self._ledger = ledger
        self._records = records
        self._checkout = checkout
        self._gateway = gateway
        self._clock = clock

    async def handle(self, notification_id: str, payment: ProviderPayment) -> PaymentOutcome:
        key = f"payment-notification:{notification_id}"
        claim = await self._ledger.claim(key)
        if claim is Claim.DONE:
            return PaymentOutcome.DUPLICATE
        if claim is Claim.BUSY:
            return PaymentOutcome.BUSY
        try:
            outcome = await self._apply(payment)
        except Exception as exc:
            await self._ledger.release(key)
            log.warning(
                "payment notification %s failed, the provider will retry: %s: %s",
                notification_id,
                type(exc).__name__,
                exc,
            )
            return PaymentOutcome.FAILED
        await self._ledger.complete(key)
        return outcome

    async def _apply(self, notified: ProviderPayment) -> PaymentOutcome:
        assert self.provider is not None
        record = await self._records.find_by_interface_id(notified.id)
        if record is None:
            if notified.settled:
                # The storefront is recording it right now (the provider can be quicker than
                # commercetools): fail, and the provider's retry finds it.
                raise LookupError(f"no commercetools Payment for {notified.id} yet")
            return PaymentOutcome.IGNORED
        # Events can come out of order: the provider's state now is what counts.
        current = await self.provider.retrieve(notified.id)
        record = await self._records.sync(record, current)
        cart_id = current.metadata.get("cart")
        if not current.settled or not cart_id:
            return PaymentOutcome.SYNCED
        for _attempt in range(_ORDER_ATTEMPTS):
            cart = await self._cart(cart_id)
            if cart is None or cart.get("cartState") != "Active":
                return PaymentOutcome.SYNCED  # ordered already (by the shopper, or before)
            try:
                state, paid_with = await self._checkout.check(cart, str(record["id"]))
            except UserError as exc:
                # The cart changed after the payment (or lists a newer one): nothing to order
                # for this money; the shopper's next placeOrder says what to do.
                log.warning("paid cart %s not ordered: %s", cart_id, exc.message)
                return PaymentOutcome.SYNCED
            try:
                order = await self._checkout.order(cart, new_order_number(self._clock()), state)
            except CtpConcurrentModification:
                continue
            except CtpBadRequest as exc:
                log.info("paid cart %s not ordered here: %s", cart_id, exc)
                return PaymentOutcome.SYNCED
            log.info("paid cart %s ordered from the notification: order %s", cart_id, order["id"])
            await self._checkout.release_others(order, paid_with)
            return PaymentOutcome.ORDERED
        raise RuntimeError(f"cart {cart_id} kept changing while being ordered")

    async def _cart(self, cart_id: str) -> resources.Cart | None:
        try:
            cart: resources.Cart = await self._gateway.get(f"/carts/{cart_id}")
        except CtpNotFound:
            return None
        return cart
