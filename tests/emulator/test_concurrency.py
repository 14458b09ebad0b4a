"""Many clients updating one cart at once: each update either applies on top of the version it
named or is refused with 409 and the current version; nothing is lost or applied twice."""

from __future__ import annotations

import asyncio
import threading
from concurrent.futures import ThreadPoolExecutor

import httpx
import pytest

from emulator.app import create_emulator_app
from emulator.state import Emulator
from tests.emulator.ctp import TSHIRT_M, Ctp, bearer, quantities
from tests.support.servers import ServerThread

pytestmark = pytest.mark.anyio


async def _add_with_retry(ctp: Ctp, token: str, cart_id: str, version: int) -> int:
    """addLineItem, retrying on 409 with the version the error reports. Returns conflicts."""
    conflicts = 0
    while True:
        response = await ctp.http.post(
            f"/demo/me/carts/{cart_id}",
            headers=bearer(token),
            json={"version": version, "actions": [{"action": "addLineItem", "sku": TSHIRT_M}]},
        )
        if response.status_code == 200:
            return conflicts
        assert response.status_code == 409, response.text
        conflicts += 1
        version = response.json()["errors"][0]["currentVersion"]
        await asyncio.sleep(0)


async def test_parallel_add_line_item_in_process(ctp: Ctp) -> None:
    token = await ctp.anonymous_token()
    cart = await ctp.my_cart(token)
    results = await asyncio.gather(
        *(_add_with_retry(ctp, token, cart["id"], cart["version"]) for _ in range(25))
    )
    final = await ctp.get(f"/me/carts/{cart['id']}", token)
    assert quantities(final) == {TSHIRT_M: 25}
    assert final["version"] == 1 + 25
    assert sum(results) > 0  # the clients really did collide


def test_parallel_add_line_item_over_real_http_from_threads() -> None:
    emulator = Emulator()
    workers, adds_each = 8, 6
    with ServerThread(create_emulator_app(emulator)) as server:
        with httpx.Client(base_url=server.url) as setup:
            token = setup.post(
                "/oauth/demo/anonymous/token",
                data={"grant_type": "client_credentials"},
                auth=("demo-client", "demo-secret"),
            ).json()["access_token"]
            cart = setup.post(
                "/demo/me/carts", headers=bearer(token), json={"currency": "EUR", "country": "DE"}
            ).json()
        stop = threading.Event()
        observed_versions: list[int] = []
        torn: list[tuple[int, int]] = []

        def observe() -> None:
            # This thread reads the state directly while the server's thread changes it.
            while not stop.is_set():
                with emulator.lock:
                    stored = emulator.carts[cart["id"]]
                    quantity = sum(line["quantity"] for line in stored["lineItems"])
                    if quantity != stored["version"] - 1:  # a half-applied update
                        torn.append((quantity, stored["version"]))
                    observed_versions.append(stored["version"])

        def worker(_: int) -> int:
            conflicts = 0
            with httpx.Client(base_url=server.url, headers=bearer(token)) as client:
                for _ in range(adds_each):
                    version = client.get(f"/demo/me/carts/{cart['id']}").json()["version"]
                    while True:
                        response = client.post(
                            f"/demo/me/carts/{cart['id']}",
                            json={
                                "version": version,
                                "actions": [{"action": "addLineItem", "sku": TSHIRT_M}],
                            },
                        )
                        if response.status_code == 200:
                            break
                        assert response.status_code == 409, response.text
                        conflicts += 1
                        version = response.json()["errors"][0]["currentVersion"]
            return conflicts

        observer = threading.Thread(target=observe)
        observer.start()
        try:
            with ThreadPoolExecutor(max_workers=workers) as pool:
                list(pool.map(worker, range(workers)))
        finally:
            stop.set()
            observer.join()
    stored = emulator.carts[cart["id"]]
    assert stored["lineItems"][0]["quantity"] == workers * adds_each
    assert stored["version"] == 1 + workers * adds_each
    assert torn == []
    assert len(observed_versions) > 1
    assert observed_versions == sorted(observed_versions)
