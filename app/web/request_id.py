"""A request id for every request: on every log line written while serving it and in the
`X-Request-ID` response header, so a shopper's report can be matched with the logs.

An incoming `X-Request-ID` (set by a load balancer or the storefront) is kept when it looks
like an id; anything else — too long, odd characters, a line break meant to forge log lines —
is replaced by a fresh one.
"""

from __future__ import annotations

import re
import uuid
from contextvars import ContextVar

from app.asgi import ASGIApp, Message, Receive, Scope, Send
from app.asgi.responses import header

HEADER = b"x-request-id"
_SANE = re.compile(r"[A-Za-z0-9][A-Za-z0-9._:/+=-]{0,127}")

# "-" outside a request (start-up, background work not started by one).
current_request_id: ContextVar[str] = ContextVar("request_id", default="-")


def accept_or_generate(incoming: str | None) -> str:
    if incoming is not None and _SANE.fullmatch(incoming):
        return incoming
    return uuid.uuid4().hex


class RequestIdMiddleware:
    def __init__(self, app: ASGIApp) -> None:
        self._app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self._app(scope, receive, send)
            return
        request_id = accept_or_generate(header(scope, HEADER))
        token = current_request_id.set(request_id)

        async def send_with_id(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = [(k, v) for k, v in message.get("headers", []) if k.lower() != HEADER]
                headers.append((HEADER, request_id.encode("latin-1")))
                message = {**message, "headers": headers}
            await send(message)

        try:
            await self._app(scope, receive, send_with_id)
        finally:
            current_request_id.reset(token)
