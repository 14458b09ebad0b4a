"""The schema as a contract: committed as printed, loadable by the standard introspection
query, described throughout, every mutation answering with a payload and userErrors, every id
non-null."""

from __future__ import annotations

from pathlib import Path

import pytest
from graphql import (
    GraphQLEnumType,
    GraphQLField,
    GraphQLInputObjectType,
    GraphQLInterfaceType,
    GraphQLList,
    GraphQLNamedType,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLScalarType,
    GraphQLSchema,
    build_client_schema,
    get_introspection_query,
    get_named_type,
    graphql_sync,
    is_introspection_type,
    is_specified_scalar_type,
    lexicographic_sort_schema,
    print_schema,
)

from app.iso_codes import COUNTRY_CODES, CURRENCY_CODES
from schema.executable import build_schema
from schema.printed import REGENERATE, printed_schema

ROOT = Path(__file__).resolve().parent.parent
COMMITTED = ROOT / "schema.graphql"


@pytest.fixture(scope="module")
def schema() -> GraphQLSchema:
    return build_schema()


def _own_types(schema: GraphQLSchema) -> list[GraphQLNamedType]:
    return [
        t
        for t in schema.type_map.values()
        if not is_introspection_type(t)
        and not (isinstance(t, GraphQLScalarType) and is_specified_scalar_type(t))
    ]


def test_the_committed_schema_is_the_one_the_code_serves() -> None:
    assert COMMITTED.read_text() == printed_schema(), f"schema.graphql is stale: run {REGENERATE}"


def _client_schema(schema: GraphQLSchema, *, one_of: bool) -> str:
    # What GraphiQL, graphql-codegen and Apollo's tooling send: graphql-js' getIntrospectionQuery
    # with its options (`oneOf` only since graphql-js 16.9).
    query = get_introspection_query(
        descriptions=True,
        specified_by_url=True,
        directive_is_repeatable=True,
        schema_description=True,
        input_value_deprecation=True,
        one_of=one_of,
    )
    result = graphql_sync(schema, query)
    assert result.errors is None
    assert result.data is not None
    client = build_client_schema(result.data)  # type: ignore[arg-type]
    return print_schema(lexicographic_sort_schema(client))


def test_the_standard_introspection_query_builds_the_same_client_schema(
    schema: GraphQLSchema,
) -> None:
    served = print_schema(lexicographic_sort_schema(schema))
    assert _client_schema(schema, one_of=True) == served
    # Without asking for `isOneOf`, a client learns everything but that the lookups take one
    # field (the server still checks it).
    assert _client_schema(schema, one_of=False) == served.replace(" @oneOf", "")


def test_every_type_field_and_argument_is_described(schema: GraphQLSchema) -> None:
    undescribed: list[str] = []
    for named in _own_types(schema):
        name = named.name
        if not named.description:
            undescribed.append(name)
        if isinstance(named, GraphQLObjectType | GraphQLInterfaceType | GraphQLInputObjectType):
            for field_name, field in named.fields.items():
                if not field.description:
                    undescribed.append(f"{name}.{field_name}")
                for arg_name, arg in getattr(field, "args", {}).items():
                    if not arg.description:
                        undescribed.append(f"{name}.{field_name}({arg_name})")
    assert undescribed == []


def _user_errors_field(field: GraphQLField) -> GraphQLField | None:
    payload = get_named_type(field.type)
    if not isinstance(payload, GraphQLObjectType):
        return None
    user_errors: GraphQLField | None = payload.fields.get("userErrors")
    return user_errors


def test_every_mutation_answers_with_a_payload_holding_user_errors(
    schema: GraphQLSchema,
) -> None:
    assert schema.mutation_type is not None
    for name, field in schema.mutation_type.fields.items():
        payload = get_named_type(field.type)
        assert payload.name.endswith("Payload"), name
        # Nullable, as in the Storefront APIs: a failing mutation leaves the others' answers.
        assert not isinstance(field.type, GraphQLNonNull), name
        user_errors = _user_errors_field(field)
        assert user_errors is not None, name
        # [UserError!]!
        assert isinstance(user_errors.type, GraphQLNonNull), name
        assert isinstance(user_errors.type.of_type, GraphQLList), name
        assert str(user_errors.type) == "[UserError!]!", name


def test_every_id_is_a_non_null_id(schema: GraphQLSchema) -> None:
    # Apollo keys an object with `id: null` as "Type:null": all of them would share one entry.
    for named in _own_types(schema):
        if isinstance(named, GraphQLObjectType) and "id" in named.fields:
            assert str(named.fields["id"].type) == "ID!", named.name


def test_priced_things_that_depend_on_a_cart_have_no_id(schema: GraphQLSchema) -> None:
    for name in ("ShippingOption", "ShippingInfo"):
        priced = schema.type_map[name]
        assert isinstance(priced, GraphQLObjectType) and "id" not in priced.fields


def test_code_enums_hold_the_codes_input_is_checked_against(schema: GraphQLSchema) -> None:
    country = schema.type_map["CountryCode"]
    currency = schema.type_map["CurrencyCode"]
    assert isinstance(country, GraphQLEnumType) and isinstance(currency, GraphQLEnumType)
    assert set(country.values) == COUNTRY_CODES
    assert set(currency.values) == CURRENCY_CODES
