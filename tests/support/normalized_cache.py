"""A normalized cache the way Apollo Client's InMemoryCache documents it, small enough to read.

Writing a result: every object with a `__typename` and an `id` is stored once, under the key
`<__typename>:<JSON of id>` (Apollo's `defaultDataIdFromObject`), its fields merged into what
the key already holds; where it stood, a reference `{"__ref": key}` takes its place. Objects
without an id stay embedded in their parent. Reading a query walks its selection sets from
`ROOT_QUERY`, following references. Two different objects that share a key overwrite each
other's fields, and reading gives back something other than what the server sent.

`with_typename` adds `__typename` to every selection set, as Apollo Client does to every query
before sending it.
"""

from __future__ import annotations

import json
from typing import Any

from graphql import (
    FieldNode,
    NameNode,
    OperationDefinitionNode,
    SelectionSetNode,
    Visitor,
    parse,
    print_ast,
    visit,
)

TYPENAME = "__typename"


class _AddTypename(Visitor):
    def leave_selection_set(
        self, node: SelectionSetNode, _key: Any, parent: Any, *_: Any
    ) -> SelectionSetNode | None:
        names = {s.name.value for s in node.selections if isinstance(s, FieldNode)}
        # The operation's own selection set is the root type's: Apollo adds none there.
        if TYPENAME in names or isinstance(parent, OperationDefinitionNode):
            return None
        typename = FieldNode(name=NameNode(value=TYPENAME), arguments=(), directives=())
        return SelectionSetNode(selections=(*node.selections, typename))


def with_typename(query: str) -> str:
    return print_ast(visit(parse(query), _AddTypename()))


def cache_key(value: dict[str, Any]) -> str | None:
    typename, object_id = value.get(TYPENAME), value.get("id")
    if not isinstance(typename, str) or object_id is None:
        return None
    return f"{typename}:{json.dumps(object_id)}"


class NormalizedCache:
    def __init__(self) -> None:
        self.entities: dict[str, dict[str, Any]] = {"ROOT_QUERY": {}}

    def write(self, data: dict[str, Any]) -> None:
        for name, value in data.items():
            self.entities["ROOT_QUERY"][name] = self._normalize(value)

    def _normalize(self, value: Any) -> Any:
        if isinstance(value, list):
            return [self._normalize(item) for item in value]
        if not isinstance(value, dict):
            return value
        fields = {name: self._normalize(item) for name, item in value.items()}
        key = cache_key(value)
        if key is None:
            return fields
        self.entities.setdefault(key, {}).update(fields)
        return {"__ref": key}

    def read(self, query: str) -> dict[str, Any]:
        operation = next(
            d for d in parse(query).definitions if isinstance(d, OperationDefinitionNode)
        )
        return self._read_selection(self.entities["ROOT_QUERY"], operation.selection_set)

    def _read_selection(
        self, stored: dict[str, Any], selection_set: SelectionSetNode
    ) -> dict[str, Any]:
        answer: dict[str, Any] = {}
        for selection in selection_set.selections:
            assert isinstance(selection, FieldNode), "fragments are not needed here"
            name = selection.name.value
            answer[name] = self._read_value(stored[name], selection.selection_set)
        return answer

    def _read_value(self, value: Any, selection_set: SelectionSetNode | None) -> Any:
        if isinstance(value, list):
            return [self._read_value(item, selection_set) for item in value]
        if isinstance(value, dict):
            assert selection_set is not None
            stored = self.entities[value["__ref"]] if "__ref" in value else value
            return self._read_selection(stored, selection_set)
        return value
