"""Customers: creation (sign-up), authentication, update actions, passwords, and the
`/customers` and `/login` endpoints. `/me` (me.py) reuses these with `my=True`.

Passwords are kept as scrypt hashes in `Emulator.password_hashes`; the Customer JSON carries
only a masked tail of the hash, the way commercetools shows `"password": "****aGg="`.
Functions touching stored customers expect the caller to hold `emulator.lock`.
"""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable, Sequence
from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from emulator import signin
from emulator.auth import emulator_of, require_scope, require_token
from emulator.errors import (
    CtpApiError,
    duplicate_field,
    invalid_input,
    invalid_json,
    not_found,
)
from emulator.hooks import MessageSpec
from emulator.indexed import IndexedStore
from emulator.jsonio import (
    Json,
    opt_bool,
    opt_int,
    opt_list,
    opt_obj,
    opt_str,
    read_object,
    req_int,
    req_obj,
    req_str,
    unknown_action,
    update_body,
)
from emulator.markets import membership
from emulator.markets.store_context import customer_in_store, scope
from emulator.passwords import hash_password, verify_password
from emulator.query import paged_query, query_source
from emulator.resources import (
    address_from_draft,
    changed,
    check_version,
    new_resource,
    respond,
    set_text_action,
    short_id,
    working_copy,
)
from emulator.state import CustomerToken, Emulator, format_iso
from emulator.stores import CUSTOMER_QUERY_HINTS

Action = Callable[[Emulator, Json, Json], None]

DEMO_CUSTOMER_ID = str(
    uuid.uuid5(uuid.NAMESPACE_URL, "https://ctp-bff.invalid/emulator/demo-customer")
)
DEMO_EMAIL = "demo@example.com"
DEMO_PASSWORD = "Demo-Passw0rd!"  # noqa: S105 - the documented demo account
# The second demo account: global, in the Customer Group `vip` (docs/emulator.md).
VIP_CUSTOMER_ID = str(
    uuid.uuid5(uuid.NAMESPACE_URL, "https://ctp-bff.invalid/emulator/vip-customer")
)
VIP_EMAIL = "vip@example.com"


# -- creation and authentication ----------------------------------------------------------------


def _masked(password_hash: str) -> str:
    return "****" + password_hash[-4:]


def _set_password(emulator: Emulator, customer: Json, password: str) -> None:
    if not password:
        raise invalid_input("The password must not be empty.")
    hashed = hash_password(password)
    emulator.password_hashes[customer["id"]] = hashed
    customer["password"] = _masked(hashed)


def _email_taken(
    emulator: Emulator, email: str, except_id: str | None = None, stores: list[str] | None = None
) -> bool:
    """Whether another customer of the same scope has the e-mail: project-wide among global
    customers, per Store among the customers of a Store."""
    scopes: list[str | None] = list(stores) if stores else [None]
    for store_key in scopes:
        found = emulator.customer_by_email(email, store_key)
        if found is not None and found["id"] != except_id:
            return True
    return False


