"""Schema-driven fuzzing over HTTP: for every query and every mutation, documents that
hypothesis-graphql generates from the schema (explicit nulls, extreme numbers, empty strings,
any Unicode, every enum value) run against the service on the emulator, as a guest, a guest with
a cart and a signed-in customer. No answer may be an HTTP 5xx or hold INTERNAL_SERVER_ERROR:
every value the schema accepts has a defined meaning.

Bounded: a few examples per field, so the whole file runs in well under a minute.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import httpx
import hypothesis_graphql
import pytest
from graphql import GraphQLSchema
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis_graphql import nodes

from bootstrap.app import create_app
from emulator.state import Emulator
from schema.executable import build_schema
from tests.conftest import make_settings
from tests.support.catalog import priced_skus
from tests.support.servers import ServerThread

SCHEMA: GraphQLSchema = build_schema()
QUERIES = sorted(SCHEMA.query_type.fields) if SCHEMA.query_type else []
MUTATIONS = sorted(SCHEMA.mutation_type.fields) if SCHEMA.mutation_type else []
EXAMPLES_PER_FIELD = 25
FUZZ = settings(
    max_examples=EXAMPLES_PER_FIELD,
    deadline=None,
    suppress_health_check=list(HealthCheck),
)
# Valid dates and anything else: a malformed one is the scalar's to refuse.
CUSTOM_SCALARS = {
    "Date": (st.dates().map(dt.date.isoformat) | st.text(max_size=12)).map(nodes.String),
    "DateTime": (st.datetimes(timezones=st.just(dt.UTC)).map(dt.datetime.isoformat)).map(
        nodes.String
    ),
}
PASSWORD = "Fuzz-Passw0rd-1"
# Mutations after which the customer's session may have changed hands or ended.
SESSION_CHANGING = {"signIn", "signUp", "signOut", "changePassword", "resetPassword"}


@dataclass
class Target:
    http: httpx.Client
    email: str
    cookies: dict[str, str | None] = field(default_factory=dict)

    def post(self, query: str, cookie: str | None) -> httpx.Response:
        # Each request sends exactly the cookie chosen for it.
        self.http.cookies.clear()
        headers = {"cookie": f"ctp_session={cookie}"} if cookie else {}
        return self.http.post("/graphql", json={"query": query}, headers=headers)

    def session_of(self, query: str, variables: dict[str, Any]) -> str:
        self.http.cookies.clear()
        response = self.http.post("/graphql", json={"query": query, "variables": variables})
        assert response.status_code == 200, response.text
        assert "errors" not in response.json(), response.text
        return response.cookies["ctp_session"]

    def sign_in_again(self) -> None:
        self.cookies["customer"] = self.session_of(
            "mutation($e: String!, $p: String!) { signIn(email: $e, password: $p) { "
            "userErrors { code } } }",
            {"e": self.email, "p": PASSWORD},
        )


@pytest.fixture(scope="module")
def target() -> Iterator[Target]:
    emulator = Emulator()
    app = create_app(
        make_settings(
            credential_failure_min_seconds=0,
            demo_webhooks=False,
            # Generated documents select every field they can reach: let them all run.
            graphql_max_depth=40,
            graphql_max_tokens=50_000,
            graphql_max_cost=1_000_000,
            graphql_max_body_bytes=1024 * 1024,
            throttle_max_failures_per_email=10_000,
            throttle_max_failures_per_address=10_000,
        ),
        embedded_emulator=emulator,
    )
    with ServerThread(app) as server, httpx.Client(base_url=server.url, timeout=30) as http:
        target = Target(http, email="fuzz-customer@example.com")
        sku = priced_skus(emulator, 1)[0]
        target.cookies["guest"] = None
        target.cookies["guest with a cart"] = target.session_of(
            "mutation($s: String!) { addToCart(sku: $s) { userErrors { code } } }", {"s": sku}
        )
        target.cookies["customer"] = target.session_of(
            "mutation($i: SignUpInput!) { signUp(input: $i) { userErrors { code } } }",
            {"i": {"email": target.email, "password": PASSWORD}},
        )
        yield target


def check(response: httpx.Response) -> None:
    assert response.status_code < 500, (response.status_code, response.text[:1000])
    body = response.json()
    codes = [e.get("extensions", {}).get("code") for e in body.get("errors") or []]
    assert "INTERNAL_SERVER_ERROR" not in codes, response.text[:2000]


def _fuzz(target: Target, field_name: str, documents: st.SearchStrategy[str]) -> None:
    @FUZZ
    @given(document=documents, who=st.sampled_from(sorted(target.cookies)))
    def run(document: str, who: str) -> None:
        check(target.post(document, target.cookies[who]))
        if who == "customer" and field_name in SESSION_CHANGING:
            target.sign_in_again()

    run()


@pytest.mark.parametrize("field_name", QUERIES)
def test_every_query_answers_every_argument_without_internal_errors(
    target: Target, field_name: str
) -> None:
    documents = hypothesis_graphql.queries(
        SCHEMA, fields=[field_name], custom_scalars=CUSTOM_SCALARS
    )
    _fuzz(target, field_name, documents)


@pytest.mark.parametrize("field_name", MUTATIONS)
def test_every_mutation_answers_every_argument_without_internal_errors(
    target: Target, field_name: str
) -> None:
    documents = hypothesis_graphql.mutations(
        SCHEMA, fields=[field_name], custom_scalars=CUSTOM_SCALARS
    )
    _fuzz(target, field_name, documents)
