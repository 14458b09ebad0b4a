"""Every GraphQL error leaves with an `extensions.code` and a message a person understands.

Failures the shopper or storefront caused carry their own code (app.errors); anything else is
logged with its trace and leaves as INTERNAL_SERVER_ERROR without internals, unless in debug.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable
from typing import Any

from ariadne import format_error as ariadne_format_error
from graphql import GraphQLError

from app.errors import AppError

log = logging.getLogger(__name__)

INTERNAL_MESSAGE = "Something went wrong on our side. Please try again."
_SUGGESTION = re.compile(r"\s*Did you mean .*\?$")


def classify(error: GraphQLError) -> tuple[str, str]:
    original = error.original_error
    if isinstance(original, AppError):
        return original.code, original.message
    if original is None or isinstance(original, GraphQLError):
        # graphql-core's own errors: syntax, validation, variable coercion.
        message = error.message
        if message.startswith("Syntax Error"):
            return "GRAPHQL_PARSE_FAILED", message
        extensions = error.extensions or {}
        own_code = extensions.get("code")
        if isinstance(own_code, str):
            return own_code, message
        if message.startswith("Variable ") or "got invalid value" in message:
            return "BAD_USER_INPUT", message
        return "GRAPHQL_VALIDATION_FAILED", message
    return "INTERNAL_SERVER_ERROR", INTERNAL_MESSAGE


def format_error(
    error: GraphQLError, debug: bool = False, *, hide_suggestions: bool = False
) -> dict[str, Any]:
    code, message = classify(error)
    if hide_suggestions:
        # "Did you mean ...?" hints map out the schema for someone probing it.
        message = _SUGGESTION.sub("", message)
    if code == "INTERNAL_SERVER_ERROR":
        log.error("unexpected error in %s", error.path, exc_info=error.original_error)
    formatted: dict[str, Any] = dict(error.formatted)
    if debug and code == "INTERNAL_SERVER_ERROR":
        formatted = ariadne_format_error(error, debug=True)
    formatted["message"] = message
    extensions = dict(formatted.get("extensions") or {})
    if isinstance(error.original_error, AppError):
        extensions.update(error.original_error.extensions)
    extensions["code"] = code
    formatted["extensions"] = extensions
    return formatted


def build_error_formatter(
    *, hide_suggestions: bool
) -> Callable[[GraphQLError, bool], dict[str, Any]]:
    def formatter(error: GraphQLError, debug: bool = False) -> dict[str, Any]:
        return format_error(error, debug, hide_suggestions=hide_suggestions)

    return formatter
