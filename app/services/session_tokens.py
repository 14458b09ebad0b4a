"""The customer token of the current session: refresh it, create it, or let it go.

Browsing needs no customer token (the app token serves the catalog), so one is created only when
a guest first writes to a cart, within the client address's budget of new guest sessions
(app/services/guest_budget.py). An expired token is refreshed before the call that needs it; a
refresh that fails drops the token and the request goes on as a guest's.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Awaitable, Callable
from typing import TypeVar

from app.clock import Clock
from app.ctp.errors import CtpError, CtpInvalidToken, CtpUnavailable
from app.ctp.tokens import IssuedToken, TokenFlows
from app.request_context import RequestContext
from app.services.guest_budget import GuestSessionBudget
from app.services.token_refresher import TokenRefresher
from app.session.ctp_session import CtpAuthToken

log = logging.getLogger(__name__)

T = TypeVar("T")

# Refresh a little early so a token does not expire between our check and commercetools' one.
_EXPIRY_MARGIN_SECONDS = 30.0


def to_session_token(issued: IssuedToken) -> CtpAuthToken:
    return CtpAuthToken(
        access_token=issued.access_token,
        expiration_time=issued.expires_at,
        refresh_token=issued.refresh_token,
    )


class SessionTokens:
    """Stateless over the request context: every service of a request may hold its own
    instance, and all of them see the same session and the same "made a token now" flag."""

    def __init__(
        self,
        context: RequestContext,
        flows: TokenFlows,
        refresher: TokenRefresher,
        guest_budget: GuestSessionBudget,
        clock: Clock = time.time,
    ) -> None:
        self._context = context
        self._session = context.session
        self._flows = flows
        self._refresher = refresher
        self._guest_budget = guest_budget
        self._clock = clock

    async def current(self) -> str | None:
        """A usable access token of this session, refreshed if needed; None for a guest."""
        token = self._session.token
        if token is None:
            return None
        if token.expiration_time - _EXPIRY_MARGIN_SECONDS > self._clock():
            return token.access_token
        return await self._refresh(token)

    async def ensure(self) -> str:
        """A usable token, creating an anonymous session token for a guest who has none."""
        token = await self.current()
        if token is not None:
            return token
        await self._guest_budget.reserve(self._context.client_address)
        issued = await self._flows.anonymous()
        self._session.token = to_session_token(issued)
        self._context.created_anonymous_token = True
        return issued.access_token

    async def call(self, request: Callable[[str], Awaitable[T]], *, create: bool) -> T | None:
        """Run `request` with the session's token (created first when `create`); None when
        there is no token to run it with. A token commercetools rejects is refreshed once."""
        token = await (self.ensure() if create else self.current())
        if token is None:
            return None
        try:
            return await request(token)
        except CtpInvalidToken:
            retry_with = await self.rejected(token)
            if retry_with is None:
                if not create:
                    return None
                retry_with = await self.ensure()
            return await request(retry_with)

    async def rejected(self, access_token: str) -> str | None:
        """commercetools rejected `access_token` before its expiry: refresh it once, or drop it."""
        token = self._session.token
        if token is None or token.access_token != access_token:
            return await self.current()
        return await self._refresh(token)

    async def _refresh(self, token: CtpAuthToken) -> str | None:
        if token.refresh_token is None:
            self._drop_token()
            return None
        try:
            issued = await self._refresher.refresh(token.refresh_token)
        except CtpUnavailable:
            raise
        except CtpError as exc:
            log.info("token refresh refused (%s): continuing as a guest", exc.status_code)
            self._drop_token()
            return None
        self._session.token = to_session_token(issued)
        return issued.access_token

    def _drop_token(self) -> None:
        # Everything the session knew was reachable only with that token; a signed-in
        # customer whose refresh token died is signed out, and must sign in again.
        self._session.clear()
