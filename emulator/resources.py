"""Building blocks shared by every stored resource: money, references, versions, addresses.

Stored resources are never changed in place: an update works on a deep copy and replaces the
stored dict when every action succeeded, so a failing action leaves nothing half-applied and a
response being serialised never sees a later change.
"""

from __future__ import annotations

import copy
import re
import secrets
import string
from collections.abc import Callable
from typing import Any

from starlette.responses import JSONResponse

from emulator.errors import concurrent_modification, invalid_json
from emulator.jsonio import Json, as_object, opt_str
from emulator.state import Emulator

# ISO 4217 minor units; commercetools derives fractionDigits from the currency.
_FRACTION_DIGITS = {"JPY": 0, "KRW": 0, "BHD": 3, "KWD": 3}
_COUNTRY = re.compile(r"^[A-Z]{2}$")
_CURRENCY = re.compile(r"^[A-Z]{3}$")

ADDRESS_FIELDS = (
    "key",
    "title",
    "salutation",
    "firstName",
    "lastName",
    "streetName",
    "streetNumber",
    "additionalStreetInfo",
    "postalCode",
    "city",
    "region",
    "state",
    "company",
    "department",
    "building",
    "apartment",
    "pOBox",
    "phone",
    "mobile",
    "email",
    "fax",
    "additionalAddressInfo",
    "externalId",
)


def money(currency: str, cent_amount: int) -> Json:
    """CentPrecisionMoney, the TypedMoney commercetools returns for cart and order amounts."""
    return {
        "type": "centPrecision",
        "currencyCode": currency,
        "centAmount": cent_amount,
        "fractionDigits": _FRACTION_DIGITS.get(currency, 2),
    }


def reference(type_id: str, resource_id: str) -> Json:
    return {"typeId": type_id, "id": resource_id}


def new_resource(emulator: Emulator) -> Json:
    now = emulator.now_iso()
    return {"id": emulator.new_id(), "version": 1, "createdAt": now, "lastModifiedAt": now}


def set_text_action(
    field: str, within: str | None = None
) -> Callable[[Emulator, Json, Json], None]:
    """The update action `set<Field>` of one optional string: on the resource itself, or on
    its `within` object (a Payment's paymentMethodInfo, paymentStatus); no value removes it."""

    def apply(emulator: Emulator, resource: Json, action: Json) -> None:
        target = resource if within is None else resource[within]
        value = opt_str(action, field, "actions")
        if value is None:
            target.pop(field, None)
        else:
            target[field] = value

    return apply


def check_version(emulator: Emulator, resource: Json, expected: int) -> None:
    """409 ConcurrentModification on a stale version, or when a conflict fault is injected."""
    current = int(resource["version"])
    if expected != current or emulator.faults.should_conflict():
        raise concurrent_modification(str(resource["id"]), expected, current)


def changed(emulator: Emulator, resource: Json) -> Json:
    """Stamp a modified copy: one version step and lastModifiedAt per update request."""
    resource["version"] = int(resource["version"]) + 1
    resource["lastModifiedAt"] = emulator.now_iso()
    return resource


def working_copy(resource: Json) -> Json:
    return copy.deepcopy(resource)


def respond(data: Any, status_code: int = 200) -> JSONResponse:
    """Renders immediately (Starlette serialises in the constructor), so callers may build the
    response while still holding the lock and hand out no live reference to stored state."""
    return JSONResponse(data, status_code=status_code)


def country_code(value: Any, path: str) -> str:
    if not isinstance(value, str) or not _COUNTRY.match(value):
        raise invalid_json(
            f"{path}: Invalid country code '{value}'. Expected two upper-case letters."
        )
    return value


def currency_code(value: Any, path: str) -> str:
    if not isinstance(value, str) or not _CURRENCY.match(value):
        raise invalid_json(f"{path}: Invalid currency code '{value}'.")
    return value


def address_from_draft(value: Any, path: str, address_id: str | None = None) -> Json:
    """An Address from a BaseAddress draft: `country` required, the known string fields kept."""
    draft = as_object(value, path)
    address: Json = {}
    if address_id is not None:
        address["id"] = address_id
    elif isinstance(draft.get("id"), str):
        address["id"] = draft["id"]
    address["country"] = country_code(draft.get("country"), f"{path} -> country")
    for name in ADDRESS_FIELDS:
        text = opt_str(draft, name, path)
        if text is not None:
            address[name] = text
    return address


def short_id() -> str:
    """The 8-character ids commercetools gives embedded objects such as addresses."""
    alphabet = string.ascii_letters + string.digits
    return "".join(secrets.choice(alphabet) for _ in range(8))


def resource_identifier(value: Any, path: str) -> tuple[str | None, str | None]:
    """(id, key) of a ResourceIdentifier; one of them is required."""
    identifier = as_object(value, path)
    resource_id = opt_str(identifier, "id", path)
    key = opt_str(identifier, "key", path)
    if resource_id is None and key is None:
        raise invalid_json(f"{path}: Either 'id' or 'key' is required.")
    return resource_id, key
