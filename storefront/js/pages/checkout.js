// Checkout: e-mail (guests), shipping address, shipping method, paying (when the shop takes
// payments online), placing the order, and the confirmation.
import { graphql } from '../api.js';
import { field, form, h, money, show, showUserErrors } from '../dom.js';
import {
  CHECKOUT,
  CREATE_PAYMENT,
  LAST_ORDER,
  PLACE_ORDER,
  SET_CART_EMAIL,
  SET_SHIPPING_ADDRESS,
  SET_SHIPPING_METHOD,
} from '../graphql-documents.js';
import { authenticate, canConfirm, confirmPayment, TEST_CARDS } from '../payment-provider.js';
import { navigate } from '../router.js';
import { totals } from './cart.js';

const PAYMENT_STATES = {
  PAID: 'Paid', PENDING: 'Authorised, to be taken on shipping', BALANCE_DUE: 'Due',
  CREDIT_OWED: 'To be refunded', FAILED: 'Failed',
};
// What the provider says of a payment that may be ordered.
const SETTLED = new Set(['SUCCEEDED', 'AUTHORIZED', 'succeeded', 'requires_capture']);

// The demo catalog has prices for these (docs/emulator-catalog.md).
const COUNTRIES = { DE: 'Germany', AT: 'Austria', US: 'United States' };
const ADDRESS_FIELDS = [
  ['First name', 'firstName'], ['Last name', 'lastName'], ['Street', 'streetName'],
  ['Number', 'streetNumber'], ['Postal code', 'postalCode'], ['City', 'city'],
];

export async function checkoutPage(main) {
  const { cart, me, shippingMethods, paymentMethods } = await graphql(CHECKOUT);
  if (!cart || cart.lineItems.length === 0) {
    show(main, h('h1', {}, 'Checkout'), h('p', {}, 'Your cart is empty. ', h('a', { href: '/' }, 'Go shopping')));
    return;
  }
  // The cart's address, else the customer's default one, else a fresh one in their name.
  const address = cart.shippingAddress ?? me?.defaultShippingAddress
    ?? { country: 'DE', firstName: me?.firstName, lastName: me?.lastName };

  const addressForm = form({ class: 'address', 'aria-label': 'Shipping address' }, [
    me ? h('p', {}, `Order mails go to ${me.email}.`)
      : field('E-mail', 'email', { type: 'email', required: true, value: cart.email ?? '', autocomplete: 'email' }),
    ADDRESS_FIELDS.map(([label, name]) => field(label, name, { value: address[name] ?? '', required: name !== 'streetNumber' })),
    h('label', { class: 'field' }, h('span', {}, 'Country'),
      h('select', { name: 'country' }, Object.entries(COUNTRIES).map(([code, name]) =>
        h('option', { value: code, selected: code === address.country }, name))),
      h('small', { class: 'field-error', 'data-error-for': 'country' })),
    h('button', { type: 'submit' }, cart.shippingAddress ? 'Update address' : 'Use this address'),
  ], async ({ email, ...addressInput }, element) => {
    if (!me) {
      const { setCartEmail } = await graphql(SET_CART_EMAIL, { email: email ?? '' });
      if (showUserErrors(element, setCartEmail.userErrors)) return;
    }
    const { setShippingAddress } = await graphql(SET_SHIPPING_ADDRESS, { address: addressInput });
    if (showUserErrors(element, setShippingAddress.userErrors)) return;
    await checkoutPage(main);
  });

  const placeOrder = paymentMethods.length > 0 && canConfirm
    ? paymentForm(cart)
    : form({ 'aria-label': 'Place order' }, [
      h('button', { type: 'submit', disabled: !cart.shippingAddress }, 'Place order'),
    ], async (_values, element) => {
      await orderNow(element);
    });

  show(
    main,
    h('h1', {}, 'Checkout'),
    h('div', { class: 'checkout' },
      h('section', {},
        h('h2', {}, '1. Shipping address'), addressForm,
        h('h2', {}, '2. Shipping method'),
        cart.shippingAddress ? shippingMethodChoice(main, cart, shippingMethods) : h('p', { class: 'muted' }, 'Enter the address first.')),
      h('section', {},
        h('h2', {}, paymentMethods.length > 0 ? '3. Your order and payment' : '3. Your order'),
        h('ul', { class: 'summary' }, cart.lineItems.map((line) => h('li', {}, `${line.quantity} × ${line.name} (${line.sku})`, h('span', {}, money(line.totalPrice))))),
        totals(cart),
        placeOrder)),
  );
}

