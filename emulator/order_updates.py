"""`POST /orders/{id}`: the order update actions the shop uses, `changePaymentState` (what the
payment provider reported) and `changeOrderState`."""

from __future__ import annotations

from collections.abc import Callable

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from emulator.auth import emulator_of, require_scope, require_token
from emulator.errors import invalid_field
from emulator.jsonio import Json, read_object, req_str, unknown_action, update_body
from emulator.orders import get_order
from emulator.resources import changed, check_version, respond, working_copy
from emulator.state import Emulator

PAYMENT_STATES = ("BalanceDue", "Failed", "Pending", "CreditOwed", "Paid")
ORDER_STATES = ("Open", "Confirmed", "Complete", "Cancelled")

Action = Callable[[Emulator, Json, Json], None]


def _change(field: str, allowed: tuple[str, ...]) -> Action:
    def apply(emulator: Emulator, order: Json, action: Json) -> None:
        value = req_str(action, field, "actions")
        if value not in allowed:
            raise invalid_field(f"actions -> {field}", value, list(allowed))
        order[field] = value

    return apply


ACTIONS: dict[str, Action] = {
    "changePaymentState": _change("paymentState", PAYMENT_STATES),
    "changeOrderState": _change("orderState", ORDER_STATES),
}


async def update(request: Request) -> Response:
    token = require_token(request)
    require_scope(token, "manage_orders")
    version, actions = update_body(await read_object(request))
    emulator = emulator_of(request)
    with emulator.lock:
        order = get_order(emulator, request.path_params["id"])
        check_version(emulator, order, version)
        work = working_copy(order)
        for action in actions:
            handler = ACTIONS.get(str(action["action"]))
            if handler is None:
                raise unknown_action(action)
            handler(emulator, work, action)
        if not actions:
            return respond(order)
        stored: Json = emulator.hooks.before_commit("order", "Update", changed(emulator, work))
        emulator.orders[stored["id"]] = stored
        emulator.hooks.after_commit("order", "Update", stored, [])
        return respond(stored)


def routes() -> list[BaseRoute]:
    return [Route("/orders/{id}", update, methods=["POST"])]
