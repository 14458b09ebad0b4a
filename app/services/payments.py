"""The shopper's payment for the cart (docs/payments.md): which methods there are, starting a
payment, and reading it back.

The amount is the cart's total as commercetools has it at that moment, never a number from the
browser. The provider payment's idempotency key is made of the cart id, version and total, so a
repeated createPayment for an unchanged cart gives the same payment, and a changed cart a new
one. The commercetools Payment is the shopper's own (`/me/payments`, their token), added to the
cart; its provider side is written by PaymentRecords with the shop's token.
"""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable

from app import models
from app.ctp import resources
from app.ctp.errors import CtpNotFound
from app.ctp.gateway import CtpGateway
from app.ctp.json import Json
from app.errors import BadUserInput, NotFound, UpstreamUnavailable, UserErrorCode
from app.payments.provider import (
    PaymentError,
    PaymentProvider,
    PaymentRequest,
    PaymentStatus,
    PaymentUnavailable,
    ProviderPayment,
)
from app.request_context import RequestContext
from app.services import mapping
from app.services.cart import CartService
from app.services.paid_checkout import cart_payment_ids, covers
from app.services.payment_records import PaymentRecords, transaction_type
from app.services.payment_release import release_payment
from app.services.session_tokens import SessionTokens

MAX_METHOD_LENGTH = 64
_ID = re.compile(r"^[A-Za-z0-9-]{1,64}$")
_NO_PAYMENTS = "This shop takes no payments online; place the order to be invoiced."
_NO_SUCH_PAYMENT = "There is no such payment for your cart."
_UNAVAILABLE = "Payments are briefly unavailable; please try again."


