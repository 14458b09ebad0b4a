"""The executor's shortcut for plain leaf fields answers exactly what graphql-core's executor
answers: values, nulls, and errors with their paths."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest
from ariadne import EnumType, ObjectType, ScalarType, make_executable_schema
from graphql import execute, parse

from schema.executor import StorefrontExecutor, _plain_leaf

TYPE_DEFS = """
enum Color { RED GREEN }
scalar Picky
type Query { items: [Item!]! mapping: Item first: Item }
type Item {
  name: String
  quantity: Int!
  countOfThings: Int
  color: Color
  picky: Picky
  greeting(who: String): String
  computed: String
  required: String!
  custom: String
  later: String
  flag: Boolean
  ident: ID
}
"""


@dataclass
class Item:
    name: Any
    quantity: Any
    count_of_things: Any = 3
    color: Any = "red"
    picky: Any = "ok"
    required: Any = "here"
    flag: Any = True
    ident: Any = "id-1"

    def computed(self, _info: Any) -> str:
        return "called"

    def greeting(self, _info: Any, who: str = "you") -> str:
        return f"hello {who}"


def build() -> Any:
    query = ObjectType("Query")
    query.set_field(
        "items",
        lambda *_: [
            Item("plain", 2),
            Item(None, 1, count_of_things=None, color=None, picky=None),
            Item("bad int", "many"),
            Item("no quantity", None),
            Item("bad picky", 1, picky="refused"),
            Item("missing required", 1, required=None),
            Item("unknown color", 1, color="blue"),
            # Values the serializers convert, or refuse (GraphQL's Int has 32 bits).
            Item("int beyond 32 bits", 1, count_of_things=2**31),
            Item("converted", 1, flag=1, ident=7),
        ],
    )
    query.set_field("first", lambda *_: Item("plain", 2))
    query.set_field(
        "mapping", lambda *_: {"name": "from a dict", "quantity": 5, "count_of_things": 9}
    )
    item = ObjectType("Item")
    item.set_field("custom", lambda obj, _info: f"custom {obj.name}")

    async def later(obj: Item, _info: Any) -> str:
        return f"later {obj.name}"

    item.set_field("later", later)
    picky = ScalarType("Picky")

    @picky.serializer
    def serialize(value: Any) -> Any:
        if value == "refused":
            raise ValueError("picky refuses")
        return value

    color = EnumType("Color", {"RED": "red", "GREEN": "green"})
    return make_executable_schema(TYPE_DEFS, query, item, picky, color, convert_names_case=True)


@pytest.mark.parametrize(
    "document",
    [
        "{ items { name quantity countOfThings color picky computed custom } }",
        "{ items { name countOfThings flag ident } }",
        "{ items { name required } }",
        '{ items { name greeting(who: "Ada") } }',
        "{ items { name @include(if: true) quantity } }",
        "{ items { a: name b: name ...F } } fragment F on Item { name quantity }",
        "{ mapping { name quantity countOfThings color } }",
    ],
)
def test_the_shortcut_answers_as_graphql_core_does(document: str) -> None:
    schema = build()
    parsed = parse(document)
    expected = execute(schema, parsed)
    found = execute(schema, parsed, executor_class=StorefrontExecutor)
    assert found.data == expected.data  # type: ignore[union-attr]
    assert [e.formatted for e in found.errors or ()] == [  # type: ignore[union-attr]
        e.formatted
        for e in expected.errors or ()  # type: ignore[union-attr]
    ]


def test_only_plain_leaves_take_the_shortcut() -> None:
    item = build().type_map["Item"]
    plain = {name for name in item.fields if _plain_leaf(item, name) is not None}
    # greeting has arguments, custom its own resolver; computed is plain by its schema (the
    # method is found callable when read, and then takes the full path).
    expected = {
        "name",
        "quantity",
        "countOfThings",
        "color",
        "picky",
        "computed",
        "required",
        "flag",
        "ident",
    }
    assert plain == expected


@pytest.mark.anyio
async def test_plain_leaves_and_awaited_fields_keep_the_selection_order() -> None:
    schema = build()
    parsed = parse("{ first { later name custom quantity } }")
    expected = await execute(schema, parsed)  # type: ignore[misc]
    found = await execute(schema, parsed, executor_class=StorefrontExecutor)  # type: ignore[misc]
    assert found.data == expected.data and found.errors == expected.errors
    first = found.data["first"]
    assert list(first) == ["later", "name", "custom", "quantity"]
    assert first == {
        "later": "later plain",
        "name": "plain",
        "custom": "custom plain",
        "quantity": 2,
    }
