"""Reading a cookie from an ASGI scope without a web framework."""

from __future__ import annotations

from app.asgi import Scope


def read_cookie(scope: Scope, name: str) -> str | None:
    for header, value in scope.get("headers", ()):
        if header != b"cookie":
            continue
        for pair in value.decode("latin-1").split(";"):
            key, _, cookie_value = pair.strip().partition("=")
            if key == name and cookie_value:
                found: str = cookie_value.strip('"')
                return found
    return None
