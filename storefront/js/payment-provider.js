// The part Stripe.js plays on a real shop's page, written out with plain fetch for the demo's
// Stripe stand-in (docs/payments.md, "The demo"): confirm the payment with the publishable key
// and the payment's client secret, and pass the 3-D Secure step. Nothing is loaded from a CDN.
// The server never learns the card: it reads the payment's state from the provider itself.
import { STRIPE_API_BASE } from '/config.js';

/** The demo's test payment methods, as Stripe's test mode names them. */
export const TEST_CARDS = [
  ['pm_card_visa', 'Visa, pays'],
  ['pm_card_chargeDeclined', 'Visa, declined'],
  ['pm_card_authenticationRequired', 'Visa, asks for 3-D Secure'],
];

/** Whether the page can confirm payments (the shop takes them and the demo's stand-in is there). */
export const canConfirm = STRIPE_API_BASE !== null;

async function post(url, form) {
  // A form body and no custom header: a simple CORS request, as Stripe.js sends.
  const response = await fetch(url, { method: 'POST', body: new URLSearchParams(form) });
  const body = await response.json();
  return { ok: response.ok, body };
}

/**
 * Confirms `payment` (createPayment's answer) with a test card: resolves to
 * { status } with Stripe's intent status, { declined: message } for a refused card, or
 * { action } when the bank wants the shopper to authenticate (then call `authenticate`).
 */
export async function confirmPayment(payment, card) {
  const intent = payment.clientSecret.split('_secret_')[0];
  const { ok, body } = await post(`${STRIPE_API_BASE}/v1/payment_intents/${encodeURIComponent(intent)}/confirm`, {
    key: payment.publishableKey,
    client_secret: payment.clientSecret,
    payment_method: card,
  });
  if (!ok) {
    if (body.error?.type === 'card_error') return { declined: body.error.message };
    throw new Error(body.error?.message ?? 'The payment could not be confirmed.');
  }
  if (body.status === 'requires_action') return { action: body.next_action };
  return { status: body.status };
}

/** The 3-D Secure step the bank's page would show: "Complete" answers the intent's status. */
export async function authenticate(payment, action) {
  const page = new URL(action.use_stripe_sdk?.stripe_js ?? action.redirect_to_url.url);
  const { ok, body } = await post(page.origin + page.pathname, { client_secret: payment.clientSecret });
  if (!ok) throw new Error(body.error?.message ?? 'The authentication failed.');
  return { status: body.status };
}
