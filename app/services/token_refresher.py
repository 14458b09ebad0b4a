"""Refreshes a customer token once, however many parallel requests of the session ask.

A browser fires several requests at once; when its access token has expired each one finds it
expired. They share one refresh (keyed by the refresh token) and, for a short while after, its
result, so a request arriving a moment later does not refresh again.
"""

from __future__ import annotations

import asyncio
import hashlib
import time

from app.clock import Clock
from app.ctp.tokens import IssuedToken, TokenFlows

_REUSE_SECONDS = 30.0


class TokenRefresher:
    def __init__(self, flows: TokenFlows, clock: Clock = time.time) -> None:
        self._flows = flows
        self._clock = clock
        self._in_flight: dict[str, asyncio.Future[IssuedToken]] = {}
        self._recent: dict[str, tuple[float, IssuedToken]] = {}

    async def refresh(self, refresh_token: str) -> IssuedToken:
        key = hashlib.sha256(refresh_token.encode()).hexdigest()
        now = self._clock()
        recent = self._recent.get(key)
        if recent is not None and now - recent[0] < _REUSE_SECONDS and recent[1].expires_at > now:
            return recent[1]
        future = self._in_flight.get(key)
        if future is None:
            future = asyncio.ensure_future(self._flows.refresh(refresh_token))
            self._in_flight[key] = future
            future.add_done_callback(lambda done: self._settle(key, done))
        # shield: one caller being cancelled must not cancel the refresh the others wait on.
        return await asyncio.shield(future)

    def _settle(self, key: str, done: asyncio.Future[IssuedToken]) -> None:
        self._in_flight.pop(key, None)
        if not done.cancelled() and done.exception() is None:
            self._recent[key] = (self._clock(), done.result())
        self._forget_old()

    def _forget_old(self) -> None:
        cutoff = self._clock() - _REUSE_SECONDS
        for key in [k for k, (at, _) in self._recent.items() if at < cutoff]:
            del self._recent[key]
