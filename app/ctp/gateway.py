"""Project-scoped calls to the commercetools API, with either the app token or a customer's.

Every write that carries a resource version goes through `write_prepared` (updates through
`update`, other versioned bodies through `write_versioned`), the one place that answers
commercetools' optimistic concurrency: a 409 `ConcurrentModification` is retried with the
current version, from the error or, when the error lacks it, read from the resource — or, for a
body that must be checked again against the resource as it is now, built afresh. The bodies the
services send are relative ("add 1", "set the e-mail", "order this cart"), so applying them on
top of another tab's change is what the shopper meant. Each round lets at least one concurrent
writer through, so the limit is the number of tabs that may write to one resource at the same
instant.

Answers are JSON objects (checked here: anything else is an outage). Their type is the resource
the caller asked for, so the caller names it where it receives the answer
(`cart: resources.Cart = await gateway.get(...)`, see app/ctp/resources.py), and the mapping
modules check each field they read (`MalformedUpstreamData`).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping, Sequence
from typing import Any

from app.ctp.errors import CtpConcurrentModification, CtpInvalidToken, CtpUnavailable
from app.ctp.http import CtpHttp
from app.ctp.json import Json
from app.ctp.tokens import TokenFlows

MAX_VERSION_ATTEMPTS = 10


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
        body: Json,
        *,
        token: str | None = None,
        params: Mapping[str, Any] | None = None,
    ) -> Any:
        """A POST that carries no version (creating a resource, signing in)."""
        return await self._call(
            "POST", path, token=token, json=body, params=params, idempotent=False
        )

    async def search(self, path: str, body: Json, *, token: str | None = None) -> Any:
        """A POST that only reads (Product Search): retried on faults like a GET."""
        return await self._call("POST", path, token=token, json=body, idempotent=True)

    async def delete(
        self, path: str, *, token: str | None = None, params: Mapping[str, Any] | None = None
    ) -> Any:
        return await self._call("DELETE", path, token=token, params=params, idempotent=False)

    async def update(
        self,
        path: str,
        version: int,
        actions: Sequence[Json],
        *,
        token: str | None = None,
        params: Mapping[str, Any] | None = None,
    ) -> Any:
        """Apply update `actions` to the resource at `path`, last seen at `version`."""
        body = list(actions)
        return await self.write_versioned(
            path,
            version,
            lambda current: {"version": current, "actions": body},
            token=token,
            params=params,
        )

    async def write_versioned(
        self,
        path: str,
        version: int,
        body_for: Callable[[int], Json],
        *,
        token: str | None = None,
        params: Mapping[str, Any] | None = None,
        versioned_resource: str | None = None,
    ) -> Any:
        """POST `body_for(version)` to `path`, again with the current version after each 409.

        `versioned_resource` is the path to read the version from when a 409 does not carry it
        (the resource itself by default; the cart when ordering it).
        """
        current = version

        async def prepare(conflict: CtpConcurrentModification | None) -> Json:
            nonlocal current
            if conflict is not None:
                current = conflict.current_version or await self._version_of(
                    versioned_resource or path, token
                )
            return body_for(current)

        return await self.write_prepared(path, prepare, token=token, params=params)

    async def write_prepared(
        self,
        path: str,
        prepare: Callable[[CtpConcurrentModification | None], Awaitable[Json]],
        *,
        token: str | None = None,
        params: Mapping[str, Any] | None = None,
    ) -> Any:
        """POST the body `prepare(None)` builds; after a 409, the body `prepare(conflict)` builds
        from what is current then. For writes whose body must be checked again against the
        resource as it is now, not only re-versioned (ordering a cart that must still be paid
        for in full). After the last attempt the `CtpConcurrentModification` propagates."""
        conflict: CtpConcurrentModification | None = None
        for attempt in range(1, MAX_VERSION_ATTEMPTS + 1):
            body = await prepare(conflict)
            try:
                return await self.post(path, body, token=token, params=params)
            except CtpConcurrentModification as exc:
                if attempt == MAX_VERSION_ATTEMPTS:
                    raise
                conflict = exc
        raise AssertionError("unreachable: the last attempt returns or raises")

    async def _version_of(self, path: str, token: str | None) -> int:
        version = (await self.get(path, token=token)).get("version")
        if not isinstance(version, int):
            raise CtpUnavailable(f"no version in the resource at {path.split('/')[1]}")
        return version

    async def _call(
        self,
        method: str,
        path: str,
        *,
        token: str | None,
        idempotent: bool,
        json: Json | None = None,
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
        json: Json | None,
        params: Mapping[str, Any] | None,
    ) -> Any:
        answer = await self._http.send(
            method,
            self._base + path,
            headers={"Authorization": f"Bearer {token}"},
            json=json,
            params=params,
            idempotent=idempotent,
        )
        if not isinstance(answer, dict):
            # Every commercetools resource and page is a JSON object; anything else is a proxy's
            # error page or a truncated answer, not something to read fields from.
            raise CtpUnavailable(f"{method} answered with {type(answer).__name__}, not an object")
        return answer
