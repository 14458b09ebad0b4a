"""The account part of the storefront API over HTTP, against the emulator: profile, address
book, password change and the password reset mail (read from the outbox)."""

from __future__ import annotations

import email
import email.policy
import random
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.ctp.gateway import MAX_VERSION_ATTEMPTS
from app.errors import BadUserInput, UserErrorCode
from app.iso_codes import COUNTRY_CODES
from app.services.addresses import ADDRESS_FIELDS, validate_address
from tests.conftest import RunningService
from tests.support.browser import Browser, GraphQLResult
from tests.support.catalog import priced_skus
from tests.support.outbox import link_token, wait_for_mails
from tests.support.queries import (
    REQUEST_RESET,
    RESET,
    SIGN_IN,
    SIGN_OUT,
    SIGN_UP,
    USER_ERRORS,
)

pytestmark = pytest.mark.anyio

PASSWORD = "Correct-Horse-9"
NEW_PASSWORD = "Battery-Staple-7"
DEMO_EMAIL, DEMO_PASSWORD = "demo@example.com", "Demo-Passw0rd!"

ADDRESS_SELECTION = (
    "id addressId firstName lastName company streetName streetNumber additionalStreetInfo "
    "postalCode city region country phone email"
)
CUSTOMER = f"""
  id version email isEmailVerified firstName lastName dateOfBirth
  addresses {{ {ADDRESS_SELECTION} }}
  defaultShippingAddressId defaultBillingAddressId
  defaultShippingAddress {{ id city }} defaultBillingAddress {{ id city }}
"""
ME = f"{{ me {{ {CUSTOMER} }} }}"
CHANGED = f"customer {{ {CUSTOMER} }} {USER_ERRORS}"
UPDATE_PROFILE = f"mutation($i: ProfileInput!) {{ updateProfile(input: $i) {{ {CHANGED} }} }}"
ADD_ADDRESS = f"""mutation($a: AddressInput!, $s: Boolean, $b: Boolean) {{
  addAddress(address: $a, defaultShipping: $s, defaultBilling: $b) {{ {CHANGED} }}
}}"""
UPDATE_ADDRESS = f"""mutation($id: ID!, $a: AddressInput!, $s: Boolean, $b: Boolean) {{
  updateAddress(addressId: $id, address: $a, defaultShipping: $s, defaultBilling: $b) {{
    {CHANGED} }}
}}"""
REMOVE_ADDRESS = f"mutation($id: ID!) {{ removeAddress(addressId: $id) {{ {CHANGED} }} }}"
CHANGE_PASSWORD = f"""mutation($c: String!, $n: String!) {{
  changePassword(currentPassword: $c, newPassword: $n) {{ {CHANGED} }}
}}"""
ADD_TO_CART = "mutation($sku: String!) { addToCart(sku: $sku) { cart { id } } }"

HOME = {
    "firstName": "Ada",
    "lastName": "Lovelace",
    "streetName": "Torstraße",
    "streetNumber": "1",
    "postalCode": "10119",
    "city": "Berlin",
    "country": "DE",
}


def new_email() -> str:
    return f"shopper-{uuid.uuid4().hex[:12]}@example.com"


async def signed_up(browser: Browser, email: str | None = None) -> str:
    email = email or new_email()
    signup = {"input": {"email": email, "password": PASSWORD, "firstName": "Ada"}}
    (await browser.gql(SIGN_UP, signup)).ok()
    return email


def only_error(result: GraphQLResult) -> str:
    """The one code of a failed answer: a GraphQL error's (400 when the variables did not fit
    the schema and nothing executed) or the one userError's."""
    assert result.status_code in (200, 400), result.body
    assert len(result.codes) == 1, result.body
    return result.codes[0]


def only_field(result: GraphQLResult) -> list[str] | None:
    assert len(result.user_errors) == 1, result.body
    field: list[str] | None = result.user_errors[0]["field"]
    return field


def me_updates(service: RunningService) -> list[tuple[str, str]]:
    return [entry for entry in service.emulator.request_log if entry[1].startswith("/demo/me")]