def create_customer(
    emulator: Emulator,
    draft: Json,
    *,
    my: bool = False,
    customer_id: str | None = None,
    store_key: str | None = None,
) -> Json:
    """Build and store a Customer from a CustomerDraft (MyCustomerDraft when `my`); in a Store
    (`store_key`), a draft without `stores` makes a Customer of that Store."""
    email = req_str(draft, "email")
    markets = emulator.catalog.markets
    scoped: Json = {
        "stores": draft.get("stores") or ([{"key": store_key}] if store_key else []),
    }
    if not my:
        for field in ("customerGroup", "customerGroupAssignments"):
            if draft.get(field) is not None:
                scoped[field] = draft[field]
    memberships: Json = {}
    membership.apply_draft(markets, memberships, scoped)
    if _email_taken(emulator, email, stores=membership.store_keys(memberships)):
        raise duplicate_field("email", email)
    mode = "Password" if my else (opt_str(draft, "authenticationMode") or "Password")
    if mode not in {"Password", "ExternalAuth"}:
        raise invalid_json(f"authenticationMode: Unknown value '{mode}'.")
    password = req_str(draft, "password") if mode == "Password" else None
    customer: Json = new_resource(emulator)
    if customer_id is not None:
        customer["id"] = customer_id
    if not my:
        for field in ("key", "customerNumber", "externalId"):
            value = opt_str(draft, field)
            if value is not None:
                customer[field] = value
    customer["email"] = email
    for field in (
        "firstName",
        "lastName",
        "middleName",
        "title",
        "salutation",
        "dateOfBirth",
        "companyName",
        "vatId",
    ):
        value = opt_str(draft, field)
        if value is not None:
            customer[field] = value
    addresses = [
        address_from_draft(a, f"addresses[{i}]", short_id())
        for i, a in enumerate(opt_list(draft, "addresses"))
    ]
    customer["addresses"] = addresses

    def address_at(field: str, index: Any) -> str:
        if isinstance(index, bool) or not isinstance(index, int):
            raise invalid_json(f"{field}: JSON number (integer) expected.")
        if not 0 <= index < len(addresses):
            raise invalid_input(f"The index {index} in '{field}' is not a valid address index.")
        return str(addresses[index]["id"])

    shipping_ids = [
        address_at("shippingAddresses", i) for i in opt_list(draft, "shippingAddresses")
    ]
    billing_ids = [address_at("billingAddresses", i) for i in opt_list(draft, "billingAddresses")]
    if draft.get("defaultShippingAddress") is not None:
        customer["defaultShippingAddressId"] = address_at(
            "defaultShippingAddress", draft["defaultShippingAddress"]
        )
        shipping_ids = _with(shipping_ids, customer["defaultShippingAddressId"])
    customer["shippingAddressIds"] = shipping_ids
    if draft.get("defaultBillingAddress") is not None:
        customer["defaultBillingAddressId"] = address_at(
            "defaultBillingAddress", draft["defaultBillingAddress"]
        )
        billing_ids = _with(billing_ids, customer["defaultBillingAddressId"])
    customer["billingAddressIds"] = billing_ids
    customer["isEmailVerified"] = False if my else bool(opt_bool(draft, "isEmailVerified"))
    if "customerGroup" in memberships:
        customer["customerGroup"] = memberships["customerGroup"]
    customer["customerGroupAssignments"] = memberships["customerGroupAssignments"]
    locale = opt_str(draft, "locale")
    if locale is not None:
        customer["locale"] = locale
    customer["stores"] = memberships["stores"]
    customer["authenticationMode"] = mode
    if password is not None:
        _set_password(emulator, customer, password)
    stored: Json = emulator.hooks.before_commit("customer", "Create", customer)
    emulator.customers[stored["id"]] = stored
    emulator.hooks.after_commit("customer", "Create", stored, ["CustomerCreated"])
    return stored


def _with(ids: list[str], address_id: str) -> list[str]:
    return ids if address_id in ids else [*ids, address_id]


def authenticate(
    emulator: Emulator, email: str, password: str, store_key: str | None = None
) -> Json | None:
    """The Customer with this email and password, or None (never says which one was wrong).

    Outside a Store only global Customers sign in; in a Store (`store_key`), that Store's
    Customers and the global ones (Customers reference, "Authenticate Customer in Store": a
    Customer of another Store gets InvalidCredentials)."""
    with emulator.lock:
        customer = None
        if store_key is not None:
            customer = emulator.customer_by_email(email, store_key)
        if customer is None:
            customer = emulator.customer_by_email(email)
        stored_hash = emulator.password_hashes.get(customer["id"]) if customer else None
    if customer is None or stored_hash is None:
        return None
    # Checked outside the lock: scrypt is deliberately slow, other requests need not wait.
    return customer if verify_password(password, stored_hash) else None