async function orderNow(element) {
  const { placeOrder: placed } = await graphql(PLACE_ORDER);
  if (showUserErrors(element, placed.userErrors)) return;
  await navigate('/order-confirmation');
}

/**
 * Pay, then order: createPayment for the cart's total, the page confirms it with the chosen
 * test card at the provider (3-D Secure included), and placeOrder checks it on the server.
 */
function paymentForm(cart) {
  const authentication = h('div', { class: 'authentication' });
  return form({ 'aria-label': 'Payment' }, [
    h('fieldset', { class: 'cards' }, h('legend', {}, 'Test card (the demo pays with Stripe\'s test cards)'),
      TEST_CARDS.map(([card, label], index) => h('label', { class: 'radio' },
        h('input', { type: 'radio', name: 'card', value: card, checked: index === 0 }), ` ${label}`))),
    authentication,
    h('button', { type: 'submit', disabled: !cart.shippingAddress }, `Pay ${money(cart.totalPrice)} and place order`),
  ], async ({ card }, element) => {
    const { createPayment } = await graphql(CREATE_PAYMENT, { method: 'card' });
    if (showUserErrors(element, createPayment.userErrors)) return;
    const { payment } = createPayment;
    // A payment settled before (e.g. the order failed after it) is not confirmed again.
    let result = SETTLED.has(payment.status) ? { status: payment.status } : await confirmPayment(payment, card);
    if (result.action) result = await askToAuthenticate(authentication, payment, result.action);
    if (result.declined) {
      showUserErrors(element, [{ message: `${result.declined} Nothing was charged: choose another card.` }]);
      return;
    }
    if (!SETTLED.has(result.status)) {
      showUserErrors(element, [{ message: 'The payment did not go through; please try again.' }]);
      return;
    }
    await orderNow(element);
  });
}

/** The bank's 3-D Secure step, as the provider's script would show it. */
function askToAuthenticate(slot, payment, action) {
  return new Promise((resolve, reject) => {
    show(slot, h('section', { class: 'notice', 'aria-label': '3-D Secure' },
      h('p', {}, 'Your bank asks you to confirm this payment (the test bank\'s 3-D Secure step).'),
      h('button', {
        type: 'button',
        onclick: async () => {
          try {
            resolve(await authenticate(payment, action));
          } catch (error) {
            reject(error);
          } finally {
            show(slot);
          }
        },
      }, 'Complete authentication')));
  });
}

function shippingMethodChoice(main, cart, shippingMethods) {
  const chosen = cart.shippingInfo?.shippingMethodId;
  const choice = form({ 'aria-label': 'Shipping method' }, shippingMethods.map((method) =>
    h('label', { class: 'radio' },
      h('input', {
        type: 'radio', name: 'shippingMethodId', value: method.shippingMethodId, checked: method.shippingMethodId === chosen,
        onchange: async () => {
          const { setShippingMethod } = await graphql(SET_SHIPPING_METHOD, { shippingMethodId: method.shippingMethodId });
          if (showUserErrors(choice, setShippingMethod.userErrors)) return;
          await checkoutPage(main);
        },
      }),
      ` ${method.name}: ${money(method.price)}`,
      method.freeAbove ? h('small', { class: 'muted' }, ` (free from ${money(method.freeAbove)})`) : null)), () => {});
  return choice;
}

/** An order's lines, address and totals: the confirmation and the order history use it. */
export function orderSummary(order) {
  const address = order.shippingAddress;
  return h('section', { class: 'order' },
    h('p', {}, `Order ${order.orderNumber ?? order.id}, placed ${new Date(order.createdAt).toLocaleString()} — ${order.orderState.toLowerCase()}`),
    order.paymentState ? h('p', {}, `Payment: ${PAYMENT_STATES[order.paymentState] ?? order.paymentState}`) : null,
    h('ul', { class: 'summary' }, order.lineItems.map((line) => h('li', {}, `${line.quantity} × ${line.name} (${line.sku})`, h('span', {}, money(line.totalPrice))))),
    address ? h('p', {}, 'Ships to ', [address.firstName, address.lastName].filter(Boolean).join(' '), ', ',
      [address.streetName, address.streetNumber].filter(Boolean).join(' '), ', ', address.postalCode ?? '', ' ', address.city ?? '', ', ', address.country) : null,
    totals(order));
}

export async function confirmationPage(main) {
  const { lastOrder } = await graphql(LAST_ORDER);
  if (!lastOrder) {
    show(main, h('h1', {}, 'No order yet'), h('a', { href: '/' }, 'Go shopping'));
    return;
  }
  show(main, h('h1', {}, 'Thank you for your order'), orderSummary(lastOrder), h('a', { href: '/' }, 'Continue shopping'));
}
