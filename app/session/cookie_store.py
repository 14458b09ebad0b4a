"""Sessions kept in the browser's cookie, encrypted and authenticated (Fernet, AES-128-CBC +
HMAC-SHA256). Nothing inside is readable or forgeable without one of the server's keys."""

from __future__ import annotations

import base64
import json
from typing import Any

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from app.session.store import StoredSession

_KEY_INFO = b"ctp-bff session cookie v1"


def derive_fernet_key(secret: str) -> bytes:
    """Operators configure free-form secrets; Fernet wants exactly 32 random-looking bytes."""
    hkdf = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=_KEY_INFO)
    return base64.urlsafe_b64encode(hkdf.derive(secret.encode()))


class EncryptedCookieStore:
    def __init__(self, secrets: list[str]) -> None:
        if not secrets:
            raise ValueError("at least one session secret is needed")
        # The first key encrypts; all of them decrypt, so a rotated-out key keeps old cookies alive.
        self._fernet = MultiFernet([Fernet(derive_fernet_key(secret)) for secret in secrets])

    async def load(self, cookie_value: str) -> StoredSession | None:
        try:
            plain = self._fernet.decrypt(cookie_value.encode("ascii"))
            record = json.loads(plain)
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


def _from_record(record: Any) -> StoredSession | None:
    if not isinstance(record, dict):
        return None
    session_id, created, seen, data = (record.get(k) for k in ("i", "c", "s", "d"))
    if not isinstance(session_id, str) or not isinstance(data, dict):
        return None
    if not isinstance(created, int | float) or not isinstance(seen, int | float):
        return None
    return StoredSession(session_id, float(created), float(seen), data)
