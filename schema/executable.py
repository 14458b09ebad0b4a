"""Builds the executable schema and the Ariadne ASGI app."""

from __future__ import annotations

import logging
from pathlib import Path

from ariadne import load_schema_from_path, make_executable_schema
from ariadne.asgi import GraphQL
from ariadne.explorer import ExplorerGraphiQL, ExplorerHttp405
from graphql import GraphQLSchema

from app.settings import Settings
from schema.bindables import mutation, query
from schema.context import build_context
from schema.errors import format_error
from schema.http_handler import StorefrontHTTPHandler
from schema.resolvers import account, cart, catalog, orders, wishlist

SDL_DIR = Path(__file__).parent
QUIET_LOGGER = "ctp_bff.ariadne"
logging.getLogger(QUIET_LOGGER).setLevel(logging.CRITICAL)
RESOLVER_MODULES = (account, cart, catalog, orders, wishlist)


def build_schema() -> GraphQLSchema:
    type_defs = load_schema_from_path(str(SDL_DIR))
    return make_executable_schema(type_defs, query, mutation, convert_names_case=True)


def build_graphql_app(settings: Settings) -> GraphQL:
    return GraphQL(
        build_schema(),
        context_value=build_context(settings),
        error_formatter=format_error,
        debug=settings.debug,
        introspection=not settings.is_production,
        http_handler=StorefrontHTTPHandler(),
        # Ariadne logs every error with its trace, shoppers' typos included; schema/errors.py
        # logs the unexpected ones itself.
        logger=QUIET_LOGGER,
        explorer=ExplorerHttp405() if settings.is_production else ExplorerGraphiQL(),
    )
