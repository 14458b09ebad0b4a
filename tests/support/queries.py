"""GraphQL documents the tests share, written as a storefront would."""

CART_FIELDS = """
  id version currencyCode totalQuantity
  lineItems { id sku name quantity productSlug imageUrl
              unitPrice { centAmount currencyCode }
              discountedUnitPrice { centAmount }
              totalPrice { centAmount currencyCode } }
  subtotal { centAmount currencyCode }
  discount { centAmount }
  shippingMethod { id name price { centAmount } }
  shippingPrice { centAmount }
  totalPrice { centAmount currencyCode }
  taxedPrice { totalNet { centAmount } totalGross { centAmount } totalTax { centAmount } }
  shippingAddress { country city streetName postalCode firstName lastName }
  billingAddress { country city }
  email
  discountCodes { id code state }
"""

ORDER_FIELDS = """
  id orderNumber createdAt orderState currencyCode totalQuantity
  lineItems { id sku quantity totalPrice { centAmount } }
  totalPrice { centAmount currencyCode }
  shippingAddress { country city }
  email
"""

CART = f"{{ cart {{ {CART_FIELDS} }} }}"
ADD = f"""mutation($sku: String!, $q: Int! = 1) {{
  addToCart(sku: $sku, quantity: $q) {{ {CART_FIELDS} }} }}"""
UPDATE_QUANTITY = f"""mutation($id: ID!, $q: Int!) {{
  updateLineItemQuantity(lineItemId: $id, quantity: $q) {{ {CART_FIELDS} }} }}"""
REMOVE_LINE = f"""mutation($id: ID!) {{ removeLineItem(lineItemId: $id) {{ {CART_FIELDS} }} }}"""
APPLY_CODE = (
    f"""mutation($code: String!) {{ applyDiscountCode(code: $code) {{ {CART_FIELDS} }} }}"""
)
REMOVE_CODE = f"""mutation($id: ID!) {{ removeDiscountCode(id: $id) {{ {CART_FIELDS} }} }}"""
SET_SHIPPING_ADDRESS = f"""mutation($a: AddressInput!) {{
  setShippingAddress(address: $a) {{ {CART_FIELDS} }} }}"""
SET_BILLING_ADDRESS = f"""mutation($a: AddressInput!) {{
  setBillingAddress(address: $a) {{ {CART_FIELDS} }} }}"""
SET_EMAIL = f"""mutation($e: String!) {{ setCartEmail(email: $e) {{ {CART_FIELDS} }} }}"""
SET_SHIPPING_METHOD = f"""mutation($id: ID!) {{
  setShippingMethod(id: $id) {{ {CART_FIELDS} }} }}"""
SHIPPING_METHODS = """{ shippingMethods { id key name isDefault
  price { centAmount currencyCode } freeAbove { centAmount } } }"""
PLACE_ORDER = f"mutation {{ placeOrder {{ {ORDER_FIELDS} }} }}"
LAST_ORDER = f"{{ lastOrder {{ {ORDER_FIELDS} }} }}"
MY_ORDERS = f"""query($limit: Int, $offset: Int) {{
  myOrders(limit: $limit, offset: $offset) {{
    total limit offset results {{ {ORDER_FIELDS} }} }} }}"""
ORDER = f"query($id: ID!) {{ order(id: $id) {{ {ORDER_FIELDS} }} }}"
SIGN_UP = "mutation($input: SignUpInput!) { signUp(input: $input) { id email } }"
SIGN_IN = "mutation($e: String!, $p: String!) { signIn(email: $e, password: $p) { id email } }"
SIGN_OUT = "mutation { signOut }"
WISHLIST_FIELDS = "id items { id productId productSlug sku name imageUrl price { centAmount } }"
WISHLIST = f"{{ wishlist {{ {WISHLIST_FIELDS} }} }}"
ADD_TO_WISHLIST = (
    f"""mutation($sku: String!) {{ addToWishlist(sku: $sku) {{ {WISHLIST_FIELDS} }} }}"""
)
REMOVE_FROM_WISHLIST = f"""mutation($id: ID!) {{
  removeFromWishlist(lineItemId: $id) {{ {WISHLIST_FIELDS} }} }}"""

BERLIN = {
    "firstName": "Erika",
    "lastName": "Mustermann",
    "streetName": "Unter den Linden",
    "streetNumber": "1",
    "postalCode": "10117",
    "city": "Berlin",
    "country": "DE",
}
