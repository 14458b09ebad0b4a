"""A request costs the same with 20 000 carts and 5 000 customers stored as with 10: the lookups
behind `/me/active-cart`, `/me/login` and finding a customer by e-mail read only the matching
resources. Measured as work (resources the stores hand out, `GET /_emulator/stats`), never as
time; the timings are in docs/emulator.md."""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any

import httpx
import pytest

from emulator.app import create_emulator_app
from emulator.bulk import bulk_email, fill
from emulator.config import EmulatorConfig
from emulator.state import Emulator
from tests.emulator.ctp import TEST_PASSWORD, TSHIRT_M, Ctp
from tests.support.clock import FakeClock

pytestmark = pytest.mark.anyio

Json = dict[str, Any]
SHOPPER = "measured.shopper@example.com"


@pytest.fixture
async def world(clock: FakeClock) -> AsyncIterator[Callable[[int, int], Awaitable[Ctp]]]:
    clients: list[httpx.AsyncClient] = []

    async def make(cart_count: int, customer_count: int) -> Ctp:
        # Without caps: this is about lookups among many resources, not about keeping them.
        emulator = Emulator(EmulatorConfig().unbounded(), clock=clock)
        fill(emulator, cart_count, customer_count)
        transport = httpx.ASGITransport(app=create_emulator_app(emulator))
        client = httpx.AsyncClient(transport=transport, base_url="http://emulator")
        clients.append(client)
        return Ctp(client)

    yield make
    for client in clients:
        await client.aclose()


async def examined(ctp: Ctp) -> int:
    stats = (await ctp.http.get("/_emulator/stats")).json()
    return sum(int(store.get("examined", 0)) for store in stats.values())


async def work_per_request(ctp: Ctp) -> dict[str, int]:
    """Resources examined by each measured request, for one shopper with one cart and one
    guest session with one cart, whatever else is stored."""
    _, customer_token = await ctp.new_customer(SHOPPER)
    await ctp.my_cart(customer_token, [(TSHIRT_M, 1)])
    guest = await ctp.anonymous_token()
    await ctp.my_cart(guest, [(TSHIRT_M, 2)])
    backend = await ctp.client_token()

    requests: dict[str, Callable[[], Awaitable[Json]]] = {
        "GET /me/active-cart (guest)": lambda: ctp.get("/me/active-cart", guest),
        "GET /me/active-cart (customer)": lambda: ctp.get("/me/active-cart", customer_token),
        "GET /customers?where=email=": lambda: ctp.get(
            "/customers", backend, where=f'email = "{SHOPPER}"'
        ),
        "POST /customers/password-token": lambda: ctp.post(
            "/customers/password-token", backend, {"email": SHOPPER.upper()}
        ),
        "POST /me/login (guest cart merged)": lambda: ctp.post(
            "/me/login", guest, {"email": SHOPPER, "password": TEST_PASSWORD}
        ),
    }
    work: dict[str, int] = {}
    for name, send in requests.items():
        before = await examined(ctp)
        answer = await send()
        work[name] = await examined(ctp) - before
        assert answer, name
    return work


async def test_lookups_read_the_same_resources_with_20000_carts_as_with_10(
    world: Callable[[int, int], Awaitable[Ctp]],
) -> None:
    small = await world(10, 10)
    large = await world(20_000, 5_000)
    stats = (await large.http.get("/_emulator/stats")).json()
    assert (
        stats["carts"]["size"] == 20_000 and stats["customers"]["size"] == 5_002
    )  # and the two demo accounts

    few = await work_per_request(small)
    many = await work_per_request(large)

    assert many == few
    # And it is a handful: the token, the owner's own carts, the customer.
    assert all(count <= 8 for count in many.values()), many


async def test_lookup_by_email_is_case_insensitive_and_exact_in_queries(
    world: Callable[[int, int], Awaitable[Ctp]],
) -> None:
    ctp = await world(0, 50)
    backend = await ctp.client_token()
    email = bulk_email(7)
    # The index finds it for any case; the predicate then compares exactly.
    exact = await ctp.get("/customers", backend, where=f'email = "{email}"')
    other_case = await ctp.get("/customers", backend, where=f'email = "{email.lower()}"')
    assert [c["email"] for c in exact["results"]] == [email]
    assert email != email.lower() and other_case["results"] == []
    token = await ctp.post("/customers/password-token", backend, {"email": email.upper()})
    assert token["customerId"] == exact["results"][0]["id"]