class PaymentService:
    def __init__(
        self,
        context: RequestContext,
        tokens: SessionTokens,
        gateway: CtpGateway,
        carts: CartService,
        records: PaymentRecords,
        provider: PaymentProvider | None,
        capture_method: str = "automatic",
    ) -> None:
        self._context = context
        self._session = context.session
        self._tokens = tokens
        self._gateway = gateway
        self._carts = carts
        self._records = records
        self._provider = provider
        self._capture_method = capture_method

    async def methods(self) -> tuple[str, ...]:
        """What the provider offers for the cart's currency and country (none without one)."""
        if self._provider is None:
            return ()
        cart = await self._carts.raw_active_cart()
        if cart is None:
            return ()
        currency = str(cart["totalPrice"]["currencyCode"])
        country = str(cart.get("country") or cart.get("shippingAddress", {}).get("country") or "")
        return self._provider.methods(currency, country)

    async def create_payment(self, method: str) -> models.Payment:
        provider = self._provider
        if provider is None:
            raise BadUserInput(_NO_PAYMENTS, code=UserErrorCode.PAYMENTS_UNAVAILABLE)
        method = (method or "").strip()
        if not method or len(method) > MAX_METHOD_LENGTH:
            raise BadUserInput("Choose a payment method.", field=("input", "method"))
        cart = await self._carts.raw_active_cart()
        if cart is None or not cart.get("lineItems"):
            raise BadUserInput("Your cart is empty.", code=UserErrorCode.CART_EMPTY)
        total = cart["totalPrice"]
        currency, amount = str(total["currencyCode"]), int(total["centAmount"])
        country = str(cart.get("country") or cart.get("shippingAddress", {}).get("country") or "")
        if method not in provider.methods(currency, country):
            raise BadUserInput(
                "This payment method is not offered for your cart.", field=("input", "method")
            )
        reused = await self._reuse(cart, method)
        if reused is not None:
            payment, provider_payment = reused
        else:
            request = PaymentRequest(
                amount=amount,
                currency=currency,
                # A double-click (or a retry after a lost answer) gives the same payment.
                idempotency_key=f"cart-{cart['id']}-v{cart['version']}-{currency}{amount}-{method}",
                method=method,
                # How the webhook finds the cart when the shopper never comes back.
                metadata={"cart": str(cart["id"])},
            )
            provider_payment = await _provider_call(lambda: provider.create(request))
            payment = await self._record(cart, method, provider_payment)
        self._session.payment_id = str(payment["id"])
        return self._model(payment, provider_payment)

    async def payment(self, payment_id: str) -> models.Payment:
        """One of the shopper's payments, with the provider's state of it now."""
        provider = self._provider
        if provider is None or not _ID.match(payment_id):
            raise NotFound(_NO_SUCH_PAYMENT)

        async def fetch(token: str) -> Json | None:
            try:
                found: Json = await self._gateway.get(f"/me/payments/{payment_id}", token=token)
            except CtpNotFound:
                return None
            return found

        payment = await self._tokens.call(fetch, create=False)
        interface_id = payment.get("interfaceId") if payment is not None else None
        if payment is None or not interface_id:
            raise NotFound(_NO_SUCH_PAYMENT)
        provider_payment = await _provider_call(lambda: provider.retrieve(str(interface_id)))
        payment = await self._records.sync(payment, provider_payment)
        return self._model(payment, provider_payment)

    async def _reuse(
        self, cart: resources.Cart, method: str
    ) -> tuple[Json, ProviderPayment] | None:
        """The cart's payment when it is still good for the cart's total (createPayment asked
        again, e.g. after a reload): adding it to the cart changed the cart's version, not
        what it costs."""
        listed = cart_payment_ids(cart)
        payment = await self._records.get(listed[-1]) if listed else None
        if payment is None or not payment.get("interfaceId"):
            return None
        if (payment.get("paymentMethodInfo") or {}).get("method") != method:
            return None
        assert self._provider is not None
        provider = self._provider
        current = await _provider_call(lambda: provider.retrieve(str(payment["interfaceId"])))
        if current.status is PaymentStatus.CANCELED or not covers(current, cart):
            return None
        return await self._records.sync(payment, current), current

    async def _record(
        self, cart: resources.Cart, method: str, provider_payment: ProviderPayment
    ) -> Json:
        money = {"currencyCode": provider_payment.currency, "centAmount": provider_payment.amount}
        draft: Json = {
            "amountPlanned": money,
            "paymentMethodInfo": {"paymentInterface": self._provider_name(), "method": method},
            "transaction": {
                "type": transaction_type(self._capture_method),
                "amount": money,
                "state": "Initial",
                "interactionId": provider_payment.id,
            },
        }

        async def create(token: str) -> Json:
            created: Json = await self._gateway.post("/me/payments", draft, token=token)
            return created

        created = await self._tokens.call(create, create=False)
        if created is None:
            raise BadUserInput("Your cart is empty.", code=UserErrorCode.CART_EMPTY)
        payment = await self._records.attach(created, provider_payment)
        # The cart names only its current payment: one started for an older total goes, and
        # what it took or reserved is given back (payment_release.py).
        stale = [p for p in cart_payment_ids(cart) if p != payment["id"]]
        await self._carts.set_payment(str(payment["id"]), stale)
        assert self._provider is not None
        for superseded in stale:
            await release_payment(
                self._records, self._provider, superseded, keep=provider_payment.id
            )
        return payment

    def _provider_name(self) -> str:
        assert self._provider is not None
        return self._provider.name

    def _model(self, payment: Json, provider_payment: ProviderPayment) -> models.Payment:
        open_ = (
            not provider_payment.settled and provider_payment.status is not PaymentStatus.CANCELED
        )
        method = (payment.get("paymentMethodInfo") or {}).get("method") or ""
        decline = provider_payment.last_decline
        return models.Payment(
            id=str(payment["id"]),
            status=provider_payment.status,
            amount=mapping.money(payment["amountPlanned"]),
            method=str(method),
            client_secret=provider_payment.client_secret if open_ else None,
            publishable_key=self._provider.publishable_key if self._provider and open_ else None,
            redirect_url=provider_payment.redirect_url if open_ else None,
            decline_message=(
                "Your payment was declined; try another card."
                if decline is not None and not provider_payment.settled
                else None
            ),
        )


async def _provider_call(call: Callable[[], Awaitable[ProviderPayment]]) -> ProviderPayment:
    try:
        return await call()
    except PaymentUnavailable as exc:
        raise UpstreamUnavailable(_UNAVAILABLE) from exc
    except PaymentError as exc:
        # A refusal of the request as such (the same key for another amount cannot happen:
        # the key holds the amount); nothing the shopper can fix but trying again.
        raise BadUserInput(
            "The payment could not be started; please try again.",
            code=UserErrorCode.PAYMENTS_UNAVAILABLE,
        ) from exc
