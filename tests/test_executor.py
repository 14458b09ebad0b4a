"""The executor's shortcut for plain fields (leaves, and objects or lists of objects made of
plain fields) answers exactly what graphql-core's executor answers: values, nulls, and errors
with their paths."""

from __future__ import annotations

from dataclasses import dataclass, field
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
  price: Money
  requiredPrice: Money!
  prices: [Money!]
  maybePrices: [Money]!
  checked: Checked
}
type Money { centAmount: Int! currencyCode: String note: String }
type Checked { name: String }
"""


@dataclass
class Money:
    cent_amount: Any
    currency_code: Any = "EUR"
    note: Any = None


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
    price: Any = None
    required_price: Any = field(default_factory=lambda: Money(100))
    prices: Any = field(default_factory=lambda: (Money(1), Money(2, "USD")))
    maybe_prices: Any = field(default_factory=lambda: (Money(3), None))
    checked: Any = None

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
            Item("priced", 1, price=Money(250, note="sale")),
            Item("price without amount", 1, price=Money(None)),
            Item("required price missing", 1, required_price=None),
            Item("a null in a list of non-null", 1, prices=[Money(1), None]),
            Item("a list that is not one", 1, prices=Money(5)),
            Item("a bad amount in a list", 1, prices=[Money(1), Money("lots")]),
            Item("checked", 1, checked={"name": "by is_type_of"}),
            Item("refused by is_type_of", 1, checked={"name": "refuse"}),
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
    built = make_executable_schema(TYPE_DEFS, query, item, picky, color, convert_names_case=True)
    built.type_map["Checked"].is_type_of = lambda value, _info: value["name"] != "refuse"  # type: ignore[attr-defined]
    return built


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
        "{ items { name price { centAmount currencyCode note } requiredPrice { centAmount } } }",
        "{ items { name prices { centAmount currencyCode } maybePrices { centAmount } } }",
        "{ items { __typename name price { __typename centAmount } } }",
        "{ items { name checked { name } } }",
        "{ items { price { centAmount @skip(if: true) currencyCode } } }",
        "{ items { price { a: centAmount ...M } } } fragment M on Money { centAmount note }",
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
    plain = {name for name in item.fields if _plain_leaf(item, name)}
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
    parsed = parse("{ first { later name custom requiredPrice { centAmount } quantity } }")
    expected = await execute(schema, parsed)  # type: ignore[misc]
    found = await execute(schema, parsed, executor_class=StorefrontExecutor)  # type: ignore[misc]
    assert found.data == expected.data and found.errors == expected.errors
    first = found.data["first"]
    assert list(first) == ["later", "name", "custom", "requiredPrice", "quantity"]
    assert first == {
        "later": "later plain",
        "name": "plain",
        "custom": "custom plain",
        "requiredPrice": {"centAmount": 100},
        "quantity": 2,
    }


def test_objects_of_plain_fields_take_the_shortcut_whole() -> None:
    """Only the fields that need graphql-core's loop reach it: here `items` (its resolver is
    not a default one) and `custom`; the prices, lists of prices and their leaves do not."""
    reached: list[str] = []

    class Counting(StorefrontExecutor):
        def execute_field(self, parent_type: Any, source: Any, details: Any, *rest: Any) -> Any:
            reached.append(f"{parent_type.name}.{details[0].node.name.value}")
            return super().execute_field(parent_type, source, details, *rest)

    document = parse(
        "{ items { __typename name custom price { centAmount } prices { centAmount } } }"
    )
    found = execute(build(), document, executor_class=Counting)
    assert found.data == execute(build(), document).data  # type: ignore[union-attr]
    # 17 items, each with its `custom`; the prices of "price without amount" and "a bad amount
    # in a list" are refused by the shortcut and take the loop, with their leaves.
    assert reached.count("Query.items") == 1
    assert reached.count("Item.custom") == 17
    assert reached.count("Item.price") == 1 and reached.count("Item.prices") == 3


@pytest.mark.parametrize("flags", [(True, False, True), (False, True, False)])
def test_a_kept_plan_answers_each_request_as_graphql_core_does(
    flags: tuple[bool, ...],
) -> None:
    """Plans are kept per parsed document: the same document object, run again with other
    variables (a directive decides per request) and other values, still answers as
    graphql-core does."""
    schema = build()
    document = parse(
        "query($v: Boolean!) { items { name price { centAmount note @include(if: $v) }"
        " prices { ...P } requiredPrice { centAmount currencyCode } } }"
        " fragment P on Money { centAmount currencyCode @skip(if: $v) }"
    )
    plain = parse("{ items { name requiredPrice { centAmount currencyCode } } }")
    for flag in flags:
        for doc, variables in ((document, {"v": flag}), (plain, None)):
            expected = execute(schema, doc, variable_values=variables)
            found = execute(
                schema, doc, variable_values=variables, executor_class=StorefrontExecutor
            )
            assert found.data == expected.data  # type: ignore[union-attr]
            assert [e.formatted for e in found.errors or ()] == [  # type: ignore[union-attr]
                e.formatted
                for e in expected.errors or ()  # type: ignore[union-attr]
            ]


def test_the_value_of_a_resolved_field_takes_the_shortcut_when_its_selection_is_plain() -> None:
    """`first` has a resolver of its own, so graphql-core's loop runs it; the Item it returns
    is then completed by the kept plan, its price included: from the second run of the same
    parsed document on, no selection is collected again. With a field that needs the loop
    (`custom`), the Item's selection is collected on every run."""
    collected: list[str] = []

    class Counting(StorefrontExecutor):
        def collect_subfields(self, return_type: Any, field_details_list: Any) -> Any:
            collected.append(return_type.name)
            return super().collect_subfields(return_type, field_details_list)

    schema = build()
    for document, again in (
        ("{ first { __typename name price { centAmount } prices { centAmount } } }", []),
        ("{ first { name custom price { centAmount } } }", ["Item"]),
    ):
        parsed = parse(document)
        for _ in range(2):
            collected.clear()
            found = execute(schema, parsed, executor_class=Counting)
            assert found.data == execute(schema, parsed).data  # type: ignore[union-attr]
        assert collected == again
