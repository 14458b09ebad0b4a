"""GraphQL documents the tests share, written as a storefront would."""

USER_ERRORS = "userErrors { field code message }"

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
  shippingAddress { id country city streetName postalCode firstName lastName }
  billingAddress { id country city }
  email
  discountCodes { id discountCodeId code state }
"""

ORDER_FIELDS = """
  id orderNumber createdAt orderState paymentState shipmentState currencyCode totalQuantity
  lineItems { id lineItemId sku quantity totalPrice { centAmount } }
  totalPrice { centAmount currencyCode }
  shippingAddress { id country city }
  email
"""


def cart_mutation(signature: str, call: str) -> str:
    """A cart mutation selecting the whole cart and the userErrors of its payload."""
    return f"mutation{signature} {{ {call} {{ cart {{ {CART_FIELDS} }} {USER_ERRORS} }} }}"


CART = f"{{ cart {{ {CART_FIELDS} }} }}"
ADD = cart_mutation("($sku: String!, $q: Int = 1)", "addToCart(sku: $sku, quantity: $q)")
UPDATE_QUANTITY = cart_mutation(
    "($id: ID!, $q: Int!)", "updateLineItemQuantity(lineItemId: $id, quantity: $q)"
)
REMOVE_LINE = cart_mutation("($id: ID!)", "removeLineItem(lineItemId: $id)")
APPLY_CODE = cart_mutation("($code: String!)", "applyDiscountCode(code: $code)")
REMOVE_CODE = cart_mutation("($id: ID!)", "removeDiscountCode(discountCodeId: $id)")
SET_SHIPPING_ADDRESS = cart_mutation("($a: AddressInput!)", "setShippingAddress(address: $a)")
SET_BILLING_ADDRESS = cart_mutation("($a: AddressInput!)", "setBillingAddress(address: $a)")
SET_EMAIL = cart_mutation("($e: String!)", "setCartEmail(email: $e)")
SET_SHIPPING_METHOD = cart_mutation("($id: ID!)", "setShippingMethod(shippingMethodId: $id)")
SHIPPING_METHODS = """{ shippingMethods { shippingMethodId key name isDefault
  price { centAmount currencyCode } freeAbove { centAmount } } }"""
PLACE_ORDER = f"mutation {{ placeOrder {{ order {{ {ORDER_FIELDS} }} {USER_ERRORS} }} }}"
LAST_ORDER = f"{{ lastOrder {{ {ORDER_FIELDS} }} }}"
MY_ORDERS = f"""query($limit: Int, $offset: Int) {{
  myOrders(limit: $limit, offset: $offset) {{
    pageInfo {{ total limit offset hasNextPage hasPreviousPage }}
    results {{ {ORDER_FIELDS} }} }} }}"""
ORDER = f"query($id: ID!) {{ order(id: $id) {{ {ORDER_FIELDS} }} }}"
CUSTOMER_FIELDS = """id email firstName lastName dateOfBirth
  addresses { id addressId country city streetName postalCode }
  defaultShippingAddressId defaultBillingAddressId"""
ME = f"{{ me {{ {CUSTOMER_FIELDS} }} }}"
SIGN_UP = f"""mutation($input: SignUpInput!) {{
  signUp(input: $input) {{ customer {{ id email }} {USER_ERRORS} }} }}"""
SIGN_IN = f"""mutation($e: String!, $p: String!) {{
  signIn(email: $e, password: $p) {{ customer {{ id email }} {USER_ERRORS} }} }}"""
SIGN_OUT = f"mutation {{ signOut {{ {USER_ERRORS} }} }}"
ADD_ADDRESS = f"""mutation($a: AddressInput!, $s: Boolean, $b: Boolean) {{
  addAddress(address: $a, defaultShipping: $s, defaultBilling: $b) {{
    customer {{ {CUSTOMER_FIELDS} }} {USER_ERRORS} }} }}"""
REQUEST_RESET = (
    f"""mutation($e: String!) {{ requestPasswordReset(email: $e) {{ {USER_ERRORS} }} }}"""
)
RESET = f"""mutation($t: String!, $n: String!) {{
  resetPassword(token: $t, newPassword: $n) {{ {USER_ERRORS} }} }}"""
WISHLIST_FIELDS = """id lineItems { id lineItemId productId productSlug sku name imageUrl
  price { centAmount } }"""
WISHLIST = f"{{ wishlist {{ {WISHLIST_FIELDS} }} }}"
ADD_TO_WISHLIST = f"""mutation($sku: String!) {{
  addToWishlist(sku: $sku) {{ wishlist {{ {WISHLIST_FIELDS} }} {USER_ERRORS} }} }}"""
REMOVE_FROM_WISHLIST = f"""mutation($id: ID!) {{
  removeFromWishlist(lineItemId: $id) {{ wishlist {{ {WISHLIST_FIELDS} }} {USER_ERRORS} }} }}"""

BERLIN = {
    "firstName": "Erika",
    "lastName": "Mustermann",
    "streetName": "Unter den Linden",
    "streetNumber": "1",
    "postalCode": "10117",
    "city": "Berlin",
    "country": "DE",
}
