// Every GraphQL document the demo storefront sends, in one module: copy them into your own
// storefront. The contract behind them is docs/storefront-api.md; the whole schema is
// schema.graphql.
//
// Conventions worth keeping:
// - Every mutation asks for `userErrors { field code message }`: input problems come back
//   there (field names the input, e.g. ["address", "postalCode"]), not as top-level errors.
// - Objects are asked for with their `id`: normalized caches (Apollo, urql) key on
//   __typename + id, and every id is unique across the API.
// - Fragments keep the shape of a cart, an order, a product card in one place each.

/** One document: the operation, then each fragment it spreads (once). */
const gql = (operation, ...fragments) => [operation, ...new Set(fragments)].join('\n');

// -- Fragments ------------------------------------------------------------------------------

const MONEY = `
fragment MoneyFields on Money { centAmount currencyCode fractionDigits }`;

const ADDRESS = `
fragment AddressFields on Address {
  id firstName lastName streetName streetNumber postalCode city country email
}`;

// A listing shows each product through one variant: the first variant that matches the
// filters (isMatchingVariant), else the master variant.
const PRODUCT_CARD = `
fragment ProductCard on Product {
  id slug name
  masterVariant { id sku price { ...MoneyFields } attributes { name value } }
  variants { id sku isMatchingVariant price { ...MoneyFields } attributes { name value } }
}`;

const CART = `
fragment CartFields on Cart {
  id totalQuantity email
  lineItems {
    id lineItemId name sku productSlug quantity
    unitPrice { ...MoneyFields }
    discountedUnitPrice { ...MoneyFields }
    totalPrice { ...MoneyFields }
  }
  discountCodes { id discountCodeId code state }
  subtotal { ...MoneyFields }
  discount { ...MoneyFields }
  shippingAddress { ...AddressFields }
  shippingInfo { shippingMethodId name price { ...MoneyFields } }
  taxedPrice { totalTax { ...MoneyFields } }
  totalPrice { ...MoneyFields }
}`;

const ORDER = `
fragment OrderFields on Order {
  id orderNumber createdAt orderState paymentState email totalQuantity
  lineItems { id name sku quantity totalPrice { ...MoneyFields } }
  shippingAddress { ...AddressFields }
  shippingInfo { name price { ...MoneyFields } }
  subtotal { ...MoneyFields }
  discount { ...MoneyFields }
  taxedPrice { totalTax { ...MoneyFields } }
  totalPrice { ...MoneyFields }
}`;

const CUSTOMER = `
fragment CustomerFields on Customer {
  id email isEmailVerified firstName lastName
  defaultShippingAddress { ...AddressFields }
}`;

const USER_ERRORS = 'userErrors { field code message }';

// -- Navigation and the header ----------------------------------------------------------------

/** The category tree for the menu (the service caches it for a few minutes). */
export const CATEGORY_TREE = gql(`
query CategoryTree {
  categories { id name slug children { id name slug } }
}`);

/** Who is shopping and how full the cart is: the header after every change. */
export const SHOPPER = gql(`
query Shopper {
  me { id firstName email }
  cart { id totalQuantity }
  shopperContext { country currency availableCountries availableCurrencies }
}`);

/** Where the shopper shops: prices, the cart and its currency follow (docs/storefront-api.md). */
export const SET_SHOPPER_CONTEXT = gql(`
mutation SetShopperContext($input: ShopperContextInput!) {
  setShopperContext(input: $input) {
    shopperContext { country currency }
    leftOutLines { sku name }
    userErrors { field code message }
  }
}`);

// -- Catalog ---------------------------------------------------------------------------------

/** A category page's heading, breadcrumbs and sub-categories. */
export const CATEGORY = gql(`
query Category($slug: String!) {
  category(by: { slug: $slug }) {
    id name description
    ancestors { id name slug }
    children { id name slug }
  }
}`);

