// The header: the category menu, the search box, and who is shopping with how full a cart.
import { graphql } from './api.js';
import { h, show } from './dom.js';
import { CATEGORY_TREE, SHOPPER } from './graphql-documents.js';
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

/** Redraws the account and cart links; call it after anything that changes them. */
export async function refreshShopper() {
  const { me, cart } = await graphql(SHOPPER);
  show(
    document.getElementById('shopper'),
    h('a', { href: '/wishlist' }, 'Wishlist'),
    me
      ? h('a', { href: '/account' }, `Account (${me.firstName || me.email})`)
      : h('a', { href: '/sign-in' }, 'Sign in'),
    h('a', { href: '/cart', class: 'cart-link' }, 'Cart ', h('span', { class: 'badge', 'aria-label': 'items in cart' }, String(cart?.totalQuantity ?? 0))),
  );
}
