"""Handling one Subscription payload at least once and at most once in effect: dedupe on the
message `id`, skip a message whose effect a newer one (higher `sequenceNumber` for the same
resource) already replaced, dispatch to the handler of its type.

The outcome decides the HTTP answer (webhooks/routes.py): everything but FAILED and BUSY is
acknowledged; those two are not, so Pub/Sub (or the emulator) delivers the message again.
"""

from __future__ import annotations

import enum
import logging
from dataclasses import dataclass

from app.ctp.json import Json
from webhooks.handlers import MessageHandlers, UnusableMessage
from webhooks.ledger import Claim, MessageLedger

log = logging.getLogger(__name__)


class Outcome(enum.Enum):
    HANDLED = "handled"
    DUPLICATE = "duplicate"
    SUPERSEDED = "superseded"
    IGNORED = "ignored"
    BUSY = "busy"
    FAILED = "failed"

    @property
    def acknowledged(self) -> bool:
        return self not in (Outcome.BUSY, Outcome.FAILED)


@dataclass(frozen=True, slots=True)
class Result:
    outcome: Outcome
    detail: str


@dataclass(frozen=True, slots=True)
class _Envelope:
    """The fields every Message has, checked before anything is claimed."""

    id: str
    type: str
    resource_type: str
    resource_id: str
    sequence_number: int

    @classmethod
    def of(cls, payload: Json) -> _Envelope | None:
        resource = payload.get("resource")
        values = (
            payload.get("id"),
            payload.get("type"),
            resource.get("typeId") if isinstance(resource, dict) else None,
            resource.get("id") if isinstance(resource, dict) else None,
        )
        sequence = payload.get("sequenceNumber")
        if not all(isinstance(v, str) and v for v in values) or not isinstance(sequence, int):
            return None
        message_id, message_type, resource_type, resource_id = (str(v) for v in values)
        return cls(message_id, message_type, resource_type, resource_id, sequence)


class EventProcessor:
    def __init__(self, handlers: MessageHandlers, ledger: MessageLedger) -> None:
        self._handlers = handlers
        self._ledger = ledger

    async def process(self, payload: Json) -> Result:
        notification = payload.get("notificationType", "Message")
        if notification != "Message":
            return _ignored(f"{notification} notifications are not handled")
        message = _Envelope.of(payload)
        if message is None:
            return _ignored("not a Message: id, type, resource or sequenceNumber is missing")
        handler = self._handlers.for_type(message.type)
        if handler is None:
            return _ignored(f"no handler for {message.type} messages")
        if handler.resource_type_id != message.resource_type:
            return _ignored(f"{message.type} for resource type {message.resource_type!r}")

        claim = await self._ledger.claim(message.id)
        if claim is Claim.DONE:
            return Result(Outcome.DUPLICATE, f"message {message.id} was handled before")
        if claim is Claim.BUSY:
            return Result(Outcome.BUSY, f"message {message.id} is being handled right now")

        watermark_key = f"{message.type}:{message.resource_id}"
        if handler.superseded_by_newer:
            newest = await self._ledger.watermark(watermark_key)
            if message.sequence_number <= newest:
                await self._ledger.complete(message.id)
                return Result(
                    Outcome.SUPERSEDED,
                    f"{message.type} #{message.sequence_number} of {message.resource_id} is "
                    f"older than #{newest}, already applied",
                )
        try:
            await handler.handle(payload)
        except UnusableMessage as exc:
            await self._ledger.complete(message.id)
            log.error("message %s (%s) cannot be handled: %s", message.id, message.type, exc)
            return Result(Outcome.IGNORED, str(exc))
        except Exception as exc:
            await self._ledger.release(message.id)
            log.warning(
                "message %s (%s) failed and will be redelivered: %s: %s",
                message.id,
                message.type,
                type(exc).__name__,
                exc,
            )
            return Result(Outcome.FAILED, f"{type(exc).__name__}")
        if handler.superseded_by_newer:
            await self._ledger.raise_watermark(watermark_key, message.sequence_number)
        await self._ledger.complete(message.id)
        return Result(Outcome.HANDLED, f"{message.type} {message.id}")


def _ignored(reason: str) -> Result:
    log.info("event acknowledged without action: %s", reason)
    return Result(Outcome.IGNORED, reason)
