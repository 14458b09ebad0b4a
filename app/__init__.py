"""ctp-bff: a storefront GraphQL API (backend-for-frontend) for commercetools."""
