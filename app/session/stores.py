"""Builds the configured session store (SESSION_STORE), the records of ended sessions, and
what ends a customer's sessions.

REDIS_URL alone makes Redis the place for what instances share (ended sessions, the throttle,
the webhook ledger); SESSION_STORE=redis also keeps the sessions themselves there.
"""

from __future__ import annotations

from typing import Any

from app.clock import Clock
from app.session.cookie_store import EncryptedCookieStore
from app.session.revocation import (
    CustomerSessionRevoker,
    EndStoredSessionsToo,
    RevocationRecords,
    SessionRevocations,
)
from app.session.revocation_records import InMemoryRevocationRecords
from app.session.store import SessionStore
from app.settings import Settings


def build_redis(settings: Settings) -> Any:
    """The Redis client, or None when REDIS_URL is not set."""
    if settings.session.redis_url is None:
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
    if settings.session.store != "redis":
        return EncryptedCookieStore(secrets)
    # Imported only when used: the Redis client library adds ~0.1 s to every start-up.
    from app.session.redis_store import RedisSessionStore

    return RedisSessionStore(
        redis,
        idle_timeout_seconds=settings.session.idle_timeout_seconds,
        absolute_timeout_seconds=settings.session.absolute_timeout_seconds,
        clock=clock,
    )


def build_session_revocations(settings: Settings, redis: Any, clock: Clock) -> SessionRevocations:
    records: RevocationRecords
    if redis is None:
        records = InMemoryRevocationRecords(clock=clock)
    else:
        from app.session.redis_revocation_records import RedisRevocationRecords

        records = RedisRevocationRecords(redis)
    return SessionRevocations(
        records,
        check_every_seconds=settings.session.revocation_check_seconds,
        longest_session_seconds=settings.session.absolute_timeout_seconds,
        clock=clock,
    )


def build_session_revoker(
    store: SessionStore, revocations: SessionRevocations
) -> CustomerSessionRevoker:
    """Refusing sessions begun before the change works for every store; a store that keeps
    sessions server-side also deletes them at once."""
    if isinstance(store, EncryptedCookieStore):
        return revocations
    server_side: CustomerSessionRevoker = store  # type: ignore[assignment]
    return EndStoredSessionsToo(revocations, server_side)
