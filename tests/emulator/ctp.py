"""A thin test client for the emulator's HTTP API: token flows and JSON requests that assert the
expected status, so that tests read as the commercetools calls they make."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import httpx

from emulator.jsonio import Json

CLIENT = ("demo-client", "demo-secret")
PROJECT = "/demo"
DEMO_EMAIL = "demo@example.com"
DEMO_PASSWORD = "Demo-Passw0rd!"
TEST_PASSWORD = "Secret-123"

# SKUs of the demo catalog (EUR price 19.99 for DE and without country, 20.99 for AT,
# 21.99 USD for US).
TSHIRT_M = "TSHIRT-CLASSIC-BLUE-M"
TSHIRT_L = "TSHIRT-CLASSIC-BLUE-L"

# What a storefront's session tokens hold: only the customer's own resources are reachable
# (no manage_project/manage_orders, which would open every cart of the project).
STOREFRONT_SCOPE = " ".join(
    f"{name}:demo"
    for name in (
        "create_anonymous_token",
        "manage_my_orders",
        "manage_my_profile",
        "manage_my_shopping_lists",
        "view_published_products",
    )
)


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def error_code(body: Json) -> str:
    code: str = body["errors"][0]["code"]
    return code


class Ctp:
    def __init__(self, http: httpx.AsyncClient) -> None:
        self.http = http

    # -- tokens ---------------------------------------------------------------------------------
    async def oauth(
        self, path: str, data: dict[str, str], expect: int = 200, auth: tuple[str, str] = CLIENT
    ) -> Json:
        response = await self.http.post(path, data=data, auth=auth)
        assert response.status_code == expect, response.text
        body: Json = response.json()
        return body

    async def client_token(self, scope: str | None = None) -> str:
        data = {"grant_type": "client_credentials"}
        if scope is not None:
            data["scope"] = scope
        return str((await self.oauth("/oauth/token", data))["access_token"])

    async def anonymous(self, anonymous_id: str | None = None, scope: str | None = None) -> Json:
        data = {"grant_type": "client_credentials"}
        if anonymous_id is not None:
            data["anonymous_id"] = anonymous_id
        if scope is not None:
            data["scope"] = scope
        return await self.oauth("/oauth/demo/anonymous/token", data)

    async def anonymous_token(self, anonymous_id: str | None = None) -> str:
        return str((await self.anonymous(anonymous_id, STOREFRONT_SCOPE))["access_token"])

    async def password(self, email: str, password: str, scope: str | None = None) -> Json:
        data = {"grant_type": "password", "username": email, "password": password}
        if scope is not None:
            data["scope"] = scope
        return await self.oauth("/oauth/demo/customers/token", data)

    async def customer_token(self, email: str = DEMO_EMAIL, password: str = DEMO_PASSWORD) -> str:
        return str((await self.password(email, password, STOREFRONT_SCOPE))["access_token"])

    # -- API requests ---------------------------------------------------------------------------
    async def call(
        self,
        method: str,
        path: str,
        token: str | None,
        *,
        json: Any = None,
        content: bytes | None = None,
        params: Any = None,
        expect: int = 200,
    ) -> Json:
        headers = bearer(token) if token else {}
        if content is not None:
            headers["Content-Type"] = "application/json"
        response = await self.http.request(
            method, PROJECT + path, headers=headers, json=json, content=content, params=params
        )
        assert response.status_code == expect, f"{method} {path}: {response.text}"
        body: Json = response.json()
        return body

    async def get(self, path: str, token: str | None, expect: int = 200, **params: Any) -> Json:
        return await self.call("GET", path, token, params=params or None, expect=expect)

    async def post(self, path: str, token: str | None, body: Any, expect: int = 200) -> Json:
        return await self.call("POST", path, token, json=body, expect=expect)

    async def update(
        self, path: str, token: str, resource: Json, *actions: Json, expect: int = 200
    ) -> Json:
        """The resource at `path` updated with `actions` at the version `resource` holds."""
        body = {"version": resource["version"], "actions": list(actions)}
        return await self.post(path, token, body, expect=expect)

    # -- shortcuts ------------------------------------------------------------------------------
    async def my_cart(
        self,
        token: str,
        lines: Sequence[tuple[str, int]] = (),
        currency: str = "EUR",
        country: str | None = "DE",
        **fields: Any,
    ) -> Json:
        draft: Json = {"currency": currency, **fields}
        if country is not None:
            draft["country"] = country
        if lines:
            draft["lineItems"] = [{"sku": sku, "quantity": quantity} for sku, quantity in lines]
        return await self.post("/me/carts", token, draft, expect=201)

    async def update_my_cart(
        self, token: str, cart: Json, *actions: Json, expect: int = 200
    ) -> Json:
        return await self.update(f"/me/carts/{cart['id']}", token, cart, *actions, expect=expect)

    async def signup(
        self, token: str, email: str, password: str = TEST_PASSWORD, **fields: Any
    ) -> Json:
        return await self.post(
            "/me/signup", token, {"email": email, "password": password, **fields}, expect=201
        )

    async def new_customer(self, email: str, password: str = TEST_PASSWORD) -> tuple[Json, str]:
        """Sign a new customer up (with a backend token) and return it with its own token."""
        admin = await self.client_token()
        result = await self.post(
            "/customers", admin, {"email": email, "password": password}, expect=201
        )
        return result["customer"], await self.customer_token(email, password)


def quantities(cart: Json) -> dict[str, int]:
    return {line["variant"]["sku"]: line["quantity"] for line in cart["lineItems"]}
