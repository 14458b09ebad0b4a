"""`python -m bench.emulator_lookups`: how long `GET /me/active-cart`, `POST /me/login` and a
customer lookup by e-mail take with 10 carts and 10 customers stored, and with 20 000 and 5 000.

A measurement, not a test (tests/emulator/test_scale.py asserts on the work done instead): the
emulator runs in-process behind httpx's ASGI transport, each request is sent `--rounds` times
and the median and the 90th percentile are printed, the two sizes interleaved so that drift
on a shared machine hits both alike.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import time
from collections.abc import Awaitable, Callable, Sequence

import httpx

from bench.ctp_journey import STOREFRONT_SCOPES, basic_auth, bearer
from emulator.app import create_emulator_app
from emulator.bulk import BULK_PASSWORD, BULK_SKU, bulk_email, fill
from emulator.config import EmulatorConfig
from emulator.state import Emulator

SIZES = ((10, 10), (20_000, 5_000))
Request = Callable[[], Awaitable[httpx.Response]]


async def _token(client: httpx.AsyncClient, path: str, form: dict[str, str]) -> str:
    headers = {"Authorization": basic_auth()}
    response = await client.post(path, data=form, headers=headers)
    response.raise_for_status()
    return str(response.json()["access_token"])


async def requests_for(client: httpx.AsyncClient) -> dict[str, Request]:
    """The measured requests, for a guest with a cart and a bulk customer (bulk.py)."""
    email = bulk_email(3)
    backend = await _token(client, "/oauth/token", {"grant_type": "client_credentials"})
    session = {"grant_type": "client_credentials", "scope": STOREFRONT_SCOPES}
    guest = await _token(client, "/oauth/demo/anonymous/token", session)
    draft = {"currency": "EUR", "lineItems": [{"sku": BULK_SKU}]}
    (await client.post("/demo/me/carts", json=draft, headers=bearer(guest))).raise_for_status()
    # Another guest signs in, again and again: a sign-in would move the first guest's cart.
    signing_in = await _token(client, "/oauth/demo/anonymous/token", session)
    return {
        "GET /me/active-cart": lambda: client.get("/demo/me/active-cart", headers=bearer(guest)),
        "POST /me/login": lambda: client.post(
            "/demo/me/login",
            json={"email": email, "password": BULK_PASSWORD},
            headers=bearer(signing_in),
        ),
        "POST /customers/password-token (by e-mail)": lambda: client.post(
            "/demo/customers/password-token", json={"email": email}, headers=bearer(backend)
        ),
        'GET /customers?where=email="..."': lambda: client.get(
            "/demo/customers", params={"where": f'email = "{email}"'}, headers=bearer(backend)
        ),
    }


async def measure(rounds: int) -> dict[tuple[str, int], list[float]]:
    clients = []
    requests: dict[int, dict[str, Request]] = {}
    for cart_count, customer_count in SIZES:
        emulator = Emulator(EmulatorConfig().unbounded())
        fill(emulator, cart_count, customer_count)
        transport = httpx.ASGITransport(app=create_emulator_app(emulator))
        client = httpx.AsyncClient(transport=transport, base_url="http://emulator")
        clients.append(client)
        requests[cart_count] = await requests_for(client)
    timings: dict[tuple[str, int], list[float]] = {}
    try:
        for round_ in range(rounds + 3):
            for cart_count, named in requests.items():
                for name, send in named.items():
                    started = time.perf_counter()
                    response = await send()
                    elapsed = (time.perf_counter() - started) * 1000
                    response.raise_for_status()
                    if round_ >= 3:  # warm-up
                        timings.setdefault((name, cart_count), []).append(elapsed)
    finally:
        for client in clients:
            await client.aclose()
    return timings


def render(timings: dict[tuple[str, int], list[float]]) -> str:
    def cell(values: list[float]) -> str:
        return (
            f"{statistics.median(values):.2f} ms (p90 {statistics.quantiles(values, n=10)[8]:.2f})"
        )

    names = list(dict.fromkeys(name for name, _ in timings))
    lines = [
        "| request | 10 carts, 10 customers | 20 000 carts, 5 000 customers |",
        "|---|---|---|",
    ]
    for name in names:
        small, large = (timings[(name, size)] for size, _ in SIZES)
        lines.append(f"| `{name}` | {cell(small)} | {cell(large)} |")
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.emulator_lookups", description=__doc__)
    parser.add_argument("--rounds", type=int, default=200)
    args = parser.parse_args(argv)
    print(render(asyncio.run(measure(args.rounds))))


if __name__ == "__main__":
    main()
