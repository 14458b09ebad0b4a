"""POST /graphql takes application/json only: 415 for anything else.

Ariadne would try to parse multipart/form-data (GraphQL file uploads) with a library this
service does not install, and fail with a 500; the schema has no uploads, so nothing is lost by
refusing them up front. (Simple-request types without a CSRF header never get this far.)
"""

from __future__ import annotations

from app.asgi import ASGIApp, Receive, Scope, Send
from app.asgi.responses import header, send_error


class JsonBodiesOnly:
    def __init__(self, app: ASGIApp) -> None:
        self._app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scope.get("method") == "POST":
            media_type = (header(scope, b"content-type") or "").split(";", 1)[0].strip().lower()
            if media_type != "application/json":
                await send_error(
                    send,
                    415,
                    "UNSUPPORTED_MEDIA_TYPE",
                    "Send GraphQL requests as application/json.",
                )
                return
        await self._app(scope, receive, send)
