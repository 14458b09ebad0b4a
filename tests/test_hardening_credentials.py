"""Credential attacks over HTTP: failed sign-ins and password resets are throttled per e-mail
address and per client address, for minutes only; unknown and known addresses are answered,
counted and timed alike."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator, Callable
from pathlib import Path
from typing import Any

import pytest

from app.networks import parse_networks
from app.web.client_address import client_ip
from tests.conftest import RunningService
from tests.support.browser import Browser, GraphQLResult
from tests.support.outbox import read_outbox, wait_for_mails

pytestmark = pytest.mark.anyio

DEMO_EMAIL, DEMO_PASSWORD = "demo@example.com", "Demo-Passw0rd!"
UNKNOWN_EMAIL = "nobody-here@example.com"
USER_ERRORS = "userErrors { field code message }"
SIGN_IN = f"""mutation($e: String!, $p: String!) {{
  signIn(email: $e, password: $p) {{ customer {{ id }} {USER_ERRORS} }} }}"""
REQUEST_RESET = f"mutation($e: String!) {{ requestPasswordReset(email: $e) {{ {USER_ERRORS} }} }}"
RESET = f"""mutation($t: String!, $n: String!) {{
  resetPassword(token: $t, newPassword: $n) {{ {USER_ERRORS} }} }}"""
SIGN_UP = (
    f"mutation($i: SignUpInput!) {{ signUp(input: $i) {{ customer {{ id }} {USER_ERRORS} }} }}"
)
CHANGE_PASSWORD = f"""mutation($c: String!, $n: String!) {{
  changePassword(currentPassword: $c, newPassword: $n) {{ customer {{ id }} {USER_ERRORS} }} }}"""
LOCKOUT = 300


@pytest.fixture
def throttled(start_service: Callable[..., RunningService], tmp_path: Path) -> RunningService:
    return start_service(
        throttle_max_failures_per_email=3,
        throttle_max_failures_per_address=6,
        throttle_lockout_seconds=LOCKOUT,
        credential_failure_min_seconds=0,
        mail_outbox_dir=tmp_path / "outbox",
        trusted_proxies="127.0.0.1",
    )


@pytest.fixture
async def client(throttled: RunningService) -> AsyncIterator[Browser]:
    async with throttled.browser() as browser:
        yield browser


async def gql_from(
    browser: Browser, address: str, query: str, variables: dict[str, Any]
) -> GraphQLResult:
    """A request as relayed by our trusted proxy (127.0.0.1) for a client at `address`."""
    response = await browser.http.post(
        "/graphql",
        json={"query": query, "variables": variables},
        headers={"x-forwarded-for": address},
    )
    return GraphQLResult(response)


async def sign_in(browser: Browser, email: str, password: str) -> GraphQLResult:
    return await browser.gql(SIGN_IN, {"e": email, "p": password})


async def test_an_account_is_locked_for_minutes_after_failed_sign_ins(
    throttled: RunningService, client: Browser
) -> None:
    for _ in range(3):
        assert (await sign_in(client, DEMO_EMAIL, "Wrong-Passw0rd")).codes == [
            "INVALID_CREDENTIALS"
        ]
    throttled.emulator.clear_request_log()
    locked = await sign_in(client, DEMO_EMAIL, DEMO_PASSWORD)
    assert locked.status_code == 200 and locked.error_codes == ["TOO_MANY_REQUESTS"]
    error = locked.errors[0]
    assert 0 < error["extensions"]["retryAfter"] <= LOCKOUT
    assert "5 minutes" in error["message"]
    # Refused before anything reached commercetools, and no session was started.
    assert throttled.emulator.request_log == []
    assert client.cookie() is None

    # The lock is short: just before it ends it holds, just after the customer is let in.
    throttled.clock.advance(LOCKOUT - 5)
    assert (await sign_in(client, DEMO_EMAIL, DEMO_PASSWORD)).error_codes == ["TOO_MANY_REQUESTS"]
    throttled.clock.advance(10)
    assert (await sign_in(client, DEMO_EMAIL, DEMO_PASSWORD)).ok()["signIn"]["customer"]["id"]


async def test_addresses_are_normalized_before_counting(
    throttled: RunningService, client: Browser
) -> None:
    for variant in ("demo@example.com", "DEMO@Example.com", "  Demo@example.COM "):
        await sign_in(client, variant, "Wrong-Passw0rd")
    assert (await sign_in(client, DEMO_EMAIL, DEMO_PASSWORD)).error_codes == ["TOO_MANY_REQUESTS"]


async def test_unknown_and_known_addresses_get_the_same_answers(
    throttled: RunningService,
) -> None:
    """Same message, same code, same lockout: nothing tells whether an account exists."""
    answers: dict[str, list[Any]] = {}
    for email in (DEMO_EMAIL, UNKNOWN_EMAIL):
        async with throttled.browser() as browser:
            answers[email] = [
                (
                    result.status_code,
                    [(e["message"], e["extensions"]) for e in result.errors],
                    result.user_errors,
                    result.codes,
                    "set-cookie" in result.response.headers,
                )
                for result in [
                    await gql_from(browser, f"198.51.100.{n}", SIGN_IN, {"e": email, "p": "x1"})
                    for n in range(5)
                ]
            ]
    assert answers[DEMO_EMAIL] == answers[UNKNOWN_EMAIL]
    assert [answer[3] for answer in answers[DEMO_EMAIL]] == [
        ["INVALID_CREDENTIALS"],
        ["INVALID_CREDENTIALS"],
        ["INVALID_CREDENTIALS"],
        ["TOO_MANY_REQUESTS"],
        ["TOO_MANY_REQUESTS"],
    ]


async def test_a_successful_sign_in_forgives_earlier_typos(
    throttled: RunningService, client: Browser
) -> None:
    for _ in range(2):
        await sign_in(client, DEMO_EMAIL, "Wrong-Passw0rd")
    (await sign_in(client, DEMO_EMAIL, DEMO_PASSWORD)).ok()
    for _ in range(2):
        await sign_in(client, DEMO_EMAIL, "Wrong-Passw0rd")
    (await sign_in(client, DEMO_EMAIL, DEMO_PASSWORD)).ok()


async def test_credential_stuffing_from_one_address_is_stopped(
    throttled: RunningService, client: Browser
) -> None:
    """Many accounts, one try each, from one client: the address's count stops it."""
    attacker = "203.0.113.9"
    for n in range(6):
        result = await gql_from(
            client, attacker, SIGN_IN, {"e": f"victim{n}@example.com", "p": "x"}
        )
        assert result.codes == ["INVALID_CREDENTIALS"]
    stopped = await gql_from(client, attacker, SIGN_IN, {"e": DEMO_EMAIL, "p": DEMO_PASSWORD})
    assert stopped.error_codes == ["TOO_MANY_REQUESTS"]
    # Another client is not affected, and neither is the account itself.
    elsewhere = await gql_from(client, "192.0.2.44", SIGN_IN, {"e": DEMO_EMAIL, "p": DEMO_PASSWORD})
    assert elsewhere.ok()["signIn"]["customer"]["id"]