def invalid_credentials() -> CtpApiError:
    return CtpApiError(400, "InvalidCredentials", "Account with the given credentials not found.")


def seed_demo_customer(emulator: Emulator) -> None:
    """The documented demo account (docs/emulator.md), with a German default address."""
    address = {
        "key": "home",
        "firstName": "Jane",
        "lastName": "Doe",
        "streetName": "Torstraße",
        "streetNumber": "1",
        "postalCode": "10119",
        "city": "Berlin",
        "country": "DE",
        "email": DEMO_EMAIL,
    }
    create_customer(
        emulator,
        {
            "email": DEMO_EMAIL,
            "password": DEMO_PASSWORD,
            "firstName": "Jane",
            "lastName": "Doe",
            "addresses": [address],
            "defaultShippingAddress": 0,
            "defaultBillingAddress": 0,
            "locale": "en",
        },
        customer_id=DEMO_CUSTOMER_ID,
    )


def seed_vip_customer(emulator: Emulator) -> None:
    """The second demo account: global, in the Customer Group `vip` (as `customerGroup` and
    as a `customerGroupAssignments` entry), with a German default address."""
    vip = emulator.catalog.markets.customer_group_by_key("vip")
    groups: Json = {}
    if vip is not None:
        groups = {
            "customerGroup": {"typeId": "customer-group", "id": vip["id"]},
            "customerGroupAssignments": [
                {"customerGroup": {"typeId": "customer-group", "id": vip["id"]}}
            ],
        }
    address = {
        "key": "home",
        "firstName": "Max",
        "lastName": "Mustermann",
        "streetName": "Maximilianstraße",
        "streetNumber": "10",
        "postalCode": "80539",
        "city": "München",
        "country": "DE",
        "email": VIP_EMAIL,
    }
    create_customer(
        emulator,
        {
            "email": VIP_EMAIL,
            "password": DEMO_PASSWORD,
            "firstName": "Max",
            "lastName": "Mustermann",
            "addresses": [address],
            "defaultShippingAddress": 0,
            "defaultBillingAddress": 0,
            "locale": "de",
            **groups,
        },
        customer_id=VIP_CUSTOMER_ID,
    )


def get_customer(emulator: Emulator, customer_id: str) -> Json:
    customer = emulator.customers.get(customer_id)
    if customer is None:
        raise not_found(customer_id)
    return customer


# -- update actions -----------------------------------------------------------------------------


def _address_index(customer: Json, action: Json) -> int:
    address_id = opt_str(action, "addressId", "actions")
    address_key = opt_str(action, "addressKey", "actions")
    if address_id is None and address_key is None:
        raise invalid_input("Either 'addressId' or 'addressKey' is required.")
    for index, address in enumerate(customer["addresses"]):
        if (address_id is not None and address.get("id") == address_id) or (
            address_id is None and address.get("key") == address_key
        ):
            return index
    raise invalid_input(
        f"The Customer does not have an address with {'ID' if address_id else 'key'} "
        f"'{address_id or address_key}'."
    )


def _add_address(emulator: Emulator, customer: Json, action: Json) -> None:
    draft = req_obj(action, "address", "actions")
    customer["addresses"].append(address_from_draft(draft, "actions -> address", short_id()))


def _change_address(emulator: Emulator, customer: Json, action: Json) -> None:
    index = _address_index(customer, action)
    draft = req_obj(action, "address", "actions")
    old_id = customer["addresses"][index]["id"]
    customer["addresses"][index] = address_from_draft(draft, "actions -> address", old_id)


def _remove_address(emulator: Emulator, customer: Json, action: Json) -> None:
    index = _address_index(customer, action)
    removed = customer["addresses"].pop(index)["id"]
    for ids in ("shippingAddressIds", "billingAddressIds"):
        customer[ids] = [i for i in customer[ids] if i != removed]
    for default in ("defaultShippingAddressId", "defaultBillingAddressId"):
        if customer.get(default) == removed:
            del customer[default]