# -- who may ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("query", "variables"),
    [
        (UPDATE_PROFILE, {"i": {"firstName": "Eve"}}),
        (ADD_ADDRESS, {"a": HOME}),
        (UPDATE_ADDRESS, {"id": "abc", "a": HOME}),
        (REMOVE_ADDRESS, {"id": "abc"}),
        (CHANGE_PASSWORD, {"c": PASSWORD, "n": NEW_PASSWORD}),
    ],
)
async def test_a_guest_gets_unauthenticated_and_nothing_reaches_commercetools(
    service: RunningService, browser: Browser, query: str, variables: dict[str, Any]
) -> None:
    sku = priced_skus(service.emulator, 1)[0]
    (await browser.gql(ADD_TO_CART, {"sku": sku})).ok()  # a guest with an anonymous token
    service.emulator.clear_request_log()
    assert only_error(await browser.gql(query, variables)) == "UNAUTHENTICATED"
    assert service.emulator.request_log == []


async def test_me_shows_the_address_book(browser: Browser) -> None:
    (await browser.gql(SIGN_IN, {"e": DEMO_EMAIL, "p": DEMO_PASSWORD})).ok()
    me = (await browser.gql(ME)).ok()["me"]
    assert me["email"] == DEMO_EMAIL and me["version"] >= 1 and me["isEmailVerified"] is False
    [home] = me["addresses"]
    assert home["city"] == "Berlin" and home["country"] == "DE"
    assert me["defaultShippingAddressId"] == me["defaultBillingAddressId"] == home["addressId"]
    assert me["defaultShippingAddress"] == {"id": home["id"], "city": "Berlin"}


# -- profile ---------------------------------------------------------------------------------


async def test_update_profile_changes_only_what_is_given(
    service: RunningService, browser: Browser
) -> None:
    await signed_up(browser)
    changes = {"firstName": " Grace ", "lastName": "Hopper", "dateOfBirth": "1906-12-09"}
    me = (await browser.gql(UPDATE_PROFILE, {"i": changes})).ok()["updateProfile"]["customer"]
    assert (me["firstName"], me["lastName"], me["dateOfBirth"]) == ("Grace", "Hopper", "1906-12-09")
    me = (await browser.gql(UPDATE_PROFILE, {"i": {"lastName": None}})).ok()["updateProfile"][
        "customer"
    ]
    assert (me["firstName"], me["lastName"], me["dateOfBirth"]) == ("Grace", None, "1906-12-09")
    stored = service.emulator.customers[me["id"]]
    assert stored["firstName"] == "Grace" and "lastName" not in stored


@pytest.mark.parametrize(
    ("changes", "problem"),
    [
        # Not a Date at all: the schema refuses the variables.
        ({"dateOfBirth": "1906-13-09"}, "BAD_USER_INPUT"),
        ({"dateOfBirth": "09.12.1906"}, "BAD_USER_INPUT"),
        # Dates, names and addresses the service refuses, naming the field.
        ({"dateOfBirth": "2999-01-01"}, "OUT_OF_RANGE"),
        ({"firstName": "x" * 257}, "TOO_LONG"),
        ({"lastName": "two\nlines"}, "INVALID"),
        ({"email": "not-an-address"}, "INVALID"),
        ({"email": None}, "BLANK"),
    ],
)
async def test_bad_profile_input_never_reaches_commercetools(
    service: RunningService, browser: Browser, changes: dict[str, Any], problem: str
) -> None:
    await signed_up(browser)
    service.emulator.clear_request_log()
    result = await browser.gql(UPDATE_PROFILE, {"i": changes})
    assert only_error(result) == problem
    if problem != "BAD_USER_INPUT":
        assert only_field(result) == ["input", next(iter(changes))]
    assert ("POST", "/demo/me") not in service.emulator.request_log


