"""Giving back a superseded payment: the shopper started a new payment for the cart (it changed,
or another method), or the cart was ordered with another of its payments. Money taken is
refunded, an authorisation is cancelled, and an open payment is cancelled so that an old tab
cannot still complete it; commercetools records it as a `Refund` or `CancelAuthorization`
transaction.

Idempotent: a payment whose release is recorded is left alone, the provider's refund carries a
key made of the payment id (a retry refunds once), and a cancel the provider refuses because
the payment is cancelled already counts as done. Session-free, for placeOrder and the webhook.
"""

from __future__ import annotations

import logging

from app.ctp.json import Json
from app.payments.provider import (
    PaymentError,
    PaymentProvider,
    PaymentRefused,
    PaymentStatus,
    ProviderPayment,
)
from app.services.payment_records import PaymentRecords

log = logging.getLogger(__name__)

RELEASE_TYPES = ("Refund", "CancelAuthorization")


def released(payment: Json) -> bool:
    """Whether a refund or cancelled authorisation is recorded on the Payment already."""
    return any(
        t.get("type") in RELEASE_TYPES and t.get("state") == "Success"
        for t in payment.get("transactions") or []
    )


async def release_payment(
    records: PaymentRecords, provider: PaymentProvider, payment_id: str, *, keep: str = ""
) -> Json | None:
    """Refunds or cancels one superseded payment, and records it; None when there was nothing
    to give back. `keep` is the provider payment still in use: a Payment standing for it too
    is left alone. A provider failure is logged and left for support (the Payment keeps its
    successful transaction): the shopper's checkout must not fail because of an old payment."""
    payment = await records.get(payment_id)
    interface_id = payment.get("interfaceId") if payment is not None else None
    if payment is None or not interface_id or interface_id == keep or released(payment):
        return None
    try:
        current = await provider.retrieve(str(interface_id))
        if current.status is PaymentStatus.SUCCEEDED:
            payment = await records.sync(payment, current)
            refund = await provider.refund(str(interface_id), f"refund-superseded-{payment_id}")
            transaction = _transaction("Refund", current, refund.id, refund.succeeded)
        elif current.status is PaymentStatus.CANCELED:
            return await records.sync(payment, current)
        else:
            # Recorded as it stands first: an authorisation that succeeded stays so (final),
            # and the cancellation is a transaction of its own.
            payment = await records.sync(payment, current)
            current = await _cancel(provider, str(interface_id), current)
            if current.status is PaymentStatus.SUCCEEDED:
                # Confirmed in the meantime (another tab): the money is taken, so give it back.
                return await release_payment(records, provider, payment_id, keep=keep)
            payment = await records.sync(payment, current)
            if current.status is not PaymentStatus.CANCELED or not _was_authorised(payment):
                return payment
            transaction = _transaction("CancelAuthorization", current, current.id, True)
    except PaymentError as exc:
        log.warning("superseded payment %s not released: %s", payment_id, exc)
        return None
    log.info("superseded payment %s released: %s", payment_id, transaction["type"])
    return await records.add_transaction(payment, transaction)


async def _cancel(
    provider: PaymentProvider, interface_id: str, current: ProviderPayment
) -> ProviderPayment:
    try:
        return await provider.cancel(interface_id)
    except PaymentRefused:
        # Its state moved on (cancelled or paid by another request): what is it now?
        return await provider.retrieve(interface_id)


def _was_authorised(payment: Json) -> bool:
    """An Authorization transaction that succeeded (a cancel does not move it: Success is
    final); an open payment that is cancelled had nothing reserved to give back."""
    return any(
        t.get("type") == "Authorization" and t.get("state") == "Success"
        for t in payment.get("transactions") or []
    )


def _transaction(kind: str, current: ProviderPayment, interaction: str, succeeded: bool) -> Json:
    return {
        "type": kind,
        "amount": {"currencyCode": current.currency, "centAmount": current.amount},
        "state": "Success" if succeeded else "Pending",
        "interactionId": interaction,
    }
