"""Refuses GraphQL requests whose JSON nests too deeply to parse safely (app/json_nesting.py):
400 JSON_TOO_DEEP before anything parses them, instead of a RecursionError and a 500.

POST bodies are read here (BodyLimit, outside, bounds their size) and handed on unchanged; the
JSON parameters of a GET (`variables`, `extensions`) are checked where they are.
"""

from __future__ import annotations

from urllib.parse import parse_qsl

from app.asgi import ASGIApp, Message, Receive, Scope, Send
from app.asgi.responses import send_error
from app.json_nesting import TooDeeplyNested, check_nesting

_JSON_PARAMETERS = ("variables", "extensions")


class JsonNestingLimit:
    def __init__(self, app: ASGIApp) -> None:
        self._app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self._app(scope, receive, send)
            return
        try:
            if scope.get("method") == "POST":
                messages = await _read_body(receive)
                check_nesting(b"".join(m.get("body", b"") for m in messages))
                receive = _replaying(messages, receive)
            else:
                query = scope.get("query_string", b"").decode("latin-1")
                for name, value in parse_qsl(query, keep_blank_values=True):
                    if name in _JSON_PARAMETERS:
                        check_nesting(value)
        except TooDeeplyNested as exc:
            await send_error(
                send,
                400,
                "JSON_TOO_DEEP",
                f"The request's JSON nests deeper than {exc.limit} levels.",
            )
            return
        await self._app(scope, receive, send)


async def _read_body(receive: Receive) -> list[Message]:
    messages: list[Message] = []
    while True:
        message = await receive()
        messages.append(message)
        if message["type"] != "http.request" or not message.get("more_body", False):
            return messages


def _replaying(messages: list[Message], receive: Receive) -> Receive:
    pending = list(messages)

    async def replay() -> Message:
        return pending.pop(0) if pending else await receive()

    return replay
