"""One access log line per request: method, path, status, duration (and, through the logging
filters, the request id).

Never the query string (GET /graphql carries the query and its variables there), headers,
cookies or bodies. This replaces uvicorn's access log, which prints the query string.

It is also the last resort for an exception that escaped everything else: logged once with the
request id, answered as a bare 500 in the GraphQL error shape, with no trace in the body.
"""

from __future__ import annotations

import functools
import logging
import time

from app.asgi import ASGIApp, Message, Receive, Scope, Send
from app.asgi.responses import send_error
from app.redaction import redact

log = logging.getLogger("app.access")
errors = logging.getLogger("app.errors")

_MAX_PATH = 200


def printable_path(path: str) -> str:
    """The path as a log may show it: no line breaks or other control characters (they could
    forge log lines in the plain-text format), and not endlessly long."""
    cleaned = "".join(ch if ch.isprintable() else f"\\x{ord(ch):02x}" for ch in path[:_MAX_PATH])
    return cleaned + ("…" if len(path) > _MAX_PATH else "")


@functools.lru_cache(maxsize=512)
def _request_line(method: str, raw_path: str) -> tuple[str, str]:
    """Method and printable path, already redacted: a site has few paths, so the redaction
    filter's patterns (half the cost of an access line) run once per path, not per request."""
    return redact(method), redact(printable_path(raw_path))


class AccessLogMiddleware:
    def __init__(self, app: ASGIApp) -> None:
        self._app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self._app(scope, receive, send)
            return
        started = time.perf_counter()
        status = 0

        async def recording_send(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = int(message["status"])
            await send(message)

        try:
            await self._app(scope, receive, recording_send)
        except Exception:
            errors.exception("unhandled error")
            if status == 0:
                status = 500
                await send_error(
                    send, 500, "INTERNAL_SERVER_ERROR", "Something went wrong on our side."
                )
        finally:
            method, path = _request_line(str(scope.get("method", "")), str(scope.get("path", "")))
            duration_ms = (time.perf_counter() - started) * 1000
            log.info(
                "%s %s %s %.1fms",
                method,
                path,
                status or "-",
                duration_ms,
                extra={
                    "http_method": method,
                    "http_path": path,
                    "http_status": status or None,
                    "duration_ms": round(duration_ms, 1),
                    # The rest of the line is numbers: the redaction filter may skip it.
                    "redacted": True,
                },
            )