def _set_default(kind: str) -> Action:
    default, ids = f"default{kind}AddressId", f"{kind[0].lower()}{kind[1:]}AddressIds"

    def apply(emulator: Emulator, customer: Json, action: Json) -> None:
        if action.get("addressId") is None and action.get("addressKey") is None:
            customer.pop(default, None)
            return
        address_id = customer["addresses"][_address_index(customer, action)]["id"]
        customer[default] = address_id
        customer[ids] = _with(customer[ids], address_id)

    return apply


def _add_address_id(kind: str) -> Action:
    ids = f"{kind[0].lower()}{kind[1:]}AddressIds"

    def apply(emulator: Emulator, customer: Json, action: Json) -> None:
        address_id = customer["addresses"][_address_index(customer, action)]["id"]
        customer[ids] = _with(customer[ids], address_id)

    return apply


def _remove_address_id(kind: str) -> Action:
    default, ids = f"default{kind}AddressId", f"{kind[0].lower()}{kind[1:]}AddressIds"

    def apply(emulator: Emulator, customer: Json, action: Json) -> None:
        address_id = customer["addresses"][_address_index(customer, action)]["id"]
        customer[ids] = [i for i in customer[ids] if i != address_id]
        if customer.get(default) == address_id:
            del customer[default]

    return apply


def _change_email(emulator: Emulator, customer: Json, action: Json) -> None:
    email = req_str(action, "email", "actions")
    stores = membership.store_keys(customer)
    if _email_taken(emulator, email, except_id=customer["id"], stores=stores):
        raise duplicate_field("email", email)
    customer["email"] = email
    customer["isEmailVerified"] = False


MY_CUSTOMER_ACTIONS: dict[str, Action] = {
    "addAddress": _add_address,
    "changeAddress": _change_address,
    "removeAddress": _remove_address,
    "setDefaultShippingAddress": _set_default("Shipping"),
    "setDefaultBillingAddress": _set_default("Billing"),
    "addShippingAddressId": _add_address_id("Shipping"),
    "addBillingAddressId": _add_address_id("Billing"),
    "removeShippingAddressId": _remove_address_id("Shipping"),
    "removeBillingAddressId": _remove_address_id("Billing"),
    "changeEmail": _change_email,
    **{
        f"set{field[0].upper()}{field[1:]}": set_text_action(field)
        for field in (
            "firstName",
            "lastName",
            "middleName",
            "title",
            "salutation",
            "companyName",
            "dateOfBirth",
            "vatId",
            "locale",
        )
    },
}


def _membership(apply: Callable[[Any, Json, Json], None]) -> Action:
    def action(emulator: Emulator, customer: Json, body: Json) -> None:
        apply(emulator.catalog.markets, customer, body)

    return action


CUSTOMER_ACTIONS: dict[str, Action] = {
    **MY_CUSTOMER_ACTIONS,
    "setKey": set_text_action("key"),
    "setExternalId": set_text_action("externalId"),
    "setCustomerGroup": _membership(membership.set_customer_group),
    "addCustomerGroupAssignment": _membership(membership.add_customer_group_assignment),
    "removeCustomerGroupAssignment": _membership(membership.remove_customer_group_assignment),
    "setCustomerGroupAssignments": _membership(membership.set_customer_group_assignments),
    "setStores": _membership(membership.set_stores),
    "addStore": _membership(membership.add_store),
    "removeStore": _membership(membership.remove_store),
}


def update_customer(
    emulator: Emulator, customer: Json, version: int, actions: list[Json], *, my: bool = False
) -> Json:
    check_version(emulator, customer, version)
    table = MY_CUSTOMER_ACTIONS if my else CUSTOMER_ACTIONS
    work = working_copy(customer)
    for action in actions:
        handler = table.get(str(action["action"]))
        if handler is None:
            raise unknown_action(action)
        handler(emulator, work, action)
    if not actions:
        return customer
    return store(emulator, changed(emulator, work))


