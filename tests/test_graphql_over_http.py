"""GraphQL over HTTP (docs/graphql-over-http.md): content negotiation, status codes per media
type, no `data` on request errors, 405 for a mutation over GET, 406 when nothing acceptable is
asked for. The graphql-http audit runs against the same rules in tests/test_real_clients.py."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from tests.conftest import RunningService

pytestmark = pytest.mark.anyio

NEW = "application/graphql-response+json"
LEGACY = "application/json"
CSRF = {"x-csrf-protection": "1"}

# Accept header -> the media type answered (None: 406).
NEGOTIATION = [
    (None, LEGACY),
    ("*/*", LEGACY),
    ("application/*", LEGACY),
    ("application/json", LEGACY),
    ("APPLICATION/JSON", LEGACY),
    (NEW, NEW),
    (f"{NEW}; charset=utf-8", NEW),
    (f"{NEW}, application/json;q=0.9", NEW),
    (f"application/json, {NEW}", NEW),
    (f"{NEW};q=0.5, application/json", LEGACY),
    (f"{NEW}, */*;q=0.1", NEW),
    ("text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8", LEGACY),
    ("application/json;q=0, */*", NEW),
    ("text/html", None),
    ("application/xml", None),
    ("*/*;q=0", None),
    (f"application/json;q=0, {NEW};q=0", None),
    (f"{NEW};q=nonsense", None),
    ("not a media type", None),
]


def varies_by(response: httpx.Response) -> set[str]:
    return {
        name.strip().lower()
        for value in response.headers.get_list("vary")
        for name in value.split(",")
    }


async def post(
    http: httpx.AsyncClient, body: Any, accept: str | None, **headers: str
) -> httpx.Response:
    request = http.build_request("POST", "/graphql", json=body, headers=headers)
    if accept is None:
        request.headers.pop("accept", None)
    else:
        request.headers["accept"] = accept
    return await http.send(request)


async def test_the_answer_is_negotiated_from_accept(service: RunningService) -> None:
    async with httpx.AsyncClient(base_url=service.url) as http:
        for accept, expected in NEGOTIATION:
            response = await post(http, {"query": "{ __typename }"}, accept)
            if expected is None:
                assert response.status_code == 406, accept
                assert response.json()["errors"][0]["extensions"]["code"] == "NOT_ACCEPTABLE"
                continue
            assert response.status_code == 200, accept
            assert response.headers["content-type"] == f"{expected}; charset=utf-8", accept
            assert response.json() == {"data": {"__typename": "Query"}}
            assert "accept" in varies_by(response), accept


REQUEST_ERRORS = [
    ({"query": "{"}, "GRAPHQL_PARSE_FAILED"),
    ({"query": "{ noSuchField }"}, "GRAPHQL_VALIDATION_FAILED"),
    (
        {"query": "query Q($id: ID!) { __typename }", "variables": {"id": None}},
        "BAD_USER_INPUT",
    ),
    ({"query": "query A { __typename } query B { __typename }"}, "GRAPHQL_VALIDATION_FAILED"),
    ({"query": "query A { __typename }", "operationName": "B"}, "GRAPHQL_VALIDATION_FAILED"),
]


@pytest.mark.parametrize(("accept", "status"), [(NEW, 400), (LEGACY, 200)])
async def test_request_errors_carry_no_data_and_their_status_follows_the_media_type(
    service: RunningService, accept: str, status: int
) -> None:
    async with httpx.AsyncClient(base_url=service.url) as http:
        for body, code in REQUEST_ERRORS:
            response = await post(http, body, accept)
            assert response.status_code == status, body
            assert response.headers["content-type"].startswith(accept), body
            answer = response.json()
            assert "data" not in answer, body
            assert [e["extensions"]["code"] for e in answer["errors"]] == [code], answer


@pytest.mark.parametrize("accept", [NEW, LEGACY])
async def test_field_errors_answer_200_with_data(service: RunningService, accept: str) -> None:
    async with httpx.AsyncClient(base_url=service.url) as http:
        # A guest has no orders to list: the field fails, the rest of the operation runs.
        response = await post(http, {"query": "{ __typename myOrders { __typename } }"}, accept)
    assert response.status_code == 200
    answer = response.json()
    # `myOrders` is non-null, so its failure nulls `data`: still an executed operation.
    assert "data" in answer
    assert answer["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
    assert answer["errors"][0]["path"] == ["myOrders"]


MALFORMED_BODIES = [
    [{"query": "{ __typename }"}],
    "{ __typename }",
    {"notquery": "{ __typename }"},
    {"query": 7},
    {"query": ["{ __typename }"]},
    {"query": "   "},
    {"query": "{ __typename }", "variables": "{}"},
    {"query": "{ __typename }", "variables": [1]},
    {"query": "{ __typename }", "operationName": 1},
    {"query": "{ __typename }", "extensions": False},
]


@pytest.mark.parametrize("accept", [NEW, LEGACY])
async def test_what_is_not_a_graphql_request_is_a_400(service: RunningService, accept: str) -> None:
    async with httpx.AsyncClient(base_url=service.url, headers={"accept": accept}) as http:
        for body in MALFORMED_BODIES:
            response = await post(http, body, accept)
            assert response.status_code == 400, body
            assert response.json()["errors"][0]["extensions"]["code"] == "BAD_REQUEST", body
            assert response.headers["content-type"].startswith(accept)
        for raw, code in (
            (b"", "BAD_REQUEST"),
            (b'{ "not json', "BAD_REQUEST"),
            (b"\xff\xfe{}", "BAD_REQUEST"),
            # Refused before parsing, by the nesting guard (app/web/json_depth.py).
            (b"[" * 5000 + b"]" * 5000, "JSON_TOO_DEEP"),
        ):
            response = await http.post(
                "/graphql", content=raw, headers={"content-type": "application/json"}
            )
            assert response.status_code == 400, raw[:20]
            assert response.json()["errors"][0]["extensions"]["code"] == code
        bad_variables = await http.get(
            "/graphql", params={"query": "{ __typename }", "variables": "{nope"}, headers=CSRF
        )
        assert bad_variables.status_code == 400


@pytest.mark.parametrize("accept", [NEW, LEGACY])
async def test_null_optional_parameters_mean_absent(service: RunningService, accept: str) -> None:
    async with httpx.AsyncClient(base_url=service.url) as http:
        for name in ("variables", "operationName", "extensions"):
            response = await post(http, {"query": "{ __typename }", name: None}, accept)
            assert response.status_code == 200
            assert response.json() == {"data": {"__typename": "Query"}}


async def test_get_answers_queries_and_405s_mutations(service: RunningService) -> None:
    document = "query Read { __typename } mutation Write { __typename }"
    async with httpx.AsyncClient(base_url=service.url, headers=CSRF) as http:
        read = await http.get(
            "/graphql",
            params={"query": document, "operationName": "Read"},
            headers={"accept": NEW},
        )
        assert read.status_code == 200 and read.json() == {"data": {"__typename": "Query"}}
        for accept in (NEW, LEGACY):
            write = await http.get(
                "/graphql",
                params={"query": document, "operationName": "Write"},
                headers={"accept": accept},
            )
            assert write.status_code == 405
            assert write.headers["allow"] == "POST"
            assert "data" not in write.json()
            assert write.json()["errors"][0]["extensions"]["code"] == "METHOD_NOT_ALLOWED"
        unacceptable = await http.get(
            "/graphql", params={"query": "{ __typename }"}, headers={"accept": "text/csv"}
        )
        assert unacceptable.status_code == 406
    # The same mutation over POST runs.
    async with httpx.AsyncClient(base_url=service.url) as http:
        posted = await post(http, {"query": document, "operationName": "Write"}, NEW)
        assert posted.status_code == 200
        assert posted.json() == {"data": {"__typename": "Mutation"}}
