"""What a storefront sends: GraphQL documents, a browser with its own cookie jar, and the guest
sessions with a 5-line cart that the `cart` measurements read."""

from __future__ import annotations

import asyncio
import json
from typing import Any

import httpx

SESSION_COOKIE = "ctp_session"
CART_LINES = 5

CART_FIELDS = """
  id version currencyCode totalQuantity
  lineItems { id lineItemId sku name quantity productSlug imageUrl
              unitPrice { centAmount currencyCode }
              discountedUnitPrice { centAmount }
              totalPrice { centAmount currencyCode } }
  subtotal { centAmount currencyCode }
  discount { centAmount }
  shippingInfo { shippingMethodId name price { centAmount } }
  shippingPrice { centAmount }
  totalPrice { centAmount currencyCode }
  taxedPrice { totalNet { centAmount } totalGross { centAmount } totalTax { centAmount } }
  shippingAddress { country city streetName postalCode firstName lastName }
  email
  discountCodes { id discountCodeId code state }
"""
USER_ERRORS = "userErrors { field code message }"
CART = f"query Cart {{ cart {{ {CART_FIELDS} }} }}"
ADD_TO_CART = f"""mutation AddToCart($sku: String!, $q: Int = 1) {{
  addToCart(sku: $sku, quantity: $q) {{ cart {{ {CART_FIELDS} }} {USER_ERRORS} }} }}"""
CATEGORIES = "query Categories { categories { id slug name children { id slug name } } }"
SEARCH = """query Search($text: String, $category: ID) {
  products(text: $text, category: $category, limit: 20) {
    pageInfo { total hasNextPage }
    results {
      id slug name masterVariant { id sku price { centAmount currencyCode } images { url } } }
    facets { name terms { term label count selected } }
  } }"""
PRODUCT = """query Product($slug: String!) { product(by: {slug: $slug}) {
  id slug name description categories { id name }
  masterVariant { id sku price { centAmount currencyCode } images { url } }
  variants { id sku price { centAmount currencyCode } images { url } attributes { name value }
             availability { isOnStock } } } }"""
SIGN_UP = f"""mutation SignUp($input: SignUpInput!) {{
  signUp(input: $input) {{ customer {{ id email }} {USER_ERRORS} }} }}"""
SET_SHIPPING_ADDRESS = f"""mutation SetShippingAddress($a: AddressInput!) {{
  setShippingAddress(address: $a) {{ cart {{ {CART_FIELDS} }} {USER_ERRORS} }} }}"""
SHIPPING_METHODS = """query ShippingMethods {
  shippingMethods { shippingMethodId key name isDefault price { centAmount currencyCode } } }"""
SET_SHIPPING_METHOD = f"""mutation SetShippingMethod($id: ID!) {{
  setShippingMethod(shippingMethodId: $id) {{ cart {{ {CART_FIELDS} }} {USER_ERRORS} }} }}"""
PLACE_ORDER = f"""mutation PlaceOrder {{ placeOrder {{
  order {{ id orderNumber orderState totalQuantity totalPrice {{ centAmount currencyCode }} }}
  {USER_ERRORS} }} }}"""

BERLIN = {
    "firstName": "Erika",
    "lastName": "Mustermann",
    "streetName": "Unter den Linden",
    "streetNumber": "1",
    "postalCode": "10117",
    "city": "Berlin",
    "country": "DE",
}


class GraphQLFailed(RuntimeError):
    pass


def graphql_body(query: str, variables: dict[str, Any] | None = None) -> bytes:
    payload: dict[str, Any] = {"query": query}
    if variables is not None:
        payload["variables"] = variables
    return json.dumps(payload, separators=(",", ":")).encode()


class Browser:
    """One shopper's browser: its own cookie jar, GraphQL over HTTP/1.1 keep-alive."""

    def __init__(self, base_url: str, timeout: float = 30.0) -> None:
        self.http = httpx.AsyncClient(base_url=base_url, timeout=timeout)

    async def gql(self, query: str, variables: dict[str, Any] | None = None) -> Any:
        """The answer's data; GraphQLFailed on errors, and on a mutation's userErrors."""
        response = await self.http.post(
            "/graphql",
            content=graphql_body(query, variables),
            headers={"Content-Type": "application/json"},
        )
        body = response.json()
        if response.status_code != 200 or body.get("errors"):
            raise GraphQLFailed(f"HTTP {response.status_code}: {body.get('errors')}")
        data = body["data"]
        refused = [
            error
            for payload in data.values()
            if isinstance(payload, dict)
            for error in payload.get("userErrors") or ()
        ]
        if refused:
            raise GraphQLFailed(f"userErrors: {refused}")
        return data

    def cookie(self) -> str | None:
        value: str | None = self.http.cookies.get(SESSION_COOKIE)
        return value

    async def aclose(self) -> None:
        await self.http.aclose()

    async def __aenter__(self) -> Browser:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.aclose()


async def pick_skus(base_url: str, count: int = CART_LINES) -> list[str]:
    """The master-variant SKUs of the first `count` products of the catalog."""
    async with Browser(base_url) as browser:
        found = (await browser.gql(SEARCH, {"text": None}))["products"]["results"]
    skus = [product["masterVariant"]["sku"] for product in found][:count]
    if len(skus) < count:
        raise GraphQLFailed(f"the catalog has {len(skus)} products, {count} needed")
    return skus


async def guest_with_cart(base_url: str, skus: list[str]) -> str:
    """A guest session whose cart holds one line per SKU; its cookie value."""
    async with Browser(base_url) as browser:
        cart: dict[str, Any] = {}
        for sku in skus:
            cart = (await browser.gql(ADD_TO_CART, {"sku": sku}))["addToCart"]["cart"]
        if len(cart["lineItems"]) != len(skus):
            raise GraphQLFailed(f"expected {len(skus)} lines, got {len(cart['lineItems'])}")
        cookie = browser.cookie()
        if cookie is None:
            raise GraphQLFailed("addToCart set no session cookie")
        return cookie


async def guests_with_carts(
    base_url: str, skus: list[str], count: int, concurrency: int = 16
) -> list[str]:
    gate = asyncio.Semaphore(concurrency)

    async def one() -> str:
        async with gate:
            return await guest_with_cart(base_url, skus)

    return list(await asyncio.gather(*(one() for _ in range(count))))
