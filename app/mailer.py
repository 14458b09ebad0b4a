"""Outgoing e-mail: one `Mailer` for the process, with no browser session behind it.

With `SMTP_URL` set, messages go out through that SMTP server (aiosmtplib: asynchronous, so a
slow server never blocks the event loop). Without it, each message is written as an `.eml` file
into `MAIL_OUTBOX_DIR`, which is how development and tests read what would have been sent.

Logs name the outbox file or the SMTP host, never a body: bodies hold reset links.
"""

from __future__ import annotations

import asyncio
import logging
import os
import time
import uuid
from collections.abc import Coroutine
from dataclasses import dataclass
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import formatdate, make_msgid, parseaddr
from pathlib import Path
from typing import Any, Protocol
from urllib.parse import unquote, urlsplit

import aiosmtplib

from app.observability.mail import MailCount
from app.settings import SMTP_SCHEMES, Settings

log = logging.getLogger(__name__)

# STARTTLS per scheme: None upgrades when the server offers it, True insists, and smtps needs
# none because the connection is TLS from the start.
_START_TLS: dict[str, bool | None] = {"smtp": None, "smtp+starttls": True, "smtps": False}
assert set(_START_TLS) == set(SMTP_SCHEMES)

# How long shutdown waits for messages still being delivered in the background.
_DRAIN_SECONDS = 10.0


class MailDeliveryError(Exception):
    """The message could not be handed to the SMTP server or written to the outbox."""


class MailTransport(Protocol):
    async def deliver(self, message: EmailMessage) -> None: ...


@dataclass(frozen=True, slots=True)
class SmtpConfig:
    hostname: str
    port: int
    username: str | None
    password: str | None
    use_tls: bool  # TLS from the first byte (smtps)
    start_tls: bool | None  # True: required; None: when offered
    timeout: float

    @classmethod
    def from_url(cls, url: str, timeout: float) -> SmtpConfig:
        """`smtp://` (STARTTLS when the server offers it), `smtp+starttls://` (STARTTLS
        required) or `smtps://` (implicit TLS); user and password URL-encoded."""
        parts = urlsplit(url)
        if parts.scheme not in _START_TLS or not parts.hostname:
            raise ValueError("SMTP_URL must look like smtp://user:password@host:587")
        implicit_tls = parts.scheme == "smtps"
        return cls(
            hostname=parts.hostname,
            port=parts.port or (465 if implicit_tls else 587),
            username=unquote(parts.username) if parts.username else None,
            password=unquote(parts.password) if parts.password else None,
            use_tls=implicit_tls,
            start_tls=_START_TLS[parts.scheme],
            timeout=timeout,
        )


class SmtpTransport:
    def __init__(self, config: SmtpConfig) -> None:
        self._config = config

    async def deliver(self, message: EmailMessage) -> None:
        config = self._config
        try:
            await aiosmtplib.send(
                message,
                hostname=config.hostname,
                port=config.port,
                username=config.username,
                password=config.password,
                use_tls=config.use_tls,
                start_tls=config.start_tls,
                timeout=config.timeout,
            )
        except (aiosmtplib.SMTPException, OSError, TimeoutError) as exc:
            raise MailDeliveryError(
                f"SMTP server {config.hostname}:{config.port} refused or failed: "
                f"{type(exc).__name__}"
            ) from exc
        log.info("mail %s sent via %s", message["Message-ID"], config.hostname)


class OutboxTransport:
    """Writes `<time>-<id>.eml` files; a file appears whole or not at all."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory

    async def deliver(self, message: EmailMessage) -> None:
        try:
            path = await asyncio.to_thread(self._write, bytes(message))
        except OSError as exc:
            raise MailDeliveryError(f"cannot write to the outbox {self.directory}") from exc
        log.info("mail %s written to %s", message["Message-ID"], path)

    def _write(self, data: bytes) -> Path:
        self.directory.mkdir(parents=True, exist_ok=True)
        name = f"{time.strftime('%Y%m%dT%H%M%S')}-{uuid.uuid4().hex}.eml"
        final = self.directory / name
        partial = self.directory / f".{name}.part"
        # Owner-only: these files hold password reset links.
        fd = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        partial.replace(final)
        return final


class Mailer:
    def __init__(self, transport: MailTransport, sender: str) -> None:
        self.transport = transport
        self.sender = sender
        self._pending: set[asyncio.Task[None]] = set()

    def compose(self, *, to: str, subject: str, text: str) -> EmailMessage:
        """A plain-text message from the configured sender to one address; MailDeliveryError
        when `to` is not a single deliverable address."""
        try:
            recipient = Address(addr_spec=to)
        except ValueError as exc:  # the email package's header defects are ValueErrors
            raise MailDeliveryError("not a single deliverable e-mail address") from exc
        message = EmailMessage()
        message["From"] = self.sender
        message["To"] = recipient
        message["Subject"] = subject
        message.set_content(text)
        return message

    async def send(self, message: EmailMessage) -> None:
        """Deliver now; MailDeliveryError when that fails (the caller decides about retries)."""
        if message["From"] is None:
            message["From"] = self.sender
        if message["Date"] is None:
            message["Date"] = formatdate(usegmt=True)
        if message["Message-ID"] is None:
            domain = parseaddr(self.sender)[1].rpartition("@")[2] or None
            message["Message-ID"] = make_msgid(domain=domain)
        with MailCount(self.transport):
            await self.transport.deliver(message)

    def send_in_background(self, message: EmailMessage) -> None:
        """Deliver without making the caller wait: the answer then takes as long whether or not
        a message was sent (no account enumeration by timing). Failures are logged."""
        self._track(self._send_logged(message))

    async def aclose(self) -> None:
        """Wait a little for background deliveries, so a shutdown loses none that were close."""
        if self._pending:
            await asyncio.wait(set(self._pending), timeout=_DRAIN_SECONDS)

    def _track(self, work: Coroutine[Any, Any, None]) -> None:
        task = asyncio.get_running_loop().create_task(work)
        # The loop keeps only weak references to tasks: hold them until they are done.
        self._pending.add(task)
        task.add_done_callback(self._pending.discard)

    async def _send_logged(self, message: EmailMessage) -> None:
        try:
            await self.send(message)
        except MailDeliveryError as exc:
            log.error("mail %s not delivered: %s", message["Message-ID"], exc)


def build_mailer(settings: Settings) -> Mailer:
    if settings.mail.smtp_url is not None:
        config = SmtpConfig.from_url(
            settings.mail.smtp_url.get_secret_value(), settings.mail.smtp_timeout_seconds
        )
        return Mailer(SmtpTransport(config), settings.mail.from_address)
    if settings.is_production:
        log.warning(
            "SMTP_URL is not set: e-mails are written to %s and never reach customers",
            settings.mail.outbox_dir,
        )
    return Mailer(OutboxTransport(settings.mail.outbox_dir), settings.mail.from_address)
