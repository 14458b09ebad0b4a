"""Builds the configured session store (SESSION_STORE) and what can end sessions."""

from __future__ import annotations

from typing import Any

from app.clock import Clock
from app.session.cookie_store import EncryptedCookieStore
from app.session.revocation import CookieSessionRevoker, CustomerSessionRevoker
from app.session.store import SessionStore
from app.settings import Settings


def build_redis(settings: Settings) -> Any:
    """The Redis client, or None when sessions live in cookies."""
    if settings.session.store != "redis" or settings.session.redis_url is None:
        return None
    from redis.asyncio import Redis

    return Redis.from_url(
        settings.session.redis_url.get_secret_value(),
        socket_connect_timeout=settings.upstream.connect_timeout_seconds,
        socket_timeout=settings.upstream.read_timeout_seconds,
        health_check_interval=30,
    )


def build_session_store(
    settings: Settings, secrets: list[str], redis: Any, clock: Clock
) -> SessionStore:
    if redis is None:
        return EncryptedCookieStore(secrets)
    # Imported only when used: the Redis client library adds ~0.1 s to every start-up.
    from app.session.redis_store import RedisSessionStore

    return RedisSessionStore(
        redis,
        idle_timeout_seconds=settings.session.idle_timeout_seconds,
        absolute_timeout_seconds=settings.session.absolute_timeout_seconds,
        clock=clock,
    )


def build_session_revoker(store: SessionStore) -> CustomerSessionRevoker:
    """A store that keeps sessions server-side can end them; the cookie store cannot."""
    if isinstance(store, EncryptedCookieStore):
        return CookieSessionRevoker()
    revoker: CustomerSessionRevoker = store  # type: ignore[assignment]
    return revoker
