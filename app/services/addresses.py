"""Postal addresses from the storefront: checked here, so a malformed one never reaches
commercetools, and turned into commercetools' `BaseAddress` JSON.

Used wherever a shopper types an address: the account's address book and the cart's shipping
and billing addresses. Input keys are snake_case, as Ariadne hands over `AddressInput`.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from app.ctp.json import Json
from app.errors import BadUserInput, Field, UserErrorCode
from app.iso_codes import COUNTRY_CODES

# One @, no spaces, and none of the characters that separate or quote addresses in a mail
# header (so "a,b@example.com" cannot turn into two recipients).
_EMAIL_PART = r"[^@\s()<>\[\]:;,\\\"]+"
_EMAIL = re.compile(rf"^{_EMAIL_PART}@{_EMAIL_PART}\.{_EMAIL_PART}$")
# Line breaks and other control characters would break shipping labels and e-mails. (Format
# characters such as the zero-width non-joiner stay: some scripts need them in names.)
_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029]")


@dataclass(frozen=True, slots=True)
class AddressField:
    input_key: str  # snake_case, as in the resolver's input dict
    ctp_key: str  # camelCase, as in commercetools JSON and the GraphQL schema
    max_length: int


# Limits are ours, not commercetools' (it documents none): long enough for any real address,
# short enough that a label printer, a carrier's API and an e-mail template cope.
ADDRESS_FIELDS: tuple[AddressField, ...] = (
    AddressField("first_name", "firstName", 100),
    AddressField("last_name", "lastName", 100),
    AddressField("company", "company", 100),
    AddressField("street_name", "streetName", 100),
    AddressField("street_number", "streetNumber", 20),
    AddressField("additional_street_info", "additionalStreetInfo", 100),
    AddressField("postal_code", "postalCode", 16),
    AddressField("city", "city", 100),
    AddressField("region", "region", 100),
    AddressField("phone", "phone", 32),
    AddressField("email", "email", 256),
)


def is_email(text: str) -> bool:
    return bool(_EMAIL.match(text))


def validate_address(form: Mapping[str, Any], *, field: Field = ("address",)) -> Json:
    """commercetools `BaseAddress` JSON for an `AddressInput`, or BadUserInput naming the field.

    Text is trimmed; blank fields are left out; `country` is required and upper-cased.
    `field` is where the storefront put the address (its argument name), so errors name
    e.g. ("address", "postalCode").
    """
    address: Json = {"country": _country(form.get("country"), (*field, "country"))}
    for spec in ADDRESS_FIELDS:
        value = form.get(spec.input_key)
        if value is None:
            continue
        text = single_line(value, (*field, spec.ctp_key), spec.max_length)
        if text:
            address[spec.ctp_key] = text
    email = address.get("email")
    if email is not None and not is_email(email):
        raise BadUserInput("Enter a valid e-mail address.", field=(*field, "email"))
    return address


def _country(value: Any, field: Field) -> str:
    if value is None or (isinstance(value, str) and not value.strip()):
        raise BadUserInput("Choose a country.", field=field, code=UserErrorCode.BLANK)
    if not isinstance(value, str):
        raise BadUserInput("Choose a country.", field=field)
    code = value.strip().upper()
    if code not in COUNTRY_CODES:
        raise BadUserInput(
            f"{value[:8]!r} is not a country code (ISO 3166-1 alpha-2, e.g. DE).", field=field
        )
    return code


def single_line(value: Any, field: Field, max_length: int) -> str:
    """`value` trimmed; BadUserInput about `field` unless it is one line of at most
    `max_length` characters."""
    if not isinstance(value, str):
        raise BadUserInput("Enter a text.", field=field)
    text = value.strip()
    if len(text) > max_length:
        raise BadUserInput(
            f"At most {max_length} characters, please.", field=field, code=UserErrorCode.TOO_LONG
        )
    if _CONTROL.search(text):
        raise BadUserInput("Enter a single line of text.", field=field)
    return text
