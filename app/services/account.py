"""The customer's account: sign-up, sign-in, sign-out, profile, address book and passwords.

Sign-in keeps what the guest did: with an anonymous token in the session, the credentials go to
`/me/login` first, which moves the anonymous carts and orders to the customer (commercetools'
password flow alone would not); only then is the customer token requested.

Everything but signing up, in, and resetting a forgotten password needs a signed-in customer and
acts through `/me` with the customer's token, so one browser can only ever change its own
account. A wrong current password is BAD_USER_INPUT, not UNAUTHENTICATED: the session is still
signed in, and the storefront should show the error on the form rather than a sign-in page.
Wrong credentials at sign-in are input errors too (INVALID_CREDENTIALS, about no one field: the
answer must not tell whether the address has an account).
"""

from __future__ import annotations

import datetime as dt
import logging
import re
import secrets
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from email.message import EmailMessage
from typing import Any
from urllib.parse import urlencode

from app import models
from app.clock import Clock
from app.ctp import resources
from app.ctp.errors import CtpBadRequest, CtpConcurrentModification, CtpError, CtpNotFound
from app.ctp.gateway import CtpGateway
from app.ctp.json import Json
from app.ctp.tokens import InvalidCustomerCredentials, TokenFlows
from app.errors import (
    BadUserInput,
    Field,
    NotFound,
    Unauthenticated,
    UpstreamUnavailable,
    UserErrorCode,
)
from app.mailer import MailDeliveryError, Mailer
from app.request_context import RequestContext
from app.services import mapping
from app.services.addresses import is_email, single_line, validate_address
from app.services.credential_guard import CredentialGuard, customer_key, email_key
from app.services.reset_budget import PasswordResetBudget
from app.services.session_tokens import SessionTokens, to_session_token
from app.services.shopper_context import ShopperContextService
from app.services.upstream_errors import SHOPPER_MESSAGES, shopper_error
from app.session.revocation import CustomerSessionRevoker
from app.session.store import SessionStoreUnavailable

log = logging.getLogger(__name__)
# Builds the update actions from the customer as last read; an empty list changes nothing.
ActionsFor = Callable[[Json], list[Json]]

MIN_PASSWORD_LENGTH = 8
MAX_FIELD_LENGTH = 256
# commercetools' password reset token values are opaque; anything longer is not one of them.
MAX_RESET_TOKEN_LENGTH = 512
_WRONG_CREDENTIALS = SHOPPER_MESSAGES["InvalidCredentials"].text
_WRONG_CURRENT_PASSWORD = SHOPPER_MESSAGES["InvalidCurrentPassword"].text
_BAD_RESET_LINK = "This password reset link is invalid or was already used. Ask for a new one."
_SIGN_IN_FIRST = "Sign in to manage your account."
_NO_SUCH_ADDRESS = "There is no saved address with this id."
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_EARLIEST_BIRTH_DATE = dt.date(1900, 1, 1)
SIGN_IN_MODE = "MergeWithExistingCustomerCart"
_PROFILE_TEXT_ACTIONS = (
    ("first_name", "setFirstName", "firstName"),
    ("last_name", "setLastName", "lastName"),
)


@dataclass(frozen=True, slots=True)
class SignUpInput:
    email: str
    password: str
    first_name: str | None = None
    last_name: str | None = None


@dataclass(frozen=True, slots=True)
class PasswordResetMail:
    """What the reset e-mail needs besides the token: where the storefront's form is."""

    storefront_url: str
    ttl_minutes: int

    def link(self, token: str) -> str:
        return f"{self.storefront_url}/reset-password?{urlencode({'token': token})}"


def normalize_email(email: str, field: Field) -> str:
    email = email.strip()
    if not email:
        raise BadUserInput("Enter your e-mail address.", field=field, code=UserErrorCode.BLANK)
    if len(email) > MAX_FIELD_LENGTH or not is_email(email):
        raise BadUserInput("Enter a valid e-mail address.", field=field)
    return email


def check_new_password(password: str, field: Field) -> None:
    if not MIN_PASSWORD_LENGTH <= len(password) <= MAX_FIELD_LENGTH:
        raise BadUserInput(
            f"Choose a password of {MIN_PASSWORD_LENGTH} to {MAX_FIELD_LENGTH} characters.",
            field=field,
            code=UserErrorCode.OUT_OF_RANGE,
        )