def store(emulator: Emulator, customer: Json, messages: Sequence[MessageSpec] = ()) -> Json:
    stored: Json = emulator.hooks.before_commit("customer", "Update", customer)
    emulator.customers[stored["id"]] = stored
    emulator.hooks.after_commit("customer", "Update", stored, messages)
    return stored


# -- passwords ----------------------------------------------------------------------------------


def change_password(
    emulator: Emulator, customer: Json, version: int, current: str, new: str
) -> Json:
    check_version(emulator, customer, version)
    stored_hash = emulator.password_hashes.get(customer["id"])
    if stored_hash is None or not verify_password(current, stored_hash):
        raise CtpApiError(
            400, "InvalidCurrentPassword", "The given current password does not match."
        )
    work = working_copy(customer)
    _set_password(emulator, work, new)
    return store(emulator, changed(emulator, work), [("CustomerPasswordUpdated", {"reset": False})])


def _ttl_minutes(body: Json, default: int | None) -> int:
    ttl_minutes = opt_int(body, "ttlMinutes") or default
    if ttl_minutes is None:
        raise invalid_json("ttlMinutes: Missing required value.")
    if not 1 <= ttl_minutes <= 4320:
        raise invalid_input("ttlMinutes must be between 1 and 4320.")
    return ttl_minutes


def _issue_token(
    emulator: Emulator,
    store: IndexedStore[CustomerToken],
    customer: Json,
    ttl_minutes: int,
    invalidate: bool,
) -> Json:
    """A new CustomerToken in `store`; with `invalidate`, the customer's older ones are gone."""
    if invalidate:
        for older in store.lookup("customer", customer["id"]):
            del store[older.value]
    created = emulator.now_iso()
    token = CustomerToken(
        value=emulator.new_secret(),
        customer_id=customer["id"],
        expires_at=emulator.now() + ttl_minutes * 60,
        created_at=created,
        ttl_seconds=ttl_minutes * 60,
        id=emulator.new_id(),
        invalidate_older_tokens=invalidate,
    )
    store[token.value] = token
    return {
        "id": token.id,
        "customerId": customer["id"],
        "value": token.value,
        "expiresAt": format_iso(token.expires_at),
        "invalidateOlderTokens": invalidate,
        "createdAt": created,
        "lastModifiedAt": created,
    }


def _redeem(
    emulator: Emulator,
    store: IndexedStore[CustomerToken],
    value: str,
    expired_code: str,
    customer_id: str | None,
) -> CustomerToken:
    """The live token `value` of `store`; 404 when unknown (or used, or someone else's), 400
    `expired_code` when expired. Redeeming deletes it and the customer's other tokens."""
    token = store.get(value)
    if token is None or (customer_id is not None and token.customer_id != customer_id):
        raise CtpApiError(404, "ResourceNotFound", "The token was not found.")
    if token.expires_at <= emulator.now():
        raise CtpApiError(400, expired_code, "The token has expired.")
    return token


def _spend(store: IndexedStore[CustomerToken], customer_id: str) -> None:
    for token in store.lookup("customer", customer_id):
        del store[token.value]


def create_password_token(emulator: Emulator, body: Json) -> Json:
    email = req_str(body, "email")
    ttl_minutes = _ttl_minutes(body, 1440)
    invalidate = bool(opt_bool(body, "invalidateOlderTokens"))
    customer = emulator.customer_by_email(email)
    if customer is None:
        raise CtpApiError(
            404, "ResourceNotFound", f"The Customer with email '{email}' was not found."
        )
    return _issue_token(emulator, emulator.password_reset_tokens, customer, ttl_minutes, invalidate)


