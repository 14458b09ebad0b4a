"""graphql-core's executor with a shortcut for the commonest field of the hot queries: a scalar
or enum read off its parent object by a default resolver (a `cart` of 5 lines has ~90 of them).

For such a field the executor's loop makes a Path, builds a ResolveInfo, calls the resolver,
asks whether the value is awaitable and walks the type wrappers to complete it, for what is one
attribute read and one `coerce_output_value`. The shortcut does those two, before handing the
other fields to the loop, only when the outcome is certain to be the same: no arguments or
directives on the field, no middleware, a default resolver (graphql-core's, or Ariadne's
`resolve_to` for a renamed field) and a plain value (not callable, not an exception, not null
where null is refused, coerced to something). Anything else, errors included, takes the full
path, so errors and their locations are graphql-core's own.
"""

from __future__ import annotations

from collections.abc import Awaitable, Mapping
from typing import Any

from graphql import (
    Executor,
    GraphQLBoolean,
    GraphQLEnumType,
    GraphQLField,
    GraphQLID,
    GraphQLInt,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLScalarType,
    GraphQLSchema,
    GraphQLString,
    Undefined,
    default_field_resolver,
)
from graphql.execution.collect_fields import FieldDetailsList, GroupedFieldSet
from graphql.pyutils import Path

# (attribute to read, its leaf type, whether null is allowed, whether the field has no resolver
# of its own), or None: not a plain leaf.
_PlainLeaf = tuple[str, GraphQLScalarType | GraphQLEnumType, bool, bool] | None

_FULL_PATH = object()
# GraphQL's Int is a signed 32-bit integer.
_INT_MIN, _INT_MAX = -(2**31), 2**31 - 1


class _LeafTables:
    """Plain leaves per object type and field name, for one schema at a time (a process serves
    one; tests build many, one after another, and a new one replaces the tables)."""

    def __init__(self) -> None:
        self._schema: GraphQLSchema | None = None
        self._by_type: dict[GraphQLObjectType, dict[str, _PlainLeaf]] = {}

    def of(self, schema: GraphQLSchema, parent_type: GraphQLObjectType) -> dict[str, _PlainLeaf]:
        if schema is not self._schema:
            self._schema, self._by_type = schema, {}
        table = self._by_type.get(parent_type)
        if table is None:
            table = self._by_type[parent_type] = {}
        return table


_tables = _LeafTables()


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
    field = parent_type.fields.get(field_name)
    if field is None or field.args:
        return None
    nullable = not isinstance(field.type, GraphQLNonNull)
    leaf = field.type if nullable else field.type.of_type
    attribute = _attribute(field_name, field)
    if attribute is None or not isinstance(leaf, GraphQLScalarType | GraphQLEnumType):
        return None
    return (attribute, leaf, nullable, field.resolve is None)


class StorefrontExecutor(Executor[Any]):
    """graphql-core's base executor, which ignores incremental delivery: the schema has neither
    @defer nor @stream (graphql-core's execute() refuses a schema that has them), so it answers
    what the default IncrementalExecutor answers, without its bookkeeping."""

    def execute_fields(
        self,
        parent_type: GraphQLObjectType,
        source_value: Any,
        path: Path | None,
        grouped_field_set: GroupedFieldSet,
        position_context: Any,
    ) -> Any:
        plain: dict[str, Any] = {}
        rest: GroupedFieldSet = {}
        if self.middleware_manager is None:
            table = _tables.of(self.schema, parent_type)
            for response_name, field_details_list in grouped_field_set.items():
                value = self._plain_value(table, parent_type, source_value, field_details_list)
                if value is _FULL_PATH:
                    rest[response_name] = field_details_list
                else:
                    plain[response_name] = value
        if not plain:
            return super().execute_fields(
                parent_type, source_value, path, grouped_field_set, position_context
            )
        if not rest:
            return plain
        completed = super().execute_fields(parent_type, source_value, path, rest, position_context)
        if isinstance(completed, dict):
            return _in_order(grouped_field_set, plain, completed)

        async def merged_when_done(pending: Awaitable[dict[str, Any]]) -> dict[str, Any]:
            return _in_order(grouped_field_set, plain, await pending)

        return merged_when_done(completed)

    def _plain_value(
        self,
        table: dict[str, _PlainLeaf],
        parent_type: GraphQLObjectType,
        source: Any,
        field_details_list: FieldDetailsList,
    ) -> Any:
        """What the full path would answer for a plain leaf, or _FULL_PATH when it must
        decide."""
        if len(field_details_list) != 1:
            return _FULL_PATH
        node = field_details_list[0].node
        name = node.name.value
        if name in table:
            plain = table[name]
        else:
            plain = table[name] = _plain_leaf(parent_type, name)
        if plain is None or node.arguments or node.directives:
            return _FULL_PATH
        attribute, leaf, nullable, unresolved = plain
        # A field without a resolver gets the executor's: graphql-core's default here.
        if unresolved and self.field_resolver is not default_field_resolver:
            return _FULL_PATH
        if isinstance(source, Mapping):
            value = source.get(attribute)
        else:
            value = getattr(source, attribute, None)
        if value is None:
            return None if nullable else _FULL_PATH
        # What graphql-core's serializers answer for these unchanged, without the call (most
        # leaves of a cart are strings and integers read off the service's models).
        kind = type(value)
        if kind is str and (leaf is GraphQLString or leaf is GraphQLID):
            return value
        if kind is int and leaf is GraphQLInt and _INT_MIN <= value <= _INT_MAX:
            return value
        if kind is bool and leaf is GraphQLBoolean:
            return value
        if callable(value) or isinstance(value, BaseException):
            return _FULL_PATH
        try:
            coerced = leaf.coerce_output_value(value)
        except Exception:
            return _FULL_PATH  # the full path reports it, located
        return _FULL_PATH if coerced is None or coerced is Undefined else coerced


def _in_order(
    grouped_field_set: GroupedFieldSet, plain: dict[str, Any], completed: dict[str, Any]
) -> dict[str, Any]:
    """The fields in the order they were asked for (a response keeps the selection's order)."""
    return {
        name: plain[name] if name in plain else completed[name]
        for name in grouped_field_set
        if name in plain or name in completed
    }
