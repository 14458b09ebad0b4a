"""CtpSession on its own: the seed's data and behaviour, and its stored record."""

from __future__ import annotations

import pytest

from app.session.ctp_session import CtpAuthToken, CtpSession
from tests.support.clock import FakeClock


def token(expires: float, refresh: str | None = "r1") -> CtpAuthToken:
    return CtpAuthToken(access_token="a1", expiration_time=expires, refresh_token=refresh)


def test_a_new_session_is_empty_and_unchanged() -> None:
    session = CtpSession()
    assert (session.token, session.customer_id, session.cart_id, session.last_order_id) == (
        None,
        None,
        None,
        None,
    )
    assert not session.changed
    assert not session.has_valid_token()


def test_has_valid_token_compares_expiration_with_now() -> None:
    clock = FakeClock(start=1_000.0)
    session = CtpSession(clock)
    session.token = token(expires=1_060.0)
    assert session.has_valid_token()
    clock.advance(61)
    assert not session.has_valid_token()


def test_customer_id_is_set_only_through_signin() -> None:
    session = CtpSession()
    with pytest.raises(AttributeError, match="signin"):
        session.customer_id = "c1"
    session.signin(token(expires=2e9), "c1")
    assert session.customer_id == "c1"
    assert session.token == token(expires=2e9)
    assert session.rotate_id and session.changed


def test_setters_mark_the_session_changed_only_on_a_real_change() -> None:
    session = CtpSession()
    session.cart_id = "cart-1"
    assert session.changed
    restored = CtpSession()
    restored.load_record(session.to_record())
    restored.cart_id = "cart-1"
    assert not restored.changed
    restored.last_order_id = "order-1"
    assert restored.changed


def test_clear_forgets_everything_and_asks_for_a_new_id() -> None:
    session = CtpSession()
    session.signin(token(expires=2e9), "c1")
    session.cart_id = "cart-1"
    session.last_order_id = "o1"
    session.clear()
    assert session.to_record() == {}
    assert session.customer_id is None and session.token is None
    assert session.rotate_id


def test_record_round_trip_keeps_every_field() -> None:
    session = CtpSession()
    session.signin(token(expires=1234.5, refresh=None), "c1")
    session.cart_id = "cart-1"
    session.last_order_id = "o1"
    restored = CtpSession()
    restored.load_record(session.to_record())
    assert restored.token == CtpAuthToken("a1", 1234.5, None)
    assert (restored.customer_id, restored.cart_id, restored.last_order_id) == (
        "c1",
        "cart-1",
        "o1",
    )


@pytest.mark.parametrize(
    "record",
    [
        {"t": "not-a-token", "ca": "cart-1"},
        {"t": {"a": 1, "e": "soon"}, "ca": "cart-1"},
        {"t": {"a": "x", "e": 1, "r": 5}, "ca": "cart-1"},
        {"ca": "cart-1", "unknown": {"x": 1}},
    ],
)
def test_malformed_values_are_dropped_not_fatal(record: dict[str, object]) -> None:
    session = CtpSession()
    session.load_record(record)
    assert session.token is None
    assert session.cart_id == "cart-1"


def test_a_subclass_extends_the_session_with_one_line() -> None:
    from app.session.ctp_session import SessionField

    class ExtendedSession(CtpSession):
        wishlist_id = SessionField[str]("w")

    session = ExtendedSession()
    session.wishlist_id = "list-1"
    session.cart_id = "cart-1"
    restored = ExtendedSession()
    restored.load_record(session.to_record())
    assert restored.wishlist_id == "list-1" and restored.cart_id == "cart-1"
