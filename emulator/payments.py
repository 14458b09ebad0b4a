"""Payments (`/payments`, `/me/payments`) as commercetools models them: the money planned, how
it is paid (`paymentMethodInfo`), the provider's id (`interfaceId`), and the transactions that
record what the provider did (Authorization, Charge, Refund, CancelAuthorization), each
`Initial`, `Pending`, `Success` or `Failure` with the provider's `interactionId`.

The shopper's token creates a payment through `/me/payments` (MyPaymentDraft: `amountPlanned`,
`paymentMethodInfo`, one `transaction`); the provider's side (interface id, transaction states,
status codes) is written with the API client's token through `/payments`.
"""

from __future__ import annotations

from collections.abc import Callable

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from emulator.auth import emulator_of, require_scope, require_token
from emulator.errors import invalid_field, invalid_input, invalid_operation, not_found
from emulator.jsonio import (
    Json,
    opt_obj,
    opt_str,
    read_object,
    req_int,
    req_obj,
    req_str,
    unknown_action,
    update_body,
)
from emulator.me import Owner, session_owner
from emulator.query import paged_query
from emulator.resources import (
    changed,
    check_version,
    currency_code,
    money,
    new_resource,
    reference,
    respond,
    set_text_action,
    working_copy,
)
from emulator.state import Emulator
from emulator.stores import owner_key

Action = Callable[[Emulator, Json, Json], None]

TRANSACTION_TYPES = ("Authorization", "CancelAuthorization", "Charge", "Refund", "Chargeback")
TRANSACTION_STATES = ("Initial", "Pending", "Success", "Failure")
# Success and Failure are final: commercetools refuses to move a transaction out of them.
_NEXT_STATES = {
    "Initial": ("Pending", "Success", "Failure"),
    "Pending": ("Success", "Failure"),
    "Success": (),
    "Failure": (),
}


def _money(value: Json, path: str) -> Json:
    currency = currency_code(value.get("currencyCode"), f"{path} -> currencyCode")
    cents = req_int(value, "centAmount", path)
    if cents < 0:
        raise invalid_input(f"{path} -> centAmount must not be negative.")
    return money(currency, cents)


def _method_info(draft: Json) -> Json:
    info = opt_obj(draft, "paymentMethodInfo") or {}
    found: Json = {}
    for name in ("paymentInterface", "method"):
        value = opt_str(info, name, "paymentMethodInfo")
        if value is not None:
            found[name] = value
    name_value = opt_obj(info, "name", "paymentMethodInfo")
    if name_value is not None:
        found["name"] = dict(name_value)
    return found


def _transaction(emulator: Emulator, draft: Json, path: str) -> Json:
    kind = req_str(draft, "type", path)
    if kind not in TRANSACTION_TYPES:
        raise invalid_field(f"{path} -> type", kind, list(TRANSACTION_TYPES))
    state = opt_str(draft, "state", path) or "Initial"
    if state not in TRANSACTION_STATES:
        raise invalid_field(f"{path} -> state", state, list(TRANSACTION_STATES))
    transaction: Json = {
        "id": emulator.new_id(),
        "timestamp": opt_str(draft, "timestamp", path) or emulator.now_iso(),
        "type": kind,
        "amount": _money(req_obj(draft, "amount", path), f"{path} -> amount"),
        "state": state,
    }
    interaction = opt_str(draft, "interactionId", path)
    if interaction is not None:
        transaction["interactionId"] = interaction
    return transaction


def _find_transaction(payment: Json, action: Json) -> Json:
    transaction_id = req_str(action, "transactionId", "actions")
    for transaction in payment["transactions"]:
        if transaction["id"] == transaction_id:
            found: Json = transaction
            return found
    raise invalid_input(f"The payment does not contain a transaction with ID '{transaction_id}'.")


def create_payment(emulator: Emulator, draft: Json, owner: Owner | None) -> Json:
    payment: Json = {
        **new_resource(emulator),
        "amountPlanned": _money(req_obj(draft, "amountPlanned"), "amountPlanned"),
        "paymentMethodInfo": _method_info(draft),
        "paymentStatus": {},
        "transactions": [],
        "interfaceInteractions": [],
    }
    if owner is not None and owner.customer_id is not None:
        payment["customer"] = reference("customer", owner.customer_id)
    elif owner is not None and owner.anonymous_id is not None:
        payment["anonymousId"] = owner.anonymous_id
    if owner is None:
        # PaymentDraft: the server side may say more than a shopper can.
        interface_id = opt_str(draft, "interfaceId")
        if interface_id is not None:
            payment["interfaceId"] = interface_id
        key = opt_str(draft, "key")
        if key is not None:
            payment["key"] = key
        for index, transaction in enumerate(draft.get("transactions") or []):
            payment["transactions"].append(
                _transaction(emulator, transaction, f"transactions -> {index}")
            )
    else:
        transaction = opt_obj(draft, "transaction")
        if transaction is not None:
            payment["transactions"].append(_transaction(emulator, transaction, "transaction"))
    emulator.payments[payment["id"]] = payment
    return payment


# -- update actions -----------------------------------------------------------------------------


def _change_amount_planned(emulator: Emulator, payment: Json, action: Json) -> None:
    payment["amountPlanned"] = _money(req_obj(action, "amount", "actions"), "actions -> amount")


def _add_transaction(emulator: Emulator, payment: Json, action: Json) -> None:
    draft = req_obj(action, "transaction", "actions")
    payment["transactions"].append(_transaction(emulator, draft, "actions -> transaction"))


