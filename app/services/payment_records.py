"""commercetools Payments kept in step with the provider, with the API client's token.

Session-free: the storefront (after the shopper's token created the Payment) and the provider's
webhook both use it. The provider's side of a Payment (its `interfaceId`, the transaction's
state, the status code) is written here only, never from what a browser sent.
"""

from __future__ import annotations

import json
from typing import Any

from app.ctp.errors import CtpBadRequest, CtpConcurrentModification, CtpNotFound
from app.ctp.gateway import CtpGateway
from app.ctp.json import Json
from app.payments.provider import PaymentStatus, ProviderPayment

# The commercetools transaction state each provider status stands for; a status missing here
# (a new payment, or one whose last card was declined and may be retried) leaves it as it is.
_TRANSACTION_STATES = {
    PaymentStatus.REQUIRES_CONFIRMATION: "Pending",
    PaymentStatus.REQUIRES_ACTION: "Pending",
    PaymentStatus.PROCESSING: "Pending",
    PaymentStatus.AUTHORIZED: "Success",
    PaymentStatus.SUCCEEDED: "Success",
    PaymentStatus.CANCELED: "Failure",
}
# commercetools refuses to move a transaction backwards or out of a final state.
_RANK = {"Initial": 0, "Pending": 1, "Success": 2, "Failure": 2}


def transaction_type(capture_method: str) -> str:
    """The transaction a new payment records: a charge, or an authorisation captured later."""
    return "Authorization" if capture_method == "manual" else "Charge"


def payment_transaction(payment: Json) -> Json | None:
    """The Authorization or Charge transaction the shop created the payment with."""
    for transaction in payment.get("transactions") or []:
        if transaction.get("type") in ("Authorization", "Charge"):
            found: Json = transaction
            return found
    return None


class _AlreadyRecorded(Exception):
    def __init__(self, payment: Json | None) -> None:
        super().__init__("recorded already")
        self.payment = payment


def _has_transaction(payment: Json, kind: str) -> bool:
    return any(
        t.get("type") == kind and t.get("state") == "Success"
        for t in payment.get("transactions") or []
    )


class PaymentRecords:
    def __init__(self, gateway: CtpGateway) -> None:
        self._gateway = gateway

    async def get(self, payment_id: str) -> Json | None:
        try:
            found: Json = await self._gateway.get(f"/payments/{payment_id}")
        except CtpNotFound:
            return None
        return found

    async def find_by_interface_id(self, interface_id: str) -> Json | None:
        where = f"interfaceId={json.dumps(interface_id)}"
        page: Json = await self._gateway.get(
            "/payments", params={"where": where, "limit": 1, "sort": "createdAt desc"}
        )
        results: list[Any] = page.get("results") or []
        return results[0] if results else None

    async def attach(self, payment: Json, provider_payment: ProviderPayment) -> Json:
        """Records the provider's id on a Payment the shopper just created: MyPaymentDraft has
        no `interfaceId`, so the shop's own token sets it."""
        actions: list[Json] = [{"action": "setInterfaceId", "interfaceId": provider_payment.id}]
        actions.extend(self._state_actions(payment, provider_payment))
        return await self._write(payment, actions)

    async def sync(self, payment: Json, provider_payment: ProviderPayment) -> Json:
        """The Payment with the provider's latest state; unchanged when nothing moved."""
        actions = self._state_actions(payment, provider_payment)
        if not actions:
            return payment
        return await self._write(payment, actions)

    async def add_transaction(self, payment: Json, transaction: Json) -> Json:
        """Records a refund or a cancelled authorisation the provider has done, once: after a
        409 the Payment is read again, and left as it is when another request recorded one of
        that type meanwhile (placeOrder and the webhook can release the same payment at once)."""
        path = f"/payments/{payment['id']}"

        async def prepare(conflict: CtpConcurrentModification | None) -> Json:
            current = payment if conflict is None else await self.get(str(payment["id"]))
            if current is None or _has_transaction(current, str(transaction["type"])):
                raise _AlreadyRecorded(current)
            action = {"action": "addTransaction", "transaction": transaction}
            return {"version": int(current["version"]), "actions": [action]}

        try:
            updated: Json = await self._gateway.write_prepared(path, prepare)
        except _AlreadyRecorded as done:
            return done.payment if done.payment is not None else payment
        return updated

    async def _write(self, payment: Json, actions: list[Json]) -> Json:
        try:
            updated: Json = await self._gateway.update(
                f"/payments/{payment['id']}", int(payment["version"]), actions
            )
        except (CtpBadRequest, CtpConcurrentModification):
            # Another request synced it first (a webhook and the browser at once): the state
            # the provider reported is what both write, so the newest copy is as good.
            fresh = await self.get(str(payment["id"]))
            return fresh if fresh is not None else payment
        return updated

    @staticmethod
    def _state_actions(payment: Json, provider_payment: ProviderPayment) -> list[Json]:
        actions: list[Json] = []
        status = payment.get("paymentStatus") or {}
        if status.get("interfaceCode") != provider_payment.status.value:
            actions.append(
                {"action": "setStatusInterfaceCode", "interfaceCode": provider_payment.status.value}
            )
        decline = provider_payment.last_decline
        # commercetools requires a text, so "" stands for "no decline".
        text = decline.code if decline is not None and not provider_payment.settled else ""
        if status.get("interfaceText", "") != text:
            actions.append({"action": "setStatusInterfaceText", "interfaceText": text})
        transaction = payment_transaction(payment)
        target = _TRANSACTION_STATES.get(provider_payment.status)
        if transaction is not None and target is not None:
            current = str(transaction.get("state", "Initial"))
            if _RANK.get(current, 2) < _RANK[target]:
                actions.append(
                    {
                        "action": "changeTransactionState",
                        "transactionId": transaction["id"],
                        "state": target,
                    }
                )
        return actions