def _wrong_credentials() -> BadUserInput:
    return BadUserInput(_WRONG_CREDENTIALS, code=UserErrorCode.INVALID_CREDENTIALS)


class AccountService:
    def __init__(
        self,
        context: RequestContext,
        tokens: SessionTokens,
        flows: TokenFlows,
        gateway: CtpGateway,
        mailer: Mailer,
        reset_mail: PasswordResetMail,
        guard: CredentialGuard,
        reset_budget: PasswordResetBudget,
        revoker: CustomerSessionRevoker,
        clock: Clock = time.time,
        contexts: ShopperContextService | None = None,
    ) -> None:
        self._context = context
        self._session = context.session
        self._tokens = tokens
        self._flows = flows
        self._gateway = gateway
        self._mailer = mailer
        self._reset_mail = reset_mail
        # Throttles credential checks and evens out their timing (docs/security.md).
        self._guard = guard
        self._reset_budget = reset_budget
        # Ends the customer's other sessions after a password change or reset.
        self._revoker = revoker
        self._clock = clock
        # Puts the cart sign-in leaves into the shopper context (its currency and store).
        self._contexts = contexts

    async def me(self) -> models.Customer | None:
        if not self._session.is_signed_in:
            return None
        raw = await self._tokens.call(
            lambda token: self._gateway.get(self._me, token=token), create=False
        )
        return mapping.customer(raw) if raw is not None else None

    async def sign_in(self, email: str, password: str) -> models.SignedIn:
        client_ip = self._context.client_address
        email = normalize_email(email, ("email",))
        account = email_key(email)
        await self._guard.reserve(account=account, client_ip=client_ip)
        started = self._guard.start()
        try:
            signed_in = await self._sign_in(email, password)
        except BadUserInput:
            # Unknown address or wrong password: the reservation stays a counted failure, and
            # both are timed alike.
            await self._guard.pad(started)
            raise
        except Exception:
            await self._guard.give_back(account=account, client_ip=client_ip)
            raise
        await self._guard.succeeded(account=account, client_ip=client_ip)
        return signed_in

    async def _sign_in(self, email: str, password: str) -> models.SignedIn:
        if not password or len(password) > MAX_FIELD_LENGTH:
            raise _wrong_credentials()
        guest_token = await self._guest_token()
        cart_id: str | None = None
        if guest_token is not None:
            body = {"email": email, "password": password, "activeCartSignInMode": SIGN_IN_MODE}
            try:
                result = await self._gateway.post(
                    self._in_store("/me/login"), body, token=guest_token
                )
            except CtpBadRequest as exc:
                if "InvalidCredentials" in exc.codes:
                    raise _wrong_credentials() from exc
                raise
            cart_id = (result.get("cart") or {}).get("id")
        try:
            issued = await self._flows.password(email, password, store_key=self._store_key)
        except InvalidCustomerCredentials as exc:
            raise _wrong_credentials() from exc
        if guest_token is None:
            result = {"customer": await self._gateway.get(self._me, token=issued.access_token)}
        self._start_customer_session(issued, result["customer"], cart_id)
        left_out = await self._follow_context(result.get("cart"))
        return models.SignedIn(mapping.customer(result["customer"]), left_out)

    async def sign_up(self, form: SignUpInput) -> models.SignedIn:
        client_ip = self._context.client_address
        email = normalize_email(form.email, ("input", "email"))
        check_new_password(form.password, ("input", "password"))
        draft: Json = {"email": email, "password": form.password}
        # Names reach e-mails sent to this address: one line each, as on updateProfile.
        for key, value in (("firstName", form.first_name), ("lastName", form.last_name)):
            text = _optional_text(value, ("input", key))
            if text:
                draft[key] = text
        # "This address already has an account" tells whether an address is registered: each
        # sign-up reserves an attempt per client address and only those answers keep it, so
        # sign-up cannot enumerate accounts in bulk, not even in parallel.
        await self._guard.reserve(account=None, client_ip=client_ip)
        try:
            guest_token = await self._guest_token()
            if guest_token is not None:
                # Signing up through the anonymous session hands its carts and orders over.
                result = await self._gateway.post(
                    self._in_store("/me/signup"), draft, token=guest_token
                )
            else:
                result = await self._gateway.post(self._in_store("/customers"), draft)
        except CtpBadRequest as exc:
            if "DuplicateField" not in exc.codes:
                await self._guard.give_back(account=None, client_ip=client_ip)
            raise shopper_error(exc, "account", field=("input", "email")) from exc
        except Exception:
            await self._guard.give_back(account=None, client_ip=client_ip)
            raise
        await self._guard.give_back(account=None, client_ip=client_ip)
        issued = await self._flows.password(email, form.password, store_key=self._store_key)
        cart_id = (result.get("cart") or {}).get("id")
        self._start_customer_session(issued, result["customer"], cart_id)
        left_out = await self._follow_context(result.get("cart"))
        return models.SignedIn(mapping.customer(result["customer"]), left_out)

    def sign_out(self) -> bool:
        self._session.clear()
        return True

    # -- profile and address book ---------------------------------------------------------

    async def update_profile(self, changes: Mapping[str, Any]) -> models.Customer:
        """Change what `changes` names (snake_case keys of ProfileInput); absent keys stay as
        they are, null clears names and the date of birth. A new e-mail address needs the
        current password: it is where password reset links go."""
        self._require_signed_in()
        actions: list[Json] = []
        for key, action, field in _PROFILE_TEXT_ACTIONS:
            if key in changes:
                text = _optional_text(changes[key], ("input", field))
                actions.append({"action": action, field: text} if text else {"action": action})
        if "date_of_birth" in changes:
            birth = _date_of_birth(changes["date_of_birth"])
            actions.append(
                {"action": "setDateOfBirth", "dateOfBirth": birth}
                if birth
                else {"action": "setDateOfBirth"}
            )
        new_email = None
        if "email" in changes:
            if changes["email"] is None:
                raise BadUserInput(
                    "An account needs an e-mail address.",
                    field=("input", "email"),
                    code=UserErrorCode.BLANK,
                )
            new_email = normalize_email(changes["email"], ("input", "email"))
        password = changes.get("current_password")

        async def update(token: str) -> Json:
            customer = await self._gateway.get(self._me, token=token)
            email_actions: list[Json] = []
            if new_email is not None and new_email.lower() != str(customer["email"]).lower():
                await self._verify_password(customer["email"], password)
                email_actions = [{"action": "changeEmail", "email": new_email}]
            # A refusal of a new address (another account has it) is about the e-mail field.
            field = ("input", "email") if email_actions else None
            return await self._update_me(
                token, customer, lambda _: actions + email_actions, field=field
            )

        return mapping.customer(await self._as_customer(update))

    async def add_address(
        self,
        address: Mapping[str, Any],
        *,
        default_shipping: bool = False,
        default_billing: bool = False,
    ) -> models.Customer:
        self._require_signed_in()
        draft = validate_address(address)
        # A key names the new address within this one update, so it can also become a default;
        # its id is only known from the answer.
        draft["key"] = f"a-{secrets.token_hex(8)}"
        actions: list[Json] = [{"action": "addAddress", "address": draft}]
        if default_shipping:
            actions.append({"action": "setDefaultShippingAddress", "addressKey": draft["key"]})
        if default_billing:
            actions.append({"action": "setDefaultBillingAddress", "addressKey": draft["key"]})
        return await self._change_me(lambda _: actions)

    async def update_address(
        self,
        address_id: str,
        address: Mapping[str, Any],
        *,
        default_shipping: bool | None = None,
        default_billing: bool | None = None,
    ) -> models.Customer:
        """Replace a saved address. `default_*`: true makes it the default, false stops it
        being the default (if it was), null leaves the defaults alone."""
        self._require_signed_in()
        address_id = _address_id(address_id)
        draft = validate_address(address)

        def actions(customer: Json) -> list[Json]:
            saved = _saved_address(customer, address_id)
            # changeAddress replaces the whole address: keep the key that names it.
            if saved.get("key"):
                draft["key"] = saved["key"]
            found: list[Json] = [
                {"action": "changeAddress", "addressId": address_id, "address": draft}
            ]
            for kind, wanted in (("Shipping", default_shipping), ("Billing", default_billing)):
                is_default = customer.get(f"default{kind}AddressId") == address_id
                if wanted and not is_default:
                    found.append({"action": f"setDefault{kind}Address", "addressId": address_id})
                elif wanted is False and is_default:
                    found.append({"action": f"setDefault{kind}Address"})
            return found

        return await self._change_me(actions)

    async def remove_address(self, address_id: str) -> models.Customer:
        """Forget a saved address; a default it was stops being set."""
        self._require_signed_in()
        address_id = _address_id(address_id)

        def actions(customer: Json) -> list[Json]:
            _saved_address(customer, address_id)
            return [{"action": "removeAddress", "addressId": address_id}]

        return await self._change_me(actions)

    # -- passwords --------------------------------------------------------------------------

    async def change_password(self, current: str, new: str) -> models.Customer:
        """Change the password, then sign this browser in afresh with the new one.

        commercetools keeps the customer's tokens valid across a change (it revokes them only
        on a reset), but the session moves to a token issued for the new credentials and to a
        new session id, as after any sign-in.
        """
        self._require_signed_in()
        if not current or len(current) > MAX_FIELD_LENGTH:
            raise BadUserInput(
                _WRONG_CURRENT_PASSWORD,
                field=("currentPassword",),
                code=UserErrorCode.WRONG_CURRENT_PASSWORD,
            )
        check_new_password(new, ("newPassword",))
        if new == current:
            raise BadUserInput(
                "Choose a new password that differs from the current one.",
                field=("newPassword",),
                code=UserErrorCode.PASSWORD_UNCHANGED,
            )
        # A borrowed session must not become a way to guess the password, not even in parallel.
        customer_id = str(self._session.customer_id)
        account = customer_key(customer_id)
        await self._guard.reserve(account=account, client_ip=None)
        wrong_password = False

        async def change(token: str) -> Json:
            nonlocal wrong_password
            customer = await self._gateway.get(self._me, token=token)

            def password_change(version: int) -> Json:
                return {"version": version, "currentPassword": current, "newPassword": new}

            try:
                changed: Json = await self._gateway.write_versioned(
                    self._in_store("/me/password"),
                    int(customer["version"]),
                    password_change,
                    token=token,
                    versioned_resource=self._me,
                )
            except (CtpBadRequest, CtpConcurrentModification) as exc:
                wrong_password = "InvalidCurrentPassword" in exc.codes
                raise shopper_error(exc, "account", field=("currentPassword",)) from exc
            return changed

        try:
            customer = await self._as_customer(change)
        except Exception:
            if not wrong_password:
                await self._guard.give_back(account=account, client_ip=None)
            raise
        await self._guard.succeeded(account=account, client_ip=None)
        # commercetools keeps the customer's other tokens valid: whoever else holds a session
        # of this customer (a stolen cookie, a forgotten computer) is signed out here.
        await self._end_other_sessions(customer_id)
        await self._renew_customer_token(customer, new)
        return mapping.customer(customer)

    async def request_password_reset(self, email: str) -> bool:
        """Mail a reset link if an account has this address. The answer is the same either
        way, and so is its timing: the mail leaves in the background and the answer is padded
        like a failed sign-in. Requests have their own budget per client address, which never
        locks sign-in, and an address gets at most one mail per interval however often it is
        asked for (app/services/reset_budget.py)."""
        email = normalize_email(email, ("email",))
        await self._reset_budget.reserve_request(self._context.client_address)
        started = self._guard.start()
        if await self._reset_budget.mail_due(email):
            await self._send_reset_mail(email)
        await self._guard.pad(started)
        return True

    async def _send_reset_mail(self, email: str) -> None:
        body = {
            "email": email,
            "ttlMinutes": self._reset_mail.ttl_minutes,
            # Only the newest link works: an older mail found later is worthless.
            "invalidateOlderTokens": True,
        }
        try:
            token = await self._gateway.post(self._in_store("/customers/password-token"), body)
        except CtpNotFound:
            return
        try:
            message = self._password_reset_message(email, token["value"])
        except MailDeliveryError as exc:
            # Telling the shopper would tell them the account exists.
            log.error("password reset mail not sent: %s", exc)
            return
        self._mailer.send_in_background(message)

    async def reset_password(self, token: str, new_password: str) -> bool:
        """Set a new password with the token from the reset mail. commercetools then revokes
        the customer's tokens, so a session of that customer in this browser ends too. Bad
        tokens count against the client address: guessing them is pointless, trying is not
        free."""
        client_ip = self._context.client_address
        token = token.strip()
        if not token or len(token) > MAX_RESET_TOKEN_LENGTH:
            raise _bad_reset_link()
        check_new_password(new_password, ("newPassword",))
        await self._guard.reserve(account=None, client_ip=client_ip)
        body = {"tokenValue": token, "newPassword": new_password}
        try:
            customer = await self._gateway.post(self._in_store("/customers/password/reset"), body)
        except CtpNotFound as exc:
            raise _bad_reset_link() from exc
        except CtpBadRequest as exc:
            if "ExpiredCustomerPasswordToken" in exc.codes:
                raise BadUserInput(
                    "This password reset link has expired. Ask for a new one.",
                    field=("token",),
                    code=UserErrorCode.TOKEN_EXPIRED,
                ) from exc
            await self._guard.give_back(account=None, client_ip=client_ip)
            raise shopper_error(exc, "account", field=("newPassword",)) from exc
        except Exception:
            await self._guard.give_back(account=None, client_ip=client_ip)
            raise
        await self._guard.give_back(account=None, client_ip=client_ip)
        customer_id = str(customer.get("id"))
        # Every session of the customer ends, this browser's included if it is one of them.
        await self._end_other_sessions(customer_id)
        if self._session.customer_id == customer_id:
            self._session.clear()
        return True

    # -- helpers ----------------------------------------------------------------------------

    @property
    def _store_key(self) -> str | None:
        return self._context.store.key

    @property
    def _me(self) -> str:
        return self._in_store("/me")

    def _in_store(self, path: str) -> str:
        """Customers of a store sign up, sign in and change their account in that store
        (commercetools' in-store endpoints); without a store, project-wide."""
        return self._context.store.path(path)

    def _require_signed_in(self) -> None:
        if not self._session.is_signed_in:
            raise Unauthenticated(_SIGN_IN_FIRST)

    async def _as_customer(self, request: Callable[[str], Any]) -> resources.Customer:
        """Run `request` with the customer's token; UNAUTHENTICATED when the session lost it
        (a refresh that failed signs the browser out)."""
        result: resources.Customer | None = await self._tokens.call(request, create=False)
        if result is None or not self._session.is_signed_in:
            raise Unauthenticated(_SIGN_IN_FIRST)
        return result

    async def _change_me(self, actions: ActionsFor) -> models.Customer:
        async def change(token: str) -> Json:
            customer = await self._gateway.get(self._me, token=token)
            return await self._update_me(token, customer, actions)

        return mapping.customer(await self._as_customer(change))

    async def _update_me(
        self, token: str, customer: Json, actions_for: ActionsFor, field: Field | None = None
    ) -> Json:
        actions = actions_for(customer)
        if not actions:
            return customer

        try:
            updated: Json = await self._gateway.update(
                self._me, int(customer["version"]), actions, token=token
            )
        except (CtpBadRequest, CtpConcurrentModification) as exc:
            raise shopper_error(exc, "account", field=field) from exc
        return updated

    async def _verify_password(self, email: str, password: Any) -> None:
        if not isinstance(password, str) or not password or len(password) > MAX_FIELD_LENGTH:
            raise BadUserInput(
                "Enter your current password to change your e-mail address.",
                field=("input", "currentPassword"),
                code=UserErrorCode.BLANK,
            )
        account = customer_key(str(self._session.customer_id))
        await self._guard.reserve(account=account, client_ip=None)
        try:
            # The server-side sign-in checks the pair without issuing a token.
            await self._gateway.post(
                self._in_store("/login"), {"email": email, "password": password}
            )
        except CtpBadRequest as exc:
            if "InvalidCredentials" in exc.codes:
                raise BadUserInput(
                    _WRONG_CURRENT_PASSWORD,
                    field=("input", "currentPassword"),
                    code=UserErrorCode.WRONG_CURRENT_PASSWORD,
                ) from exc
            await self._guard.give_back(account=account, client_ip=None)
            raise
        except Exception:
            await self._guard.give_back(account=account, client_ip=None)
            raise
        await self._guard.succeeded(account=account, client_ip=None)

    async def _renew_customer_token(self, customer: resources.Customer, password: str) -> None:
        """Sign this browser in afresh: a new session, begun after the other ones ended."""
        token = self._session.token
        try:
            issued = await self._flows.password(
                str(customer["email"]), password, store_key=self._store_key
            )
        except (CtpError, InvalidCustomerCredentials, UpstreamUnavailable) as exc:
            # The change went through and the old token still works: keep it, in a new session.
            log.warning("no fresh token after a password change: %s", type(exc).__name__)
            if token is not None:
                self._session.signin(token, str(customer["id"]))
            return
        self._session.signin(to_session_token(issued), str(customer["id"]))

    async def _end_other_sessions(self, customer_id: str) -> None:
        """End every session of the customer begun until now; this browser's new one, begun
        when its answer leaves, stays."""
        try:
            await self._revoker.end_sessions_of(customer_id, signed_in_before=self._clock())
        except SessionStoreUnavailable as exc:
            # The password has changed already; the CustomerPasswordUpdated event ends the
            # sessions again when it arrives (webhooks/handlers.py).
            log.error("other sessions of customer %s not ended now: %s", customer_id, exc)

    def _password_reset_message(self, email: str, token: str) -> EmailMessage:
        minutes = self._reset_mail.ttl_minutes
        return self._mailer.compose(
            to=email,
            subject="Reset your password",
            text=(
                "Someone asked to reset the password of the account with this e-mail address.\n"
                "To choose a new password, open this link:\n\n"
                f"{self._reset_mail.link(token)}\n\n"
                f"The link works once, for {minutes} minutes. If you did not ask for it, ignore "
                "this e-mail: your password stays as it is.\n"
            ),
        )

    async def _guest_token(self) -> str | None:
        """The anonymous session's token, if this browser has one and is not signed in."""
        if self._session.is_signed_in:
            return None
        return await self._tokens.current()

    async def _follow_context(self, cart: resources.Cart | None) -> tuple[models.LeftOutLine, ...]:
        """The merged cart in the context's currency: a guest who switched to USD and signs in
        to an account with a EUR cart gets one USD cart with both carts' lines. Lines it cannot
        price stay in the cart left behind (the session remembers it: switching back to its
        currency brings them back)."""
        if cart is None or self._contexts is None:
            return ()
        return await self._contexts.follow(cart)

    def _start_customer_session(
        self, issued: Any, customer: resources.Customer, cart_id: str | None
    ) -> None:
        # A different customer may have been signed in on this browser: nothing of theirs stays.
        self._session.clear()
        self._session.signin(to_session_token(issued), str(customer["id"]))
        self._session.cart_id = cart_id
        # Read once here: every price this customer sees is selected with their groups.
        self._session.customer_groups = customer_groups(customer) or None


