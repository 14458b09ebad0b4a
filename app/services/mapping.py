"""Raw commercetools JSON -> storefront models. Plain dict access: the SDK's marshmallow models
take ~4 ms to deserialize a 10-line cart where json.loads takes ~0.08 ms, and every cart, product
and account answer passes through here.

The JSON is read as `app.ctp.resources` types it. A field the API reference guarantees is read
without a default, so its absence is an error, never a zero or an empty string; the leaves that
Python would quietly coerce (an amount, a quantity, a version) are checked for their type.
"""

from __future__ import annotations

import datetime as dt
import functools
import logging
from collections.abc import Callable
from enum import Enum
from typing import ParamSpec, TypeVar

from app.ctp import resources
from app.ctp.errors import MalformedUpstreamData
from app.iso_codes import COUNTRY_CODES, CURRENCY_CODES
from app.models import Address, Customer, Money
from app.services.global_ids import owned_id

log = logging.getLogger(__name__)

P = ParamSpec("P")
R = TypeVar("R")
T = TypeVar("T")
E = TypeVar("E", bound=Enum)


def reads(resource: str) -> Callable[[Callable[P, R]], Callable[P, R]]:
    """Marks a function that turns one commercetools `resource` into a model.

    mypy checks the function against the resource's TypedDict, so a KeyError, TypeError or
    AttributeError raised inside it can only come from JSON that is not what the type (and the
    API reference behind it) says. It becomes MalformedUpstreamData, logged with what was wrong,
    rather than an internal error or a made-up value.
    """

    def decorate(function: Callable[P, R]) -> Callable[P, R]:
        @functools.wraps(function)
        def mapped(*args: P.args, **kwargs: P.kwargs) -> R:
            cause: Exception
            try:
                return function(*args, **kwargs)
            except MalformedUpstreamData as exc:
                problem, cause = exc.detail, exc
            except KeyError as exc:
                problem, cause = f"{exc} is missing", exc
            except (TypeError, AttributeError) as exc:
                problem, cause = f"unexpected shape ({exc})", exc
            log.error("commercetools sent a malformed %s: %s", resource, problem)
            raise MalformedUpstreamData(f"{resource}: {problem}") from cause

        return mapped

    return decorate


def integer(value: object, field: str) -> int:
    # int() would turn 12.5 into 12 and "12" into 12: a wrong amount instead of an error.
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    raise MalformedUpstreamData(f"{field} is {value!r}, not an integer")


def nonempty(value: object, field: str) -> str:
    if isinstance(value, str) and value:
        return value
    raise MalformedUpstreamData(f"{field} is {value!r}, not a non-empty string")


def member(enum: type[E], value: object, field: str) -> E:
    """The member of `enum` whose value is commercetools' `value` (GraphQL enums are closed:
    a value outside them is malformed data, not a new state to pass on)."""
    try:
        return enum(value)
    except ValueError:
        raise MalformedUpstreamData(f"{field} is {value!r}, not a {enum.__name__}") from None


def code(value: object, known: frozenset[str], field: str) -> str:
    if isinstance(value, str) and value in known:
        return value
    raise MalformedUpstreamData(f"{field} is {value!r}, not a known code")


def date_time(value: object, field: str) -> dt.datetime:
    """commercetools' DateTime (ISO 8601, UTC)."""
    try:
        parsed = dt.datetime.fromisoformat(value) if isinstance(value, str) else None
    except ValueError:
        parsed = None
    if parsed is None or parsed.tzinfo is None:
        raise MalformedUpstreamData(f"{field} is {value!r}, not an ISO 8601 date and time")
    return parsed


def optional_date_time(value: str | None, field: str) -> dt.datetime | None:
    return date_time(value, field) if value is not None else None


def date(value: object, field: str) -> dt.date:
    try:
        parsed = dt.date.fromisoformat(value) if isinstance(value, str) else None
    except ValueError:
        parsed = None
    if parsed is None:
        raise MalformedUpstreamData(f"{field} is {value!r}, not an ISO 8601 date")
    return parsed


def localize(
    text: resources.LocalizedString | str | None, locale: str, fallback: str = "en"
) -> str:
    """One string from a LocalizedString: the locale, its language, the fallback, then any."""
    if isinstance(text, str):
        return text
    if not isinstance(text, dict) or not text:
        return ""
    language = locale.split("-")[0]
    for key in (locale, language, fallback):
        value = text.get(key)
        if isinstance(value, str):
            return value
    for key, value in text.items():
        if key.split("-")[0] == language and isinstance(value, str):
            return value
    first = next(iter(text.values()))
    return first if isinstance(first, str) else ""


def money(raw: resources.TypedMoney) -> Money:
    return Money(
        cent_amount=integer(raw["centAmount"], "centAmount"),
        currency_code=code(raw["currencyCode"], CURRENCY_CODES, "currencyCode"),
        fraction_digits=integer(raw["fractionDigits"], "fractionDigits"),
    )


def address(raw: resources.Address, id: str, address_id: str | None = None) -> Address:
    """`id` is the API-wide id (see app.services.global_ids); `address_id` is commercetools'
    id of a customer's saved address."""
    return Address(
        id=id,
        country=code(raw["country"], COUNTRY_CODES, "Address.country"),
        address_id=address_id,
        first_name=raw.get("firstName"),
        last_name=raw.get("lastName"),
        company=raw.get("company"),
        street_name=raw.get("streetName"),
        street_number=raw.get("streetNumber"),
        additional_street_info=raw.get("additionalStreetInfo"),
        postal_code=raw.get("postalCode"),
        city=raw.get("city"),
        region=raw.get("region"),
        phone=raw.get("phone"),
        email=raw.get("email"),
    )


def _saved_address(customer_id: str, raw: resources.Address) -> Address:
    address_id = nonempty(raw.get("id"), "Address.id")
    return address(raw, owned_id(customer_id, address_id), address_id)


@reads("Customer")
def customer(raw: resources.Customer) -> Customer:
    customer_id = nonempty(raw["id"], "id")
    return Customer(
        id=customer_id,
        email=nonempty(raw["email"], "email"),
        first_name=raw.get("firstName"),
        last_name=raw.get("lastName"),
        version=integer(raw["version"], "version"),
        date_of_birth=date(birth, "dateOfBirth") if (birth := raw.get("dateOfBirth")) else None,
        is_email_verified=raw["isEmailVerified"],
        addresses=tuple(_saved_address(customer_id, a) for a in raw["addresses"]),
        default_shipping_address_id=raw.get("defaultShippingAddressId"),
        default_billing_address_id=raw.get("defaultBillingAddressId"),
    )


@reads("PagedQueryResponse")
def results(page: resources.PagedQueryResponse[T]) -> list[T]:
    return page["results"]
