"""The storefront's side of e-mail verification: a signed-in customer asks for a link, and
whoever holds the link's token confirms the address (the token proves access to the mailbox;
no sign-in needed, as when the mail is opened on another device).

Asking sends at most one mail per address per `PASSWORD_RESET_MAIL_INTERVAL_SECONDS` (no inbox
can be flooded through it); tokens that do not exist count against the client address like bad
password reset tokens (guessing them is pointless, trying is not free).
"""

from __future__ import annotations

import logging

from app import models
from app.ctp import resources
from app.ctp.errors import CtpBadRequest, CtpNotFound
from app.errors import BadUserInput, Unauthenticated, UserErrorCode
from app.mailer import MailDeliveryError, Mailer
from app.request_context import RequestContext
from app.services import mapping
from app.services.credential_guard import CredentialGuard
from app.services.email_verification import EmailVerification
from app.services.reset_budget import PasswordResetBudget
from app.services.session_tokens import SessionTokens
from app.services.upstream_errors import shopper_error

log = logging.getLogger(__name__)

# commercetools' token values are opaque; anything longer is not one of them.
MAX_TOKEN_LENGTH = 512
_BAD_LINK = "This verification link is invalid or was already used. Ask for a new one."
_SIGN_IN_FIRST = "Sign in to verify your e-mail address."


class VerificationService:
    def __init__(
        self,
        context: RequestContext,
        tokens: SessionTokens,
        verification: EmailVerification,
        mailer: Mailer,
        guard: CredentialGuard,
        mail_budget: PasswordResetBudget,
    ) -> None:
        self._context = context
        self._session = context.session
        self._tokens = tokens
        self._verification = verification
        self._mailer = mailer
        self._guard = guard
        self._mail_budget = mail_budget

    async def request_verification(self) -> bool:
        """Mail the signed-in customer a verification link; nothing when already verified."""
        if not self._session.is_signed_in:
            raise Unauthenticated(_SIGN_IN_FIRST)
        customer: resources.Customer | None = await self._tokens.call(
            lambda token: self._verification.customer_of(token), create=False
        )
        if customer is None or not self._session.is_signed_in:
            raise Unauthenticated(_SIGN_IN_FIRST)
        if customer["isEmailVerified"]:
            return True
        email = customer["email"]
        if not await self._mail_budget.mail_due(email, purpose="verify"):
            return True
        link = await self._verification.new_link(customer["id"])
        try:
            message = self._mailer.compose(
                to=email, subject="Confirm your e-mail address", text=self._text(link)
            )
        except MailDeliveryError as exc:
            log.error("verification mail not sent: %s", exc)
            return True
        self._mailer.send_in_background(message)
        return True

    async def verify(self, token: str) -> models.Customer | None:
        """Verify the address the token was mailed to. The answer holds the customer only when
        this browser is signed in as them: a token proves the mailbox, not the account."""
        client_ip = self._context.client_address
        token = token.strip()
        if not token or len(token) > MAX_TOKEN_LENGTH:
            raise _bad_link()
        await self._guard.reserve(account=None, client_ip=client_ip)
        try:
            customer = await self._verification.confirm(token)
        except CtpNotFound as exc:
            raise _bad_link() from exc  # the reservation stays: a counted failure
        except CtpBadRequest as exc:
            await self._guard.give_back(account=None, client_ip=client_ip)
            if "ExpiredCustomerEmailToken" in exc.codes:
                raise BadUserInput(
                    "This verification link has expired. Ask for a new one.",
                    field=("token",),
                    code=UserErrorCode.TOKEN_EXPIRED,
                ) from exc
            raise shopper_error(exc, "account", field=("token",)) from exc
        except Exception:
            await self._guard.give_back(account=None, client_ip=client_ip)
            raise
        await self._guard.give_back(account=None, client_ip=client_ip)
        if self._session.customer_id != customer["id"]:
            return None
        return mapping.customer(customer)

    def _text(self, link: str) -> str:
        hours = max(1, self._verification.ttl_minutes // 60)
        return (
            "Please confirm that this e-mail address belongs to your account by opening this "
            f"link:\n\n{link}\n\nThe link works once, for {hours} hours. If you did not ask "
            "for it, ignore this e-mail.\n"
        )


def _bad_link() -> BadUserInput:
    return BadUserInput(_BAD_LINK, field=("token",), code=UserErrorCode.TOKEN_INVALID)