def customer_groups(customer: Any) -> tuple[str, ...]:
    """The customer's Customer Groups: its assignments (several groups per customer), else
    its one `customerGroup`."""
    found: list[str] = []
    for assignment in customer.get("customerGroupAssignments") or ():
        group = assignment.get("customerGroup") or {}
        if isinstance(group.get("id"), str):
            found.append(group["id"])
    single = customer.get("customerGroup") or {}
    if not found and isinstance(single.get("id"), str):
        found.append(single["id"])
    return tuple(dict.fromkeys(found))[:20]


def _bad_reset_link() -> BadUserInput:
    return BadUserInput(_BAD_RESET_LINK, field=("token",), code=UserErrorCode.TOKEN_INVALID)


def _optional_text(value: Any, field: Field) -> str | None:
    if value is None:
        return None
    return single_line(value, field, MAX_FIELD_LENGTH) or None


def _date_of_birth(value: dt.date | str | None) -> str | None:
    """The GraphQL `Date` scalar has parsed the value already; a string (from other callers)
    must be YYYY-MM-DD."""
    field = ("input", "dateOfBirth")
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    born: dt.date | None = value if isinstance(value, dt.date) else None
    if isinstance(value, str) and _DATE.match(value.strip()):
        try:
            born = dt.date.fromisoformat(value.strip())
        except ValueError:
            born = None
    if born is None:
        raise BadUserInput("Enter a date as YYYY-MM-DD.", field=field)
    if not _EARLIEST_BIRTH_DATE <= born <= dt.date.today():
        raise BadUserInput(
            "Enter a date between 1900-01-01 and today.",
            field=field,
            code=UserErrorCode.OUT_OF_RANGE,
        )
    return born.isoformat()


def _address_id(address_id: str) -> str:
    address_id = address_id.strip()
    if not address_id or len(address_id) > MAX_FIELD_LENGTH:
        raise NotFound(_NO_SUCH_ADDRESS, field=("addressId",))
    return address_id


def _saved_address(customer: Json, address_id: str) -> Json:
    for address in customer.get("addresses") or ():
        if address.get("id") == address_id:
            found: Json = address
            return found
    raise NotFound(_NO_SUCH_ADDRESS, field=("addressId",))
