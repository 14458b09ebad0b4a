// The wishlist: what the shopper keeps for later, one click from the cart.
import { graphql } from '../api.js';
import { h, money, show } from '../dom.js';
import { ADD_TO_CART, REMOVE_FROM_WISHLIST, WISHLIST_QUERY } from '../graphql-documents.js';
import { refreshShopper } from '../header.js';

export async function wishlistPage(main) {
  const { wishlist } = await graphql(WISHLIST_QUERY);
  drawWishlist(main, wishlist);
}

function drawWishlist(main, wishlist) {
  const lines = wishlist?.lineItems ?? [];
  const status = h('p', { role: 'status' });
  show(
    main,
    h('h1', {}, 'Your wishlist'),
    lines.length === 0
      ? h('p', {}, 'Nothing here yet: add products from their pages.')
      : h('ul', { class: 'wishlist' }, lines.map((line) => h('li', {},
        h('a', { href: `/p/${line.productSlug}?sku=${encodeURIComponent(line.sku)}` }, line.name),
        h('span', { class: 'muted' }, ` ${line.sku} `),
        h('span', { class: 'price' }, money(line.price)),
        h('button', {
          type: 'button',
          onclick: async () => {
            const { addToCart } = await graphql(ADD_TO_CART, { sku: line.sku, quantity: 1 });
            const problems = addToCart.userErrors.map((error) => error.message).join(' ');
            show(status, problems || `${line.name} is in your cart.`);
            await refreshShopper();
          },
        }, 'Add to cart'),
        h('button', {
          type: 'button', class: 'secondary',
          onclick: async () => {
            const { removeFromWishlist } = await graphql(REMOVE_FROM_WISHLIST, { lineItemId: line.lineItemId });
            if (removeFromWishlist.userErrors.length) {
              show(status, removeFromWishlist.userErrors.map((error) => error.message).join(' '));
              return;
            }
            drawWishlist(main, removeFromWishlist.wishlist);
          },
        }, 'Remove')))),
    status,
  );
}
