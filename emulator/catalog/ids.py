"""Deterministic identifiers and timestamps for the demo catalog.

Every id is a uuid5 of a fixed namespace and a readable name ("product:tshirt-classic"), so the
same id comes out of every run on every machine: tests, fixtures and storefront developers can
hard-code them. Timestamps are fixed too, so `createdAt` sorting is stable.
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

NAMESPACE = uuid.uuid5(uuid.NAMESPACE_URL, "https://ctp-bff.invalid/emulator/demo-catalog")

# The demo catalog "was created" from this moment on, one resource a few hours after another.
EPOCH = datetime(2025, 1, 6, 9, 0, 0, tzinfo=UTC)

_ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"


def resource_id(kind: str, key: str) -> str:
    """The uuid of the demo resource of this kind ("product", "category", ...) and key."""
    return str(uuid.uuid5(NAMESPACE, f"{kind}:{key}"))


def short_id(kind: str, key: str) -> str:
    """An 8-character id, the form commercetools gives embedded objects such as TaxRates."""
    number = uuid.uuid5(NAMESPACE, f"{kind}:{key}").int
    chars = []
    for _ in range(8):
        number, digit = divmod(number, len(_ALPHABET))
        chars.append(_ALPHABET[digit])
    return "".join(chars)


def timestamp(offset_hours: float) -> str:
    """commercetools' DateTime format: ISO 8601 UTC with milliseconds and a Z."""
    moment = EPOCH + timedelta(hours=offset_hours)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"
