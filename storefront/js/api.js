// Talking to the storefront API: one POST per operation, with the session cookie.
import { GRAPHQL_URL } from '/config.js';

/** A top-level GraphQL error (UNAUTHENTICATED, TOO_MANY_REQUESTS, ...), not a form problem. */
export class ApiError extends Error {
  constructor(errors) {
    super(errors.map((error) => error.message).join('; '));
    this.codes = errors.map((error) => error.extensions?.code);
  }
}

/**
 * Runs one query or mutation and returns its `data`.
 *
 * `credentials: 'include'` sends and keeps the session cookie although the API is on another
 * origin (another port). The browser keeps that cookie only because page and API are on the
 * same *site* (both on localhost): see docs/deployment.md.
 */
export async function graphql(document, variables = {}) {
  const response = await fetch(GRAPHQL_URL, {
    method: 'POST',
    credentials: 'include',
    headers: {
      'content-type': 'application/json',
      // The GraphQL-over-HTTP media type: request errors come back as 4xx with a body to read.
      accept: 'application/graphql-response+json, application/json;q=0.9',
    },
    body: JSON.stringify({ query: document, variables }),
  });
  const body = await response.json();
  if (body.errors?.length) throw new ApiError(body.errors);
  return body.data;
}
