"""graphql-core's executor with a shortcut for the commonest fields of the hot queries: a scalar
or enum read off its parent object by a default resolver (a `cart` of 5 lines has ~90 of them),
and an object, or a list of objects, read the same way whose selected fields are all such
fields in turn (a cart's ~25 Money values, its lines, its address).

For such a field the executor's loop makes a Path, builds a ResolveInfo, calls the resolver,
asks whether the value is awaitable and walks the type wrappers to complete it; for an object it
then collects the sub-selection and loops again. For a leaf that is one attribute read and one
`coerce_output_value`; for an object, a dict of such leaves. The shortcut does only those,
before handing the other fields to the loop, and only when the outcome is certain to be the
same: no arguments or directives on the field, no middleware, a default resolver
(graphql-core's, or Ariadne's `resolve_to` for a renamed field), an object type without
`is_type_of` and a plain value (not callable, not an exception, not null where null is refused,
coerced to something). Anything else, errors included, takes the full path for the whole field,
so errors and their locations are graphql-core's own. `__typename` on an object is its name.

What an object's selection asks for is worked out once per parsed document and kept (a
`_Selection`: the fields to read, how to complete each, the nested selections), since the
parse cache hands the same document to every request that sends the same text; a selection
with a directive in it (@skip/@include depend on the variables) is collected per request.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from enum import Enum
from typing import Any

from graphql import (
    Executor,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLBoolean,
    GraphQLEnumType,
    GraphQLField,
    GraphQLID,
    GraphQLInt,
    GraphQLList,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLResolveInfo,
    GraphQLScalarType,
    GraphQLSchema,
    GraphQLString,
    InlineFragmentNode,
    SelectionSetNode,
    Undefined,
    default_field_resolver,
)
from graphql.execution.collect_fields import FieldDetailsList, GroupedFieldSet
from graphql.pyutils import Path


class _Kind(Enum):
    LEAF = 1
    OBJECT = 2
    LIST_OF_OBJECTS = 3
    TYPENAME = 4


# How a field can take the shortcut: (kind, attribute to read, the leaf type (a scalar or enum)
# or object type, whether null is allowed, whether a list item may be null, whether the field
# has no resolver of its own); or None: it cannot.
_PlainField = tuple[_Kind, str, Any, bool, bool, bool] | None

# The full path must answer this field: for this value (_FULL_PATH), or whatever the value, by
# the schema and the selection alone (_NOT_PLAIN).
_FULL_PATH = object()
_NOT_PLAIN = object()
_TYPENAME = "__typename"
# GraphQL's Int is a signed 32-bit integer.
_INT_MIN, _INT_MAX = -(2**31), 2**31 - 1


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


def _plain_field(parent_type: GraphQLObjectType, field_name: str) -> _PlainField:
    field = parent_type.fields.get(field_name)
    if field is None or field.args:
        return None
    attribute = _attribute(field_name, field)
    if attribute is None:
        return None
    nullable = not isinstance(field.type, GraphQLNonNull)
    named = field.type if nullable else field.type.of_type
    unresolved = field.resolve is None
    if isinstance(named, GraphQLScalarType | GraphQLEnumType):
        return (_Kind.LEAF, attribute, named, nullable, False, unresolved)
    if isinstance(named, GraphQLObjectType):
        return (_Kind.OBJECT, attribute, named, nullable, False, unresolved)
    if isinstance(named, GraphQLList):
        item = named.of_type
        item_nullable = not isinstance(item, GraphQLNonNull)
        item = item if item_nullable else item.of_type
        if isinstance(item, GraphQLObjectType):
            return (_Kind.LIST_OF_OBJECTS, attribute, item, nullable, item_nullable, unresolved)
    return None


def _plain_leaf(parent_type: GraphQLObjectType, field_name: str) -> bool:
    """Whether the field is a scalar or enum the shortcut may read (for tests)."""
    plain = _plain_field(parent_type, field_name)
    return plain is not None and plain[0] is _Kind.LEAF


@dataclass(frozen=True, slots=True)
class _Selection:
    """What a field's selection asks of its object type, worked out once per document: each
    response name with how to read and complete it (the nested selections likewise), so that
    neither the sub-selection nor the schema is looked at again for the next value or request."""

    # Keeps the field's node alive: its id is this entry's key, and must not be reused by
    # another node while the entry exists.
    node: FieldNode
    # (response name, kind, attribute, leaf type (for TYPENAME: the object type's name),
    # whether null is allowed, whether a list item may be null, the nested selection)
    fields: tuple[tuple[str, _Kind, str, Any, bool, bool, _Selection | None], ...]
    # Whether a field in it has no resolver of its own (then graphql-core's default must be
    # the executor's).
    reads_unresolved: bool

    def complete(self, value: Any) -> Any:
        """The selection completed on one value, or _FULL_PATH when the value needs that path
        (a nested object's value too)."""
        mapping = _is_mapping(value)
        completed: dict[str, Any] = {}
        for name, kind, attribute, named, nullable, item_nullable, nested in self.fields:
            if kind is _Kind.TYPENAME:
                completed[name] = named
                continue
            found = value.get(attribute) if mapping else getattr(value, attribute, None)
            if found is None:
                if not nullable:
                    return _FULL_PATH
                completed[name] = None
                continue
            if kind is _Kind.LEAF:
                found = _leaf_value(named, found)
                if found is _FULL_PATH:
                    return _FULL_PATH
                completed[name] = found
                continue
            if callable(found) or isinstance(found, BaseException):
                return _FULL_PATH
            assert nested is not None
            if kind is _Kind.OBJECT:
                found = nested.complete(found)
                if found is _FULL_PATH:
                    return _FULL_PATH
                completed[name] = found
                continue
            found = _completed_list(found, item_nullable, nested.complete)
            if found is _FULL_PATH:
                return _FULL_PATH
            completed[name] = found
        return completed


# The selection depends on the variables (a directive in it): collected per request.
_PER_REQUEST = object()
_SELECTIONS_KEPT = 4096


class _Known:
    """What the shortcut has worked out about one schema: its plain fields per object type and
    field name, and its selections' plans by (object type, field node). A process serves one
    schema; tests build many, one after another, and a new one replaces what was known.
    Documents come from the parse cache (schema/document_cache.py), so a storefront's few
    documents keep their nodes, and their plans, from request to request."""

    def __init__(self, schema: GraphQLSchema) -> None:
        self.schema = schema
        self._fields: dict[GraphQLObjectType, dict[str, _PlainField]] = {}
        self._plans: dict[tuple[GraphQLObjectType, int], tuple[FieldNode, Any]] = {}

    def fields_of(self, parent_type: GraphQLObjectType) -> dict[str, _PlainField]:
        table = self._fields.get(parent_type)
        if table is None:
            table = self._fields[parent_type] = {}
        return table

    def plan(self, object_type: GraphQLObjectType, node: FieldNode) -> Any:
        """The plan, _PER_REQUEST, _NOT_PLAIN, or None: not worked out yet."""
        entry = self._plans.get((object_type, id(node)))
        return entry[1] if entry is not None and entry[0] is node else None

    def keep(self, object_type: GraphQLObjectType, node: FieldNode, plan: Any) -> None:
        if len(self._plans) >= _SELECTIONS_KEPT:
            self._plans.clear()  # documents came and went: start again
        self._plans[(object_type, id(node))] = (node, plan)


_known: _Known | None = None


def _known_about(schema: GraphQLSchema) -> _Known:
    global _known
    known = _known
    if known is None or known.schema is not schema:
        known = _known = _Known(schema)
    return known


def _fixed(
    selection_set: SelectionSetNode | None, fragments: Mapping[str, FragmentDefinitionNode]
) -> bool:
    """Whether what the selection collects is the same whatever the variables: no directive in
    it (@skip and @include decide by variables), its fragments' included."""
    if selection_set is None:
        return True
    for selection in selection_set.selections:
        if selection.directives:
            return False
        if isinstance(selection, FragmentSpreadNode):
            fragment = fragments.get(selection.name.value)
            if fragment is None or fragment.directives:
                return False
            if not _fixed(fragment.selection_set, fragments):
                return False
        elif isinstance(selection, InlineFragmentNode) and not _fixed(
            selection.selection_set, fragments
        ):
            return False
    return True


_MAPPING_TYPES: dict[type, bool] = {}


def _is_mapping(value: Any) -> bool:
    # isinstance(value, Mapping) walks the ABC's registry: once per type is enough.
    kind = type(value)
    known = _MAPPING_TYPES.get(kind)
    if known is None:
        known = _MAPPING_TYPES[kind] = isinstance(value, Mapping)
    return known


class StorefrontExecutor(Executor[Any]):
    """graphql-core's base executor, which ignores incremental delivery: the schema has neither
    @defer nor @stream (graphql-core's execute() refuses a schema that has them), so it answers
    what the default IncrementalExecutor answers, without its bookkeeping."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._known = _known_about(self.schema)
        # Object fields (by their field details, which live as long as the execution) whose
        # selection needs the full path whatever their value: the other items of a list, or
        # the other parents, need not try the shortcut again.
        self._not_plain_objects: set[int] = set()

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
            table = self._known.fields_of(parent_type)
            for response_name, field_details_list in grouped_field_set.items():
                value = self._plain_value(table, parent_type, source_value, field_details_list)
                if value is _FULL_PATH or value is _NOT_PLAIN:
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

    def complete_object_value(
        self,
        return_type: GraphQLObjectType,
        field_details_list: FieldDetailsList,
        info: GraphQLResolveInfo[Any],
        path: Path,
        result: Any,
        position_context: Any,
    ) -> Any:
        # The value of a field that took the full path (a root field such as `cart`, a field
        # with a resolver of its own): its selection may still be plain all the way down.
        if self.middleware_manager is None and len(field_details_list) == 1:
            completed = self._plain_object(return_type, result, field_details_list)
            if completed is not _FULL_PATH and completed is not _NOT_PLAIN:
                return completed
        return super().complete_object_value(
            return_type, field_details_list, info, path, result, position_context
        )

    def _plain_value(
        self,
        table: dict[str, _PlainField],
        parent_type: GraphQLObjectType,
        source: Any,
        field_details_list: FieldDetailsList,
    ) -> Any:
        """What the full path would answer for a plain field, or _FULL_PATH / _NOT_PLAIN when it
        must decide."""
        node = _lone_node(field_details_list)
        if node is None:
            return _NOT_PLAIN
        name = node.name.value
        if name in table:
            plain = table[name]
        elif name == _TYPENAME:
            return parent_type.name
        else:
            plain = table[name] = _plain_field(parent_type, name)
        if plain is None:
            return _NOT_PLAIN
        kind, attribute, named, nullable, item_nullable, unresolved = plain
        # A field without a resolver gets the executor's: graphql-core's default here.
        if unresolved and self.field_resolver is not default_field_resolver:
            return _NOT_PLAIN
        value = source.get(attribute) if _is_mapping(source) else getattr(source, attribute, None)
        if value is None:
            return None if nullable else _FULL_PATH
        if kind is _Kind.LEAF:
            return _leaf_value(named, value)
        if callable(value) or isinstance(value, BaseException):
            return _FULL_PATH
        if kind is _Kind.OBJECT:
            return self._plain_object(named, value, field_details_list)
        return _completed_list(
            value, item_nullable, lambda item: self._plain_object(named, item, field_details_list)
        )

    def _plain_object(
        self, object_type: GraphQLObjectType, value: Any, field_details_list: FieldDetailsList
    ) -> Any:
        """The object's selection as the full path would answer it, or _FULL_PATH / _NOT_PLAIN
        as soon as one of its fields needs that path."""
        node = field_details_list[0].node
        plan = self._known.plan(object_type, node)
        if plan is None:
            plan = self._plan(object_type, field_details_list)
        if plan is _NOT_PLAIN:
            return _NOT_PLAIN
        if plan is _PER_REQUEST:
            return self._collected_object(object_type, value, field_details_list)
        if plan.reads_unresolved and self.field_resolver is not default_field_resolver:
            return _NOT_PLAIN
        return plan.complete(value)

    def _plan(self, object_type: GraphQLObjectType, field_details_list: FieldDetailsList) -> Any:
        """Works out, and keeps, the selection's plan: a _Selection, _NOT_PLAIN (some field
        of it needs the full path whatever the value) or _PER_REQUEST (it depends on the
        variables)."""
        node = field_details_list[0].node
        plan: Any
        if object_type.is_type_of is not None:
            plan = _NOT_PLAIN
        elif not _fixed(node.selection_set, self.fragment_definitions):
            plan = _PER_REQUEST
        else:
            plan = self._selection(object_type, field_details_list)
        self._known.keep(object_type, node, plan)
        return plan

    def _selection(
        self, object_type: GraphQLObjectType, field_details_list: FieldDetailsList
    ) -> Any:
        grouped_field_set, defer_usages, forbidden = self.collect_subfields(
            object_type, field_details_list
        )
        if defer_usages or forbidden:
            return _NOT_PLAIN
        table = self._known.fields_of(object_type)
        fields: list[tuple[str, _Kind, str, Any, bool, bool, _Selection | None]] = []
        reads_unresolved = False
        for response_name, sub_details in grouped_field_set.items():
            sub_node = _lone_node(sub_details)
            if sub_node is None:
                return _NOT_PLAIN
            name = sub_node.name.value
            if name == _TYPENAME:
                fields.append(
                    (response_name, _Kind.TYPENAME, name, object_type.name, False, False, None)
                )
                continue
            if name not in table:
                table[name] = _plain_field(object_type, name)
            plain = table[name]
            if plain is None:
                return _NOT_PLAIN
            kind, attribute, named, nullable, item_nullable, unresolved = plain
            reads_unresolved = reads_unresolved or unresolved
            nested: _Selection | None = None
            if kind is not _Kind.LEAF:
                found = self._known.plan(named, sub_node)
                if found is None:
                    found = self._plan(named, sub_details)
                if not isinstance(found, _Selection):
                    return found  # not plain, or per request: so is this one
                nested = found
                reads_unresolved = reads_unresolved or nested.reads_unresolved
            fields.append((response_name, kind, attribute, named, nullable, item_nullable, nested))
        return _Selection(field_details_list[0].node, tuple(fields), reads_unresolved)

    def _collected_object(
        self, object_type: GraphQLObjectType, value: Any, field_details_list: FieldDetailsList
    ) -> Any:
        """The shortcut for a selection with directives: collected for this request."""
        key = id(field_details_list)
        if key in self._not_plain_objects:
            return _NOT_PLAIN
        grouped_field_set, defer_usages, forbidden = self.collect_subfields(
            object_type, field_details_list
        )
        if defer_usages or forbidden:
            self._not_plain_objects.add(key)
            return _NOT_PLAIN
        table = self._known.fields_of(object_type)
        completed: dict[str, Any] = {}
        for response_name, sub_details in grouped_field_set.items():
            sub_value = self._plain_value(table, object_type, value, sub_details)
            if sub_value is _NOT_PLAIN:
                self._not_plain_objects.add(key)
                return _NOT_PLAIN
            if sub_value is _FULL_PATH:
                return _FULL_PATH
            completed[response_name] = sub_value
        return completed


def _lone_node(field_details_list: FieldDetailsList) -> FieldNode | None:
    """The field's node when the selection asks for it once, without arguments or directives
    (what the shortcut can answer), else None."""
    if len(field_details_list) != 1:
        return None
    node = field_details_list[0].node
    return None if node.arguments or node.directives else node


def _completed_list(values: Any, item_nullable: bool, complete: Callable[[Any], Any]) -> Any:
    """Each item of a list of objects completed, or the first item's refusal (_FULL_PATH,
    _NOT_PLAIN)."""
    if not isinstance(values, list | tuple):
        return _FULL_PATH
    items: list[Any] = []
    for item in values:
        if item is None:
            if not item_nullable:
                return _FULL_PATH
            items.append(None)
            continue
        done = complete(item)
        if done is _FULL_PATH or done is _NOT_PLAIN:
            return done
        items.append(done)
    return items


def _leaf_value(leaf: GraphQLScalarType | GraphQLEnumType, value: Any) -> Any:
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
