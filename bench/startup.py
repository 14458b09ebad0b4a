"""Start-up to the first answered request: `python -m bootstrap serve` started afresh, polled
every 5 ms until `GET /healthz` answers, then one GraphQL query (a product listing, which needs
commercetools) timed from the start too."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Mapping
from dataclasses import dataclass

import httpx

from bench import storefront
from bench.processes import LOOPBACK, ChildFailed, Processes, free_port

_POLL_SECONDS = 0.005
_WITHIN_SECONDS = 30.0


@dataclass(frozen=True)
class Startup:
    name: str
    healthz_seconds: float
    first_query_seconds: float


async def measure(procs: Processes, name: str, env: Mapping[str, str]) -> Startup:
    port = free_port()
    url = f"http://{LOOPBACK}:{port}"
    started = time.perf_counter()
    child = procs.start(f"startup-{name}", ["-m", "bootstrap", "serve"], {**env, "PORT": str(port)})
    try:
        async with httpx.AsyncClient(base_url=url, timeout=5.0) as client:
            while True:
                if not child.alive():
                    raise ChildFailed(f"{name} exited:\n{child.log_tail()}")
                if time.perf_counter() - started > _WITHIN_SECONDS:
                    raise ChildFailed(f"{name} did not answer within {_WITHIN_SECONDS:.0f} s")
                try:
                    if (await client.get("/healthz")).status_code == 200:
                        break
                except httpx.TransportError:
                    pass
                await asyncio.sleep(_POLL_SECONDS)
            healthz = time.perf_counter() - started
            answer = await client.post(
                "/graphql",
                content=storefront.graphql_body(storefront.SEARCH, {}),
                headers={"Content-Type": "application/json"},
            )
            answer.raise_for_status()
            if answer.json().get("errors"):
                raise ChildFailed(f"{name}: the first query failed: {answer.text[:300]}")
            first = time.perf_counter() - started
    finally:
        procs.stop(child)
    return Startup(name, healthz, first)
