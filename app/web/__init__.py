"""Pure ASGI guards in front of the GraphQL endpoint (no framework needed)."""