/** Search and category listings: the products of one page, with the facets to filter by. */
export const PRODUCT_SEARCH = gql(
  `
query ProductSearch(
  $text: String, $category: ID, $filters: [FacetFilterInput!], $sort: ProductSort,
  $limit: Int, $offset: Int
) {
  products(
    text: $text, category: $category, filters: $filters, sort: $sort,
    limit: $limit, offset: $offset
  ) {
    pageInfo { offset limit total hasNextPage hasPreviousPage }
    facets { name terms { term label count selected } }
    results { ...ProductCard }
  }
}`,
  PRODUCT_CARD,
  MONEY,
);

/** A product page: every variant with its price and attributes. */
export const PRODUCT = gql(
  `
query Product($slug: String!) {
  product(by: { slug: $slug }) {
    id slug name description
    categories { id name slug }
    variants {
      id sku variantNumber
      price { ...MoneyFields }
      discountedPrice { ...MoneyFields }
      attributes { name value }
      availability { isOnStock }
    }
  }
}`,
  MONEY,
);

// -- Cart and checkout -----------------------------------------------------------------------

export const CART_QUERY = gql(`query Cart { cart { ...CartFields } }`, CART, ADDRESS, MONEY);

/** The first addToCart of a guest creates the cart (and the session cookie). */
export const ADD_TO_CART = gql(`
mutation AddToCart($sku: String!, $quantity: Int) {
  addToCart(sku: $sku, quantity: $quantity) {
    cart { id totalQuantity }
    ${USER_ERRORS}
  }
}`);

export const UPDATE_LINE_ITEM_QUANTITY = gql(
  `
mutation UpdateLineItemQuantity($lineItemId: ID!, $quantity: Int!) {
  updateLineItemQuantity(lineItemId: $lineItemId, quantity: $quantity) {
    cart { ...CartFields }
    ${USER_ERRORS}
  }
}`,
  CART,
  ADDRESS,
  MONEY,
);

export const REMOVE_LINE_ITEM = gql(
  `
mutation RemoveLineItem($lineItemId: ID!) {
  removeLineItem(lineItemId: $lineItemId) {
    cart { ...CartFields }
    ${USER_ERRORS}
  }
}`,
  CART,
  ADDRESS,
  MONEY,
);

export const APPLY_DISCOUNT_CODE = gql(
  `
mutation ApplyDiscountCode($code: String!) {
  applyDiscountCode(code: $code) {
    cart { ...CartFields }
    ${USER_ERRORS}
  }
}`,
  CART,
  ADDRESS,
  MONEY,
);

export const REMOVE_DISCOUNT_CODE = gql(
  `
mutation RemoveDiscountCode($discountCodeId: ID!) {
  removeDiscountCode(discountCodeId: $discountCodeId) {
    cart { ...CartFields }
    ${USER_ERRORS}
  }
}`,
  CART,
  ADDRESS,
  MONEY,
);

/** The checkout page: the cart, the signed-in customer's address, and how it can ship. */
export const CHECKOUT = gql(
  `
query Checkout {
  cart { ...CartFields }
  me { ...CustomerFields }
  paymentMethods
  shippingMethods { shippingMethodId name description price { ...MoneyFields } freeAbove { ...MoneyFields } }
}`,
  CART,
  CUSTOMER,
  ADDRESS,
  MONEY,
);

export const SET_CART_EMAIL = gql(`
mutation SetCartEmail($email: String!) {
  setCartEmail(email: $email) { cart { id email } ${USER_ERRORS} }
}`);

export const SET_SHIPPING_ADDRESS = gql(
  `
mutation SetShippingAddress($address: AddressInput!) {
  setShippingAddress(address: $address) { cart { ...CartFields } ${USER_ERRORS} }
}`,
  CART,
  ADDRESS,
  MONEY,
);

export const SET_SHIPPING_METHOD = gql(
  `
mutation SetShippingMethod($shippingMethodId: ID!) {
  setShippingMethod(shippingMethodId: $shippingMethodId) { cart { ...CartFields } ${USER_ERRORS} }
}`,
  CART,
  ADDRESS,
  MONEY,
);

