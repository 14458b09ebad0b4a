"""What placeOrder sends commercetools: an OrderFromCartDraft naming the cart by a
ResourceIdentifier (`cart`), not by the `id` commercetools deprecated in December 2020."""

from __future__ import annotations

import pytest

from emulator.state import Emulator
from tests.support.browser import Browser
from tests.support.project_service import project_service
from tests.support.queries import (
    ADD,
    BERLIN,
    PLACE_ORDER,
    SET_SHIPPING_ADDRESS,
    SET_SHIPPING_METHOD,
    SHIPPING_METHODS,
)

pytestmark = pytest.mark.anyio


async def test_place_order_names_the_cart_by_a_resource_identifier() -> None:
    with project_service(Emulator(), "manage_project:demo") as service:
        async with Browser(service.url) as browser:
            added = (await browser.gql(ADD, {"sku": "TSHIRT-CLASSIC-BLUE-M"})).ok()
            cart_id = added["addToCart"]["cart"]["id"]
            (await browser.gql(SET_SHIPPING_ADDRESS, {"a": BERLIN})).ok()
            methods = (await browser.gql(SHIPPING_METHODS)).ok()["shippingMethods"]
            chosen = {"id": methods[0]["shippingMethodId"]}
            (await browser.gql(SET_SHIPPING_METHOD, chosen)).ok()
            order = (await browser.gql(PLACE_ORDER)).ok()["placeOrder"]["order"]
        [draft] = service.recorded.bodies("POST", "/demo/orders")
    assert set(draft) == {"cart", "version", "orderNumber"}
    assert draft["cart"] == {"typeId": "cart", "id": cart_id}
    assert isinstance(draft["version"], int)
    assert draft["orderNumber"] == order["orderNumber"]
