"""The mailer: .eml files in the outbox without SMTP_URL, and real SMTP delivery to a server
listening on 127.0.0.1 (aiosmtpd) with it."""

from __future__ import annotations

import asyncio
import email
import email.policy
import logging
import stat
from collections.abc import Callable, Iterator
from email.message import EmailMessage
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, AuthResult, Envelope, LoginPassword, Session
from pydantic import ValidationError

from app.mailer import (
    MailDeliveryError,
    Mailer,
    OutboxTransport,
    SmtpConfig,
    SmtpTransport,
    build_mailer,
)
from tests.conftest import RunningService, make_settings
from tests.support.ports import free_port

pytestmark = [
    pytest.mark.anyio,
    # aiosmtpd warns about AUTH without TLS; here it is loopback only, on purpose.
    pytest.mark.filterwarnings("ignore:Requiring AUTH while not requiring TLS:UserWarning"),
]

SMTP_USER = "mailer"
SMTP_PASSWORD = "s3cret/with:chars@"


class SmtpInbox:
    """What a real SMTP server (aiosmtpd, on a loopback port) received, and who logged in."""

    def __init__(self) -> None:
        self.envelopes: list[Envelope] = []
        self.logins: list[tuple[str, str]] = []

    async def handle_DATA(self, _server: SMTP, _session: Session, envelope: Envelope) -> str:
        self.envelopes.append(envelope)
        return "250 Message accepted for delivery"

    def authenticate(
        self, _server: SMTP, _session: Session, _envelope: Envelope, _mechanism: str, data: Any
    ) -> AuthResult:
        if not isinstance(data, LoginPassword):
            return AuthResult(success=False, handled=False)
        login, password = data.login.decode(), data.password.decode()
        self.logins.append((login, password))
        # handled=False: aiosmtpd then answers 535 itself instead of staying silent.
        return AuthResult(success=(login, password) == (SMTP_USER, SMTP_PASSWORD), handled=False)

    def messages(self) -> list[EmailMessage]:
        return [
            email.message_from_bytes(bytes(e.original_content or b""), policy=email.policy.default)
            for e in self.envelopes
        ]


@pytest.fixture
def smtp_server() -> Iterator[tuple[SmtpInbox, int]]:
    inbox = SmtpInbox()
    port = free_port()
    controller = Controller(
        inbox,
        hostname="127.0.0.1",
        port=port,
        authenticator=inbox.authenticate,
        auth_required=True,
        # No TLS certificate in a test; the credentials travel over loopback only.
        auth_require_tls=False,
    )
    controller.start()
    try:
        yield inbox, port
    finally:
        controller.stop()


def smtp_url(port: int) -> str:
    return f"smtp://{SMTP_USER}:s3cret%2Fwith%3Achars%40@127.0.0.1:{port}"


def outbox_files(directory: Path) -> list[Path]:
    return sorted(directory.glob("*.eml")) if directory.exists() else []


def read_eml(path: Path) -> EmailMessage:
    message = email.message_from_bytes(path.read_bytes(), policy=email.policy.default)
    assert isinstance(message, EmailMessage)
    return message


# -- configuration ------------------------------------------------------------------------------


def test_smtp_urls_choose_tls_and_default_ports() -> None:
    plain = SmtpConfig.from_url("smtp://u:p%40ss@mail.example.com", 5.0)
    assert (plain.hostname, plain.port, plain.use_tls, plain.start_tls) == (
        "mail.example.com",
        587,
        False,
        None,
    )
    assert (plain.username, plain.password) == ("u", "p@ss")
    required = SmtpConfig.from_url("smtp+starttls://mail.example.com:2525", 5.0)
    assert (required.port, required.start_tls, required.username) == (2525, True, None)
    implicit = SmtpConfig.from_url("smtps://mail.example.com", 5.0)
    assert (implicit.port, implicit.use_tls, implicit.start_tls) == (465, True, False)


@pytest.mark.parametrize("url", ["http://user:hunter22@mail.example.com", "smtp://", "mail:25"])
def test_a_malformed_smtp_url_stops_start_up_without_showing_the_password(url: str) -> None:
    with pytest.raises(ValidationError) as caught:
        make_settings(smtp_url=url)
    assert "hunter22" not in str(caught.value)


def test_without_smtp_url_the_mailer_writes_to_the_outbox(tmp_path: Path) -> None:
    mailer = build_mailer(make_settings(mail_outbox_dir=tmp_path / "out"))
    assert isinstance(mailer.transport, OutboxTransport)
    assert mailer.transport.directory == tmp_path / "out"


def test_storefront_url_must_be_http_and_loses_its_trailing_slash() -> None:
    assert make_settings(storefront_url="https://shop.example.com/").shop.storefront_url == (
        "https://shop.example.com"
    )
    with pytest.raises(ValidationError):
        make_settings(storefront_url="javascript:alert(1)")


# -- the outbox -----------------------------------------------------------------------------------


