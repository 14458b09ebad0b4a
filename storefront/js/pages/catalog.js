// Browsing: search and category listings with facets, and the product page.
import { graphql } from '../api.js';
import { field, form, h, money, show, showUserErrors } from '../dom.js';
import {
  ADD_TO_CART,
  ADD_TO_WISHLIST,
  CATEGORY,
  PRODUCT,
  PRODUCT_SEARCH,
} from '../graphql-documents.js';
import { refreshShopper } from '../header.js';
import { navigate } from '../router.js';

const PAGE_SIZE = 12;
// The filters the API offers (FacetFilterInput.name); the URL keeps the selected values under
// the same names: /search?q=shirt&color=blue&color=white&size=M
const FILTER_NAMES = ['category', 'color', 'size', 'price'];
const SORTS = { RELEVANCE: 'Relevance', PRICE_ASC: 'Price: low to high', PRICE_DESC: 'Price: high to low', NAME_ASC: 'Name', NEWEST: 'Newest' };

/** /search?q=… and the home page: every product, or those matching the text. */
export async function searchPage(main) {
  const text = new URL(location.href).searchParams.get('q');
  await drawListing(main, { title: text ? `Search results for “${text}”` : 'All products', text });
}

/** /c/<slug>: the category's products, its sub-categories included. */
export async function categoryPage(main, slug) {
  const { category } = await graphql(CATEGORY, { slug });
  if (!category) {
    show(main, h('h1', {}, 'No such category'));
    return;
  }
  const trail = [...category.ancestors, category];
  await drawListing(main, {
    title: category.name,
    category: category.id,
    above: [
      h('nav', { class: 'breadcrumbs', 'aria-label': 'Breadcrumbs' },
        trail.map((c) => h('a', { href: `/c/${c.slug}` }, c.name))),
      category.children.length
        ? h('nav', { class: 'subcategories' }, category.children.map((c) => h('a', { href: `/c/${c.slug}` }, c.name)))
        : null,
    ],
  });
}

async function drawListing(main, { title, text = null, category = null, above = [] }) {
  const url = new URL(location.href);
  const offset = Number(url.searchParams.get('offset')) || 0;
  const sort = url.searchParams.get('sort') || 'RELEVANCE';
  const filters = FILTER_NAMES.map((name) => ({ name, values: url.searchParams.getAll(name) }))
    .filter((filter) => filter.values.length > 0);
  const { products } = await graphql(PRODUCT_SEARCH, {
    text, category, filters, sort, limit: PAGE_SIZE, offset,
  });

  show(
    main,
    above,
    h('h1', {}, title),
    h('div', { class: 'listing' },
      h('aside', { class: 'facets', 'aria-label': 'Filters' }, products.facets.map(facetGroup)),
      h('section', {},
        h('div', { class: 'listing-bar' },
          h('span', {}, `${products.pageInfo.total} products`),
          sortSelect(sort)),
        h('ul', { class: 'product-grid' }, products.results.map(productCard)),
        pager(products.pageInfo))),
  );
}

/** A link to the current URL with one query parameter changed (paging starts again). */
function urlWith(change) {
  const url = new URL(location.href);
  url.searchParams.delete('offset');
  change(url.searchParams);
  return url.pathname + url.search;
}

function facetGroup(facet) {
  if (facet.terms.length === 0) return null;
  return h('fieldset', {},
    h('legend', {}, facet.name),
    facet.terms.map((term) =>
      h('label', {},
        h('input', {
          type: 'checkbox',
          checked: term.selected,
          onchange: () => navigate(urlWith((params) => {
            const values = params.getAll(facet.name).filter((value) => value !== term.term);
            if (!term.selected) values.push(term.term);
            params.delete(facet.name);
            values.forEach((value) => params.append(facet.name, value));
          })),
        }),
        ` ${term.label} (${term.count})`)));
}

function sortSelect(current) {
  return h('label', {}, 'Sort ',
    h('select', { onchange: (event) => navigate(urlWith((params) => params.set('sort', event.target.value))) },
      Object.entries(SORTS).map(([value, label]) =>
        h('option', { value, selected: value === current }, label))));
}

