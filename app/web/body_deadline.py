"""A deadline for receiving a request's whole body: a client that trickles bytes, or promises a
body and sends none, is answered 408 and let go once REQUEST_BODY_TIMEOUT_SECONDS have passed
since its headers, instead of holding a connection and a task for as long as it likes.

Only the body is bounded: once it has arrived, waiting for the client to disconnect is not a
read of ours. (Slow headers never reach the app: the proxy in front bounds them,
docs/deployment.md.)
"""

from __future__ import annotations

import asyncio

from app.asgi import ASGIApp, Message, Receive, Scope, Send
from app.asgi.responses import send_error


class BodyTimedOut(Exception):
    pass


class BodyDeadline:
    def __init__(self, app: ASGIApp, seconds: float) -> None:
        self._app = app
        self._seconds = seconds

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self._app(scope, receive, send)
            return
        deadline = asyncio.get_running_loop().time() + self._seconds
        body_complete = False
        started = False

        async def bounded_receive() -> Message:
            nonlocal body_complete
            if body_complete:
                return await receive()
            try:
                async with asyncio.timeout_at(deadline):
                    message = await receive()
            except TimeoutError:
                raise BodyTimedOut from None
            if message["type"] != "http.request" or not message.get("more_body", False):
                body_complete = True
            return message

        async def tracking_send(message: Message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self._app(scope, bounded_receive, tracking_send)
        except BodyTimedOut:
            if not started:
                await _request_timeout(send, self._seconds)


async def _request_timeout(send: Send, seconds: float) -> None:
    # The rest of the body may still come: this connection cannot carry another request.
    await send_error(
        send,
        408,
        "REQUEST_TIMEOUT",
        f"The request body did not arrive within {seconds:g} seconds.",
        close=True,
    )
