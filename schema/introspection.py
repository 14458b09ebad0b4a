"""Introspection within the document limits.

The standard introspection queries — graphql-js's `getIntrospectionQuery()` and graphql-core's
`get_introspection_query()`, with every option, as GraphiQL, graphql-codegen and Apollo's tools
send them — nest 15 levels, mostly a chain of `ofType { kind name ofType { ... } }`, deeper than
GRAPHQL_MAX_DEPTH allows a storefront query. So the depth limit counts `__schema` and `__type`
as one level (schema/limits.py), and what they select has bounds of its own:

- depth: at most INTROSPECTION_MAX_DEPTH levels from the introspection field down. An `ofType`
  is one object, not a list, so a longer chain costs about what its text costs (the token limit
  bounds it); this bound only stops nesting for its own sake. It leaves room for clients that
  raise graphql-js's `typeDepth` from its default of 9 to about 25.
- breadth: graphql-core's MaxIntrospectionDepthRule refuses more than two nested lists of
  `fields`, `interfaces`, `possibleTypes` or `inputFields`, the pattern that multiplies work by
  the schema's size at every level; the standard queries nest one.

The alias, token and cost limits count introspection like any other field (the standard query
costs about 230 of GRAPHQL_MAX_COST's 5,000), and production refuses introspection altogether.
"""

from __future__ import annotations

from typing import Any

from graphql import FieldNode, GraphQLError
from graphql.validation import ASTValidationRule, MaxIntrospectionDepthRule, ValidationRule

from schema.limits import INTROSPECTION_FIELDS, fragments, selection_depth

INTROSPECTION_MAX_DEPTH = 32


class IntrospectionDepthLimit(ValidationRule):
    def enter_field(self, node: FieldNode, *_: Any) -> None:
        if node.name.value not in INTROSPECTION_FIELDS:
            return
        depth = 1 + selection_depth(node.selection_set, fragments(self.context.document))
        if depth > INTROSPECTION_MAX_DEPTH:
            self.report_error(
                GraphQLError(
                    f"The introspection under '{node.name.value}' is nested {depth} levels "
                    f"deep; at most {INTROSPECTION_MAX_DEPTH} are allowed.",
                    node,
                    extensions={"code": "QUERY_TOO_DEEP"},
                )
            )


INTROSPECTION_RULES: tuple[type[ASTValidationRule], ...] = (
    IntrospectionDepthLimit,
    MaxIntrospectionDepthRule,
)
