"""Minimal JSON error answers for the guards, shaped like GraphQL errors."""

from __future__ import annotations

import json

from app.asgi import Scope, Send


async def send_error(
    send: Send, status: int, code: str, message: str, *, close: bool = False
) -> None:
    """`close`: the connection cannot carry another request (e.g. a body left half-read)."""
    body = json.dumps({"errors": [{"message": message, "extensions": {"code": code}}]}).encode()
    headers = [
        (b"content-type", b"application/json"),
        (b"content-length", str(len(body)).encode()),
        (b"cache-control", b"no-store"),
    ]
    if close:
        headers.append((b"connection", b"close"))
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})


def header(scope: Scope, name: bytes) -> str | None:
    """A request header's value (names are lower-case in ASGI), or None."""
    for key, value in scope.get("headers", ()):
        if key == name:
            decoded: str = value.decode("latin-1")
            return decoded
    return None
