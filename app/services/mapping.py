"""Raw commercetools JSON -> storefront models. Plain dict access: the SDK's marshmallow models
take ~4 ms to deserialize a 10-line cart where json.loads takes ~0.08 ms, and every cart, product
and account answer passes through here.

The JSON is read as `app.ctp.resources` types it. A field the API reference guarantees is read
without a default, so its absence is an error, never a zero or an empty string; the leaves that
Python would quietly coerce (an amount, a quantity, a version) are checked for their type.
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable
from typing import ParamSpec, TypeVar

from app.ctp import resources
from app.ctp.errors import MalformedUpstreamData
from app.models import Address, Customer, Money

log = logging.getLogger(__name__)

P = ParamSpec("P")
R = TypeVar("R")
T = TypeVar("T")


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
        currency_code=nonempty(raw["currencyCode"], "currencyCode"),
        fraction_digits=integer(raw["fractionDigits"], "fractionDigits"),
    )


def address(raw: resources.Address) -> Address:
    return Address(
        country=nonempty(raw["country"], "country"),
        id=raw.get("id"),
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


@reads("Customer")
def customer(raw: resources.Customer) -> Customer:
    return Customer(
        id=nonempty(raw["id"], "id"),
        email=nonempty(raw["email"], "email"),
        first_name=raw.get("firstName"),
        last_name=raw.get("lastName"),
        version=integer(raw["version"], "version"),
        date_of_birth=raw.get("dateOfBirth"),
        is_email_verified=raw["isEmailVerified"],
        addresses=tuple(address(a) for a in raw["addresses"]),
        default_shipping_address_id=raw.get("defaultShippingAddressId"),
        default_billing_address_id=raw.get("defaultBillingAddressId"),
    )


@reads("PagedQueryResponse")
def results(page: resources.PagedQueryResponse[T]) -> list[T]:
    return page["results"]