async def test_changing_the_email_needs_the_current_password(
    service: RunningService, browser: Browser
) -> None:
    old = await signed_up(browser)
    new = new_email()
    for password, problem in ((None, "BLANK"), ("wrong-password", "WRONG_CURRENT_PASSWORD")):
        changes = {"email": new, "currentPassword": password}
        result = await browser.gql(UPDATE_PROFILE, {"i": changes})
        assert only_error(result) == problem
        assert only_field(result) == ["input", "currentPassword"]
    taken = {"email": DEMO_EMAIL, "currentPassword": PASSWORD}
    result = await browser.gql(UPDATE_PROFILE, {"i": taken})
    assert only_error(result) == "TAKEN"
    assert only_field(result) == ["input", "email"]
    assert "already exists" in result.user_errors[0]["message"]

    changes = {"email": new, "currentPassword": PASSWORD}
    me = (await browser.gql(UPDATE_PROFILE, {"i": changes})).ok()["updateProfile"]["customer"]
    assert me["email"] == new
    async with service.browser() as other:
        assert only_error(await other.gql(SIGN_IN, {"e": old, "p": PASSWORD})) == (
            "INVALID_CREDENTIALS"
        )
        (await other.gql(SIGN_IN, {"e": new, "p": PASSWORD})).ok()


async def test_the_same_email_again_needs_no_password(browser: Browser) -> None:
    email = await signed_up(browser)
    me = (await browser.gql(UPDATE_PROFILE, {"i": {"email": email.upper()}})).ok()
    assert me["updateProfile"]["customer"]["email"] == email


# -- addresses -------------------------------------------------------------------------------


async def test_add_update_and_remove_addresses_with_defaults(
    service: RunningService, browser: Browser
) -> None:
    await signed_up(browser)
    me = (await browser.gql(ADD_ADDRESS, {"a": HOME, "s": True})).ok()["addAddress"]["customer"]
    [home] = me["addresses"]
    assert {k: home[k] for k in HOME} == HOME and home["addressId"]
    assert home["id"] == f"{me['id']}/{home['addressId']}"
    assert me["defaultShippingAddressId"] == home["addressId"]
    assert me["defaultBillingAddressId"] is None

    office = {"company": "ACME", "city": "Wien", "country": "AT", "phone": "+43 1 234"}
    me = (await browser.gql(ADD_ADDRESS, {"a": office, "b": True})).ok()["addAddress"]["customer"]
    work = me["addresses"][1]
    assert (work["country"], work["company"], work["city"]) == ("AT", "ACME", "Wien")
    assert me["defaultShippingAddressId"] == home["addressId"]
    assert me["defaultBillingAddress"] == {"id": work["id"], "city": "Wien"}

    moved = {**HOME, "city": "Potsdam", "postalCode": "14467"}
    variables = {"id": home["addressId"], "a": moved, "s": False, "b": True}
    me = (await browser.gql(UPDATE_ADDRESS, variables)).ok()["updateAddress"]["customer"]
    assert me["addresses"][0]["id"] == home["id"]
    assert me["addresses"][0]["city"] == "Potsdam"
    assert me["defaultShippingAddressId"] is None
    assert me["defaultBillingAddressId"] == home["addressId"]

    removed = await browser.gql(REMOVE_ADDRESS, {"id": home["addressId"]})
    me = removed.ok()["removeAddress"]["customer"]
    assert [a["id"] for a in me["addresses"]] == [work["id"]]
    assert me["defaultBillingAddressId"] is None
    stored = service.emulator.customers[me["id"]]
    assert [a["id"] for a in stored["addresses"]] == [work["addressId"]]


async def test_updating_an_address_without_default_flags_keeps_the_defaults(
    browser: Browser,
) -> None:
    await signed_up(browser)
    me = (await browser.gql(ADD_ADDRESS, {"a": HOME, "s": True, "b": True})).ok()["addAddress"][
        "customer"
    ]
    home_id = me["addresses"][0]["id"]
    variables = {"id": me["addresses"][0]["addressId"], "a": {**HOME, "city": "Hamburg"}}
    me = (await browser.gql(UPDATE_ADDRESS, variables)).ok()["updateAddress"]["customer"]
    assert me["defaultShippingAddress"] == me["defaultBillingAddress"]
    assert me["defaultShippingAddress"] == {"id": home_id, "city": "Hamburg"}


