"""Limits on what one GraphQL document may ask for, checked before anything runs.

graphql-core has no depth, alias or cost limit. Ariadne's cost validator does not multiply what a
list selects by the list's size, so a page of 100 products with 30 fields each would cost 130,
not 3,100; the cost rule here does (docs/security.md).
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterator
from typing import Any

from graphql import (
    DocumentNode,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLError,
    InlineFragmentNode,
    IntValueNode,
    OperationDefinitionNode,
    SelectionSetNode,
    VariableNode,
)
from graphql.validation import ASTValidationRule, ValidationContext, ValidationRule

# The fields through which a document introspects the schema.
INTROSPECTION_FIELDS = frozenset({"__schema", "__type"})

# Query fields returning pages: what they select is charged once per element they may return
# (their `limit` argument, or its default). Every other field costs 1, whatever its name
# (PredictiveSearchResult.products is not the `products` page).
PAGED_FIELDS = {"products": 20, "myOrders": 20, "predictiveSearch": 5}
# Query fields with a cost limit of their own, below the document's: a search box asks on every
# keystroke, so what one predictiveSearch selects stays small (cards, not product pages).
FIELD_MAX_COSTS = {"predictiveSearch": 200}


class PerRequestRule(ValidationRule):
    """A rule whose verdict depends on the request's variables. `verdict_key` names everything
    the verdict depends on besides the document, so equal keys may share a cached verdict;
    None (the default) means the verdict is never cached."""

    verdict_key: tuple[Any, ...] | None = None


class _Measure:
    """Folds a selection set into one number, each fragment measured once per document: a
    fragment spread twice by a fragment spread twice by ... would otherwise be walked 2^n
    times (25 such fragments, about 1 KB, took 30 s of CPU before this memo)."""

    def __init__(self, fragment_definitions: dict[str, FragmentDefinitionNode]) -> None:
        self._fragments = fragment_definitions
        self._measured: dict[str, int] = {}
        self._entered: set[str] = set()

    def opaque(self, node: FieldNode) -> bool:
        """Whether what `node` selects is left out of the measure."""
        return False

    def field(self, node: FieldNode, inner: int) -> int:
        """A field's value, given the value of what it selects."""
        raise NotImplementedError

    def combine(self, values: list[int]) -> int:
        raise NotImplementedError

    def selections(self, selection_set: SelectionSetNode | None) -> int:
        if selection_set is None:
            return 0
        values = []
        for selection in selection_set.selections:
            if isinstance(selection, FieldNode):
                # One stack frame per level of fields: a document may nest 600 (three
                # fragments at graphql-core's parser limit of 200).
                inner = 0 if self.opaque(selection) else self.selections(selection.selection_set)
                values.append(self.field(selection, inner))
            elif isinstance(selection, InlineFragmentNode):
                values.append(self.selections(selection.selection_set))
            elif isinstance(selection, FragmentSpreadNode):
                values.append(self.fragment(selection.name.value))
        return self.combine(values)

    def fragment(self, name: str) -> int:
        measured = self._measured.get(name)
        if measured is not None:
            return measured
        definition = self._fragments.get(name)
        # A cycle is reported by the spec's NoFragmentCycles rule; here it just stops.
        if definition is None or name in self._entered:
            return 0
        self._entered.add(name)
        value = self.selections(definition.selection_set)
        self._measured[name] = value
        return value


class _Depth(_Measure):
    def __init__(
        self, fragment_definitions: dict[str, FragmentDefinitionNode], leaves: frozenset[str]
    ) -> None:
        super().__init__(fragment_definitions)
        self._leaves = leaves

    def opaque(self, node: FieldNode) -> bool:
        return node.name.value in self._leaves

    def field(self, node: FieldNode, inner: int) -> int:
        return 1 + inner

    def combine(self, values: list[int]) -> int:
        return max(values, default=0)


def selection_depth(
    selection_set: SelectionSetNode | None,
    fragment_definitions: dict[str, FragmentDefinitionNode],
    *,
    leaves: frozenset[str] = frozenset(),
) -> int:
    """How many fields deep the selection nests; fields named in `leaves` count as one level,
    whatever they select."""
    return _Depth(fragment_definitions, leaves).selections(selection_set)


def depth_limit_rule(max_depth: int) -> type[ASTValidationRule]:
    """The operation's depth, with each introspection field (`__schema`, `__type`) counted as
    one level: their subtrees have bounds of their own (schema/introspection.py)."""

    class DepthLimit(ValidationRule):
        def enter_operation_definition(self, node: OperationDefinitionNode, *_: Any) -> None:
            depth = selection_depth(
                node.selection_set,
                fragments(self.context.document),
                leaves=INTROSPECTION_FIELDS,
            )
            if depth > max_depth:
                self.report_error(
                    GraphQLError(
                        f"The query is nested {depth} levels deep; at most {max_depth} are "
                        "allowed.",
                        node,
                        extensions={"code": "QUERY_TOO_DEEP"},
                    )
                )

    return DepthLimit


def alias_limit_rule(max_aliases: int) -> type[ASTValidationRule]:
    class AliasLimit(ValidationRule):
        def __init__(self, context: ValidationContext) -> None:
            super().__init__(context)
            self.aliases = 0

        def enter_field(self, node: FieldNode, *_: Any) -> None:
            if node.alias is None:
                return
            self.aliases += 1
            if self.aliases == max_aliases + 1:
                self.report_error(
                    GraphQLError(
                        f"The query uses more than {max_aliases} aliases.",
                        node,
                        extensions={"code": "TOO_MANY_ALIASES"},
                    )
                )

    return AliasLimit


