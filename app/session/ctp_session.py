"""CtpSession: what the BFF remembers about one browser (docs/session.md).

Fields are `SessionField` descriptors so that the stored record, change tracking and extension
(a new field is one line in a subclass) all follow from the class definition.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any, Generic, TypeVar, overload

from app.clock import Clock

T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class CtpAuthToken:
    """A commercetools customer or anonymous token. `expiration_time` is in epoch seconds."""

    access_token: str
    expiration_time: float
    refresh_token: str | None = None

    def to_record(self) -> dict[str, Any]:
        record: dict[str, Any] = {"a": self.access_token, "e": self.expiration_time}
        if self.refresh_token is not None:
            record["r"] = self.refresh_token
        return record

    @classmethod
    def from_record(cls, record: Any) -> CtpAuthToken:
        if not isinstance(record, dict):
            raise ValueError("token record must be an object")
        access, expires, refresh = record.get("a"), record.get("e"), record.get("r")
        if not isinstance(access, str) or not isinstance(expires, int | float):
            raise ValueError("token record lacks access token or expiry")
        if refresh is not None and not isinstance(refresh, str):
            raise ValueError("refresh token must be a string")
        return cls(access_token=access, expiration_time=float(expires), refresh_token=refresh)


def _plain(value: Any) -> Any:
    return value


def _string(record: Any) -> str:
    if not isinstance(record, str):
        raise ValueError("expected a string")
    return record


class SessionField(Generic[T]):
    """One value of the session, stored under a short key in the session record.

    `to_record`/`from_record` convert between the Python value and JSON; `from_record` raises
    ValueError on anything it does not recognise, and the field then reads as unset.
    Assigning marks the session changed, so it is written back at the end of the request.
    """

    def __init__(
        self,
        key: str,
        *,
        to_record: Callable[[T], Any] = _plain,
        from_record: Callable[[Any], T] = _string,  # type: ignore[assignment]
        read_only: bool = False,
    ) -> None:
        self.key = key
        self.to_record = to_record
        self.from_record = from_record
        self.read_only = read_only
        self.name = key

    def __set_name__(self, owner: type, name: str) -> None:
        self.name = name

    @overload
    def __get__(self, session: None, owner: type) -> SessionField[T]: ...
    @overload
    def __get__(self, session: CtpSession, owner: type) -> T | None: ...
    def __get__(self, session: CtpSession | None, owner: type) -> SessionField[T] | T | None:
        if session is None:
            return self
        value: T | None = session._values.get(self.key)
        return value

    def __set__(self, session: CtpSession, value: T | None) -> None:
        if self.read_only:
            raise AttributeError(f"CtpSession.{self.name} can only be set through signin()")
        session._put(self.key, value)


class CtpSession:
    """The session of one browser, request-scoped: one instance per GraphQL request.

    Read: `session.token`, `.customer_id`, `.cart_id`, `.last_order_id`.
    Mutate: assign `token`, `cart_id`, `last_order_id`; `signin()`; `clear()`.
    """

    token = SessionField[CtpAuthToken](
        "t", to_record=CtpAuthToken.to_record, from_record=CtpAuthToken.from_record
    )
    customer_id = SessionField[str]("c", read_only=True)
    cart_id = SessionField[str]("ca")
    last_order_id = SessionField[str]("o")

    def __init__(self, clock: Clock = time.time) -> None:
        self._clock = clock
        self._values: dict[str, Any] = {}
        self.changed = False
        # Set when the browser's privilege changes: the store must then issue a new session id.
        self.rotate_id = False

    # -- behaviour of the seed -------------------------------------------------------------
    def signin(self, token: CtpAuthToken, customer_id: str) -> None:
        self._put(CtpSession.token.key, token)
        self._put(CtpSession.customer_id.key, customer_id)
        self.rotate_id = True

    def has_valid_token(self) -> bool:
        token = self.token
        return token is not None and token.expiration_time > self._clock()

    def clear(self) -> None:
        if self._values:
            self.changed = True
        self._values = {}
        self.rotate_id = True

    @property
    def is_signed_in(self) -> bool:
        return self.customer_id is not None

    # -- persistence, used by the session middleware ---------------------------------------
    @classmethod
    def fields(cls) -> Mapping[str, SessionField[Any]]:
        return _fields_of(cls)

    def to_record(self) -> dict[str, Any]:
        fields = self.fields()
        return {key: fields[key].to_record(value) for key, value in self._values.items()}

    def load_record(self, record: dict[str, Any]) -> None:
        """Restore from a stored record; unknown keys and malformed values are dropped."""
        values: dict[str, Any] = {}
        for key, field in self.fields().items():
            if key in record and record[key] is not None:
                try:
                    values[key] = field.from_record(record[key])
                except (ValueError, TypeError):
                    continue
        self._values = values
        self.changed = False
        self.rotate_id = False

    def _put(self, key: str, value: Any) -> None:
        current = self._values.get(key)
        if value is None:
            if key in self._values:
                del self._values[key]
                self.changed = True
            return
        if current != value:
            self._values[key] = value
            self.changed = True


_FIELDS: dict[type, Mapping[str, SessionField[Any]]] = {}


def _fields_of(session_class: type[CtpSession]) -> Mapping[str, SessionField[Any]]:
    """A session class's fields, its bases' included: a class's fields are fixed once it is
    defined, and every request reads them twice (load and save)."""
    known = _FIELDS.get(session_class)
    if known is None:
        found: dict[str, SessionField[Any]] = {}
        for klass in reversed(session_class.__mro__):
            for value in vars(klass).values():
                if isinstance(value, SessionField):
                    found[value.key] = value
        known = _FIELDS[session_class] = MappingProxyType(found)
    return known