def _change_transaction_state(emulator: Emulator, payment: Json, action: Json) -> None:
    transaction = _find_transaction(payment, action)
    state = req_str(action, "state", "actions")
    if state not in TRANSACTION_STATES:
        raise invalid_field("actions -> state", state, list(TRANSACTION_STATES))
    if state == transaction["state"]:
        return
    if state not in _NEXT_STATES[transaction["state"]]:
        raise invalid_operation(
            f"The transaction state cannot change from '{transaction['state']}' to '{state}'."
        )
    transaction["state"] = state


def _change_transaction_interaction_id(emulator: Emulator, payment: Json, action: Json) -> None:
    _find_transaction(payment, action)["interactionId"] = req_str(
        action, "interactionId", "actions"
    )


def _set_interface_id(emulator: Emulator, payment: Json, action: Json) -> None:
    value = req_str(action, "interfaceId", "actions")
    payment["interfaceId"] = value


MY_ACTIONS: dict[str, Action] = {
    "changeAmountPlanned": _change_amount_planned,
    "setMethodInfoInterface": set_text_action("paymentInterface", "paymentMethodInfo"),
    "setMethodInfoMethod": set_text_action("method", "paymentMethodInfo"),
    "addTransaction": _add_transaction,
}
ACTIONS: dict[str, Action] = {
    **MY_ACTIONS,
    "changeTransactionState": _change_transaction_state,
    "changeTransactionInteractionId": _change_transaction_interaction_id,
    "setInterfaceId": _set_interface_id,
    "setStatusInterfaceCode": set_text_action("interfaceCode", "paymentStatus"),
    "setStatusInterfaceText": set_text_action("interfaceText", "paymentStatus"),
    "setKey": set_text_action("key"),
}


def _update(
    emulator: Emulator, payment: Json, body: Json, actions_table: dict[str, Action]
) -> Json:
    version, actions = update_body(body)
    check_version(emulator, payment, version)
    work = working_copy(payment)
    for action in actions:
        handler = actions_table.get(str(action["action"]))
        if handler is None:
            raise unknown_action(action)
        handler(emulator, work, action)
    if not actions:
        return payment
    stored = changed(emulator, work)
    emulator.payments[stored["id"]] = stored
    return stored


def get_payment(emulator: Emulator, payment_id: str) -> Json:
    payment = emulator.payments.get(payment_id)
    if payment is None:
        raise not_found(payment_id)
    return payment


def _mine(emulator: Emulator, owner: Owner, payment_id: str) -> Json:
    payment = emulator.payments.get(payment_id)
    if payment is None:
        raise not_found(payment_id)
    customer = payment.get("customer") or {}
    if owner_key(customer.get("id"), payment.get("anonymousId")) != owner.key:
        raise not_found(payment_id)
    return payment


# -- /me/payments -------------------------------------------------------------------------------


async def create_mine(request: Request) -> Response:
    token = require_token(request)
    require_scope(token, "manage_my_payments")
    owner = session_owner(token)
    draft = await read_object(request)
    emulator = emulator_of(request)
    with emulator.lock:
        return respond(create_payment(emulator, draft, owner), 201)


async def get_mine(request: Request) -> Response:
    token = require_token(request)
    require_scope(token, "manage_my_payments")
    owner = session_owner(token)
    emulator = emulator_of(request)
    with emulator.lock:
        return respond(_mine(emulator, owner, request.path_params["id"]))


async def update_mine(request: Request) -> Response:
    token = require_token(request)
    require_scope(token, "manage_my_payments")
    owner = session_owner(token)
    body = await read_object(request)
    emulator = emulator_of(request)
    with emulator.lock:
        payment = _mine(emulator, owner, request.path_params["id"])
        return respond(_update(emulator, payment, body, MY_ACTIONS))


# -- /payments ----------------------------------------------------------------------------------


async def query(request: Request) -> Response:
    token = require_token(request)
    require_scope(token, "view_payments", "manage_payments")
    emulator = emulator_of(request)
    with emulator.lock:
        return respond(paged_query(list(emulator.payments.values()), request.query_params))


async def create(request: Request) -> Response:
    token = require_token(request)
    require_scope(token, "manage_payments")
    draft = await read_object(request)
    emulator = emulator_of(request)
    with emulator.lock:
        return respond(create_payment(emulator, draft, None), 201)


async def get_by_id(request: Request) -> Response:
    token = require_token(request)
    require_scope(token, "view_payments", "manage_payments")
    emulator = emulator_of(request)
    with emulator.lock:
        return respond(get_payment(emulator, request.path_params["id"]))


async def update(request: Request) -> Response:
    token = require_token(request)
    require_scope(token, "manage_payments")
    body = await read_object(request)
    emulator = emulator_of(request)
    with emulator.lock:
        payment = get_payment(emulator, request.path_params["id"])
        return respond(_update(emulator, payment, body, ACTIONS))


def routes() -> list[BaseRoute]:
    return [
        Route("/me/payments", create_mine, methods=["POST"]),
        Route("/me/payments/{id}", get_mine, methods=["GET"]),
        Route("/me/payments/{id}", update_mine, methods=["POST"]),
        Route("/payments", query, methods=["GET"]),
        Route("/payments", create, methods=["POST"]),
        Route("/payments/{id}", get_by_id, methods=["GET"]),
        Route("/payments/{id}", update, methods=["POST"]),
    ]
