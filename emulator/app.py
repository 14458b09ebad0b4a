"""The emulator's Starlette app: the auth URL (`/oauth/...`) and the API URL (`/{projectKey}/...`)
served by one app, plus admin routes under `/_emulator/`.

Each domain module offers `routes()`. API modules give paths relative to the project (e.g.
`/carts`), mounted here under `/{projectKey}` so `request.path_params["projectKey"]` is set;
a route whose path already starts with `/{projectKey}` is taken as is.

Errors: a `CtpApiError` becomes its commercetools JSON; an unknown path answers 404
ResourceNotFound. Unexpected exceptions answer 500 General (and still surface in tests).
"""

from __future__ import annotations

from collections.abc import Sequence

import anyio
from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute, Mount, Route
from starlette.types import ASGIApp, Receive, Scope, Send

from emulator import (
    admin,
    auth,
    cart_routes,
    customers,
    extensions,
    me,
    order_updates,
    orders,
    payments,
    project_shopping_lists,
    pubsub,
    shipping,
    shopping_lists,
    subscriptions,
)
from emulator.catalog.routes import catalog_routes
from emulator.errors import CtpApiError
from emulator.markets import create_routes, in_store
from emulator.markets import routes as markets_routes
from emulator.state import Emulator

_PROJECT_PREFIX = "/{projectKey}"


def _split(project_routes: Sequence[BaseRoute]) -> tuple[list[BaseRoute], list[BaseRoute]]:
    """(routes already carrying the /{projectKey} prefix, routes relative to the project)."""
    absolute: list[BaseRoute] = []
    relative: list[BaseRoute] = []
    for route in project_routes:
        path = getattr(route, "path", "")
        is_absolute = str(path) == _PROJECT_PREFIX or str(path).startswith(_PROJECT_PREFIX + "/")
        (absolute if is_absolute else relative).append(route)
    return absolute, relative


async def _ctp_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, CtpApiError)
    headers = {"WWW-Authenticate": "Bearer"} if exc.status_code == 401 else None
    return JSONResponse(exc.body(), status_code=exc.status_code, headers=headers)


async def _http_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, HTTPException)
    if exc.status_code in (404, 405):
        error = CtpApiError(
            404,
            "ResourceNotFound",
            f"The endpoint '{request.method} {request.url.path}' was not found.",
        )
    else:
        error = CtpApiError(exc.status_code, "General", str(exc.detail))
    return JSONResponse(error.body(), status_code=error.status_code)


async def _server_error(request: Request, exc: Exception) -> Response:
    error = CtpApiError(500, "General", "Internal server error in the emulator.")
    return JSONResponse(error.body(), status_code=500)


class _FaultsAndRequestLog:
    """Pure ASGI middleware: logs every API/auth request, purges a little of what has expired,
    then applies injected faults."""

    def __init__(self, app: ASGIApp, emulator: Emulator) -> None:
        self.app = app
        self.emulator = emulator

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or str(scope["path"]).startswith("/_emulator"):
            await self.app(scope, receive, send)
            return
        self.emulator.log_request(str(scope["method"]), str(scope["path"]))
        # Expiry is paid a little on every request, never as a sweep (stores.py, retention.py).
        self.emulator.housekeeping()
        latency_ms = self.emulator.faults.latency_ms
        if latency_ms > 0:
            await anyio.sleep(latency_ms / 1000)
        if self.emulator.faults.should_fail():
            error = CtpApiError(
                503, "OverCapacity", "The service is having trouble handling the load."
            )
            await JSONResponse(error.body(), status_code=503)(scope, receive, send)
            return
        await self.app(scope, receive, send)


def api_routes() -> list[BaseRoute]:
    """Every route under /{projectKey}, the catalog's included."""
    return [
        *customers.routes(),
        *me.routes(),
        *cart_routes.routes(),
        *orders.routes(),
        *order_updates.routes(),
        *payments.routes(),
        *shopping_lists.routes(),
        *project_shopping_lists.routes(),
        *extensions.routes(),
        *subscriptions.routes(),
        # Before the catalog's: `/shipping-methods/matching-cart` must win over `/{id}`.
        *shipping.routes(),
        *catalog_routes(),
        *markets_routes.routes(),
        *create_routes.create_routes(),
        *in_store.routes(),
    ]


def create_emulator_app(emulator: Emulator | None = None) -> Starlette:
    emulator = emulator or Emulator()
    absolute, relative = _split(api_routes())
    routes: list[BaseRoute] = [
        *auth.routes(),
        *admin.routes(),
        *pubsub.routes(),
        Route("/", _root, methods=["GET"]),
        *absolute,
        Mount(_PROJECT_PREFIX, routes=relative),
    ]
    app = Starlette(
        routes=routes,
        exception_handlers={
            CtpApiError: _ctp_error,
            HTTPException: _http_error,
            Exception: _server_error,
        },
    )
    app.state.emulator = emulator
    app.add_middleware(_FaultsAndRequestLog, emulator=emulator)
    return app


async def _root(request: Request) -> Response:
    emulator: Emulator = request.app.state.emulator
    return JSONResponse({"emulator": "commercetools", "projectKey": emulator.config.project_key})
