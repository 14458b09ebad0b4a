"""Introspection outside production: the standard queries pass the document limits, which still
hold for everything else (schema/introspection.py); production refuses introspection.
graphql-js's query and graphql-codegen are in tests/test_real_clients.py."""

from __future__ import annotations

import time
from collections.abc import Callable

import httpx
import pytest
from graphql import build_client_schema, get_introspection_query

from tests.conftest import RunningService
from tests.support.browser import GRAPHQL_ACCEPT, Browser
from tests.support.production import production_service

pytestmark = pytest.mark.anyio

EVERY_OPTION = get_introspection_query(
    descriptions=True,
    specified_by_url=True,
    directive_is_repeatable=True,
    schema_description=True,
    input_value_deprecation=True,
    experimental_directive_deprecation=True,
    one_of=True,
)


@pytest.mark.parametrize(
    "query", [get_introspection_query(), EVERY_OPTION], ids=["default", "every-option"]
)
async def test_the_standard_query_loads_the_schema(browser: Browser, query: str) -> None:
    result = await browser.gql(query)
    schema = build_client_schema(result.ok())
    assert schema.query_type is not None and schema.query_type.name == "Query"
    assert schema.mutation_type is not None
    assert "Product" in schema.type_map and "Cart" in schema.type_map


def of_type_chain(levels: int) -> str:
    inner = "name"
    for _ in range(levels):
        inner = f"ofType {{ {inner} }}"
    return f'{{ __type(name: "Query") {{ fields {{ type {{ {inner} }} }} }} }}'


async def test_introspection_has_its_own_depth_bound(browser: Browser) -> None:
    # graphql-js's typeDepth option raised from 9 to 20 still passes...
    assert (await browser.gql(of_type_chain(20))).status_code == 200
    # ... an ofType chain for its own sake does not.
    result = await browser.gql(of_type_chain(40))
    assert result.status_code == 400 and result.error_codes == ["QUERY_TOO_DEEP"]


async def test_introspection_cannot_fan_out(browser: Browser) -> None:
    # Every type's fields' types' fields' types' ...: work multiplied by the schema's size.
    nested = "{ __schema { types { fields { type { fields { type { fields { name } } } } } } } }"
    result = await browser.gql(nested)
    assert result.status_code == 400
    assert "introspection depth" in result.errors[0]["message"]


def category_chain(depth: int) -> str:
    inner = "name"
    for _ in range(depth - 2):
        inner = f"children {{ {inner} }}"
    return f"categories {{ {inner} }}"


async def test_introspection_opens_no_way_around_the_depth_limit(
    service: RunningService, browser: Browser
) -> None:
    too_deep = category_chain(service.settings.graphql.max_depth + 1)
    beside = await browser.gql(f"{{ __schema {{ queryType {{ name }} }} {too_deep} }}")
    assert beside.status_code == 400 and beside.error_codes == ["QUERY_TOO_DEEP"]
    through_a_fragment = await browser.gql(
        f"{{ ...Both }} fragment Both on Query {{ __typename {too_deep} __type(name: "
        '"Query") { name } }'
    )
    assert through_a_fragment.error_codes == ["QUERY_TOO_DEEP"]


async def test_introspection_is_counted_in_the_cost(
    start_service: Callable[..., RunningService],
) -> None:
    service = start_service(graphql_max_cost=100)
    async with service.browser() as browser:
        result = await browser.gql(EVERY_OPTION)
    assert result.status_code == 400 and result.error_codes == ["QUERY_TOO_COMPLEX"]


async def test_fragments_spread_twice_over_and_over_are_measured_once(browser: Browser) -> None:
    # 60 fragments, each spreading the next twice: 2^60 fields if expanded.
    levels = 60
    fragments = "\n".join(
        f"fragment F{i} on Query {{ ...F{i + 1} ...F{i + 1} }}" for i in range(levels)
    )
    query = f"{{ ...F0 }}\n{fragments}\nfragment F{levels} on Query {{ __typename }}"
    started = time.monotonic()
    result = await browser.gql(query)
    assert result.status_code == 400 and result.error_codes == ["QUERY_TOO_COMPLEX"]
    assert time.monotonic() - started < 2


def test_production_refuses_introspection() -> None:
    with production_service() as service, httpx.Client(base_url=service.url) as http:
        response = http.post(
            "/graphql", json={"query": EVERY_OPTION}, headers={"accept": GRAPHQL_ACCEPT}
        )
    assert response.status_code == 400 and "data" not in response.json()
    assert "introspection is disabled" in response.json()["errors"][0]["message"]


async def test_fields_nested_as_deep_as_the_parser_allows_are_refused_not_crashed(
    browser: Browser,
) -> None:
    # Three fragments at graphql-core's parser limit (200 levels each) chain to 600 levels.
    def chain(levels: int, tail: str) -> str:
        return "children { " * levels + tail + " }" * levels

    query = (
        "{ categories { ...A } }\n"
        f"fragment A on Category {{ {chain(190, '...B')} }}\n"
        f"fragment B on Category {{ {chain(190, '...C')} }}\n"
        f"fragment C on Category {{ {chain(190, 'name')} }}"
    )
    result = await browser.gql(query)
    # graphql-core's validation gives up on it ("Validation aborted."): a 400, not a 500.
    assert result.status_code == 400 and "data" not in result.body
    assert set(result.error_codes) <= {"QUERY_TOO_DEEP", "GRAPHQL_VALIDATION_FAILED"}
