"""The GraphQL context: only the request. Who is shopping where, from which address and with
which session is the request context (`app/request_context.py`), which services receive in
their constructor from `GraphQLContainer`; resolvers never read it from here."""

from __future__ import annotations

from typing import Any

from graphql import GraphQLResolveInfo
from starlette.requests import Request

ResolveInfo = GraphQLResolveInfo[dict[str, Any]]


def context_value(request: Request, _data: Any = None) -> dict[str, Any]:
    return {"request": request}
