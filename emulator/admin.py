"""Admin routes under `/_emulator/` (not part of commercetools; never logged as API requests).

- `GET  /_emulator/faults`   current fault settings
- `POST /_emulator/faults`   {"latencyMs", "errorRate", "conflictRate", "seed", "expireTokens"}
- `POST /_emulator/reset`    back to a fresh, seeded instance
- `GET  /_emulator/requests` the request log: {"requests": [{"method", "path"}]}
- `DELETE /_emulator/requests` clear the request log
- `GET  /_emulator/stats`    per store: size, resources examined by requests so far, expired,
  evicted by a cap, index keys (the soak and the tests read it)
"""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute, Route

from emulator.auth import emulator_of
from emulator.errors import invalid_input, invalid_json
from emulator.jsonio import read_object


def _number(body: dict[str, Any], name: str) -> float | None:
    value = body.get(name)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise invalid_json(f"{name}: JSON number expected.")
    return float(value)


async def get_faults(request: Request) -> Response:
    return JSONResponse(emulator_of(request).faults.snapshot())


async def set_faults(request: Request) -> Response:
    emulator = emulator_of(request)
    body = await read_object(request)
    latency = _number(body, "latencyMs")
    seed = _number(body, "seed")
    try:
        emulator.faults.configure(
            latency_ms=None if latency is None else int(latency),
            error_rate=_number(body, "errorRate"),
            conflict_rate=_number(body, "conflictRate"),
            seed=None if seed is None else int(seed),
        )
    except ValueError as exc:
        raise invalid_input(str(exc)) from None
    expire = body.get("expireTokens")
    if expire is not None and not isinstance(expire, bool):
        raise invalid_json("expireTokens: JSON boolean expected.")
    if expire:
        emulator.expire_tokens()
    return JSONResponse(emulator.faults.snapshot())


async def reset(request: Request) -> Response:
    emulator_of(request).reset()
    return Response(status_code=204)


async def get_requests(request: Request) -> Response:
    log = emulator_of(request).request_log
    return JSONResponse({"requests": [{"method": m, "path": p} for m, p in log]})


async def clear_requests(request: Request) -> Response:
    emulator_of(request).clear_request_log()
    return Response(status_code=204)


async def get_stats(request: Request) -> Response:
    return JSONResponse(emulator_of(request).stats())


def routes() -> list[BaseRoute]:
    return [
        Route("/_emulator/faults", get_faults, methods=["GET"]),
        Route("/_emulator/faults", set_faults, methods=["POST"]),
        Route("/_emulator/reset", reset, methods=["POST"]),
        Route("/_emulator/requests", get_requests, methods=["GET"]),
        Route("/_emulator/requests", clear_requests, methods=["DELETE"]),
        Route("/_emulator/stats", get_stats, methods=["GET"]),
    ]
