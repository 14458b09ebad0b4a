"""Clients nobody here wrote, against the service over HTTP: graphql-http's audit of GraphQL over
HTTP, graphql-js's standard introspection query with a client schema built from it,
graphql-codegen generating TypeScript types, and Apollo Client's default cache showing a product
listing as the server sent it. The npm packages are pinned in tests/js and
installed once into a cache outside the repository (tests/support/node_tools.py); the tests
skip, saying why, where node, npm or the registry is missing."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import RunningService
from tests.support.node_tools import NodeTools, NodeUnavailable, install_node_tools


@pytest.fixture(scope="session")
def node_tools() -> NodeTools:
    try:
        return install_node_tools()
    except NodeUnavailable as exc:
        pytest.skip(f"real-client tests need node and npm: {exc}")


@pytest.fixture
def graphql_url(start_service: Callable[..., RunningService]) -> Iterator[str]:
    yield f"{start_service().url}/graphql"


def test_graphql_http_audit_reports_no_error_and_no_warning(
    node_tools: NodeTools, graphql_url: str
) -> None:
    results = json.loads(node_tools.run("audit.cjs", graphql_url))
    by_status: dict[str, list[str]] = {}
    for result in results:
        by_status.setdefault(result["status"], []).append(
            f"{result['id']} {result['name']}: {result.get('reason')}"
        )
    assert by_status.get("error", []) == []
    assert by_status.get("warn", []) == []
    # Nothing optional is left out either (the CSRF header makes the GET audits pass).
    assert by_status.get("notice", []) == []
    assert len(by_status["ok"]) == len(results) > 50


def test_graphql_js_standard_introspection_builds_a_client_schema(
    node_tools: NodeTools, graphql_url: str
) -> None:
    answer = json.loads(node_tools.run("introspect.cjs", graphql_url))
    assert answer["status"] == 200 and answer["errors"] == []
    assert answer["contentType"].startswith("application/graphql-response+json")
    assert {"Query", "Mutation", "Product", "Cart", "Customer"} <= set(answer["types"])


def test_graphql_codegen_generates_types_from_the_service(
    node_tools: NodeTools, graphql_url: str, tmp_path: Path
) -> None:
    output = tmp_path / "types.ts"
    node_tools.run("codegen.cjs", graphql_url, str(output))
    generated = output.read_text()
    for type_name in ("Query", "Mutation", "Product", "Cart", "Customer"):
        assert f"export type {type_name} = {{" in generated, type_name
    # Fields come with their GraphQL types and descriptions.
    assert "__typename?: 'Product'" in generated


def _without_typename(value: Any) -> Any:
    """Apollo Client adds __typename to every selection set; the raw answer has none."""
    if isinstance(value, dict):
        return {k: _without_typename(v) for k, v in value.items() if k != "__typename"}
    if isinstance(value, list):
        return [_without_typename(item) for item in value]
    return value


def test_apollo_client_cache_shows_every_product_with_its_own_variant_sku_and_price(
    node_tools: NodeTools, graphql_url: str
) -> None:
    answer = json.loads(node_tools.run("apollo-cache.cjs", graphql_url))
    raw, cached = answer["raw"], answer["cached"]
    assert cached["products"]["__typename"] == "ProductSearchResult"  # read through Apollo
    products = raw["products"]["results"]
    assert len(products) == raw["products"]["pageInfo"]["total"] > 30
    skus = [product["masterVariant"]["sku"] for product in products]
    assert len(set(skus)) == len(skus)
    assert _without_typename(cached) == raw
