"""Payment fields: the methods, starting a payment (answering with its payload,
schema/payloads.py), and reading it back."""

from __future__ import annotations

from typing import Any

from dependency_injector.wiring import Provide, inject

from app.models import Payment
from app.services.payments import PaymentService
from containers import GraphQLContainer
from schema.bindables import query
from schema.context import ResolveInfo
from schema.payloads import bind_mutation


class PaymentResolvers:
    @inject
    async def payment_methods(
        self,
        _obj: Any,
        _info: ResolveInfo,
        payments: PaymentService = Provide[GraphQLContainer.payment_service],
    ) -> tuple[str, ...]:
        return await payments.methods()

    @inject
    async def create_payment(
        self,
        _obj: Any,
        _info: ResolveInfo,
        input: dict[str, Any],
        payments: PaymentService = Provide[GraphQLContainer.payment_service],
    ) -> Payment:
        return await payments.create_payment(str(input.get("method") or ""))

    @inject
    async def payment(
        self,
        _obj: Any,
        _info: ResolveInfo,
        id: str,
        payments: PaymentService = Provide[GraphQLContainer.payment_service],
    ) -> Payment:
        return await payments.payment(id)


_resolvers = PaymentResolvers()
query.set_field("paymentMethods", _resolvers.payment_methods)
query.set_field("payment", _resolvers.payment)
bind_mutation("createPayment", _resolvers.create_payment, returns="payment")
