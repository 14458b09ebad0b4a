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

    def ok(self) -> Any:
        assert self.status_code == 200, self.body
        assert not self.errors, self.errors
        return self.data


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
