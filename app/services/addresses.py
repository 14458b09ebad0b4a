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
from app.errors import BadUserInput

# ISO 3166-1 alpha-2, officially assigned codes. commercetools rejects anything else with an
# InvalidJsonInput; checking here gives the shopper a message about their form, not our request.
_ISO_3166_ALPHA_2 = """
    AD AE AF AG AI AL AM AO AQ AR AS AT AU AW AX AZ BA BB BD BE BF BG BH BI BJ BL BM BN BO BQ BR
    BS BT BV BW BY BZ CA CC CD CF CG CH CI CK CL CM CN CO CR CU CV CW CX CY CZ DE DJ DK DM DO DZ
    EC EE EG EH ER ES ET FI FJ FK FM FO FR GA GB GD GE GF GG GH GI GL GM GN GP GQ GR GS GT GU GW
    GY HK HM HN HR HT HU ID IE IL IM IN IO IQ IR IS IT JE JM JO JP KE KG KH KI KM KN KP KR KW KY
    KZ LA LB LC LI LK LR LS LT LU LV LY MA MC MD ME MF MG MH MK ML MM MN MO MP MQ MR MS MT MU MV
    MW MX MY MZ NA NC NE NF NG NI NL NO NP NR NU NZ OM PA PE PF PG PH PK PL PM PN PR PS PT PW PY
    QA RE RO RS RU RW SA SB SC SD SE SG SH SI SJ SK SL SM SN SO SR SS ST SV SX SY SZ TC TD TF TG
    TH TJ TK TL TM TN TO TR TT TV TW TZ UA UG UM US UY UZ VA VC VE VG VI VN VU WF WS YE YT ZA ZM
    ZW
"""
COUNTRY_CODES = frozenset(_ISO_3166_ALPHA_2.split())

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


def validate_address(form: Mapping[str, Any], *, path: str = "address") -> Json:
    """commercetools `BaseAddress` JSON for an `AddressInput`, or BadUserInput naming the field.

    Text is trimmed; blank fields are left out; `country` is required and upper-cased.
    `path` prefixes field names in messages (e.g. "shippingAddress").
    """
    address: Json = {"country": _country(form.get("country"), path)}
    for field in ADDRESS_FIELDS:
        value = form.get(field.input_key)
        if value is None:
            continue
        text = single_line(value, f"{path}.{field.ctp_key}", field.max_length)
        if text:
            address[field.ctp_key] = text
    email = address.get("email")
    if email is not None and not is_email(email):
        raise BadUserInput(f"{path}.email: enter a valid e-mail address.")
    return address


def _country(value: Any, path: str) -> str:
    if value is None or (isinstance(value, str) and not value.strip()):
        raise BadUserInput(f"{path}.country is required.")
    if not isinstance(value, str):
        raise BadUserInput(f"{path}.country must be a text.")
    code = value.strip().upper()
    if code not in COUNTRY_CODES:
        raise BadUserInput(
            f"{path}.country: {value[:8]!r} is not a country code (ISO 3166-1 alpha-2, e.g. DE)."
        )
    return code


def single_line(value: Any, name: str, max_length: int) -> str:
    """`value` trimmed; BadUserInput naming `name` unless it is one line of at most
    `max_length` characters."""
    if not isinstance(value, str):
        raise BadUserInput(f"{name} must be a text.")
    text = value.strip()
    if len(text) > max_length:
        raise BadUserInput(f"{name} is too long (at most {max_length} characters).")
    if _CONTROL.search(text):
        raise BadUserInput(f"{name} must be a single line of text.")
    return text
