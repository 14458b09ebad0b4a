"""HTTP status codes as the GraphQL-over-HTTP spec gives them for application/json:
400 only when the request could not be executed (syntax, validation or variable errors);
200 once execution ran, even if a field failed (the error then sits in `errors`).
Ariadne answers 400 whenever `data` is null, which client libraries treat as a transport
failure and which hides the error codes from them."""

from __future__ import annotations

from http import HTTPStatus
from typing import Any

from ariadne.asgi.handlers import GraphQLHTTPHandler
from starlette.requests import Request
from starlette.responses import JSONResponse, Response


class StorefrontHTTPHandler(GraphQLHTTPHandler):
    async def create_json_response(
        self, request: Request, result: dict[str, Any], success: bool
    ) -> Response:
        # Field errors carry a `path`; request errors (syntax, validation, variables) do not.
        errors = result.get("errors") or []
        executed = result.get("data") is not None or any("path" in e for e in errors)
        status = HTTPStatus.OK if success or executed else HTTPStatus.BAD_REQUEST
        return JSONResponse(result, status_code=status)
