"""Project-scoped calls to the commercetools API, with either the app token or a customer's."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from app.ctp.errors import CtpInvalidToken
from app.ctp.http import CtpHttp
from app.ctp.tokens import TokenFlows


class CtpGateway:
    def __init__(
        self, http: CtpHttp, tokens: TokenFlows, *, api_url: str, project_key: str
    ) -> None:
        self._http = http
        self._tokens = tokens
        self._base = f"{api_url}/{project_key}"

    async def get(
        self, path: str, *, token: str | None = None, params: Mapping[str, Any] | None = None
    ) -> Any:
        """GET with a customer's token, or with the app token when `token` is None."""
        return await self._call("GET", path, token=token, params=params, idempotent=True)

    async def post(
        self,
        path: str,
        body: Any,
        *,
        token: str | None = None,
        params: Mapping[str, Any] | None = None,
    ) -> Any:
        return await self._call(
            "POST", path, token=token, json=body, params=params, idempotent=False
        )

    async def delete(
        self, path: str, *, token: str | None = None, params: Mapping[str, Any] | None = None
    ) -> Any:
        return await self._call("DELETE", path, token=token, params=params, idempotent=False)

    async def _call(
        self,
        method: str,
        path: str,
        *,
        token: str | None,
        idempotent: bool,
        json: Any = None,
        params: Mapping[str, Any] | None = None,
    ) -> Any:
        if token is not None:
            return await self._send(method, path, token, idempotent, json, params)
        app_token = await self._tokens.app_token()
        try:
            return await self._send(method, path, app_token, idempotent, json, params)
        except CtpInvalidToken:
            # The app token was revoked early; a rejected request changed nothing, so resend.
            self._tokens.forget_app_token(app_token)
            app_token = await self._tokens.app_token()
            return await self._send(method, path, app_token, idempotent, json, params)

    async def _send(
        self,
        method: str,
        path: str,
        token: str,
        idempotent: bool,
        json: Any,
        params: Mapping[str, Any] | None,
    ) -> Any:
        return await self._http.send(
            method,
            self._base + path,
            headers={"Authorization": f"Bearer {token}"},
            json=json,
            params=params,
            idempotent=idempotent,
        )
