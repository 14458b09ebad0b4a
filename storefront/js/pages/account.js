// Signing in, up and out, the account with its order history, and resetting a password.
import { graphql } from '../api.js';
import { field, form, h, money, show, showUserErrors } from '../dom.js';
import {
  ACCOUNT,
  ORDER_QUERY,
  REQUEST_EMAIL_VERIFICATION,
  REQUEST_PASSWORD_RESET,
  RESET_PASSWORD,
  SIGN_IN,
  SIGN_OUT,
  SIGN_UP,
  VERIFY_EMAIL,
} from '../graphql-documents.js';
import { navigate } from '../router.js';
import { orderSummary } from './checkout.js';

export async function signInPage(main) {
  const signIn = form({ 'aria-label': 'Sign in' }, [
    field('E-mail', 'email', { type: 'email', required: true, autocomplete: 'username' }),
    field('Password', 'password', { type: 'password', required: true, autocomplete: 'current-password' }),
    h('button', { type: 'submit' }, 'Sign in'),
  ], async ({ email, password }, element) => {
    // A guest's cart is merged into the customer's cart by the API.
    const { signIn: result } = await graphql(SIGN_IN, { email, password: password ?? '' });
    if (showUserErrors(element, result.userErrors)) return;
    await navigate('/account');
  });

  const signUp = form({ 'aria-label': 'Create an account' }, [
    field('First name', 'firstName', { autocomplete: 'given-name' }),
    field('Last name', 'lastName', { autocomplete: 'family-name' }),
    field('E-mail', 'email', { type: 'email', required: true, autocomplete: 'email' }),
    field('Password (8 characters or more)', 'password', { type: 'password', required: true, autocomplete: 'new-password' }),
    h('button', { type: 'submit' }, 'Create account'),
  ], async (input, element) => {
    const { signUp: result } = await graphql(SIGN_UP, { input });
    if (showUserErrors(element, result.userErrors)) return;
    await navigate('/account');
  });

  const status = h('p', { role: 'status' });
  const forgotten = form({ 'aria-label': 'Forgot your password?' }, [
    field('E-mail', 'email', { type: 'email', required: true }),
    h('button', { type: 'submit', class: 'secondary' }, 'Send a reset link'),
  ], async ({ email }, element) => {
    const { requestPasswordReset } = await graphql(REQUEST_PASSWORD_RESET, { email });
    if (showUserErrors(element, requestPasswordReset.userErrors)) return;
    // The API never says whether an account has the address, so neither does the page.
    show(status, `If an account has ${email}, a reset link is on its way.`);
  });

  show(
    main,
    h('div', { class: 'columns' },
      h('section', {}, h('h1', {}, 'Sign in'),
        h('p', { class: 'muted' }, 'Demo customer: demo@example.com / Demo-Passw0rd!'), signIn,
        h('h2', {}, 'Forgot your password?'), forgotten, status),
      h('section', {}, h('h1', {}, 'Create an account'), signUp)),
  );
}

export async function accountPage(main) {
  const { me, myOrders } = await graphql(ACCOUNT, { limit: 20, offset: 0 });
  const address = me.defaultShippingAddress;
  show(
    main,
    h('h1', {}, `Hello ${me.firstName ?? ''}`.trim()),
    h('p', {}, `Signed in as ${me.email}. `,
      h('button', {
        type: 'button', class: 'secondary',
        onclick: async () => {
          await graphql(SIGN_OUT);
          await navigate('/');
        },
      }, 'Sign out')),
    me.isEmailVerified ? null : h('p', {}, 'Your e-mail address is not confirmed yet. ',
      h('button', {
        type: 'button', class: 'secondary',
        onclick: async (event) => {
          await graphql(REQUEST_EMAIL_VERIFICATION);
          event.target.replaceWith('We sent you a link.');
        },
      }, 'Send the link again')),
    address ? h('p', { class: 'muted' }, `Default address: ${address.streetName ?? ''} ${address.streetNumber ?? ''}, ${address.postalCode ?? ''} ${address.city ?? ''}, ${address.country}`) : null,
    h('h2', {}, `Your orders (${myOrders.pageInfo.total})`),
    myOrders.results.length === 0
      ? h('p', {}, 'No orders yet.')
      : h('table', { class: 'orders' },
        h('thead', {}, h('tr', {}, h('th', {}, 'Order'), h('th', {}, 'Date'), h('th', {}, 'Items'), h('th', {}, 'State'), h('th', {}, 'Total'))),
        h('tbody', {}, myOrders.results.map((order) => h('tr', {},
          h('td', {}, h('a', { href: `/account/orders/${encodeURIComponent(order.id)}` }, order.orderNumber ?? order.id)),
          h('td', {}, new Date(order.createdAt).toLocaleDateString()),
          h('td', {}, String(order.totalQuantity)),
          h('td', {}, order.orderState.toLowerCase()),
          h('td', {}, money(order.totalPrice)))))),
  );
}

export async function orderPage(main, id) {
  const { order } = await graphql(ORDER_QUERY, { id });
  show(main, h('h1', {}, 'Your order'), order ? orderSummary(order) : h('p', {}, 'No such order.'),
    h('a', { href: '/account' }, '← Your account'));
}

/** /reset-password?token=…, the link of the reset mail. */
export async function verifyEmailPage(main) {
  const token = new URL(location.href).searchParams.get('token') ?? '';
  // No form: opening the link is the confirmation. It works signed in or not, on any device.
  const { verifyEmail } = await graphql(VERIFY_EMAIL, { token });
  if (verifyEmail.userErrors.length > 0) {
    show(main, h('h1', {}, 'This link does not work'), h('p', {}, verifyEmail.userErrors[0].message));
    return;
  }
  show(main, h('h1', {}, 'Your e-mail address is confirmed'), h('a', { href: '/account' }, 'To your account'));
}

export async function resetPasswordPage(main) {
  const token = new URL(location.href).searchParams.get('token') ?? '';
  const reset = form({ 'aria-label': 'Choose a new password' }, [
    field('New password (8 characters or more)', 'newPassword', { type: 'password', required: true, autocomplete: 'new-password' }),
    h('button', { type: 'submit' }, 'Set password'),
  ], async ({ newPassword }, element) => {
    // A bad or expired token comes back as a userError on ["token"], shown on top of the form.
    const { resetPassword } = await graphql(RESET_PASSWORD, { token, newPassword: newPassword ?? '' });
    if (showUserErrors(element, resetPassword.userErrors)) return;
    show(main, h('h1', {}, 'Your password is set'), h('p', {}, h('a', { href: '/sign-in' }, 'Sign in'), ' with it.'));
  });
  show(main, h('h1', {}, 'Choose a new password'), reset);
}
