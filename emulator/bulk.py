"""Fill an emulator with many carts and customers at once, for scale tests and measurements:
copies of one real cart and of the demo customer, stored directly (no HTTP, no password hashing
per customer), so 20 000 carts take well under a second.

The copies share their nested parts: stored values are never changed in place (resources.py).
"""

from __future__ import annotations

import uuid

from emulator import carts
from emulator.customers import DEMO_CUSTOMER_ID
from emulator.passwords import hash_password
from emulator.state import Emulator

BULK_PASSWORD = "Bulk-Passw0rd!"  # noqa: S105 - the password of every bulk customer
BULK_SKU = "TSHIRT-CLASSIC-BLUE-M"


def bulk_email(number: int) -> str:
    return f"Bulk-{number}@Example.com"


def fill(emulator: Emulator, cart_count: int, customer_count: int) -> None:
    """`customer_count` customers (`bulk_email(n)`, password BULK_PASSWORD) and `cart_count`
    active carts, every other one a customer's (round robin), the rest anonymous sessions'."""
    password_hash = hash_password(BULK_PASSWORD)
    with emulator.lock:
        template_cart = carts.build_cart(
            emulator, {"currency": "EUR", "country": "DE", "lineItems": [{"sku": BULK_SKU}]}
        )
        template_customer = emulator.customers[DEMO_CUSTOMER_ID]
        customer_ids = []
        for number in range(customer_count):
            customer_id = str(uuid.uuid4())
            emulator.customers[customer_id] = {
                **template_customer,
                "id": customer_id,
                "email": bulk_email(number),
            }
            emulator.password_hashes[customer_id] = password_hash
            customer_ids.append(customer_id)
        for number in range(cart_count):
            cart_id = str(uuid.uuid4())
            owner = (
                {"customerId": customer_ids[number % len(customer_ids)]}
                if number % 2 and customer_ids
                else {"anonymousId": str(uuid.uuid4())}
            )
            emulator.carts[cart_id] = {**template_cart, "id": cart_id, **owner}
