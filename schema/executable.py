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
from schema.codes import codes_sdl
from schema.context import context_value
from schema.document_cache import DocumentCache
from schema.enums import ENUMS
from schema.errors import build_error_formatter
from schema.executor import StorefrontExecutor
from schema.http_handler import StorefrontHTTPHandler
from schema.introspection import INTROSPECTION_RULES
from schema.limits import alias_limit_rule, depth_limit_rule, request_rules
from schema.resolvers import account, cart, catalog, market, orders, payments, wishlist
from schema.scalars import SCALARS

SDL_DIR = Path(__file__).parent
QUIET_LOGGER = "ctp_bff.ariadne"
logging.getLogger(QUIET_LOGGER).setLevel(logging.CRITICAL)
RESOLVER_MODULES = (account, cart, catalog, market, orders, payments, wishlist)


def build_schema() -> GraphQLSchema:
    type_defs = [load_schema_from_path(str(SDL_DIR)), codes_sdl()]
    return make_executable_schema(
        type_defs, query, mutation, *SCALARS, *ENUMS, convert_names_case=True
    )


def build_graphql_app(settings: Settings) -> GraphQL:
    documents = DocumentCache(settings.graphql.document_cache_size, settings.graphql.max_tokens)
    fixed_rules = (
        depth_limit_rule(settings.graphql.max_depth),
        alias_limit_rule(settings.graphql.max_aliases),
        *INTROSPECTION_RULES,
    )
    return GraphQL(
        build_schema(),
        context_value=context_value,
        error_formatter=build_error_formatter(hide_suggestions=settings.is_production),
        debug=settings.debug and not settings.is_production,
        introspection=not settings.is_production,
        query_parser=documents.parse,
        query_validator=documents.validate,  # type: ignore[arg-type]
        validation_rules=request_rules(fixed_rules, settings.graphql.max_cost),
        # GET runs queries only (Ariadne refuses mutations there); CDNs can cache them.
        execute_get_queries=True,
        http_handler=StorefrontHTTPHandler(),
        execution_context_class=StorefrontExecutor,
        # Ariadne logs every error with its trace, shoppers' typos included; schema/errors.py
        # logs the unexpected ones itself.
        logger=QUIET_LOGGER,
        explorer=ExplorerHttp405() if settings.is_production else ExplorerGraphiQL(),
    )
