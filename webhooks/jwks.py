"""Signing keys for Pub/Sub OIDC tokens: a JWKS file (offline; what tests use), or Google's
published keys fetched over HTTPS and cached.

A remote source refetches when its cache expires (Cache-Control max-age, bounded) or when a
token names a key it does not know, at most once a minute so that made-up key ids cannot make
it hammer Google.
"""

from __future__ import annotations

import asyncio
import json
import logging
import re
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any, Protocol

import jwt

log = logging.getLogger(__name__)

_MIN_TTL, _DEFAULT_TTL, _MAX_TTL = 300.0, 3600.0, 86_400.0
_UNKNOWN_KID_REFETCH_SECONDS = 60.0
_FETCH_TIMEOUT_SECONDS = 3.0
_MAX_AGE = re.compile(r"max-age=(\d+)")


class KeySource(Protocol):
    async def key(self, kid: str | None) -> jwt.PyJWK | None: ...


def parse_jwks(document: Any) -> dict[str | None, jwt.PyJWK]:
    """Signing keys by kid; keys of other uses or unsupported types are skipped."""
    keys: dict[str | None, jwt.PyJWK] = {}
    for entry in jwt.PyJWKSet.from_dict(document).keys:
        if entry.public_key_use in (None, "sig"):
            keys[entry.key_id] = entry
    return keys


class FileKeySource:
    """Keys read once from a JWKS file (e.g. PUBSUB_JWKS_FILE); a bad file fails at start-up."""

    def __init__(self, path: Path) -> None:
        try:
            self._keys = parse_jwks(json.loads(path.read_text()))
        except (OSError, ValueError, jwt.PyJWTError) as exc:
            raise ValueError(f"PUBSUB_JWKS_FILE {path} is not a readable JWKS: {exc}") from exc

    async def key(self, kid: str | None) -> jwt.PyJWK | None:
        return self._keys.get(kid)


class RemoteKeySource:
    def __init__(
        self,
        url: str,
        *,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._url = url
        self._clock = clock
        self._keys: dict[str | None, jwt.PyJWK] = {}
        self._expires_at = 0.0
        self._fetched_at: float | None = None
        self._lock = asyncio.Lock()

    async def key(self, kid: str | None) -> jwt.PyJWK | None:
        if self._clock() >= self._expires_at or (kid not in self._keys and self._may_refetch()):
            async with self._lock:
                # Whoever waited finds the keys the first caller just fetched.
                if self._clock() >= self._expires_at or (
                    kid not in self._keys and self._may_refetch()
                ):
                    await self._refresh()
        return self._keys.get(kid)

    def _may_refetch(self) -> bool:
        return (
            self._fetched_at is None
            or self._clock() - self._fetched_at >= _UNKNOWN_KID_REFETCH_SECONDS
        )

    async def _refresh(self) -> None:
        self._fetched_at = self._clock()
        try:
            document, cache_control = await self._get()
            keys = parse_jwks(document)
        except (OSError, ValueError, jwt.PyJWTError) as exc:
            # Keep the keys we had: Google rotates slowly, an outage should not lock us out.
            log.warning("could not fetch Pub/Sub signing keys from %s: %s", self._url, exc)
            self._expires_at = self._clock() + _MIN_TTL / 10
            return
        self._keys = keys
        self._expires_at = self._clock() + _ttl(cache_control)

    async def _get(self) -> tuple[Any, str]:
        """The JWKS document and its Cache-Control. A rare call with a session of its own; the
        client is imported here, so that a demo's start-up does not load it for this."""
        import aiohttp

        timeout = aiohttp.ClientTimeout(total=_FETCH_TIMEOUT_SECONDS)
        try:
            async with (
                aiohttp.ClientSession(timeout=timeout) as session,
                session.get(self._url, raise_for_status=True, allow_redirects=False) as response,
            ):
                document = json.loads(await response.read())
                return document, response.headers.get("Cache-Control", "")
        except (aiohttp.ClientError, TimeoutError) as exc:
            raise OSError(f"{type(exc).__name__}: {exc}") from exc


def _ttl(cache_control: str) -> float:
    found = _MAX_AGE.search(cache_control)
    seconds = float(found.group(1)) if found else _DEFAULT_TTL
    return min(max(seconds, _MIN_TTL), _MAX_TTL)