async def upstream_received(service: RunningService, path_part: str, count: int) -> None:
    """Wait until commercetools has received `count` calls whose path contains `path_part`."""
    for _ in range(2000):
        if sum(path_part in path for _, path in service.emulator.request_log) >= count:
            return
        await asyncio.sleep(0.01)
    raise AssertionError(f"commercetools never saw {count} calls to {path_part}")


@pytest.mark.parametrize("many_accounts", [False, True], ids=["one-account", "one-address"])
async def test_parallel_guesses_never_pass_the_limit(
    throttled: RunningService, client: Browser, many_accounts: bool
) -> None:
    """40 guesses at once, the right password among the later ones. The first guesses are still
    at commercetools (slowed down here) when the others arrive, so a failure counted only after
    its answer would let every guess through; each attempt is reserved before the upstream call,
    so exactly the limit is tried: per account (3), or per client address (6)."""
    limit = 6 if many_accounts else 3
    attacker = "203.0.113.60"

    def guess(n: int, *, right: bool = False) -> asyncio.Task[GraphQLResult]:
        email = DEMO_EMAIL if right or not many_accounts else f"victim{n}@example.com"
        password = DEMO_PASSWORD if right else f"Wrong-{n}-passw0rd"
        return asyncio.create_task(gql_from(client, attacker, SIGN_IN, {"e": email, "p": password}))

    throttled.emulator.faults.configure(latency_ms=1000)
    throttled.emulator.clear_request_log()
    first = [guess(n) for n in range(limit)]
    await upstream_received(throttled, "/customers/token", limit)
    later = [guess(n, right=n % 5 == 0) for n in range(limit, 40)]
    results = await asyncio.gather(*first, *later)

    assert not any(((result.data or {}).get("signIn") or {}).get("customer") for result in results)
    codes = [result.codes for result in results]
    assert codes.count(["INVALID_CREDENTIALS"]) == limit
    assert codes.count(["TOO_MANY_REQUESTS"]) == 40 - limit
    assert client.cookie() is None


