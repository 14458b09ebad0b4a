"""Limits on what one GraphQL document may ask for, checked before anything runs.

graphql-core has no depth, alias or cost limit. Ariadne's cost validator does not multiply what a
list selects by the list's size, so a page of 100 products with 30 fields each would cost 130,
not 3,100; the cost rule here does (docs/security.md).
"""

from __future__ import annotations

from collections.abc import Callable
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

# Fields returning pages: what they select is charged once per element they may return (their
# `limit` argument, or its default). Every other field costs 1.
PAGED_FIELDS = {"products": 20, "myOrders": 20}


class PerRequestRule(ValidationRule):
    """A rule whose verdict depends on the request's variables. `verdict_key` names everything
    the verdict depends on besides the document, so equal keys may share a cached verdict;
    None (the default) means the verdict is never cached."""

    verdict_key: tuple[Any, ...] | None = None


def selection_depth(
    selection_set: SelectionSetNode | None,
    fragments: dict[str, FragmentDefinitionNode],
    visiting: frozenset[str] = frozenset(),
) -> int:
    if selection_set is None:
        return 0
    deepest = 0
    for selection in selection_set.selections:
        if isinstance(selection, FieldNode):
            deepest = max(
                deepest, 1 + selection_depth(selection.selection_set, fragments, visiting)
            )
        elif isinstance(selection, InlineFragmentNode):
            deepest = max(deepest, selection_depth(selection.selection_set, fragments, visiting))
        elif isinstance(selection, FragmentSpreadNode):
            name = selection.name.value
            fragment = fragments.get(name)
            # A cycle is reported by the spec's NoFragmentCycles rule; here it just stops.
            if fragment is not None and name not in visiting:
                depth = selection_depth(fragment.selection_set, fragments, visiting | {name})
                deepest = max(deepest, depth)
    return deepest


def depth_limit_rule(max_depth: int) -> type[ASTValidationRule]:
    class DepthLimit(ValidationRule):
        def enter_operation_definition(self, node: OperationDefinitionNode, *_: Any) -> None:
            depth = selection_depth(node.selection_set, _fragments(self.context.document))
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


def selection_cost(
    selection_set: SelectionSetNode | None,
    fragments: dict[str, FragmentDefinitionNode],
    variables: dict[str, Any],
    visiting: frozenset[str] = frozenset(),
) -> int:
    if selection_set is None:
        return 0
    total = 0
    for selection in selection_set.selections:
        if isinstance(selection, FieldNode):
            inner = 1 + selection_cost(selection.selection_set, fragments, variables, visiting)
            default = PAGED_FIELDS.get(selection.name.value)
            pages = max(_limit(selection, default, variables), 0) if default else 1
            total += inner * max(pages, 1)
        elif isinstance(selection, InlineFragmentNode):
            total += selection_cost(selection.selection_set, fragments, variables, visiting)
        elif isinstance(selection, FragmentSpreadNode):
            name = selection.name.value
            fragment = fragments.get(name)
            if fragment is not None and name not in visiting:
                total += selection_cost(
                    fragment.selection_set, fragments, variables, visiting | {name}
                )
    return total


def cost_limit_rule(max_cost: int, variables: dict[str, Any] | None) -> type[ASTValidationRule]:
    """Built per request: page sizes often come from the variables."""
    known = variables or {}
    # Only integer variables can change a cost (they are page sizes).
    page_sizes = tuple(
        sorted((k, v) for k, v in known.items() if isinstance(v, int) and not isinstance(v, bool))
    )

    class CostLimit(PerRequestRule):
        verdict_key = ("cost", max_cost, page_sizes)

        def enter_operation_definition(self, node: OperationDefinitionNode, *_: Any) -> None:
            fragments = _fragments(self.context.document)
            cost = selection_cost(node.selection_set, fragments, known)
            if cost > max_cost:
                self.report_error(
                    GraphQLError(
                        f"The query would cost {cost}; at most {max_cost} is allowed. "
                        "Ask for fewer fields or smaller pages.",
                        node,
                        extensions={"code": "QUERY_TOO_COMPLEX", "cost": cost},
                    )
                )

    return CostLimit


def _fragments(document: DocumentNode) -> dict[str, FragmentDefinitionNode]:
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
