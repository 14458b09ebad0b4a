// Small helpers to build the page without a framework. Text always goes in as text, never as
// HTML, so nothing a merchant or shopper typed can run as script.

/** An element: h('a', { href: '/cart' }, 'Cart', h('span', {}, '3')). */
export function h(tag, attributes = {}, ...children) {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (value === undefined || value === null || value === false) continue;
    if (name.startsWith('on')) element.addEventListener(name.slice(2), value);
    else element.setAttribute(name, value === true ? '' : value);
  }
  element.append(...children.flat(Infinity).filter((child) => child !== null && child !== undefined));
  return element;
}

/** Replaces what `parent` shows. */
export function show(parent, ...children) {
  parent.replaceChildren(...children.flat(Infinity).filter((child) => child !== null && child !== undefined));
}

/** 1999 EUR cents as "€19.99", in the browser's language. */
export function money(amount) {
  if (!amount) return '';
  return new Intl.NumberFormat(undefined, {
    style: 'currency',
    currency: amount.currencyCode,
  }).format(amount.centAmount / 10 ** amount.fractionDigits);
}

/** A labelled input; `name` is also the last part of the userErrors' `field` it shows. */
export function field(label, name, attributes = {}) {
  return h(
    'label',
    { class: 'field' },
    h('span', {}, label),
    h('input', { name, ...attributes }),
    h('small', { class: 'field-error', 'data-error-for': name }),
  );
}

/** The form's inputs as an object, blank ones left out. */
export function formValues(form) {
  const values = {};
  for (const [name, value] of new FormData(form)) {
    if (String(value).trim() !== '') values[name] = String(value).trim();
  }
  return values;
}

/**
 * Shows a mutation's userErrors on its form: each next to the input named by the last part of
 * its `field` path (["address", "postalCode"] → postalCode), the rest at the top of the form.
 * Returns true when there were any.
 */
export function showUserErrors(form, userErrors) {
  for (const slot of form.querySelectorAll('.field-error, .form-error')) slot.textContent = '';
  for (const error of userErrors) {
    const name = error.field?.at(-1);
    const slot =
      (name && form.querySelector(`[data-error-for="${CSS.escape(name)}"]`)) ||
      form.querySelector('.form-error');
    slot.textContent = slot.textContent ? `${slot.textContent} ${error.message}` : error.message;
  }
  return userErrors.length > 0;
}

/** A form that runs `submit(values, form)` instead of navigating, with a message slot on top. */
export function form(attributes, children, submit) {
  const element = h(
    'form',
    {
      ...attributes,
      onsubmit: async (event) => {
        event.preventDefault();
        const button = element.querySelector('button[type="submit"]');
        if (button) button.disabled = true;
        try {
          await submit(formValues(element), element);
        } finally {
          if (button) button.disabled = false;
        }
      },
    },
    h('p', { class: 'form-error', role: 'alert' }),
    ...children,
  );
  return element;
}
