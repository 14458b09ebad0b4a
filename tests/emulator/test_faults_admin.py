"""Fault injection (from Python and over HTTP), the request log and reset."""

from __future__ import annotations

import time

import httpx
import pytest

from emulator.state import Emulator
from tests.emulator.ctp import TSHIRT_M, Ctp, error_code

pytestmark = pytest.mark.anyio


async def _statuses(ctp: Ctp, token: str, count: int) -> list[int]:
    statuses = []
    for _ in range(count):
        response = await ctp.http.get("/demo/carts", headers={"Authorization": f"Bearer {token}"})
        statuses.append(response.status_code)
    return statuses


async def test_error_rate_gives_503_over_capacity(ctp: Ctp, emulator: Emulator) -> None:
    token = await ctp.client_token()
    emulator.faults.configure(error_rate=1.0)
    body = await ctp.get("/carts", token, expect=503)
    assert error_code(body) == "OverCapacity"
    assert body["statusCode"] == 503
    emulator.faults.configure(error_rate=0.0)
    await ctp.get("/carts", token)


async def test_error_rate_is_deterministic_under_a_seed(ctp: Ctp, emulator: Emulator) -> None:
    token = await ctp.client_token()
    emulator.faults.configure(error_rate=0.5, seed=1234)
    first = await _statuses(ctp, token, 40)
    emulator.faults.configure(seed=1234)
    second = await _statuses(ctp, token, 40)
    assert first == second
    assert set(first) == {200, 503}  # a real mix, not all or nothing


async def test_conflict_rate_forces_409_on_updates(ctp: Ctp, emulator: Emulator) -> None:
    token = await ctp.anonymous_token()
    cart = await ctp.my_cart(token, [(TSHIRT_M, 1)])
    emulator.faults.configure(conflict_rate=1.0)
    body = await ctp.update_my_cart(
        token, cart, {"action": "addLineItem", "sku": TSHIRT_M}, expect=409
    )
    assert body["errors"][0] == {
        "code": "ConcurrentModification",
        "message": body["errors"][0]["message"],
        "currentVersion": 1,
    }
    await ctp.get(f"/me/carts/{cart['id']}", token)  # reads are not affected
    emulator.faults.configure(conflict_rate=0.0)
    await ctp.update_my_cart(token, cart, {"action": "addLineItem", "sku": TSHIRT_M})


async def test_latency(ctp: Ctp, emulator: Emulator) -> None:
    token = await ctp.client_token()
    emulator.faults.configure(latency_ms=120)
    started = time.perf_counter()
    await ctp.get("/carts", token)
    assert time.perf_counter() - started >= 0.12


async def test_faults_over_http(ctp: Ctp, http: httpx.AsyncClient, emulator: Emulator) -> None:
    token = await ctp.client_token()
    response = await http.post(
        "/_emulator/faults", json={"errorRate": 1, "latencyMs": 5, "seed": 3}
    )
    assert response.status_code == 200
    assert response.json() == {"latencyMs": 5, "errorRate": 1.0, "conflictRate": 0.0, "seed": 3}
    assert emulator.faults.error_rate == 1.0
    await ctp.get("/carts", token, expect=503)
    # Admin routes are never subject to faults.
    assert (await http.get("/_emulator/faults")).json()["errorRate"] == 1.0
    await http.post("/_emulator/faults", json={"errorRate": 0, "latencyMs": 0})
    await ctp.get("/carts", token)
    await http.post("/_emulator/faults", json={"expireTokens": True})
    body = await ctp.get("/carts", token, expect=401)
    assert error_code(body) == "invalid_token"


async def test_invalid_fault_settings_are_400(http: httpx.AsyncClient) -> None:
    for payload in ({"errorRate": 2}, {"latencyMs": -1}, {"errorRate": "x"}, [1]):
        response = await http.post("/_emulator/faults", json=payload)
        assert response.status_code == 400, payload


async def test_request_log(ctp: Ctp, http: httpx.AsyncClient, emulator: Emulator) -> None:
    token = await ctp.client_token()
    await ctp.get("/carts", token, limit=1)
    await http.get("/_emulator/requests")
    assert emulator.request_log == [("POST", "/oauth/token"), ("GET", "/demo/carts")]
    listed = (await http.get("/_emulator/requests")).json()["requests"]
    assert listed == [
        {"method": "POST", "path": "/oauth/token"},
        {"method": "GET", "path": "/demo/carts"},
    ]
    emulator.clear_request_log()
    assert emulator.request_log == []
    await ctp.get("/carts", token)
    assert (await http.delete("/_emulator/requests")).status_code == 204
    assert emulator.request_log == []


async def test_reset(ctp: Ctp, http: httpx.AsyncClient, emulator: Emulator) -> None:
    token = await ctp.anonymous_token()
    cart = await ctp.my_cart(token, [(TSHIRT_M, 1)])
    emulator.faults.configure(latency_ms=1)
    assert (await http.post("/_emulator/reset")).status_code == 204
    assert emulator.carts == {}
    assert emulator.faults.latency_ms == 0
    assert emulator.customer_by_email("demo@example.com") is not None
    await ctp.get(f"/me/carts/{cart['id']}", token, expect=401)  # tokens are gone too
