"""Sessions kept in the browser's cookie, encrypted and authenticated (Fernet, AES-128-CBC +
HMAC-SHA256). Nothing inside is readable or forgeable without one of the server's keys."""

from __future__ import annotations

import base64
import json
from functools import lru_cache
from typing import Any

import orjson
from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from app.session.store import StoredSession

_KEY_INFO = b"ctp-bff session cookie v1"
# Cookies whose decryption is kept: a browser's next request most often brings the cookie of its
# last one unchanged, and decrypting it again is ~4 % of a `cart` query's CPU. An entry is the
# cookie and its plain text, ~1-2 KiB: a few MiB at most.
DECRYPTED_COOKIES_KEPT = 4096


def derive_fernet_key(secret: str) -> bytes:
    """Operators configure free-form secrets; Fernet wants exactly 32 random-looking bytes."""
    hkdf = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=_KEY_INFO)
    return base64.urlsafe_b64encode(hkdf.derive(secret.encode()))


class EncryptedCookieStore:
    def __init__(self, secrets: list[str]) -> None:
        if not secrets:
            raise ValueError("at least one session secret is needed")
        # The first key encrypts; all of them decrypt, so a rotated-out key keeps old cookies alive.
        fernet = MultiFernet([Fernet(derive_fernet_key(secret)) for secret in secrets])
        self._fernet = fernet
        # The same cookie always decrypts to the same text (no Fernet TTL is used: the session's
        # own times decide expiry, read from the text on every request), so a kept answer is
        # the answer. Refused cookies raise and are not kept.
        self._decrypt = lru_cache(maxsize=DECRYPTED_COOKIES_KEPT)(fernet.decrypt)

    async def load(self, cookie_value: str) -> StoredSession | None:
        try:
            plain = self._decrypt(cookie_value.encode("ascii"))
            record = _parse(plain)
        except (InvalidToken, UnicodeError, ValueError):
            return None
        return _from_record(record)

    async def save(self, session: StoredSession, *, replaces: str | None) -> str:
        record = {
            "i": session.session_id,
            "c": session.created_at,
            "s": session.last_seen_at,
            "d": session.data,
        }
        plain = json.dumps(record, separators=(",", ":")).encode()
        return self._fernet.encrypt(plain).decode("ascii")

    async def discard(self, session_id: str) -> None:
        # The cookie is the only copy; clearing the cookie is all there is to do.
        return None


def _parse(plain: bytes) -> Any:
    # orjson reads what json wrote 3-5x faster; what it refuses at the edges (integers beyond
    # 64 bits, lone surrogates), json decides.
    try:
        return orjson.loads(plain)
    except orjson.JSONDecodeError:
        return json.loads(plain)


def _from_record(record: Any) -> StoredSession | None:
    if not isinstance(record, dict):
        return None
    session_id, created, seen, data = (record.get(k) for k in ("i", "c", "s", "d"))
    if not isinstance(session_id, str) or not isinstance(data, dict):
        return None
    if not isinstance(created, int | float) or not isinstance(seen, int | float):
        return None
    return StoredSession(session_id, float(created), float(seen), data)