async def test_forwarded_for_is_ignored_unless_the_proxy_is_trusted(
    start_service: Callable[..., RunningService],
) -> None:
    service = start_service(throttle_max_failures_per_address=3, credential_failure_min_seconds=0)
    async with service.browser() as browser:
        for n in range(3):
            await gql_from(
                browser, f"198.51.100.{n}", SIGN_IN, {"e": f"v{n}@example.com", "p": "x"}
            )
        # Each request claimed another address: without TRUSTED_PROXIES all count for the peer.
        result = await gql_from(
            browser, "198.51.100.99", SIGN_IN, {"e": "v9@example.com", "p": "x"}
        )
        assert result.error_codes == ["TOO_MANY_REQUESTS"]


async def test_sign_up_cannot_enumerate_accounts_in_bulk(
    throttled: RunningService, client: Browser
) -> None:
    taken = {"email": DEMO_EMAIL, "password": "Some-Passw0rd"}
    for _ in range(6):
        assert (await gql_from(client, "203.0.113.7", SIGN_UP, {"i": taken})).codes == ["TAKEN"]
    fresh = {"email": "fresh@example.com", "password": "Some-Passw0rd"}
    stopped = await gql_from(client, "203.0.113.7", SIGN_UP, {"i": fresh})
    assert stopped.error_codes == ["TOO_MANY_REQUESTS"]


async def test_reset_requests_never_lock_sign_in_and_mail_once_per_interval(
    throttled: RunningService, client: Browser, tmp_path: Path
) -> None:
    """Asking for someone's reset link, however often and from wherever, neither locks them out
    of signing in nor floods their inbox; known and unknown addresses are answered alike."""
    outbox = tmp_path / "outbox"
    for email in (UNKNOWN_EMAIL, DEMO_EMAIL):
        for n in range(6):
            answer = await gql_from(client, f"192.0.2.{n}", REQUEST_RESET, {"e": email})
            assert answer.ok() == {"requestPasswordReset": {"userErrors": []}}
    (await sign_in(client, DEMO_EMAIL, DEMO_PASSWORD)).ok()
    # Mail leaves in the background: wait for one, then make sure no second follows.
    await wait_for_mails(outbox, 1)
    await asyncio.sleep(0.2)
    assert len(read_outbox(outbox)) == 1
    throttled.clock.advance(throttled.settings.security.password_reset_mail_interval_seconds + 1)
    (await gql_from(client, "192.0.2.99", REQUEST_RESET, {"e": DEMO_EMAIL})).ok()
    await wait_for_mails(outbox, 2)


