"""Storefront services. They know commercetools and the session, not GraphQL or HTTP servers."""