@pytest.mark.parametrize("query", [UPDATE_ADDRESS, REMOVE_ADDRESS])
async def test_an_unknown_address_id_is_not_found(
    service: RunningService, browser: Browser, query: str
) -> None:
    await signed_up(browser)
    service.emulator.clear_request_log()
    result = await browser.gql(query, {"id": "no-such-id", "a": HOME})
    assert only_error(result) == "NOT_FOUND"
    assert only_field(result) == ["addressId"]
    assert ("POST", "/demo/me") not in service.emulator.request_log


@pytest.mark.parametrize(
    ("address", "problem"),
    [
        # Not an AddressInput: the schema refuses the variables (CountryCode is an enum).
        ({**HOME, "country": "XX"}, "BAD_USER_INPUT"),
        ({**HOME, "country": "Germany"}, "BAD_USER_INPUT"),
        ({**HOME, "country": "de"}, "BAD_USER_INPUT"),
        ({**HOME, "country": " "}, "BAD_USER_INPUT"),
        ({key: value for key, value in HOME.items() if key != "country"}, "BAD_USER_INPUT"),
        ({**HOME, "country": None}, "BAD_USER_INPUT"),
        ({**HOME, "city": 12}, "BAD_USER_INPUT"),
        # Fields the service refuses, naming them.
        ({**HOME, "city": "B" * 101}, "TOO_LONG"),
        ({**HOME, "postalCode": "1" * 17}, "TOO_LONG"),
        ({**HOME, "streetName": "Torstraße\r\nBcc: someone"}, "INVALID"),
        ({**HOME, "email": "no-at-sign"}, "INVALID"),
    ],
)
async def test_a_malformed_address_is_refused_and_never_sent(
    service: RunningService, browser: Browser, address: dict[str, Any], problem: str
) -> None:
    await signed_up(browser)
    me = (await browser.gql(ADD_ADDRESS, {"a": HOME})).ok()["addAddress"]["customer"]
    service.emulator.clear_request_log()
    update = {"id": me["addresses"][0]["addressId"], "a": address}
    for query, variables in ((ADD_ADDRESS, {"a": address}), (UPDATE_ADDRESS, update)):
        result = await browser.gql(query, variables)
        assert only_error(result) == problem
        if problem != "BAD_USER_INPUT":
            changed = next(k for k in address if address[k] != HOME.get(k))
            assert only_field(result) == ["address", changed]
    assert me_updates(service) == []


def test_validate_address_trims_drops_blanks_and_names_the_field() -> None:
    form = {"country": " at ", "city": " Wien ", "company": "  ", "phone": None}
    assert validate_address(form) == {"country": "AT", "city": "Wien"}
    with pytest.raises(BadUserInput, match=r"^At most 16 characters") as raised:
        validate_address({"country": "DE", "postal_code": "1" * 17}, field=("shippingAddress",))
    assert raised.value.field == ("shippingAddress", "postalCode")
    assert raised.value.reason is UserErrorCode.TOO_LONG
    assert len(COUNTRY_CODES) == 249 and {"DE", "GB", "US", "XK"} & COUNTRY_CODES == {
        "DE",
        "GB",
        "US",
    }


@given(
    st.dictionaries(
        st.sampled_from(["country", *(f.input_key for f in ADDRESS_FIELDS), "unknown"]),
        st.one_of(st.none(), st.text(max_size=120), st.integers(), st.booleans()),
    )
)
def test_validate_address_accepts_or_refuses_but_never_crashes(form: dict[str, Any]) -> None:
    try:
        address = validate_address(form)
    except BadUserInput:
        return
    assert address["country"] in COUNTRY_CODES
    assert set(address) <= {"country", *(f.ctp_key for f in ADDRESS_FIELDS)}
    assert all(isinstance(v, str) and v and v == v.strip() for v in address.values())


def seed_with_one_conflict() -> int:
    """An emulator fault seed whose first update conflicts and whose second does not."""
    for seed in range(1000):
        draws = random.Random(seed)  # the emulator's fault decisions, replayed
        if draws.random() < 0.5 <= draws.random():
            return seed
    raise AssertionError("no such seed")


