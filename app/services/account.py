"""Sign-up, sign-in, sign-out and the signed-in customer.

Sign-in keeps what the guest did: with an anonymous token in the session, the credentials go to
`/me/login` first, which moves the anonymous carts and orders to the customer (commercetools'
password flow alone would not); only then is the customer token requested.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from app import models
from app.ctp.errors import CtpBadRequest
from app.ctp.gateway import CtpGateway
from app.ctp.tokens import InvalidCustomerCredentials, TokenFlows
from app.errors import BadUserInput, Unauthenticated
from app.services import mapping
from app.services.session_tokens import SessionTokens, to_session_token
from app.session.ctp_session import CtpSession

Json = dict[str, Any]

MIN_PASSWORD_LENGTH = 8
MAX_FIELD_LENGTH = 256
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_WRONG_CREDENTIALS = "The e-mail address or password is wrong."
SIGN_IN_MODE = "MergeWithExistingCustomerCart"


@dataclass(frozen=True, slots=True)
class SignUpInput:
    email: str
    password: str
    first_name: str | None = None
    last_name: str | None = None


def normalize_email(email: str) -> str:
    email = email.strip()
    if len(email) > MAX_FIELD_LENGTH or not _EMAIL.match(email):
        raise BadUserInput("Enter a valid e-mail address.")
    return email


class AccountService:
    def __init__(
        self,
        session: CtpSession,
        tokens: SessionTokens,
        flows: TokenFlows,
        gateway: CtpGateway,
    ) -> None:
        self._session = session
        self._tokens = tokens
        self._flows = flows
        self._gateway = gateway

    async def me(self) -> models.Customer | None:
        if not self._session.is_signed_in:
            return None
        raw = await self._tokens.call(
            lambda token: self._gateway.get("/me", token=token), create=False
        )
        return mapping.customer(raw) if raw is not None else None

    async def sign_in(self, email: str, password: str) -> models.Customer:
        email = normalize_email(email)
        if not password or len(password) > MAX_FIELD_LENGTH:
            raise Unauthenticated(_WRONG_CREDENTIALS)
        guest_token = await self._guest_token()
        cart_id: str | None = None
        if guest_token is not None:
            body = {"email": email, "password": password, "activeCartSignInMode": SIGN_IN_MODE}
            try:
                result: Json = await self._gateway.post("/me/login", body, token=guest_token)
            except CtpBadRequest as exc:
                if "InvalidCredentials" in exc.codes:
                    raise Unauthenticated(_WRONG_CREDENTIALS) from exc
                raise
            cart_id = (result.get("cart") or {}).get("id")
        try:
            issued = await self._flows.password(email, password)
        except InvalidCustomerCredentials as exc:
            raise Unauthenticated(_WRONG_CREDENTIALS) from exc
        if guest_token is None:
            result = {"customer": await self._gateway.get("/me", token=issued.access_token)}
        self._start_customer_session(issued, result["customer"]["id"], cart_id)
        return mapping.customer(result["customer"])

    async def sign_up(self, form: SignUpInput) -> models.Customer:
        email = normalize_email(form.email)
        if not MIN_PASSWORD_LENGTH <= len(form.password) <= MAX_FIELD_LENGTH:
            raise BadUserInput(f"Choose a password of at least {MIN_PASSWORD_LENGTH} characters.")
        draft: Json = {"email": email, "password": form.password}
        for key, value in (("firstName", form.first_name), ("lastName", form.last_name)):
            if value is not None:
                if len(value) > MAX_FIELD_LENGTH:
                    raise BadUserInput(f"{key} is too long.")
                draft[key] = value.strip()
        guest_token = await self._guest_token()
        try:
            if guest_token is not None:
                # Signing up through the anonymous session hands its carts and orders over.
                result: Json = await self._gateway.post("/me/signup", draft, token=guest_token)
            else:
                result = await self._gateway.post("/customers", draft)
        except CtpBadRequest as exc:
            if "DuplicateField" in exc.codes:
                raise BadUserInput("An account with this e-mail address already exists.") from exc
            raise BadUserInput(exc.message) from exc
        issued = await self._flows.password(email, form.password)
        cart_id = (result.get("cart") or {}).get("id")
        self._start_customer_session(issued, result["customer"]["id"], cart_id)
        return mapping.customer(result["customer"])

    def sign_out(self) -> bool:
        self._session.clear()
        return True

    async def _guest_token(self) -> str | None:
        """The anonymous session's token, if this browser has one and is not signed in."""
        if self._session.is_signed_in:
            return None
        return await self._tokens.current()

    def _start_customer_session(self, issued: Any, customer_id: str, cart_id: str | None) -> None:
        # A different customer may have been signed in on this browser: nothing of theirs stays.
        self._session.clear()
        self._session.signin(to_session_token(issued), customer_id)
        self._session.cart_id = cart_id
