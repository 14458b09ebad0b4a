// The cart: quantities, removing lines, discount codes, totals.
import { graphql } from '../api.js';
import { field, form, h, money, show, showUserErrors } from '../dom.js';
import {
  APPLY_DISCOUNT_CODE,
  CART_QUERY,
  REMOVE_DISCOUNT_CODE,
  REMOVE_LINE_ITEM,
  UPDATE_LINE_ITEM_QUANTITY,
} from '../graphql-documents.js';
import { refreshShopper } from '../header.js';

export async function cartPage(main) {
  const { cart } = await graphql(CART_QUERY);
  drawCart(main, cart);
}

// Every cart mutation answers with the whole cart (CartFields), so the page redraws from the
// answer without asking again.
async function change(main, document, variables, payloadName, formElement = null) {
  const payload = (await graphql(document, variables))[payloadName];
  if (formElement && showUserErrors(formElement, payload.userErrors)) return;
  if (payload.userErrors.length) {
    // A quantity or a line: no form field to show it at, so above the lines.
    show(main.querySelector('.cart-errors'), payload.userErrors.map((error) => error.message).join(' '));
    return;
  }
  drawCart(main, payload.cart);
  await refreshShopper();
}

function drawCart(main, cart) {
  if (!cart || cart.lineItems.length === 0) {
    show(main, h('h1', {}, 'Your cart'), h('p', {}, 'Your cart is empty. ', h('a', { href: '/' }, 'Go shopping')));
    return;
  }
  show(
    main,
    h('h1', {}, 'Your cart'),
    h('p', { class: 'form-error cart-errors', role: 'alert' }),
    h('table', { class: 'lines' },
      h('thead', {}, h('tr', {}, h('th', {}, 'Product'), h('th', {}, 'Price'), h('th', {}, 'Quantity'), h('th', {}, 'Total'), h('th', {}))),
      h('tbody', {}, cart.lineItems.map((line) => lineRow(main, line)))),
    discountCodes(main, cart),
    totals(cart),
    h('p', { class: 'actions' }, h('a', { class: 'button', href: '/checkout' }, 'Checkout')),
  );
}

function lineRow(main, line) {
  return h('tr', {},
    h('td', {}, h('a', { href: `/p/${line.productSlug}?sku=${encodeURIComponent(line.sku)}` }, line.name), h('br'), h('small', { class: 'muted' }, line.sku)),
    h('td', {}, money(line.discountedUnitPrice ?? line.unitPrice)),
    h('td', {}, h('input', {
      type: 'number', min: 0, max: 999, value: line.quantity, 'aria-label': `Quantity of ${line.name}`,
      onchange: (event) => change(main, UPDATE_LINE_ITEM_QUANTITY,
        { lineItemId: line.lineItemId, quantity: Number(event.target.value) }, 'updateLineItemQuantity'),
    })),
    h('td', {}, money(line.totalPrice)),
    h('td', {}, h('button', {
      type: 'button', class: 'secondary', 'aria-label': `Remove ${line.name}`,
      onclick: () => change(main, REMOVE_LINE_ITEM, { lineItemId: line.lineItemId }, 'removeLineItem'),
    }, 'Remove')));
}

function discountCodes(main, cart) {
  const apply = form({ class: 'inline', 'aria-label': 'Apply a discount code' }, [
    field('Discount code', 'code', { required: true, placeholder: 'DEMO10' }),
    h('button', { type: 'submit' }, 'Apply'),
  ], (values, element) => change(main, APPLY_DISCOUNT_CODE, { code: values.code }, 'applyDiscountCode', element));
  return h('section', { class: 'codes' },
    cart.discountCodes.map((code) => h('p', {},
      `Code ${code.code || '(deleted)'}: ${code.state === 'MATCHES_CART' ? 'applied' : code.state.toLowerCase().replaceAll('_', ' ')} `,
      h('button', {
        type: 'button', class: 'link',
        onclick: () => change(main, REMOVE_DISCOUNT_CODE, { discountCodeId: code.discountCodeId }, 'removeDiscountCode'),
      }, 'remove'))),
    apply);
}

/** Subtotal, discount, shipping, tax and total of a cart or an order. */
export function totals(cartOrOrder) {
  const rows = [
    cartOrOrder.subtotal && ['Subtotal', money(cartOrOrder.subtotal)],
    cartOrOrder.discount?.centAmount ? ['Discount', `−${money(cartOrOrder.discount)}`] : null,
    cartOrOrder.shippingInfo && [`Shipping (${cartOrOrder.shippingInfo.name})`, money(cartOrOrder.shippingInfo.price)],
    cartOrOrder.taxedPrice && ['Included tax', money(cartOrOrder.taxedPrice.totalTax)],
    ['Total', money(cartOrOrder.totalPrice)],
  ].filter(Boolean);
  return h('dl', { class: 'totals' }, rows.map(([label, value]) => [h('dt', {}, label), h('dd', {}, value)]));
}
