"""Reads the mailer's outbox (`MAIL_OUTBOX_DIR`): one `.eml` file per message."""

from __future__ import annotations

import asyncio
import email
import email.message
import email.policy
from pathlib import Path
from urllib.parse import parse_qs, urlsplit


def read_outbox(outbox: Path) -> list[email.message.EmailMessage]:
    messages = []
    for path in sorted(outbox.glob("*.eml")) if outbox.exists() else []:
        message = email.message_from_bytes(path.read_bytes(), policy=email.policy.default)
        assert isinstance(message, email.message.EmailMessage)
        messages.append(message)
    return messages


async def wait_for_mails(outbox: Path, count: int) -> list[email.message.EmailMessage]:
    """The outbox's messages, in no particular order, once there are `count` (mail leaves in
    the background, after the answer)."""
    messages: list[email.message.EmailMessage] = []
    for _ in range(400):
        messages = await asyncio.to_thread(read_outbox, outbox)
        if len(messages) >= count:
            break
        await asyncio.sleep(0.01)
    assert len(messages) == count
    return messages


async def wait_for_mail_to(
    outbox: Path, recipient: str, subject: str
) -> email.message.EmailMessage:
    for _ in range(400):
        for message in await asyncio.to_thread(read_outbox, outbox):
            if message["To"] == recipient and message["Subject"] == subject:
                return message
        await asyncio.sleep(0.01)
    raise AssertionError(f"no mail {subject!r} to {recipient}")


def link_token(message: email.message.EmailMessage, page: str) -> str:
    """The `token` query parameter of the first link in the mail, which must point at `page`."""
    [link] = [
        w for w in str(message.get_content()).split() if w.startswith(("https://", "http://"))
    ]
    parts = urlsplit(link)
    assert f"{parts.scheme}://{parts.netloc}{parts.path}" == page
    token: str = parse_qs(parts.query)["token"][0]
    return token
