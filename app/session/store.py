"""Where a session's record lives between requests, behind one small interface."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Protocol


class SessionStoreUnavailable(Exception):
    """The store could not be reached: the request cannot know or keep its session."""


@dataclass(slots=True)
class StoredSession:
    """One browser's session as kept by a store."""

    session_id: str
    created_at: float
    last_seen_at: float
    data: dict[str, Any]


class SessionStore(Protocol):
    async def load(self, cookie_value: str) -> StoredSession | None:
        """The session a cookie stands for, or None for anything unknown or unreadable."""
        ...

    async def save(self, session: StoredSession, *, replaces: str | None) -> str:
        """Persist and return the cookie value; `replaces` is a session id to retire."""
        ...

    async def discard(self, session_id: str) -> None: ...