async def test_reset_requests_have_their_own_budget_per_client_address(
    start_service: Callable[..., RunningService], tmp_path: Path
) -> None:
    service = start_service(
        password_reset_max_requests_per_address=4,
        credential_failure_min_seconds=0,
        mail_outbox_dir=tmp_path / "outbox",
        trusted_proxies="127.0.0.1",
    )
    async with service.browser() as browser:
        for n in range(4):
            asked = await gql_from(
                browser, "203.0.113.8", REQUEST_RESET, {"e": f"r{n}@example.com"}
            )
            assert asked.ok() == {"requestPasswordReset": {"userErrors": []}}
        stopped = await gql_from(browser, "203.0.113.8", REQUEST_RESET, {"e": DEMO_EMAIL})
        assert stopped.error_codes == ["TOO_MANY_REQUESTS"]
        # Signing in from that address is another budget.
        signed_in = await gql_from(
            browser, "203.0.113.8", SIGN_IN, {"e": DEMO_EMAIL, "p": DEMO_PASSWORD}
        )
        assert signed_in.ok()["signIn"]["customer"]["id"]


async def test_guessing_reset_tokens_is_throttled_per_address(
    throttled: RunningService, client: Browser
) -> None:
    for n in range(6):
        result = await gql_from(
            client, "203.0.113.5", RESET, {"t": f"guess-{n}", "n": "New-Passw0rd"}
        )
        assert result.codes == ["TOKEN_INVALID"]
    stopped = await gql_from(client, "203.0.113.5", RESET, {"t": "guess-x", "n": "New-Passw0rd"})
    assert stopped.error_codes == ["TOO_MANY_REQUESTS"]


async def test_a_borrowed_session_cannot_guess_the_current_password(
    throttled: RunningService, client: Browser
) -> None:
    (await sign_in(client, DEMO_EMAIL, DEMO_PASSWORD)).ok()
    for n in range(3):
        wrong = await client.gql(CHANGE_PASSWORD, {"c": f"Guess-{n}-pass", "n": "New-Passw0rd1"})
        assert wrong.codes == ["WRONG_CURRENT_PASSWORD"]
    stopped = await client.gql(CHANGE_PASSWORD, {"c": DEMO_PASSWORD, "n": "New-Passw0rd1"})
    assert stopped.error_codes == ["TOO_MANY_REQUESTS"]


async def test_failed_sign_ins_take_at_least_the_configured_time(
    start_service: Callable[..., RunningService],
) -> None:
    """A floor, not a comparison: see bench/signin_timing.py for the measured distributions."""
    service = start_service(credential_failure_min_seconds=0.2)
    async with service.browser() as browser:
        for email in (DEMO_EMAIL, UNKNOWN_EMAIL):
            started = time.perf_counter()
            assert (await sign_in(browser, email, "Wrong-Passw0rd")).codes == [
                "INVALID_CREDENTIALS"
            ]
            assert time.perf_counter() - started >= 0.2


@pytest.mark.parametrize(
    ("peer", "forwarded", "trusted", "expected"),
    [
        ("203.0.113.1", None, "", "203.0.113.1"),
        ("203.0.113.1", "198.51.100.7", "", "203.0.113.1"),
        ("10.0.0.2", "198.51.100.7", "10.0.0.0/8", "198.51.100.7"),
        # The client wrote the left part itself; our proxies appended the right part.
        ("10.0.0.2", "1.2.3.4, 198.51.100.7, 10.0.0.3", "10.0.0.0/8", "198.51.100.7"),
        ("10.0.0.2", "garbage, 198.51.100.7", "10.0.0.0/8", "198.51.100.7"),
        ("10.0.0.2", "198.51.100.7, garbage", "10.0.0.0/8", "10.0.0.2"),
        ("10.0.0.2", "[2001:db8::5]:443", "10.0.0.0/8", "2001:db8::5"),
        ("10.0.0.2", None, "10.0.0.0/8", "10.0.0.2"),
    ],
)
def test_the_client_address_behind_trusted_proxies(
    peer: str, forwarded: str | None, trusted: str, expected: str
) -> None:
    headers = [(b"x-forwarded-for", forwarded.encode())] if forwarded else []
    scope = {"type": "http", "client": (peer, 5000), "headers": headers}
    assert client_ip(scope, parse_networks(trusted)) == expected