async def test_a_version_conflict_is_retried_with_the_current_version(
    service: RunningService, browser: Browser
) -> None:
    await signed_up(browser)
    service.emulator.faults.configure(conflict_rate=0.5, seed=seed_with_one_conflict())
    service.emulator.clear_request_log()
    me = (await browser.gql(ADD_ADDRESS, {"a": HOME})).ok()["addAddress"]["customer"]
    assert len(me["addresses"]) == 1
    assert me_updates(service).count(("POST", "/demo/me")) == 2


async def test_endless_conflicts_give_up_after_the_one_update_policy(
    service: RunningService, browser: Browser
) -> None:
    await signed_up(browser)
    service.emulator.faults.configure(conflict_rate=1.0)
    service.emulator.clear_request_log()
    assert only_error(await browser.gql(ADD_ADDRESS, {"a": HOME})) == "CONFLICT"
    # The same limit as every other versioned write (app/ctp/gateway.py).
    assert me_updates(service).count(("POST", "/demo/me")) == MAX_VERSION_ATTEMPTS


# -- changing the password -------------------------------------------------------------------


async def test_change_password_keeps_the_browser_signed_in_with_a_new_session(
    service: RunningService, browser: Browser
) -> None:
    email = await signed_up(browser)
    sku = priced_skus(service.emulator, 1)[0]
    cart = (await browser.gql(ADD_TO_CART, {"sku": sku})).ok()["addToCart"]["cart"]
    before = await service.read_session(browser)

    wrong = await browser.gql(CHANGE_PASSWORD, {"c": "not-my-password", "n": NEW_PASSWORD})
    assert only_error(wrong) == "WRONG_CURRENT_PASSWORD"
    assert only_field(wrong) == ["currentPassword"]
    short = await browser.gql(CHANGE_PASSWORD, {"c": PASSWORD, "n": "short"})
    assert only_error(short) == "OUT_OF_RANGE" and only_field(short) == ["newPassword"]
    same = await browser.gql(CHANGE_PASSWORD, {"c": PASSWORD, "n": PASSWORD})
    assert only_error(same) == "PASSWORD_UNCHANGED" and only_field(same) == ["newPassword"]

    me = (await browser.gql(CHANGE_PASSWORD, {"c": PASSWORD, "n": NEW_PASSWORD})).ok()
    assert me["changePassword"]["customer"]["email"] == email
    after = await service.read_session(browser)
    assert before is not None and after is not None
    assert after.session_id != before.session_id
    assert after.data["t"]["a"] != before.data["t"]["a"]
    assert after.data["c"] == before.data["c"] and after.data["ca"] == cart["id"]
    assert (await browser.gql(ME)).ok()["me"]["email"] == email
    assert (await browser.gql("{ cart { id } }")).ok()["cart"] == {"id": cart["id"]}

    async with service.browser() as other:
        assert only_error(await other.gql(SIGN_IN, {"e": email, "p": PASSWORD})) == (
            "INVALID_CREDENTIALS"
        )
        (await other.gql(SIGN_IN, {"e": email, "p": NEW_PASSWORD})).ok()


# -- resetting a forgotten password ----------------------------------------------------------


@pytest.fixture
def outbox(tmp_path: Path) -> Path:
    return tmp_path / "outbox"


@pytest.fixture
def mail_service(start_service: Callable[..., RunningService], outbox: Path) -> RunningService:
    return start_service(mail_outbox_dir=outbox, storefront_url="https://shop.example.com/")


def reset_token(message: email.message.EmailMessage) -> str:
    return link_token(message, "https://shop.example.com/reset-password")


