"""Redacts what looks like a secret from log text: the safety net behind code that should not
log secrets in the first place.

Caught: values after password/token/secret/cookie/session/authorization-like names (`key=value`,
`"key": "value"`), `Bearer`/`Basic` credentials, Fernet tokens (the session cookie's format),
JWTs, passwords in URLs (`redis://:secret@host`, `smtp://user:secret@host`), and
card-number-like digit runs that pass the Luhn check.
"""

from __future__ import annotations

import re
from urllib.parse import unquote_plus

MASK = "[REDACTED]"

_SENSITIVE_NAME = (
    r"[\w-]*(?:passw(?:or)?d|secret|token|cookie|authorization|api[_-]?key|credential"
    r"|cvc|cvv|card[_-]?number|refresh|session)[\w-]*"
)
_KEY_VALUE = re.compile(
    rf"""(?P<key>["']?{_SENSITIVE_NAME}["']?\s*[:=]\s*)"""
    r"""(?P<value>"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'|[^\s,;&)}\]]+)""",
    re.IGNORECASE,
)
_AUTH_SCHEME = re.compile(r"\b(Bearer|Basic)\s+[A-Za-z0-9._~+/=-]{8,}", re.IGNORECASE)
_URL_PASSWORD = re.compile(r"(?P<head>\b[a-z][a-z0-9+.-]*://[^/\s:@]*:)[^@\s/]+(?=@)", re.I)
_FERNET = re.compile(r"gAAAAA[A-Za-z0-9_=-]{20,}")
_JWT = re.compile(r"\beyJ[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]*")
_CARD = re.compile(r"(?<![\d.])(?:\d[ -]?){12,18}\d(?![\d.])")


def _luhn(digits: str) -> bool:
    total = 0
    for index, char in enumerate(reversed(digits)):
        value = int(char)
        if index % 2 == 1:
            value = value * 2 - 9 if value > 4 else value * 2
        total += value
    return total % 10 == 0


def _card(match: re.Match[str]) -> str:
    digits = re.sub(r"[ -]", "", match.group(0))
    return MASK if 13 <= len(digits) <= 19 and _luhn(digits) else match.group(0)


def _key_value(match: re.Match[str]) -> str:
    value = match.group("value")
    quote = value[0] if value[:1] in ("'", '"') else ""
    return f"{match.group('key')}{quote}{MASK}{quote}"


def redact(text: str) -> str:
    cleaned = _redact(text)
    if "%" in cleaned:
        # A URL-encoded secret (e.g. a query string with JSON variables) hides from the
        # patterns: check the decoded form too, and log that one if it needed masking.
        decoded = unquote_plus(cleaned)
        masked = _redact(decoded)
        if masked != decoded:
            return masked
    return cleaned


def _redact(text: str) -> str:
    text = _AUTH_SCHEME.sub(lambda m: f"{m.group(1)} {MASK}", text)
    text = _URL_PASSWORD.sub(lambda m: f"{m.group('head')}{MASK}", text)
    text = _KEY_VALUE.sub(_key_value, text)
    text = _FERNET.sub(MASK, text)
    text = _JWT.sub(MASK, text)
    return _CARD.sub(_card, text)
