// The header: the category menu, the search box, and who is shopping with how full a cart.
import { graphql } from './api.js';
import { h, show } from './dom.js';
import { CATEGORY_TREE, SET_SHOPPER_CONTEXT, SHOPPER } from './graphql-documents.js';
import { navigate } from './router.js';

export async function drawCategoryMenu() {
  const { categories } = await graphql(CATEGORY_TREE);
  show(
    document.getElementById('categories'),
    categories.map((category) => h('a', { href: `/c/${category.slug}` }, category.name)),
  );
  document.getElementById('search').addEventListener('submit', (event) => {
    event.preventDefault();
    const text = new FormData(event.target).get('q').trim();
    navigate(text ? `/search?q=${encodeURIComponent(text)}` : '/search');
  });
}

/** A picker of one part of the shopper context (country or currency), among what it allows. */
function contextPicker(label, name, current, options) {
  const select = h(
    'select',
    { name, 'aria-label': label, onchange: () => changeContext({ [name]: select.value }) },
    options.map((option) => h('option', { value: option, selected: option === current }, option)),
  );
  return select;
}

async function changeContext(input) {
  const { setShopperContext: answer } = await graphql(SET_SHOPPER_CONTEXT, { input });
  // Another currency moves the cart to a new one; a line the new market cannot price stays in
  // the previous cart (it comes back on switching back): the shopper is told which.
  if (answer.userErrors.length) window.alert(answer.userErrors.map((e) => e.message).join('\n'));
  await navigate(location.pathname + location.search, { replace: true });
}

/** Redraws the account and cart links; call it after anything that changes them. */
export async function refreshShopper() {
  const { me, cart, shopperContext: context } = await graphql(SHOPPER);
  show(
    document.getElementById('shopper'),
    contextPicker('Country', 'country', context.country, context.availableCountries),
    contextPicker('Currency', 'currency', context.currency, context.availableCurrencies),
    h('a', { href: '/wishlist' }, 'Wishlist'),
    me
      ? h('a', { href: '/account' }, `Account (${me.firstName || me.email})`)
      : h('a', { href: '/sign-in' }, 'Sign in'),
    h('a', { href: '/cart', class: 'cart-link' }, 'Cart ', h('span', { class: 'badge', 'aria-label': 'items in cart' }, String(cart?.totalQuantity ?? 0))),
  );
}
