"""graphql-core's executor with a shortcut for the commonest field of the hot queries: a scalar
or enum read off its parent object by a default resolver (a `cart` of 5 lines has ~90 of them).

For such a field the full path builds a ResolveInfo, calls the resolver, asks whether the value
is awaitable and walks the type wrappers to complete it, for what is one attribute read and one
`coerce_output_value`. The shortcut does those two only when the outcome is certain to be the
same: no arguments or directives on the field, no middleware, a default resolver (graphql-core's,
or Ariadne's `resolve_to` for a renamed field) and a plain value (not callable, not an
exception, not null where null is refused, coerced to something). Anything else, errors
included, takes the full path, so errors and their locations are graphql-core's own.
"""

from __future__ import annotations

import weakref
from collections.abc import Mapping
from typing import Any

from graphql import (
    Executor,
    GraphQLEnumType,
    GraphQLField,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLScalarType,
    Undefined,
    default_field_resolver,
)
from graphql.execution.collect_fields import FieldDetailsList
from graphql.pyutils import Path

# (attribute to read, its leaf type, whether null is allowed, whether the field has no resolver
# of its own), or None: not a plain leaf.
_PlainLeaf = tuple[str, GraphQLScalarType | GraphQLEnumType, bool, bool] | None

_FULL_PATH = object()

_plain_leaves: weakref.WeakKeyDictionary[GraphQLObjectType, dict[str, _PlainLeaf]] = (
    weakref.WeakKeyDictionary()
)


def _attribute(field_name: str, field: GraphQLField) -> str | None:
    """The attribute a default resolver reads for the field, or None for any other resolver."""
    resolve = field.resolve
    if resolve is None:
        return field_name
    if not getattr(resolve, "_ariadne_alias_resolver", False):
        return None
    # Ariadne's resolve_to(attr_name): the name is its closure's only variable.
    code, cells = getattr(resolve, "__code__", None), getattr(resolve, "__closure__", None)
    if code is None or cells is None or code.co_freevars != ("attr_name",):
        return None
    name = cells[0].cell_contents
    # A dotted name walks nested objects: not a single read.
    return name if isinstance(name, str) and "." not in name else None


def _plain_leaf(parent_type: GraphQLObjectType, field_name: str) -> _PlainLeaf:
    fields = _plain_leaves.get(parent_type)
    if fields is None:
        fields = _plain_leaves[parent_type] = {}
    if field_name in fields:
        return fields[field_name]
    found: _PlainLeaf = None
    field = parent_type.fields.get(field_name)
    if field is not None and not field.args:
        nullable = not isinstance(field.type, GraphQLNonNull)
        leaf = field.type if nullable else field.type.of_type
        attribute = _attribute(field_name, field)
        if attribute is not None and isinstance(leaf, GraphQLScalarType | GraphQLEnumType):
            found = (attribute, leaf, nullable, field.resolve is None)
    fields[field_name] = found
    return found


class StorefrontExecutor(Executor[Any]):
    def execute_field(
        self,
        parent_type: GraphQLObjectType,
        source: Any,
        field_details_list: FieldDetailsList,
        path: Path,
        position_context: Any,
    ) -> Any:
        if len(field_details_list) == 1 and self.middleware_manager is None:
            node = field_details_list[0].node
            plain = _plain_leaf(parent_type, node.name.value)
            if plain is not None and not node.arguments and not node.directives:
                attribute, leaf, nullable, unresolved = plain
                # A field without a resolver gets the executor's: graphql-core's default here.
                if not unresolved or self.field_resolver is default_field_resolver:
                    found = self._plain_value(source, attribute, leaf, nullable)
                    if found is not _FULL_PATH:
                        return found
        return super().execute_field(
            parent_type, source, field_details_list, path, position_context
        )

    @staticmethod
    def _plain_value(
        source: Any, attribute: str, leaf: GraphQLScalarType | GraphQLEnumType, nullable: bool
    ) -> Any:
        """What the full path would answer, or _FULL_PATH when it must decide."""
        if isinstance(source, Mapping):
            value = source.get(attribute)
        else:
            value = getattr(source, attribute, None)
        if value is None:
            return None if nullable else _FULL_PATH
        if callable(value) or isinstance(value, BaseException):
            return _FULL_PATH
        try:
            coerced = leaf.coerce_output_value(value)
        except Exception:
            return _FULL_PATH  # the full path reports it, located
        return _FULL_PATH if coerced is None or coerced is Undefined else coerced
