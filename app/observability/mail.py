"""Around one delivery (app/mailer.py): counted as sent or failed, per transport."""

from __future__ import annotations

from types import TracebackType

from app.observability import metrics

_TRANSPORTS = {"SmtpTransport": "smtp", "OutboxTransport": "outbox"}


class MailCount:
    __slots__ = ("_transport",)

    def __init__(self, transport: object) -> None:
        self._transport = _TRANSPORTS.get(type(transport).__name__, "other")

    def __enter__(self) -> MailCount:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        metrics.mail(self._transport, sent=exc is None)