/**
 * Starts paying for the cart's total as it is now (the amount never comes from the page); the
 * page then confirms it with the provider (storefront/js/payment-provider.js). Asked again for
 * an unchanged cart it answers the same payment; after a change, a new one (and the old one is
 * cancelled or refunded).
 */
export const CREATE_PAYMENT = gql(
  `
mutation CreatePayment($method: String!) {
  createPayment(input: { method: $method }) {
    payment { id status method clientSecret publishableKey declineMessage amount { ...MoneyFields } }
    ${USER_ERRORS}
  }
}`,
  MONEY,
);

/** Ordering empties the browser's cart; lastOrder is then the confirmation. */
export const PLACE_ORDER = gql(
  `
mutation PlaceOrder {
  placeOrder { order { ...OrderFields } ${USER_ERRORS} }
}`,
  ORDER,
  ADDRESS,
  MONEY,
);

export const LAST_ORDER = gql(`query LastOrder { lastOrder { ...OrderFields } }`, ORDER, ADDRESS, MONEY);

// -- Account ---------------------------------------------------------------------------------

export const SIGN_IN = gql(`
mutation SignIn($email: String!, $password: String!) {
  signIn(email: $email, password: $password) { customer { id firstName email } ${USER_ERRORS} }
}`);

export const SIGN_UP = gql(`
mutation SignUp($input: SignUpInput!) {
  signUp(input: $input) { customer { id firstName email } ${USER_ERRORS} }
}`);

export const SIGN_OUT = gql(`mutation SignOut { signOut { ${USER_ERRORS} } }`);

export const REQUEST_PASSWORD_RESET = gql(`
mutation RequestPasswordReset($email: String!) {
  requestPasswordReset(email: $email) { ${USER_ERRORS} }
}`);

/** The reset mail links to {STOREFRONT_URL}/reset-password?token=…; the page sends it here. */
export const RESET_PASSWORD = gql(`
mutation ResetPassword($token: String!, $newPassword: String!) {
  resetPassword(token: $token, newPassword: $newPassword) { ${USER_ERRORS} }
}`);

/** Mails the signed-in customer a link to {STOREFRONT_URL}/verify-email?token=…. */
export const REQUEST_EMAIL_VERIFICATION = gql(`
mutation RequestEmailVerification { requestEmailVerification { ${USER_ERRORS} } }`);

/** The verification link (in that mail, and in the welcome mail) opens a page that sends it here. */
export const VERIFY_EMAIL = gql(`
mutation VerifyEmail($token: String!) {
  verifyEmail(token: $token) { customer { id isEmailVerified } ${USER_ERRORS} }
}`);

/** The account page: the customer and a page of their orders, newest first. */
export const ACCOUNT = gql(
  `
query Account($limit: Int, $offset: Int) {
  me { ...CustomerFields }
  myOrders(limit: $limit, offset: $offset) {
    pageInfo { total hasNextPage }
    results { id orderNumber createdAt orderState totalQuantity totalPrice { ...MoneyFields } }
  }
}`,
  CUSTOMER,
  ADDRESS,
  MONEY,
);

export const ORDER_QUERY = gql(
  `query Order($id: ID!) { order(id: $id) { ...OrderFields } }`,
  ORDER,
  ADDRESS,
  MONEY,
);

// -- Wishlist --------------------------------------------------------------------------------

const WISHLIST = `
fragment WishlistFields on Wishlist {
  id
  lineItems { id lineItemId name sku productSlug price { ...MoneyFields } }
}`;

export const WISHLIST_QUERY = gql(`query Wishlist { wishlist { ...WishlistFields } }`, WISHLIST, MONEY);

export const ADD_TO_WISHLIST = gql(`
mutation AddToWishlist($sku: String!) {
  addToWishlist(sku: $sku) { wishlist { id } ${USER_ERRORS} }
}`);

export const REMOVE_FROM_WISHLIST = gql(
  `
mutation RemoveFromWishlist($lineItemId: ID!) {
  removeFromWishlist(lineItemId: $lineItemId) { wishlist { ...WishlistFields } ${USER_ERRORS} }
}`,
  WISHLIST,
  MONEY,
);
