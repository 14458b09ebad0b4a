"""Who is shopping where, as far as one HTTP request tells: the languages the browser prefers,
and the shop's configured defaults (the request context adds the session's shopper context and
what the project and store allow: app/request_context.py)."""

from __future__ import annotations

import functools
from dataclasses import dataclass

from app.asgi import Scope
from app.asgi.responses import header

# Longer tags are not language tags (BCP 47 allows 35 characters in practice).
_MAX_TAG_LENGTH = 35
# A header with more languages than this is not a browser's: reading on costs only time.
_MAX_LANGUAGES = 10


# A browser sends the same header on every request, and browsers send a handful of them.
@functools.lru_cache(maxsize=256)
def accepted_languages(accept_language: str | None) -> tuple[str, ...]:
    """The languages of an Accept-Language header, most wanted first (equal weights keep their
    order): "de-DE,de;q=0.9,en;q=0.5" -> ("de-DE", "de", "en")."""
    if not accept_language:
        return ()
    weighted: list[tuple[float, int, str]] = []
    for index, part in enumerate(accept_language.split(",")[:_MAX_LANGUAGES]):
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
        if q > 0:
            weighted.append((-q, index, tag))
    return tuple(tag for _, _, tag in sorted(weighted))


@dataclass(frozen=True, slots=True)
class ShopDefaults:
    """The configured defaults: DEFAULT_LOCALE, DEFAULT_CURRENCY, DEFAULT_COUNTRY, STORE_KEY,
    and the stores a shopper may switch to (STORE_KEYS)."""

    locale: str
    currency: str
    country: str
    store_key: str | None = None
    store_keys: tuple[str, ...] = ()

    def accepted(self, scope: Scope) -> tuple[str, ...]:
        return accepted_languages(header(scope, b"accept-language"))