async def test_password_reset_end_to_end_through_the_mail(
    mail_service: RunningService, outbox: Path
) -> None:
    async with mail_service.browser() as browser:
        email_address = await signed_up(browser)
        (await browser.gql(SIGN_OUT)).ok()

        result = await browser.gql(REQUEST_RESET, {"e": email_address})
        assert result.ok() == {"requestPasswordReset": {"userErrors": []}}
        [mail] = await wait_for_mails(outbox, 1)
        assert mail["To"] == email_address and mail["Subject"] == "Reset your password"
        token = reset_token(mail)

        weak = await browser.gql(RESET, {"t": token, "n": "short"})
        assert only_error(weak) == "OUT_OF_RANGE" and only_field(weak) == ["newPassword"]
        assert (await browser.gql(RESET, {"t": token, "n": NEW_PASSWORD})).ok() == {
            "resetPassword": {"userErrors": []}
        }
        assert browser.cookie() is None  # resetting does not sign in

        used = await browser.gql(RESET, {"t": token, "n": "Another-Pass-5"})
        assert only_error(used) == "TOKEN_INVALID" and only_field(used) == ["token"]
        old = await browser.gql(SIGN_IN, {"e": email_address, "p": PASSWORD})
        assert only_error(old) == "INVALID_CREDENTIALS"
        (await browser.gql(SIGN_IN, {"e": email_address, "p": NEW_PASSWORD})).ok()


async def test_an_unknown_address_still_gets_true_and_no_mail(
    mail_service: RunningService, outbox: Path
) -> None:
    async with mail_service.browser() as browser:
        unknown = await browser.gql(REQUEST_RESET, {"e": new_email()})
        assert unknown.ok() == {"requestPasswordReset": {"userErrors": []}}
        # A known address afterwards: once its mail is there, the unknown one's would be too.
        known = await browser.gql(REQUEST_RESET, {"e": DEMO_EMAIL})
        assert known.ok() == {"requestPasswordReset": {"userErrors": []}}
        [mail] = await wait_for_mails(outbox, 1)
        assert mail["To"] == DEMO_EMAIL


async def test_a_malformed_address_is_bad_user_input(
    mail_service: RunningService, outbox: Path
) -> None:
    async with mail_service.browser() as browser:
        mail_service.emulator.clear_request_log()
        result = await browser.gql(REQUEST_RESET, {"e": "no-at-sign"})
        assert only_error(result) == "INVALID" and only_field(result) == ["email"]
        assert mail_service.emulator.request_log == []


@pytest.mark.parametrize("token", ["made-up-token", "", " ", "x" * 600])
async def test_an_invalid_reset_token_is_bad_user_input(
    mail_service: RunningService, token: str
) -> None:
    async with mail_service.browser() as browser:
        result = await browser.gql(RESET, {"t": token, "n": NEW_PASSWORD})
        assert only_error(result) == "TOKEN_INVALID" and only_field(result) == ["token"]


async def test_an_expired_or_superseded_reset_token_is_bad_user_input(
    mail_service: RunningService, outbox: Path
) -> None:
    async with mail_service.browser() as browser:
        email_address = await signed_up(browser)
        (await browser.gql(REQUEST_RESET, {"e": email_address})).ok()
        [first] = [reset_token(m) for m in await wait_for_mails(outbox, 1)]
        # One mail per address per interval (docs/security.md): ask again after it.
        mail_service.clock.advance(
            mail_service.settings.security.password_reset_mail_interval_seconds + 1
        )
        (await browser.gql(REQUEST_RESET, {"e": email_address})).ok()
        tokens = {reset_token(m) for m in await wait_for_mails(outbox, 2)}
        [second] = tokens - {first}
        superseded = await browser.gql(RESET, {"t": first, "n": NEW_PASSWORD})
        assert only_error(superseded) == "TOKEN_INVALID"

        mail_service.clock.advance(61 * 60)  # PASSWORD_RESET_TTL_MINUTES defaults to 60
        expired = await browser.gql(RESET, {"t": second, "n": NEW_PASSWORD})
        assert only_error(expired) == "TOKEN_EXPIRED" and only_field(expired) == ["token"]
        assert "expired" in expired.user_errors[0]["message"]


async def test_a_reset_signs_out_that_customer_in_the_browser_that_resets(
    mail_service: RunningService, outbox: Path
) -> None:
    async with mail_service.browser() as browser:
        email_address = await signed_up(browser)
        (await browser.gql(REQUEST_RESET, {"e": email_address})).ok()
        [mail] = await wait_for_mails(outbox, 1)
        (await browser.gql(RESET, {"t": reset_token(mail), "n": NEW_PASSWORD})).ok()
        # commercetools revoked the customer's tokens: the session holding one is over.
        assert (await browser.gql("{ me { id } }")).ok() == {"me": None}
