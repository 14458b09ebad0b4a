"""Who is shopping where, as far as one HTTP request tells: the language the browser prefers,
and the shop's default currency and country."""

from __future__ import annotations

from dataclasses import dataclass

from app.asgi import Scope
from app.asgi.responses import header
from app.models import Shopper

# Longer tags are not language tags (BCP 47 allows 35 characters in practice).
_MAX_TAG_LENGTH = 35
# A header with more languages than this is not a browser's: reading on costs only time.
_MAX_LANGUAGES = 10


def preferred_locale(accept_language: str | None, default: str) -> str:
    """The first language of an Accept-Language header, e.g. "de-DE,de;q=0.9" -> "de-DE"."""
    if not accept_language:
        return default
    best, best_q = default, -1.0
    for part in accept_language.split(",")[:_MAX_LANGUAGES]:
        tag, _, params = part.strip().partition(";")
        tag = tag.strip()
        if not tag or tag == "*" or len(tag) > _MAX_TAG_LENGTH:
            continue
        q = 1.0
        if params.strip().startswith("q="):
            try:
                q = float(params.strip()[2:])
            except ValueError:
                continue
        if q > best_q:
            best, best_q = tag, q
    return best


@dataclass(frozen=True, slots=True)
class ShopDefaults:
    locale: str
    currency: str
    country: str

    def shopper_for(self, scope: Scope) -> Shopper:
        return Shopper(
            locale=preferred_locale(header(scope, b"accept-language"), self.locale),
            currency=self.currency,
            country=self.country,
        )
