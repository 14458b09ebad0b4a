"""Pure ASGI middleware that gives each GraphQL request its CtpSession.

It opens the request's scope (the session and the request context around it, through
`open_request`) *before* the GraphQL layer runs (graphql-core resolves
sibling fields in new tasks, each with a copy of the context: a session created lazily inside a
resolver would be created once per task) and writes it back only when it changed.

A signed-in session that was ended early (sign-out elsewhere with a copy of its cookie, a
password change) loads as no session (app/session/revocation.py); a signed-in session this
request signs out of, or replaces by signing in, is recorded as ended, so no copy of its cookie
works afterwards.
"""

from __future__ import annotations

import logging
import secrets
import time
from collections.abc import Callable

from app.asgi import ASGIApp, Message, Receive, Scope, Send
from app.asgi.cookies import read_cookie
from app.asgi.responses import send_error
from app.clock import Clock
from app.session.cookie_policy import CookiePolicy
from app.session.ctp_session import CtpSession
from app.session.revocation import SessionRevocations
from app.session.store import SessionStore, SessionStoreUnavailable, StoredSession

log = logging.getLogger(__name__)


async def _store_unavailable(send: Send) -> None:
    await send_error(
        send,
        503,
        "SESSION_STORE_UNAVAILABLE",
        "Your session cannot be reached right now; please try again in a moment.",
    )


def new_session_id() -> str:
    return secrets.token_urlsafe(24)


class SessionMiddleware:
    def __init__(
        self,
        app: ASGIApp,
        *,
        store: SessionStore,
        open_request: Callable[[Scope], CtpSession],
        close_request: Callable[[], object],
        cookies: CookiePolicy,
        revocations: SessionRevocations | None = None,
        clock: Clock = time.time,
    ) -> None:
        self._app = app
        self._store = store
        self._revocations = revocations
        self._open_request = open_request
        self._close_request = close_request
        self._cookies = cookies
        self._clock = clock

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self._app(scope, receive, send)
            return
        self._close_request()
        try:
            session = self._open_request(scope)
            try:
                stored = await self._load(scope)
            except SessionStoreUnavailable as exc:
                log.error("session store unavailable on load: %s", exc)
                await _store_unavailable(send)
                return
            if stored is not None:
                session.load_record(stored.data)
            had_cookie = read_cookie(scope, self._cookies.name) is not None
            replaced = False

            async def send_with_cookie(message: Message) -> None:
                nonlocal replaced
                if replaced:
                    return  # the answer was replaced by a 503: drop the original body
                if message["type"] == "http.response.start":
                    try:
                        header = await self._persist(session, stored, had_cookie)
                    except SessionStoreUnavailable as exc:
                        # Answering 200 while forgetting, say, a new guest token would lose
                        # that guest's cart: tell the client to retry instead.
                        log.error("session store unavailable on save: %s", exc)
                        replaced = True
                        await _store_unavailable(send)
                        return
                    if header is not None:
                        headers = list(message.get("headers", []))
                        headers.append((b"set-cookie", header.encode("latin-1")))
                        message = {**message, "headers": headers}
                await send(message)

            await self._app(scope, receive, send_with_cookie)
        finally:
            self._close_request()

    async def _load(self, scope: Scope) -> StoredSession | None:
        cookie = read_cookie(scope, self._cookies.name)
        if cookie is None:
            return None
        stored = await self._store.load(cookie)
        if stored is None:
            return None
        now = self._clock()
        if (
            now - stored.created_at > self._cookies.absolute_timeout_seconds
            or now - stored.last_seen_at > self._cookies.idle_timeout_seconds
        ):
            await self._store.discard(stored.session_id)
            return None
        if self._revocations is not None and await self._revocations.ended(stored):
            await self._store.discard(stored.session_id)
            return None
        return stored

    async def _persist(
        self, session: CtpSession, stored: StoredSession | None, had_cookie: bool
    ) -> str | None:
        """The Set-Cookie header value to send, or None when the cookie can stay as it is."""
        now = self._clock()
        data = session.to_record()
        if not data:
            if stored is not None:
                await self._retire(stored)
                await self._store.discard(stored.session_id)
            # A stale, foreign or emptied cookie is removed rather than sent again forever.
            return self._cookies.delete_cookie() if had_cookie else None
        # Refreshing the idle clock is a write; doing it at most every tenth of the idle window
        # keeps unchanged sessions free of re-encryption on most requests.
        idle_refresh_due = stored is not None and (
            now - stored.last_seen_at > self._cookies.idle_timeout_seconds / 10
        )
        unchanged = not session.changed and not session.rotate_id
        if stored is not None and unchanged and not idle_refresh_due:
            return None
        if stored is None or session.rotate_id:
            fresh = StoredSession(new_session_id(), now, now, data)
            replaces = stored.session_id if stored is not None else None
            if stored is not None:
                await self._retire(stored)
        else:
            fresh = StoredSession(stored.session_id, stored.created_at, now, data)
            replaces = None
        value = await self._store.save(fresh, replaces=replaces)
        return self._cookies.set_cookie(value)

    async def _retire(self, stored: StoredSession) -> None:
        """A signed-in session this browser leaves (sign-out, another sign-in) ends for every
        copy of its cookie, until it would have expired anyway."""
        if self._revocations is None or not stored.data.get(CtpSession.customer_id.key):
            return
        expires_at = min(
            stored.last_seen_at + self._cookies.idle_timeout_seconds,
            stored.created_at + self._cookies.absolute_timeout_seconds,
        )
        await self._revocations.end_session(stored.session_id, expires_at=expires_at)
