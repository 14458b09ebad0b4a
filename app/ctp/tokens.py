"""commercetools' OAuth flows: client credentials (the app's own token), anonymous session,
password and refresh. The SDK has only the first, so all four are here, async."""

from __future__ import annotations

import asyncio
import base64
import time
from dataclasses import dataclass
from typing import Any

from app.clock import Clock
from app.ctp.errors import CtpBadRequest, CtpError
from app.ctp.http import CtpHttp
from app.observability.upstream import TokenFlow

# Renew the app token this long before commercetools would reject it.
_APP_TOKEN_MARGIN_SECONDS = 300


class InvalidCustomerCredentials(Exception):
    """The password flow rejected the e-mail/password pair."""


@dataclass(frozen=True, slots=True)
class IssuedToken:
    access_token: str
    expires_at: float
    scope: str
    refresh_token: str | None = None

    def scope_value(self, name: str) -> str | None:
        """The value of a `name:value` scope entry, e.g. customer_id or anonymous_id."""
        prefix = f"{name}:"
        for entry in self.scope.split():
            if entry.startswith(prefix):
                return entry[len(prefix) :]
        return None


class TokenFlows:
    def __init__(
        self,
        http: CtpHttp,
        *,
        auth_url: str,
        project_key: str,
        client_id: str,
        client_secret: str,
        client_scopes: str,
        customer_scopes: str,
        anonymous_scopes: str,
        clock: Clock = time.time,
    ) -> None:
        self._http = http
        self._auth_url = auth_url
        self._project_key = project_key
        basic = base64.b64encode(f"{client_id}:{client_secret}".encode()).decode()
        self._headers = {"Authorization": f"Basic {basic}"}
        self._client_scopes = client_scopes
        self._customer_scopes = customer_scopes
        self._anonymous_scopes = anonymous_scopes
        self._clock = clock
        self._app_token: IssuedToken | None = None
        self._app_token_lock = asyncio.Lock()

    async def app_token(self) -> str:
        """The API client's own token, shared by every request and renewed before it expires."""
        token = self._app_token
        if token is not None and token.expires_at - _APP_TOKEN_MARGIN_SECONDS > self._clock():
            return token.access_token
        async with self._app_token_lock:
            token = self._app_token
            if token is None or token.expires_at - _APP_TOKEN_MARGIN_SECONDS <= self._clock():
                token = await self._grant(
                    "/oauth/token",
                    {"grant_type": "client_credentials", "scope": self._client_scopes},
                    "client_credentials",
                )
                self._app_token = token
            return token.access_token

    def forget_app_token(self, access_token: str) -> None:
        """Called when commercetools rejected the app token before its expiry."""
        if self._app_token is not None and self._app_token.access_token == access_token:
            self._app_token = None

    async def anonymous(self) -> IssuedToken:
        return await self._grant(
            f"/oauth/{self._project_key}/anonymous/token",
            {"grant_type": "client_credentials", "scope": self._anonymous_scopes},
            "anonymous",
        )

    async def password(
        self, email: str, password: str, *, store_key: str | None = None
    ) -> IssuedToken:
        """The customer's token; with `store_key`, the in-store flow, which signs in customers
        of that store (and global ones) only."""
        path = (
            f"/oauth/{self._project_key}/in-store/key={store_key}/customers/token"
            if store_key
            else f"/oauth/{self._project_key}/customers/token"
        )
        try:
            return await self._grant(
                path,
                {
                    "grant_type": "password",
                    "username": email,
                    "password": password,
                    "scope": self._customer_scopes,
                },
                "password",
            )
        except CtpBadRequest as exc:
            if "invalid_customer_account_credentials" in exc.codes:
                raise InvalidCustomerCredentials from exc
            raise

    async def refresh(self, refresh_token: str) -> IssuedToken:
        issued = await self._grant(
            "/oauth/token",
            {"grant_type": "refresh_token", "refresh_token": refresh_token},
            "refresh",
        )
        if issued.refresh_token is None:
            # commercetools keeps the refresh token valid and usually sends none back.
            issued = IssuedToken(
                issued.access_token, issued.expires_at, issued.scope, refresh_token
            )
        return issued

    async def _grant(self, path: str, form: dict[str, str], flow: str) -> IssuedToken:
        # Counted per flow, failures by reason (docs/observability.md).
        with TokenFlow(flow):
            body = await self._http.send(
                "POST", self._auth_url + path, headers=self._headers, data=form, idempotent=True
            )
            return _issued(body, self._clock())


def _issued(body: Any, now: float) -> IssuedToken:
    if not isinstance(body, dict) or not isinstance(body.get("access_token"), str):
        raise CtpError(502, {"message": "token endpoint answered without an access token"})
    expires_in = body.get("expires_in")
    lifetime = float(expires_in) if isinstance(expires_in, int | float) else 0.0
    refresh = body.get("refresh_token")
    return IssuedToken(
        access_token=body["access_token"],
        expires_at=now + lifetime,
        scope=str(body.get("scope") or ""),
        refresh_token=refresh if isinstance(refresh, str) else None,
    )