function pager(pageInfo) {
  const to = (offset) => urlWith((params) => offset && params.set('offset', offset));
  return h('nav', { class: 'pager' },
    pageInfo.hasPreviousPage ? h('a', { href: to(Math.max(0, pageInfo.offset - pageInfo.limit)) }, '← Previous') : null,
    pageInfo.hasNextPage ? h('a', { href: to(pageInfo.offset + pageInfo.limit) }, 'Next →') : null);
}

/** The demo catalog's images live on a host that does not exist: a colour swatch stands in. */
function swatch(variant) {
  const color = variant.attributes.find((attribute) => attribute.name === 'color')?.value;
  const element = h('span', { class: 'swatch', 'aria-hidden': 'true' });
  if (color) element.style.setProperty('--swatch', color);
  return element;
}

function describe(variant) {
  return variant.attributes.map((attribute) => attribute.value).join(' / ');
}

function productCard(product) {
  // The variant the filters matched, so a search for "red" shows the red one.
  const variant = product.variants.find((v) => v.isMatchingVariant) ?? product.masterVariant;
  return h('li', { class: 'product-card' },
    h('a', { href: `/p/${product.slug}?sku=${encodeURIComponent(variant.sku)}` },
      swatch(variant),
      h('strong', {}, product.name),
      h('span', { class: 'muted' }, describe(variant)),
      h('span', { class: 'price' }, money(variant.price))));
}

/** /p/<slug>?sku=…: choose a variant, put it in the cart or on the wishlist. */
export async function productPage(main, slug) {
  const { product } = await graphql(PRODUCT, { slug });
  if (!product) {
    show(main, h('h1', {}, 'No such product'));
    return;
  }
  const wanted = new URL(location.href).searchParams.get('sku');
  const chosen = product.variants.find((v) => v.sku === wanted) ?? product.variants[0];
  const picture = swatch(chosen);
  const status = h('p', { class: 'status', role: 'status' });

  const buy = form({ class: 'buy', 'aria-label': 'Add to cart' }, [
    h('label', { class: 'field' }, h('span', {}, 'Variant'),
      h('select', {
        name: 'sku',
        onchange: (event) => navigate(`/p/${slug}?sku=${encodeURIComponent(event.target.value)}`, { replace: true }),
      }, product.variants.map((v) =>
        h('option', { value: v.sku, selected: v === chosen },
          `${describe(v)} — ${money(v.discountedPrice ?? v.price)}`)))),
    field('Quantity', 'quantity', { type: 'number', min: 1, max: 999, value: 1, required: true }),
    h('div', { class: 'actions' },
      h('button', { type: 'submit' }, 'Add to cart'),
      h('button', { type: 'button', class: 'secondary', onclick: () => addToWishlist(chosen.sku, buy, status) }, 'Add to wishlist')),
  ], async (values, element) => {
    const { addToCart } = await graphql(ADD_TO_CART, { sku: values.sku, quantity: Number(values.quantity) });
    if (showUserErrors(element, addToCart.userErrors)) return;
    show(status, 'Added to your cart. ', h('a', { href: '/cart' }, 'View cart'));
    await refreshShopper();
  });

  show(
    main,
    h('nav', { class: 'breadcrumbs', 'aria-label': 'Breadcrumbs' },
      product.categories.map((c) => h('a', { href: `/c/${c.slug}` }, c.name))),
    h('article', { class: 'product' },
      picture,
      h('div', {},
        h('h1', {}, product.name),
        h('p', { class: 'price' }, money(chosen.discountedPrice ?? chosen.price),
          chosen.discountedPrice ? h('s', {}, ` ${money(chosen.price)}`) : null),
        h('p', {}, product.description ?? ''),
        h('p', { class: 'muted' }, `SKU ${chosen.sku}`),
        buy,
        status)),
  );
}

async function addToWishlist(sku, element, status) {
  const { addToWishlist } = await graphql(ADD_TO_WISHLIST, { sku });
  if (showUserErrors(element, addToWishlist.userErrors)) return;
  show(status, 'On your wishlist. ', h('a', { href: '/wishlist' }, 'View wishlist'));
}
