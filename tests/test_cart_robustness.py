"""Carts never get lost or corrupted: few upstream calls, 409s absorbed, stale ids survived."""

from __future__ import annotations

import asyncio
import uuid
from typing import Any

import pytest

from tests.conftest import RunningService
from tests.support.browser import Browser
from tests.support.catalog import priced_skus
from tests.support.queries import ADD, BERLIN, CART, SIGN_UP
from tests.support.upstream import Upstream

pytestmark = pytest.mark.anyio


def lines(cart: dict[str, Any]) -> dict[str, int]:
    return {li["sku"]: li["quantity"] for li in cart["lineItems"]}


async def test_later_cart_writes_make_one_upstream_call(
    service: RunningService, browser: Browser
) -> None:
    first, second = priced_skus(service.emulator, 2)
    service.emulator.clear_request_log()
    (await browser.gql(ADD, {"sku": first, "q": 1})).ok()
    assert len(service.emulator.request_log) == 2  # anonymous token + cart with the line
    service.emulator.clear_request_log()
    cart = (await browser.gql(ADD, {"sku": second, "q": 1})).ok()["addToCart"]["cart"]
    assert service.emulator.request_log == [("POST", f"/demo/me/carts/{cart['id']}")]
    service.emulator.clear_request_log()
    (await browser.gql(CART)).ok()
    assert service.emulator.request_log == [("GET", f"/demo/me/carts/{cart['id']}")]


async def test_two_tabs_adding_at_the_same_time_both_land(
    service: RunningService, browser: Browser
) -> None:
    skus = priced_skus(service.emulator, 9)
    (await browser.gql(ADD, {"sku": skus[0], "q": 1})).ok()
    # One browser, one cookie jar, many requests in flight: all hold the same cart version.
    results = await asyncio.gather(*(browser.gql(ADD, {"sku": s, "q": 2}) for s in skus[1:]))
    assert all(not r.errors for r in results), [r.errors for r in results]
    cart = (await browser.gql(CART)).ok()["cart"]
    assert lines(cart) == {skus[0]: 1, **{s: 2 for s in skus[1:]}}


async def test_a_customer_on_two_devices_keeps_every_line(service: RunningService) -> None:
    skus = priced_skus(service.emulator, 4)
    email = f"devices-{uuid.uuid4().hex[:10]}@example.com"
    async with service.browser() as phone, service.browser() as laptop:
        (await phone.gql(SIGN_UP, {"input": {"email": email, "password": "Long-enough-1"}})).ok()
        (await phone.gql(ADD, {"sku": skus[0], "q": 1})).ok()
        sign_in = """mutation($e: String!) { signIn(email: $e, password: "Long-enough-1") {
          customer { id } userErrors { code } } }"""
        (await laptop.gql(sign_in, {"e": email})).ok()
        (await laptop.gql(ADD, {"sku": skus[1], "q": 1})).ok()
        # The phone's remembered cart version is now stale.
        (await phone.gql(ADD, {"sku": skus[2], "q": 1})).ok()
        (await laptop.gql(ADD, {"sku": skus[3], "q": 1})).ok()
        assert lines((await phone.gql(CART)).ok()["cart"]) == dict.fromkeys(skus, 1)


async def test_forced_conflicts_are_retried(service: RunningService, browser: Browser) -> None:
    skus = priced_skus(service.emulator, 5)
    (await browser.gql(ADD, {"sku": skus[0], "q": 1})).ok()
    service.emulator.faults.configure(conflict_rate=0.5, seed=7)
    try:
        for sku in skus[1:]:
            (await browser.gql(ADD, {"sku": sku, "q": 1})).ok()
    finally:
        service.emulator.faults.configure(conflict_rate=0.0)
    assert lines((await browser.gql(CART)).ok()["cart"]) == dict.fromkeys(skus, 1)


async def test_a_cart_deleted_upstream_is_replaced_without_an_error(
    service: RunningService, browser: Browser
) -> None:
    first, second = priced_skus(service.emulator, 2)
    old = (await browser.gql(ADD, {"sku": first, "q": 1})).ok()["addToCart"]["cart"]
    assert service.emulator.delete_cart(old["id"])
    assert (await browser.gql(CART)).ok() == {"cart": None}
    new = (await browser.gql(ADD, {"sku": second, "q": 1})).ok()["addToCart"]["cart"]
    assert new["id"] != old["id"] and lines(new) == {second: 1}


async def test_a_cart_deleted_between_two_writes_is_replaced(
    service: RunningService, browser: Browser
) -> None:
    first, second = priced_skus(service.emulator, 2)
    old = (await browser.gql(ADD, {"sku": first, "q": 1})).ok()["addToCart"]["cart"]
    service.emulator.delete_cart(old["id"])
    new = (await browser.gql(ADD, {"sku": second, "q": 3})).ok()["addToCart"]["cart"]
    assert new["id"] != old["id"] and lines(new) == {second: 3}


async def test_a_cart_ordered_elsewhere_is_not_written_to(
    service: RunningService, browser: Browser
) -> None:
    first, second = priced_skus(service.emulator, 2)
    old = (await browser.gql(ADD, {"sku": first, "q": 1})).ok()["addToCart"]["cart"]
    stored = await service.read_session(browser)
    assert stored is not None
    token = stored.data["t"]["a"]
    upstream = Upstream(service.emulator)
    try:
        with_address = await upstream.call(
            "POST",
            f"/me/carts/{old['id']}",
            token,
            {
                "version": old["version"],
                "actions": [{"action": "setShippingAddress", "address": BERLIN}],
            },
        )
        await upstream.call(
            "POST", "/me/orders", token, {"id": old["id"], "version": with_address["version"]}
        )
    finally:
        await upstream.aclose()
    new = (await browser.gql(ADD, {"sku": second, "q": 1})).ok()["addToCart"]["cart"]
    assert new["id"] != old["id"] and lines(new) == {second: 1}
    (order,) = service.emulator.orders.values()
    assert [(li["variant"]["sku"], li["quantity"]) for li in order["lineItems"]] == [(first, 1)]
