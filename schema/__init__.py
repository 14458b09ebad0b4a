"""The GraphQL schema: SDL per domain, thin resolver classes, error formatting."""
