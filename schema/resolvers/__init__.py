"""Resolver classes, one module per domain; each binds its methods to the root types."""
