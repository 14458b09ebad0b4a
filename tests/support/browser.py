"""A storefront browser: one cookie jar, GraphQL over HTTP."""

from __future__ import annotations

from typing import Any

import httpx


class GraphQLResult:
    def __init__(self, response: httpx.Response) -> None:
        self.response = response
        self.status_code = response.status_code
        self.body: dict[str, Any] = response.json()

    @property
    def data(self) -> Any:
        return self.body.get("data")

    @property
    def errors(self) -> list[dict[str, Any]]:
        errors: list[dict[str, Any]] = self.body.get("errors") or []
        return errors

    @property
    def error_codes(self) -> list[str]:
        return [e.get("extensions", {}).get("code") for e in self.errors]

    @property
    def user_errors(self) -> list[dict[str, Any]]:
        """The userErrors of every mutation payload in the answer."""
        found: list[dict[str, Any]] = []
        for value in (self.data or {}).values():
            if isinstance(value, dict):
                found.extend(value.get("userErrors") or [])
        return found

    @property
    def user_error_codes(self) -> list[str]:
        return [e["code"] for e in self.user_errors]

    @property
    def user_error_fields(self) -> list[list[str] | None]:
        return [e["field"] for e in self.user_errors]

    @property
    def codes(self) -> list[str]:
        """Every code in the answer: the errors' `extensions.code`, then the userErrors'."""
        return self.error_codes + self.user_error_codes

    def ok(self) -> Any:
        """The data, after checking that nothing failed: no errors, no userErrors."""
        assert self.status_code == 200, self.body
        assert not self.errors, self.errors
        assert not self.user_errors, self.user_errors
        return self.data

    def refused(self) -> list[str]:
        """The userErrors' codes of an answer that has some and no other errors."""
        assert self.status_code == 200, self.body
        assert not self.errors, self.errors
        assert self.user_errors, self.body
        return self.user_error_codes


# What GraphQL-over-HTTP clients send (Apollo Client 4, graphql-http's client, GraphiQL):
# request errors then come back as 4xx (docs/graphql-over-http.md).
GRAPHQL_ACCEPT = "application/graphql-response+json, application/json;q=0.9"


class Browser:
    def __init__(self, base_url: str, *, headers: dict[str, str] | None = None) -> None:
        self.http = httpx.AsyncClient(
            base_url=base_url, timeout=30.0, headers={"accept": GRAPHQL_ACCEPT, **(headers or {})}
        )

    async def gql(self, query: str, variables: dict[str, Any] | None = None) -> GraphQLResult:
        payload: dict[str, Any] = {"query": query}
        if variables is not None:
            payload["variables"] = variables
        response = await self.http.post("/graphql", json=payload)
        return GraphQLResult(response)

    def cookie(self, name: str = "ctp_session") -> str | None:
        value: str | None = self.http.cookies.get(name)
        return value

    async def aclose(self) -> None:
        await self.http.aclose()

    async def __aenter__(self) -> Browser:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.aclose()
