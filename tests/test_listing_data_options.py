"""The ways to get a listing page's product data with Product Search, measured against the
emulator (docs/upstream-calls.md, "Product data for a search page"):

- `productProjectionParameters` (deprecated since December 2025): the search answers with the
  projections, 1 call;
- the ids, then one `/product-projections?where=id in (...)` query: 2 calls (what the service
  does, with a short cache);
- the ids, then `/product-projections/{id}` per product: 1 + page size calls.

All three give the same products in the same order with the same prices; only the calls differ.
`python -m tests.test_listing_data_options` prints calls, bytes and time per page.
"""

from __future__ import annotations

import asyncio
import statistics
import time
from collections.abc import Awaitable, Callable
from typing import Any

import httpx
import pytest

from emulator.app import create_emulator_app
from emulator.state import Emulator

pytestmark = pytest.mark.anyio

PAGE = 20
MARKET = {"priceCurrency": "EUR", "priceCountry": "DE"}
SEARCH: dict[str, Any] = {
    "query": {"exists": {"field": "variants.prices.centAmount"}},
    "sort": [{"field": "name", "language": "en", "order": "asc"}],
    "limit": PAGE,
}

Page = list[dict[str, Any]]


class Counted:
    """An emulator client that counts calls and bytes received."""

    def __init__(self, client: httpx.AsyncClient, token: str) -> None:
        self.client = client
        self.headers = {"Authorization": f"Bearer {token}"}
        self.calls = 0
        self.bytes = 0

    async def request(self, method: str, path: str, **kwargs: Any) -> Any:
        response = await self.client.request(method, "/demo" + path, headers=self.headers, **kwargs)
        assert response.status_code == 200, response.text
        self.calls += 1
        self.bytes += len(response.content)
        return response.json()


async def with_projection_parameters(ctp: Counted) -> Page:
    found = await ctp.request(
        "POST", "/products/search", json={**SEARCH, "productProjectionParameters": MARKET}
    )
    return [result["productProjection"] for result in found["results"]]


async def ids_then_one_query(ctp: Counted) -> Page:
    found = await ctp.request("POST", "/products/search", json=SEARCH)
    ids = [result["id"] for result in found["results"]]
    where = "id in (" + ", ".join(f'"{i}"' for i in ids) + ")"
    params = {**MARKET, "where": where, "limit": str(len(ids)), "withTotal": "false"}
    page = await ctp.request("GET", "/product-projections", params=params)
    by_id = {product["id"]: product for product in page["results"]}
    return [by_id[i] for i in ids]


async def ids_then_one_call_each(ctp: Counted) -> Page:
    found = await ctp.request("POST", "/products/search", json=SEARCH)
    return list(
        await asyncio.gather(
            *(
                ctp.request("GET", f"/product-projections/{result['id']}", params=MARKET)
                for result in found["results"]
            )
        )
    )


OPTIONS: dict[str, Callable[[Counted], Awaitable[Page]]] = {
    "productProjectionParameters (deprecated)": with_projection_parameters,
    "ids, then one query by ids": ids_then_one_query,
    "ids, then one call per product": ids_then_one_call_each,
}


async def client_for(emulator: Emulator) -> tuple[httpx.AsyncClient, str]:
    client = httpx.AsyncClient(
        transport=httpx.ASGITransport(app=create_emulator_app(emulator)), base_url="http://e"
    )
    token = await client.post(
        "/oauth/token",
        data={"grant_type": "client_credentials"},
        auth=("demo-client", "demo-secret"),
    )
    return client, str(token.json()["access_token"])


def summary(page: Page) -> list[tuple[str, list[int]]]:
    return [
        (
            product["id"],
            [
                v["price"]["value"]["centAmount"]
                for v in (product["masterVariant"], *product["variants"])
            ],
        )
        for product in page
    ]


async def test_the_options_give_the_same_page_with_these_calls() -> None:
    client, token = await client_for(Emulator())
    try:
        pages = {}
        calls = {}
        for name, option in OPTIONS.items():
            counted = Counted(client, token)
            pages[name] = summary(await option(counted))
            calls[name] = counted.calls
    finally:
        await client.aclose()
    first, *others = pages.values()
    assert len(first) == PAGE and all(page == first for page in others)
    assert list(calls.values()) == [1, 2, 1 + PAGE]


async def measure(rounds: int = 200) -> None:
    client, token = await client_for(Emulator())
    try:
        print(f"| option | calls | bytes | ms per page (median of {rounds}) |")
        print("|---|---|---|---|")
        for name, option in OPTIONS.items():
            times = []
            counted = Counted(client, token)
            for _ in range(rounds):
                started = time.perf_counter()
                await option(counted)
                times.append((time.perf_counter() - started) * 1000)
            print(
                f"| {name} | {counted.calls // rounds} | {counted.bytes // rounds} | "
                f"{statistics.median(times):.1f} |"
            )
    finally:
        await client.aclose()


if __name__ == "__main__":
    asyncio.run(measure())