async def test_the_outbox_gets_one_private_eml_file_per_message(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    mailer = Mailer(OutboxTransport(tmp_path / "outbox"), "Shop <no-reply@shop.example>")
    with caplog.at_level(logging.INFO, logger="app.mailer"):
        await mailer.send(
            mailer.compose(to="ada@example.com", subject="Hello", text="secret-body-123")
        )
    [path] = outbox_files(tmp_path / "outbox")
    message = read_eml(path)
    assert message["To"] == "ada@example.com" and message["Subject"] == "Hello"
    assert message["From"] == "Shop <no-reply@shop.example>"
    assert message["Date"] and message["Message-ID"].endswith("@shop.example>")
    assert message.get_content().strip() == "secret-body-123"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert list((tmp_path / "outbox").iterdir()) == [path]  # no partial file left behind
    assert str(path) in caplog.text and "secret-body-123" not in caplog.text


@pytest.mark.parametrize("to", ["a,b@example.com", "Eve <eve@example.com>", "a b@example.com"])
def test_compose_takes_exactly_one_plain_address(to: str) -> None:
    mailer = Mailer(OutboxTransport(Path("unused")), "no-reply@shop.example")
    with pytest.raises(MailDeliveryError):
        mailer.compose(to=to, subject="Hi", text="x")


async def test_an_unwritable_outbox_is_a_delivery_error(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a directory")
    mailer = Mailer(OutboxTransport(blocker / "outbox"), "no-reply@shop.example")
    with pytest.raises(MailDeliveryError):
        await mailer.send(mailer.compose(to="ada@example.com", subject="Hi", text="x"))


async def test_background_sends_finish_before_close(tmp_path: Path) -> None:
    mailer = Mailer(OutboxTransport(tmp_path), "no-reply@shop.example")
    for n in range(3):
        mailer.send_in_background(mailer.compose(to="a@example.com", subject=f"#{n}", text="x"))
    await mailer.aclose()
    assert sorted(read_eml(p)["Subject"] for p in outbox_files(tmp_path)) == ["#0", "#1", "#2"]


async def test_a_failed_background_send_is_logged_without_its_body(
    caplog: pytest.LogCaptureFixture,
) -> None:
    mailer = Mailer(
        SmtpTransport(SmtpConfig.from_url(f"smtp://127.0.0.1:{free_port()}", 2.0)),
        "no-reply@shop.example",
    )
    with caplog.at_level(logging.INFO, logger="app.mailer"):
        mailer.send_in_background(
            mailer.compose(to="a@example.com", subject="Hi", text="reset-token-xyz")
        )
        await mailer.aclose()
    assert "not delivered" in caplog.text and "reset-token-xyz" not in caplog.text


# -- SMTP -----------------------------------------------------------------------------------------


async def test_smtp_delivers_to_a_real_server_after_logging_in(
    smtp_server: tuple[SmtpInbox, int],
) -> None:
    inbox, port = smtp_server
    mailer = build_mailer(
        make_settings(smtp_url=smtp_url(port), mail_from="Shop <no-reply@shop.example>")
    )
    await mailer.send(mailer.compose(to="ada@example.com", subject="Über", text="Grüße"))
    assert inbox.logins == [(SMTP_USER, SMTP_PASSWORD)]
    [envelope] = inbox.envelopes
    assert envelope.mail_from == "no-reply@shop.example"
    assert envelope.rcpt_tos == ["ada@example.com"]
    [message] = inbox.messages()
    assert message["Subject"] == "Über" and message.get_content().strip() == "Grüße"


async def test_smtp_with_wrong_credentials_is_a_delivery_error_without_the_password(
    smtp_server: tuple[SmtpInbox, int],
) -> None:
    inbox, port = smtp_server
    mailer = build_mailer(make_settings(smtp_url=f"smtp://{SMTP_USER}:wrong-pw@127.0.0.1:{port}"))
    with pytest.raises(MailDeliveryError) as caught:
        await mailer.send(mailer.compose(to="ada@example.com", subject="Hi", text="x"))
    assert "wrong-pw" not in str(caught.value)
    assert inbox.envelopes == []


async def test_no_smtp_server_is_a_delivery_error() -> None:
    mailer = build_mailer(make_settings(smtp_url=f"smtp://127.0.0.1:{free_port()}"))
    with pytest.raises(MailDeliveryError):
        await mailer.send(mailer.compose(to="ada@example.com", subject="Hi", text="x"))


async def test_the_password_reset_mail_goes_out_through_smtp(
    start_service: Callable[..., RunningService],
    smtp_server: tuple[SmtpInbox, int],
    tmp_path: Path,
) -> None:
    inbox, port = smtp_server
    service = start_service(
        smtp_url=smtp_url(port),
        mail_outbox_dir=tmp_path,
        storefront_url="https://shop.example.com",
    )
    async with service.browser() as browser:
        result = await browser.gql(
            "mutation($e: String!) { requestPasswordReset(email: $e) { userErrors { code } } }",
            {"e": "demo@example.com"},
        )
        assert result.ok() == {"requestPasswordReset": {"userErrors": []}}
    for _ in range(200):
        if inbox.envelopes:
            break
        await asyncio.sleep(0.025)
    [message] = inbox.messages()
    assert message["To"] == "demo@example.com"
    links = [w for w in message.get_content().split() if w.startswith("https://")]
    [link] = links
    parts = urlsplit(link)
    assert (parts.netloc, parts.path) == ("shop.example.com", "/reset-password")
    assert parse_qs(parts.query)["token"][0] in service.emulator.password_reset_tokens
    assert outbox_files(tmp_path) == []