def reset_password(emulator: Emulator, body: Json, *, customer_id: str | None = None) -> Json:
    """Reset with a token; invalidates every other reset token and the customer's sessions."""
    value = req_str(body, "tokenValue")
    new_password = req_str(body, "newPassword")
    version = opt_int(body, "version")
    token = _redeem(
        emulator,
        emulator.password_reset_tokens,
        value,
        "ExpiredCustomerPasswordToken",
        customer_id,
    )
    customer = get_customer(emulator, token.customer_id)
    if version is not None:
        check_version(emulator, customer, version)
    work = working_copy(customer)
    _set_password(emulator, work, new_password)
    _spend(emulator.password_reset_tokens, token.customer_id)
    # commercetools then invalidates the customer's password-flow and refresh tokens.
    for access in emulator.tokens.lookup("customer", token.customer_id):
        del emulator.tokens[access.access_token]
    for refresh in emulator.refresh_tokens.lookup("customer", token.customer_id):
        del emulator.refresh_tokens[refresh.refresh_token]
    return store(emulator, changed(emulator, work), [("CustomerPasswordUpdated", {"reset": True})])


def create_email_token(emulator: Emulator, body: Json) -> Json:
    """CustomerCreateEmailToken: `id`, `version`?, `ttlMinutes` (1 to 4320),
    `invalidateOlderTokens`?"""
    customer = get_customer(emulator, req_str(body, "id"))
    version = opt_int(body, "version")
    if version is not None:
        check_version(emulator, customer, version)
    ttl_minutes = _ttl_minutes(body, None)
    invalidate = bool(opt_bool(body, "invalidateOlderTokens"))
    return _issue_token(emulator, emulator.email_tokens, customer, ttl_minutes, invalidate)


def confirm_email(emulator: Emulator, body: Json, *, customer_id: str | None = None) -> Json:
    """CustomerEmailVerify: `tokenValue`, `version`?; the customer's e-mail is verified."""
    value = req_str(body, "tokenValue")
    version = opt_int(body, "version")
    token = _redeem(
        emulator, emulator.email_tokens, value, "ExpiredCustomerEmailToken", customer_id
    )
    customer = get_customer(emulator, token.customer_id)
    if version is not None:
        check_version(emulator, customer, version)
    _spend(emulator.email_tokens, token.customer_id)
    work = working_copy(customer)
    work["isEmailVerified"] = True
    return store(emulator, changed(emulator, work), ["CustomerEmailVerified"])


def sign_in_mode(body: Json, field: str) -> str:
    mode = opt_str(body, field) or "MergeWithExistingCustomerCart"
    if mode not in signin.MODES:
        raise invalid_json(
            f"{field}: Unknown value '{mode}'; expected one of {', '.join(signin.MODES)}."
        )
    return mode


# -- /customers and /login ----------------------------------------------------------------------


async def query_customers(request: Request) -> Response:
    token = require_token(request)
    store_key = scope(request, token, "view_customers")
    emulator = emulator_of(request)
    with emulator.lock:
        found = query_source(emulator.customers, request.query_params, CUSTOMER_QUERY_HINTS)
        if store_key is not None:
            found = [c for c in found if customer_in_store(c, store_key)]
        return respond(paged_query(found, request.query_params))


async def create(request: Request) -> Response:
    token = require_token(request)
    store_key = scope(request, token, "manage_customers")
    draft = await read_object(request)
    anonymous_id = opt_str(draft, "anonymousId")
    cart_ref = opt_obj(draft, "anonymousCart")
    cart_id = (
        req_str(cart_ref, "id", "anonymousCart") if cart_ref else opt_str(draft, "anonymousCartId")
    )
    emulator = emulator_of(request)
    with emulator.lock:
        customer = create_customer(emulator, draft, store_key=store_key)
        result = signin.sign_in(
            emulator,
            customer,
            anonymous_id=anonymous_id,
            anonymous_cart_id=cart_id,
            mode="MergeWithExistingCustomerCart",
            store_key=store_key,
        )
        return respond(result, 201)


