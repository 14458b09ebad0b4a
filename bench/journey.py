"""A whole storefront journey, step by step: browse categories, search, open a product, add two
products to the cart, sign up, set the shipping address, choose shipping, place the order.

`count_upstream_calls()` runs one journey and reads the emulator's request log after each step;
`python -m bench.journey < spec.json > result.json` runs journeys in a loop in their own
process (each journey a new browser with a new cookie jar and a new customer) and reports
journeys per second.
"""

from __future__ import annotations

import asyncio
import json
import secrets
import sys
import time
from collections import Counter
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

import httpx

from bench.load import cpu_during, install_uvloop, percentile
from bench.storefront import (
    ADD_TO_CART,
    BERLIN,
    CATEGORIES,
    PLACE_ORDER,
    PRODUCT,
    SEARCH,
    SET_SHIPPING_ADDRESS,
    SET_SHIPPING_METHOD,
    SHIPPING_METHODS,
    SIGN_UP,
    Browser,
    GraphQLFailed,
)

SEARCH_TEXT = "shirt"
JOURNEY_TIMEOUT_SECONDS = 30.0

Step = Callable[[Browser, dict[str, Any]], Awaitable[None]]


async def _categories(browser: Browser, state: dict[str, Any]) -> None:
    tree = (await browser.gql(CATEGORIES))["categories"]
    if not tree:
        raise GraphQLFailed("no categories")


async def _search(browser: Browser, state: dict[str, Any]) -> None:
    found = (await browser.gql(SEARCH, {"text": SEARCH_TEXT}))["products"]["results"]
    if len(found) < 2:
        raise GraphQLFailed(f"search for {SEARCH_TEXT!r} found {len(found)} products")
    state["slugs"] = [product["slug"] for product in found[:2]]
    state["skus"] = [product["masterVariant"]["sku"] for product in found[:2]]


async def _product(browser: Browser, state: dict[str, Any]) -> None:
    product = (await browser.gql(PRODUCT, {"slug": state["slugs"][0]}))["product"]
    if product is None:
        raise GraphQLFailed("product not found by its slug")


async def _add_first(browser: Browser, state: dict[str, Any]) -> None:
    await browser.gql(ADD_TO_CART, {"sku": state["skus"][0]})


async def _add_second(browser: Browser, state: dict[str, Any]) -> None:
    await browser.gql(ADD_TO_CART, {"sku": state["skus"][1], "q": 2})


async def _sign_up(browser: Browser, state: dict[str, Any]) -> None:
    email = f"bench-{secrets.token_hex(8)}@example.com"
    password = "Bench-" + secrets.token_urlsafe(12)
    await browser.gql(SIGN_UP, {"input": {"email": email, "password": password}})


async def _shipping_address(browser: Browser, state: dict[str, Any]) -> None:
    await browser.gql(SET_SHIPPING_ADDRESS, {"a": BERLIN})


async def _shipping_method(browser: Browser, state: dict[str, Any]) -> None:
    methods = (await browser.gql(SHIPPING_METHODS))["shippingMethods"]
    chosen = next((m for m in methods if m["isDefault"]), methods[0] if methods else None)
    if chosen is None:
        raise GraphQLFailed("no shipping method for the cart")
    await browser.gql(SET_SHIPPING_METHOD, {"id": chosen["shippingMethodId"]})


async def _place_order(browser: Browser, state: dict[str, Any]) -> None:
    order = (await browser.gql(PLACE_ORDER))["placeOrder"]["order"]
    if order["totalQuantity"] != 3:
        raise GraphQLFailed(f"order has {order['totalQuantity']} items, 3 expected")


STEPS: list[tuple[str, Step]] = [
    ("categories", _categories),
    ("search products", _search),
    ("open a product", _product),
    ("add to cart (first: creates token + cart)", _add_first),
    ("add to cart (second)", _add_second),
    ("sign up", _sign_up),
    ("set shipping address", _shipping_address),
    ("shipping methods + choose one", _shipping_method),
    ("place order", _place_order),
]


async def journey(base_url: str) -> None:
    async with Browser(base_url) as browser:
        state: dict[str, Any] = {}
        for _name, step in STEPS:
            await step(browser, state)


@dataclass
class StepCalls:
    step: str
    calls: list[str]


@dataclass
class CountedJourney:
    steps: list[StepCalls]
    # The step that failed and why; the steps before it are counted.
    failure: str | None = None


async def count_upstream_calls(base_url: str, emulator_url: str) -> CountedJourney:
    """One journey, with the upstream calls (method and path) each step made."""
    counted = CountedJourney([])
    async with Browser(base_url) as browser, httpx.AsyncClient(base_url=emulator_url) as admin:
        state: dict[str, Any] = {}
        for name, step in STEPS:
            (await admin.delete("/_emulator/requests")).raise_for_status()
            try:
                await step(browser, state)
            except (GraphQLFailed, httpx.HTTPError, ValueError) as exc:
                counted.failure = f"step '{name}' failed: {str(exc)[:300]}"
                return counted
            log = (await admin.get("/_emulator/requests")).json()["requests"]
            counted.steps.append(StepCalls(name, [f"{r['method']} {r['path']}" for r in log]))
    return counted


@dataclass(frozen=True)
class JourneySpec:
    base_url: str
    browsers: int
    warmup_seconds: float
    measure_seconds: float
    watch: dict[str, list[int]] = field(default_factory=dict)


async def run_journeys(spec: JourneySpec) -> dict[str, Any]:
    began = time.perf_counter()
    start, stop = began + spec.warmup_seconds, began + spec.warmup_seconds + spec.measure_seconds
    durations: list[float] = []
    errors: Counter[str] = Counter()

    async def shopper() -> None:
        while time.perf_counter() < stop:
            t0 = time.perf_counter()
            error: str | None = None
            try:
                async with asyncio.timeout(JOURNEY_TIMEOUT_SECONDS):
                    await journey(spec.base_url)
            except (GraphQLFailed, httpx.HTTPError, TimeoutError, ValueError) as exc:
                error = f"{type(exc).__name__}: {str(exc)[:120]}"
            t1 = time.perf_counter()
            if start <= t1 <= stop:
                if error is None:
                    durations.append((t1 - t0) * 1000)
                else:
                    errors[error] += 1

    cpu = asyncio.create_task(cpu_during(start, stop, spec.watch))
    shoppers = [asyncio.create_task(shopper()) for _ in range(spec.browsers)]
    limit = spec.warmup_seconds + spec.measure_seconds + JOURNEY_TIMEOUT_SECONDS + 5
    _done, pending = await asyncio.wait(shoppers, timeout=limit)
    for task in pending:
        task.cancel()
    return {
        "ok": len(durations),
        "errors": dict(errors),
        "seconds": spec.measure_seconds,
        "rate": len(durations) / spec.measure_seconds,
        "p50_ms": percentile(durations, 50),
        "p99_ms": percentile(durations, 99),
        "max_ms": max(durations, default=0.0),
        "cpu_percent": await cpu,
    }


def main() -> None:
    spec = JourneySpec(**json.load(sys.stdin))
    install_uvloop()
    json.dump(asyncio.run(run_journeys(spec)), sys.stdout)


if __name__ == "__main__":
    main()
