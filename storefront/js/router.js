// Page URLs without a framework: links inside the page change the URL with the History API,
// and the route table in main.js says which page function draws it. The server answers every
// path with index.html, so a reload or a link from an e-mail lands on the same page.

let drawPage = () => {};

/** Goes to `url` (a path with an optional query) and draws its page. */
export function navigate(url, { replace = false } = {}) {
  if (replace) history.replaceState(null, '', url);
  else history.pushState(null, '', url);
  return drawPage();
}

/** The current URL's query parameter `name`, or null. */
export function queryParam(name) {
  return new URL(location.href).searchParams.get(name);
}

export function startRouter(draw) {
  drawPage = draw;
  // Clicks on links to this origin stay in the page (no reload); others behave as usual.
  document.addEventListener('click', (event) => {
    const link = event.target.closest('a[href]');
    if (!link || link.origin !== location.origin || link.target) return;
    if (event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey) return;
    event.preventDefault();
    navigate(link.pathname + link.search);
  });
  window.addEventListener('popstate', () => drawPage());
  return drawPage();
}