async def login(request: Request) -> Response:
    token = require_token(request)
    store_key = scope(request, token, "manage_customers")
    body = await read_object(request)
    email = req_str(body, "email")
    password = req_str(body, "password")
    mode = sign_in_mode(body, "anonymousCartSignInMode")
    anonymous_id = opt_str(body, "anonymousId")
    cart_ref = opt_obj(body, "anonymousCart")
    cart_id = (
        req_str(cart_ref, "id", "anonymousCart") if cart_ref else opt_str(body, "anonymousCartId")
    )
    emulator = emulator_of(request)
    customer = authenticate(emulator, email, password, store_key)
    if customer is None:
        raise invalid_credentials()
    with emulator.lock:
        result = signin.sign_in(
            emulator,
            get_customer(emulator, customer["id"]),
            anonymous_id=anonymous_id,
            anonymous_cart_id=cart_id,
            mode=mode,
            store_key=store_key,
        )
        return respond(result)


def _customer_in(emulator: Emulator, customer_id: str, store_key: str | None) -> Json:
    """The customer; in a Store, 404 for a Customer of other Stores (Customers in Store
    reference); a global Customer belongs to every Store."""
    customer = get_customer(emulator, customer_id)
    if not customer_in_store(customer, store_key):
        raise not_found(customer_id)
    return customer


async def get_by_id(request: Request) -> Response:
    token = require_token(request)
    store_key = scope(request, token, "view_customers")
    emulator = emulator_of(request)
    with emulator.lock:
        return respond(_customer_in(emulator, request.path_params["id"], store_key))


async def update(request: Request) -> Response:
    token = require_token(request)
    store_key = scope(request, token, "manage_customers")
    body = await read_object(request)
    version, actions = update_body(body)
    emulator = emulator_of(request)
    with emulator.lock:
        customer = _customer_in(emulator, request.path_params["id"], store_key)
        return respond(update_customer(emulator, customer, version, actions))


Endpoint = Callable[[Request], Awaitable[Response]]


def _customer_body_route(apply: Callable[[Emulator, Json], Json]) -> Endpoint:
    """A POST that takes a JSON body, needs `manage_customers` and answers `apply`'s result:
    the token and e-mail confirmation endpoints all have this shape."""

    async def endpoint(request: Request) -> Response:
        token = require_token(request)
        require_scope(token, "manage_customers")
        body = await read_object(request)
        emulator = emulator_of(request)
        with emulator.lock:
            return respond(apply(emulator, body))

    return endpoint


password_token = _customer_body_route(create_password_token)
password_reset = _customer_body_route(reset_password)
email_token = _customer_body_route(create_email_token)
email_confirm = _customer_body_route(confirm_email)


async def password_change(request: Request) -> Response:
    token = require_token(request)
    require_scope(token, "manage_customers")
    body = await read_object(request)
    customer_id = req_str(body, "id")
    version = req_int(body, "version")
    current = req_str(body, "currentPassword")
    new = req_str(body, "newPassword")
    emulator = emulator_of(request)
    with emulator.lock:
        customer = get_customer(emulator, customer_id)
        return respond(change_password(emulator, customer, version, current, new))


def routes() -> list[BaseRoute]:
    return [
        Route("/login", login, methods=["POST"]),
        Route("/customers", query_customers, methods=["GET"]),
        Route("/customers", create, methods=["POST"]),
        Route("/customers/password-token", password_token, methods=["POST"]),
        Route("/customers/password/reset", password_reset, methods=["POST"]),
        Route("/customers/password", password_change, methods=["POST"]),
        Route("/customers/email-token", email_token, methods=["POST"]),
        Route("/customers/email/confirm", email_confirm, methods=["POST"]),
        Route("/customers/{id}", get_by_id, methods=["GET"]),
        Route("/customers/{id}", update, methods=["POST"]),
    ]
