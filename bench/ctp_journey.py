"""A storefront journey as the commercetools calls a BFF makes for it, sent straight to the
emulator (no service in between): search, open a product, an anonymous session with a cart,
a second line, sign-up, the customer's token, the active cart, shipping address, shipping
methods, shipping method, the cart, the order, the customer's orders. 14 requests, two of which
hash a password (sign-up and the password flow), as in the service's journey.

`run_journey(send, ...)` takes the transport as a function, so the soak (raw HTTP/1.1 over a
socket) and in-process measurements (httpx over ASGI) share the same steps.
"""

from __future__ import annotations

import base64
import json
import secrets
from collections.abc import Awaitable, Callable
from typing import Any
from urllib.parse import quote, urlencode

from emulator.jsonio import Json

# (method, path with query, headers, body) -> (status, parsed JSON body)
Send = Callable[[str, str, dict[str, str], bytes], Awaitable[tuple[int, Any]]]

PROJECT = "demo"
CLIENT = ("demo-client", "demo-secret")
STOREFRONT_SCOPES = " ".join(
    f"{name}:{PROJECT}"
    for name in (
        "create_anonymous_token",
        "manage_my_orders",
        "manage_my_profile",
        "manage_my_shopping_lists",
        "view_published_products",
    )
)
SEARCH = urlencode(
    {"text.en": "shirt", "limit": "20", "priceCurrency": "EUR", "priceCountry": "DE"}
)
ADDRESS = {
    "firstName": "Erika",
    "lastName": "Mustermann",
    "streetName": "Unter den Linden",
    "postalCode": "10117",
    "city": "Berlin",
    "country": "DE",
}
STEPS = 14


class JourneyFailed(RuntimeError):
    pass


class TokenRejected(JourneyFailed):
    """401: the token is gone (expired, revoked, or dropped at the emulator's token cap); a
    client gets a new one, as the service's gateway does."""


def basic_auth() -> str:
    return "Basic " + base64.b64encode(f"{CLIENT[0]}:{CLIENT[1]}".encode()).decode()


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


async def _call(
    send: Send, method: str, path: str, token: str, body: Json | None = None, expect: int = 200
) -> Any:
    headers = bearer(token)
    raw = b""
    if body is not None:
        headers["Content-Type"] = "application/json"
        raw = json.dumps(body, separators=(",", ":")).encode()
    status, answer = await send(method, path, headers, raw)
    if status == 401:
        raise TokenRejected(f"{method} {path.split('?')[0]}: HTTP 401")
    if status != expect:
        raise JourneyFailed(f"{method} {path.split('?')[0]}: HTTP {status} {str(answer)[:200]}")
    return answer


async def _oauth(send: Send, path: str, form: dict[str, str]) -> Json:
    headers = {
        "Authorization": basic_auth(),
        "Content-Type": "application/x-www-form-urlencoded",
    }
    status, answer = await send("POST", path, headers, urlencode(form).encode())
    if status != 200 or not isinstance(answer, dict):
        raise JourneyFailed(f"POST {path}: HTTP {status} {str(answer)[:200]}")
    return answer


async def app_token(send: Send) -> str:
    """The BFF's own client-credentials token (kept for many journeys, as the service does)."""
    answer = await _oauth(send, "/oauth/token", {"grant_type": "client_credentials"})
    return str(answer["access_token"])


async def run_journey(send: Send, backend: str) -> None:
    p = f"/{PROJECT}"
    found = await _call(send, "GET", f"{p}/product-projections/search?{SEARCH}", backend)
    products = found["results"][:2]
    if len(products) < 2:
        raise JourneyFailed("the search found fewer than 2 products")
    slug = products[0]["slug"]["en"]
    where = quote(f'slug(en = "{slug}")')
    await _call(send, "GET", f"{p}/product-projections?where={where}&limit=2", backend)
    skus = [product["masterVariant"]["sku"] for product in products]

    session = await _oauth(
        send,
        f"/oauth/{PROJECT}/anonymous/token",
        {"grant_type": "client_credentials", "scope": STOREFRONT_SCOPES},
    )
    guest = str(session["access_token"])
    draft = {"currency": "EUR", "country": "DE", "lineItems": [{"sku": skus[0]}]}
    cart = await _call(send, "POST", f"{p}/me/carts", guest, draft, expect=201)
    add = {"action": "addLineItem", "sku": skus[1], "quantity": 2}
    cart = await _call(send, "POST", f"{p}/me/carts/{cart['id']}", guest, _update(cart, add))

    email = f"soak-{secrets.token_hex(8)}@example.com"
    password = "Soak-" + secrets.token_urlsafe(9)
    signup = {"email": email, "password": password}
    await _call(send, "POST", f"{p}/me/signup", guest, signup, expect=201)
    signed_in = await _oauth(
        send,
        f"/oauth/{PROJECT}/customers/token",
        {
            "grant_type": "password",
            "username": email,
            "password": password,
            "scope": STOREFRONT_SCOPES,
        },
    )
    shopper = str(signed_in["access_token"])

    cart = await _call(send, "GET", f"{p}/me/active-cart", shopper)
    address = {"action": "setShippingAddress", "address": ADDRESS}
    cart = await _call(send, "POST", f"{p}/me/carts/{cart['id']}", shopper, _update(cart, address))
    methods = await _call(
        send, "GET", f"{p}/shipping-methods/matching-cart?cartId={cart['id']}", shopper
    )
    if not methods["results"]:
        raise JourneyFailed("no shipping method matches the cart")
    method = {
        "action": "setShippingMethod",
        "shippingMethod": {"typeId": "shipping-method", "id": methods["results"][0]["id"]},
    }
    cart = await _call(send, "POST", f"{p}/me/carts/{cart['id']}", shopper, _update(cart, method))
    cart = await _call(send, "GET", f"{p}/me/carts/{cart['id']}", shopper)
    order = {"id": cart["id"], "version": cart["version"]}
    await _call(send, "POST", f"{p}/me/orders", shopper, order, expect=201)
    await _call(send, "GET", f"{p}/me/orders?limit=5", shopper)


def _update(cart: Json, action: Json) -> Json:
    return {"version": cart["version"], "actions": [action]}
