"""The floor the service is compared with: a bare Starlette route making the service's upstream
call with a plain aiohttp session (the client the service uses, without the service's
retries, deadline or breaker), and returning the JSON it got, read and written with orjson and
with the start-up objects frozen (as the service does). With BENCH_FLOOR=stdlib it is the floor
issue 16 measured instead: the JSON read and written by the standard library (aiohttp's
`json()`, Starlette's JSONResponse), nothing frozen.

`python -m bench.bare_app` (env: the service's CTP_* settings, BENCH_PORT, BENCH_SKUS,
BENCH_CARTS, BENCH_FLOOR). At start-up it creates BENCH_CARTS guest sessions the way the service
does (an anonymous token, then a cart with the given SKUs, one line each); then

- `GET /cart/{i}` reads cart i exactly as the service's `cart` query does
  (`GET /{projectKey}/me/carts/{id}?expand=…` with that guest's token) and answers its JSON;
- `GET /products` makes the product listing's Product Search call (the body the catalog service
  builds for `products(limit: 20)` with facets, the app token) and answers its JSON;
- `GET /ping` answers a constant: the load generator's ceiling is measured against it.

It is served by uvicorn with the options `python -m bootstrap serve` uses.
"""

from __future__ import annotations

import asyncio
import gc
import os
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Any

import aiohttp
import httpx
import orjson
import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from app.services.cart import CART_EXPAND
from app.services.catalog_facets import Facets
from app.services.catalog_queries import Market, ProductSearch, check_search, language
from app.services.catalog_search_body import search_body
from app.settings import Settings

_SETUP_CONCURRENCY = 16
LISTING_LIMIT = 20


@dataclass(frozen=True)
class GuestCart:
    token: str
    cart_id: str


def floor_session(settings: Settings) -> aiohttp.ClientSession:
    """aiohttp with the service's pool size and nothing else."""
    connector = aiohttp.TCPConnector(limit=settings.upstream.max_connections, limit_per_host=0)
    return aiohttp.ClientSession(connector=connector)


async def create_guest_cart(
    client: httpx.AsyncClient, settings: Settings, skus: list[str]
) -> GuestCart:
    token_response = await client.post(
        f"{settings.commercetools.auth_url}/oauth/{settings.commercetools.project_key}/anonymous/token",
        data={"grant_type": "client_credentials", "scope": settings.commercetools.anonymous_scopes},
        auth=(settings.commercetools.client_id, settings.commercetools.client_secret),
    )
    token_response.raise_for_status()
    token = token_response.json()["access_token"]
    draft = {
        "currency": settings.shop.default_currency,
        "country": settings.shop.default_country,
        "locale": settings.shop.default_locale,
        "lineItems": [{"sku": sku, "quantity": 1} for sku in skus],
    }
    cart_response = await client.post(
        f"{settings.commercetools.api_url}/{settings.commercetools.project_key}/me/carts",
        json=draft,
        params=CART_EXPAND,
        headers={"Authorization": f"Bearer {token}"},
    )
    cart_response.raise_for_status()
    return GuestCart(token, cart_response.json()["id"])


def listing_body(settings: Settings) -> dict[str, Any]:
    """The Product Search body the catalog service sends for `products(limit: 20)` with facets,
    default market. The service then reads the page's product data with one more call, or none
    while its product cache holds them (the steady state a benchmark measures): the floor makes
    the search call only."""
    shop = settings.shop
    facets = Facets.from_settings(settings.catalog.facets)
    return search_body(
        check_search(ProductSearch(limit=LISTING_LIMIT), facets),
        facets,
        language=language(shop.default_locale, shop.default_locale),
        market=Market(shop.default_currency, shop.default_country),
        country_prices=settings.catalog.price_countries,
        with_facets=True,
    )


async def app_token(client: httpx.AsyncClient, settings: Settings) -> str:
    response = await client.post(
        f"{settings.commercetools.auth_url}/oauth/token",
        data={"grant_type": "client_credentials", "scope": settings.commercetools.client_scopes},
        auth=(settings.commercetools.client_id, settings.commercetools.client_secret),
    )
    response.raise_for_status()
    token: str = response.json()["access_token"]
    return token


def create_bare_app(
    settings: Settings, skus: list[str], carts: int, *, stdlib_json: bool = False
) -> Starlette:
    guests: list[GuestCart] = []
    sessions: list[aiohttp.ClientSession] = []
    tokens: list[str] = []
    api = f"{settings.commercetools.api_url}/{settings.commercetools.project_key}"
    listing = listing_body(settings)

    @asynccontextmanager
    async def lifespan(_app: Starlette) -> AsyncIterator[None]:
        gate = asyncio.Semaphore(_SETUP_CONCURRENCY)
        # Setting up is not measured: httpx, as the tests' clients.
        async with httpx.AsyncClient(timeout=30.0) as client:

            async def one() -> GuestCart:
                async with gate:
                    return await create_guest_cart(client, settings, skus)

            guests.extend(await asyncio.gather(*(one() for _ in range(carts))))
            tokens.append(await app_token(client, settings))
        sessions.append(floor_session(settings))
        if not stdlib_json:
            # As the service does: what exists now is not walked again by the cyclic collector.
            gc.freeze()
        yield
        await sessions[0].close()

    async def cart(request: Request) -> Response:
        guest = guests[request.path_params["index"] % len(guests)]
        async with sessions[0].get(
            f"{api}/me/carts/{guest.cart_id}",
            params=CART_EXPAND,
            headers={"Authorization": f"Bearer {guest.token}"},
        ) as upstream:
            return await _answer(upstream, stdlib_json)

    async def products(_request: Request) -> Response:
        async with sessions[0].post(
            f"{api}/products/search",
            json=listing,
            headers={"Authorization": f"Bearer {tokens[0]}"},
        ) as upstream:
            return await _answer(upstream, stdlib_json)

    async def ping(_request: Request) -> JSONResponse:
        return JSONResponse({"ok": True})

    return Starlette(
        routes=[
            Route("/cart/{index:int}", cart, methods=["GET"]),
            Route("/products", products, methods=["GET"]),
            Route("/ping", ping, methods=["GET"]),
        ],
        lifespan=lifespan,
    )


async def _answer(upstream: aiohttp.ClientResponse, stdlib_json: bool) -> Response:
    if stdlib_json:
        return JSONResponse(await upstream.json(), status_code=upstream.status)
    body = orjson.loads(await upstream.read())
    return Response(orjson.dumps(body), status_code=upstream.status, media_type="application/json")


def main() -> None:
    settings = Settings()
    skus = [sku for sku in os.environ["BENCH_SKUS"].split(",") if sku]
    app = create_bare_app(
        settings,
        skus,
        int(os.environ.get("BENCH_CARTS", "32")),
        stdlib_json=os.environ.get("BENCH_FLOOR") == "stdlib",
    )
    uvicorn.run(
        app,
        host=settings.host,
        port=int(os.environ["BENCH_PORT"]),
        log_config=None,
        proxy_headers=True,
        server_header=False,
    )


if __name__ == "__main__":
    main()
