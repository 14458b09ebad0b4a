// The demo storefront: which page each URL shows, and what happens around every page.
import { ApiError } from './api.js';
import { h, show } from './dom.js';
import { drawCategoryMenu, refreshShopper } from './header.js';
import { accountPage, orderPage, resetPasswordPage, signInPage, verifyEmailPage } from './pages/account.js';
import { cartPage } from './pages/cart.js';
import { categoryPage, productPage, searchPage } from './pages/catalog.js';
import { checkoutPage, confirmationPage } from './pages/checkout.js';
import { wishlistPage } from './pages/wishlist.js';
import { navigate, startRouter } from './router.js';

// [path pattern, page]: a page gets the pattern's groups and draws itself into <main>.
const ROUTES = [
  [/^\/$/, searchPage],
  [/^\/search$/, searchPage],
  [/^\/c\/([^/]+)$/, categoryPage],
  [/^\/p\/([^/]+)$/, productPage],
  [/^\/cart$/, cartPage],
  [/^\/checkout$/, checkoutPage],
  [/^\/order-confirmation$/, confirmationPage],
  [/^\/sign-in$/, signInPage],
  [/^\/account$/, accountPage],
  [/^\/account\/orders\/([^/]+)$/, orderPage],
  [/^\/wishlist$/, wishlistPage],
  [/^\/reset-password$/, resetPasswordPage],
  [/^\/verify-email$/, verifyEmailPage],
];

const main = document.getElementById('main');

async function drawPage() {
  const route = ROUTES.find(([pattern]) => pattern.test(location.pathname));
  if (!route) {
    show(main, h('h1', {}, 'Page not found'), h('a', { href: '/' }, 'To the shop'));
    return;
  }
  const [pattern, page] = route;
  const params = pattern.exec(location.pathname).slice(1).map(decodeURIComponent);
  main.setAttribute('aria-busy', 'true');
  try {
    await page(main, ...params);
  } catch (error) {
    if (error instanceof ApiError && error.codes.includes('UNAUTHENTICATED')) {
      await navigate('/sign-in', { replace: true });
      return;
    }
    show(main, h('h1', {}, 'Something went wrong'), h('p', { role: 'alert' }, error.message));
  } finally {
    main.removeAttribute('aria-busy');
  }
  await refreshShopper();
}

await drawCategoryMenu();
await startRouter(drawPage);
