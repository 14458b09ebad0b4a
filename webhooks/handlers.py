"""What each Subscription message does. Payloads are read through the commercetools SDK's
typed models (marshmallow: slow, a few ms each, and ~0.5 s for the first of a type while its
schema is built), so deserialising runs in a worker thread, off the event loop.

A handler either returns (done), raises `UnusableMessage` (the payload can never be handled:
acknowledge and log), or raises anything else (a passing failure: the message is redelivered).
"""

from __future__ import annotations

import asyncio
import importlib
import logging
from datetime import datetime
from typing import TYPE_CHECKING, Any, ClassVar, Protocol, TypeVar

from app.ctp.errors import CtpError
from app.ctp.json import Json
from app.mailer import Mailer
from app.services.email_verification import EmailVerification
from app.session.revocation import CustomerSessionRevoker
from webhooks import mails

if TYPE_CHECKING:
    from commercetools.platform.models.message import (
        CustomerCreatedMessage,
        CustomerPasswordUpdatedMessage,
        OrderCreatedMessage,
    )

log = logging.getLogger(__name__)
# Importing the SDK's models costs ~0.2 s: it happens with the first message, in the worker
# thread, instead of delaying every start-up.
_MESSAGE_MODELS = "commercetools.platform.models.message"
M = TypeVar("M")


class UnusableMessage(ValueError):
    """The payload does not fit its type's model; redelivering it would never help."""


class MessageHandler(Protocol):
    message_type: ClassVar[str]
    resource_type_id: ClassVar[str]
    # True when a newer message of this type for the same resource makes older ones moot, so
    # one arriving late must not undo what the newer one did.
    superseded_by_newer: ClassVar[bool]

    async def handle(self, payload: Json) -> None: ...


def _deserialize(model_name: str, payload: Json) -> Any:
    import marshmallow

    model = getattr(importlib.import_module(_MESSAGE_MODELS), model_name)
    try:
        return model.deserialize(payload)
    except (marshmallow.ValidationError, KeyError, TypeError, ValueError) as exc:
        raise UnusableMessage(f"{payload.get('type')} payload does not fit: {exc}") from exc


async def read(model_name: str, payload: Json) -> Any:
    return await asyncio.to_thread(_deserialize, model_name, payload)


class OrderConfirmation:
    message_type = "OrderCreated"
    resource_type_id = "order"
    superseded_by_newer = False

    def __init__(self, mailer: Mailer, *, default_locale: str, storefront_url: str) -> None:
        self._mailer = mailer
        self._locale = default_locale
        self._storefront = storefront_url

    async def handle(self, payload: Json) -> None:
        message: OrderCreatedMessage = await read("OrderCreatedMessage", payload)
        order = message.order
        if not order.customer_email:
            log.info("order %s has no e-mail address: no confirmation sent", order.id)
            return
        text = mails.order_confirmation(
            order, default_locale=self._locale, storefront_url=self._storefront
        )
        subject = f"Your order {order.order_number or order.id}"
        # MailDeliveryError propagates: the message is redelivered and the mail tried again.
        await self._mailer.send(
            self._mailer.compose(to=order.customer_email, subject=subject, text=text)
        )
        log.info("order confirmation for order %s sent", order.id)


class WelcomeMail:
    message_type = "CustomerCreated"
    resource_type_id = "customer"
    superseded_by_newer = False

    def __init__(
        self, mailer: Mailer, verification: EmailVerification, *, storefront_url: str
    ) -> None:
        self._mailer = mailer
        self._verification = verification
        self._storefront = storefront_url

    async def handle(self, payload: Json) -> None:
        message: CustomerCreatedMessage = await read("CustomerCreatedMessage", payload)
        customer = message.customer
        link = None if customer.is_email_verified else await self._verification_link(customer.id)
        text = mails.welcome(customer, storefront_url=self._storefront, verification_link=link)
        await self._mailer.send(
            self._mailer.compose(to=customer.email, subject="Welcome", text=text)
        )
        log.info("welcome e-mail for customer %s sent", customer.id)

    async def _verification_link(self, customer_id: str) -> str | None:
        try:
            return await self._verification.new_link(customer_id)
        except CtpError as exc:
            # A welcome without the link beats none: requestEmailVerification sends another.
            log.warning("no verification link for customer %s: %s", customer_id, exc)
            return None


class PasswordChangeEndsSessions:
    message_type = "CustomerPasswordUpdated"
    resource_type_id = "customer"
    # Ending sessions again for an older change would end sessions signed in after the newer.
    superseded_by_newer = True

    def __init__(self, revoker: CustomerSessionRevoker) -> None:
        self._revoker = revoker

    async def handle(self, payload: Json) -> None:
        message: CustomerPasswordUpdatedMessage = await read(
            "CustomerPasswordUpdatedMessage", payload
        )
        customer_id = message.resource.id
        changed_at: datetime = message.created_at
        log.info(
            "password of customer %s was %s", customer_id, "reset" if message.reset else "changed"
        )
        ended = await self._revoker.end_sessions_of(
            customer_id, signed_in_before=changed_at.timestamp()
        )
        # Cookie sessions are refused from now on rather than deleted: none is counted.
        log.info("sessions of customer %s ended (%d deleted from the store)", customer_id, ended)


class MessageHandlers:
    def __init__(self, *handlers: MessageHandler) -> None:
        self._by_type = {handler.message_type: handler for handler in handlers}

    def for_type(self, message_type: str) -> MessageHandler | None:
        return self._by_type.get(message_type)