def _limit(field: FieldNode, default: int, variables: dict[str, Any]) -> int:
    for argument in field.arguments or ():
        if argument.name.value != "limit":
            continue
        value = argument.value
        if isinstance(value, IntValueNode):
            return int(value.value)
        if isinstance(value, VariableNode):
            given = variables.get(value.name.value)
            return given if isinstance(given, int) and not isinstance(given, bool) else default
    return default


def _root_fields(
    selection_set: SelectionSetNode | None,
    fragment_definitions: dict[str, FragmentDefinitionNode],
    seen: set[str],
) -> Iterator[FieldNode]:
    """The fields selected on the operation's root type, through fragments too (a fragment
    spread there is on the root type, so it is spread nowhere else)."""
    for selection in selection_set.selections if selection_set else ():
        if isinstance(selection, FieldNode):
            yield selection
        elif isinstance(selection, InlineFragmentNode):
            yield from _root_fields(selection.selection_set, fragment_definitions, seen)
        elif isinstance(selection, FragmentSpreadNode) and selection.name.value not in seen:
            seen.add(selection.name.value)
            definition = fragment_definitions.get(selection.name.value)
            if definition is not None:
                yield from _root_fields(definition.selection_set, fragment_definitions, seen)


class _Cost(_Measure):
    def __init__(
        self,
        fragment_definitions: dict[str, FragmentDefinitionNode],
        variables: dict[str, Any],
        root: SelectionSetNode | None,
    ) -> None:
        super().__init__(fragment_definitions)
        self._variables = variables
        self._root = {id(node) for node in _root_fields(root, fragment_definitions, set())}
        # (field, its cost, its limit) for each field over its own limit.
        self.over_limit: list[tuple[FieldNode, int, int]] = []

    def field(self, node: FieldNode, inner: int) -> int:
        default = PAGED_FIELDS.get(node.name.value) if id(node) in self._root else None
        pages = max(_limit(node, default, self._variables), 0) if default else 1
        cost = (1 + inner) * max(pages, 1)
        limit = FIELD_MAX_COSTS.get(node.name.value) if id(node) in self._root else None
        if limit is not None and cost > limit:
            self.over_limit.append((node, cost, limit))
        return cost

    def combine(self, values: list[int]) -> int:
        return sum(values)


def selection_cost(
    selection_set: SelectionSetNode | None,
    fragment_definitions: dict[str, FragmentDefinitionNode],
    variables: dict[str, Any],
) -> int:
    """What the selection costs: one per field, what a page selects once per element."""
    return _Cost(fragment_definitions, variables, selection_set).selections(selection_set)


def _too_complex(message: str, node: Any, cost: int) -> GraphQLError:
    return GraphQLError(message, node, extensions={"code": "QUERY_TOO_COMPLEX", "cost": cost})


def cost_limit_rule(max_cost: int, variables: dict[str, Any] | None) -> type[ASTValidationRule]:
    """Per request: page sizes often come from the variables."""
    known = variables or {}
    # Only integer variables can change a cost (they are page sizes).
    page_sizes = tuple(
        sorted((k, v) for k, v in known.items() if isinstance(v, int) and not isinstance(v, bool))
    )
    return _cost_limit_rule(max_cost, page_sizes)


@functools.lru_cache(maxsize=256)
def _cost_limit_rule(
    max_cost: int, page_sizes: tuple[tuple[str, int], ...]
) -> type[ASTValidationRule]:
    # One class per verdict, not per request: making a class took ~2 % of a `cart` request.
    known = dict(page_sizes)

    class CostLimit(PerRequestRule):
        verdict_key = ("cost", max_cost, page_sizes)

        def enter_operation_definition(self, node: OperationDefinitionNode, *_: Any) -> None:
            measure = _Cost(fragments(self.context.document), known, node.selection_set)
            cost = measure.selections(node.selection_set)
            if cost > max_cost:
                self.report_error(
                    _too_complex(
                        f"The query would cost {cost}; at most {max_cost} is allowed. "
                        "Ask for fewer fields or smaller pages.",
                        node,
                        cost,
                    )
                )
                return
            for field, field_cost, limit in measure.over_limit:
                self.report_error(
                    _too_complex(
                        f"{field.name.value} would cost {field_cost}; at most {limit} is "
                        "allowed. Ask for fewer fields or a smaller limit.",
                        field,
                        field_cost,
                    )
                )

    return CostLimit


def fragments(document: DocumentNode) -> dict[str, FragmentDefinitionNode]:
    """The document's fragment definitions by name."""
    return {
        definition.name.value: definition
        for definition in document.definitions
        if isinstance(definition, FragmentDefinitionNode)
    }


def request_rules(
    static_rules: tuple[type[ASTValidationRule], ...], max_cost: int
) -> Callable[[Any, DocumentNode, dict[str, Any]], list[type[ASTValidationRule]]]:
    """Ariadne's `validation_rules` callable: the fixed rules plus this request's cost rule."""

    def rules(_context: Any, _document: DocumentNode, data: dict[str, Any]) -> list[Any]:
        variables = data.get("variables")
        return [
            *static_rules,
            cost_limit_rule(max_cost, variables if isinstance(variables, dict) else None),
        ]

    return rules
