"""Logging: readable lines in development, one JSON object per line in production.

Every line carries the request id of the request it was written for ("-" outside one), with
tracing on the trace and span ids of the span active when it was written (JSON lines), and
passes through the redaction filter (app/redaction.py) before it is written: the code does
not log secrets, and the filter catches what slips through anyway.
"""

from __future__ import annotations

import logging
import sys
import time
from typing import Any

import orjson

from app.observability.tracing import current_ids
from app.redaction import redact
from app.settings import Settings
from app.web.request_id import current_request_id

# Fields the access log adds (app/web/access_log.py); JSON lines carry them as keys.
_EXTRA_FIELDS = ("http_method", "http_path", "http_status", "duration_ms")
# Set by RequestIdFilter while a span is active (docs/observability.md).
_TRACE_FIELDS = ("trace_id", "span_id")


class RequestIdFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = current_request_id.get()
        ids = current_ids()
        if ids is not None:
            record.trace_id, record.span_id = ids
        return True


class RedactingFilter(logging.Filter):
    """Rewrites the record's message (and exception text) with secrets masked. Sits on the
    handler, so it also sees records of libraries' loggers."""

    def filter(self, record: logging.LogRecord) -> bool:
        if getattr(record, "redacted", False) and not record.exc_info:
            return True
        message = record.getMessage()
        cleaned = redact(message)
        if cleaned != message or record.args:
            record.msg = cleaned
            record.args = None
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = redact(record.exc_text)
        if record.stack_info:
            record.stack_info = redact(record.stack_info)
        return True


class _SecondsCached(logging.Formatter):
    """formatTime with the date and time text made once per second and format: a busy worker
    writes hundreds of lines a second (the access log), and strftime was a sixth of each."""

    def __init__(self, fmt: str | None = None) -> None:
        super().__init__(fmt)
        self._cached: tuple[int, str | None, str] = (-1, None, "")

    def formatTime(self, record: logging.LogRecord, datefmt: str | None = None) -> str:
        second = int(record.created)
        # One tuple, replaced whole: a thread that logs at the same time reads an old or a new
        # second, never half of each.
        cached = self._cached
        if cached[0] != second or cached[1] != datefmt:
            text = time.strftime(datefmt or self.default_time_format, self.converter(second))
            cached = self._cached = (second, datefmt, text)
        if datefmt or not self.default_msec_format:
            return cached[2]
        return self.default_msec_format % (cached[2], record.msecs)


class JsonFormatter(_SecondsCached):
    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "time": self.formatTime(record, "%Y-%m-%dT%H:%M:%S%z"),
            "level": record.levelname,
            "logger": record.name,
            "request_id": getattr(record, "request_id", "-"),
            "message": record.getMessage(),
        }
        for name in _TRACE_FIELDS:
            value = getattr(record, name, None)
            if value is not None:
                entry[name] = value
        for name in _EXTRA_FIELDS:
            value = getattr(record, name, None)
            if value is not None:
                entry[name] = value
        # exc_text is the redacted form (RedactingFilter): prefer it to formatting exc_info.
        exception = record.exc_text or (
            self.formatException(record.exc_info) if record.exc_info else None
        )
        if exception:
            entry["exception"] = exception
        # orjson writes UTF-8 where json escaped to ASCII: the same JSON, 4x faster.
        return orjson.dumps(entry, default=str).decode()


class TextFormatter(_SecondsCached):
    def __init__(self) -> None:
        super().__init__("%(asctime)s %(levelname)s %(name)s [%(request_id)s]: %(message)s")

    def format(self, record: logging.LogRecord) -> str:
        if not hasattr(record, "request_id"):
            record.request_id = "-"
        return super().format(record)


def build_handler(settings: Settings) -> logging.Handler:
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(JsonFormatter() if settings.is_production else TextFormatter())
    handler.addFilter(RequestIdFilter())
    handler.addFilter(RedactingFilter())
    return handler


def configure_logging(settings: Settings) -> None:
    # No line shows the process or the calling function: a record need not look them up (a
    # third of the cost of an access line; Python's logging HOWTO, "Optimization"). The thread
    # stays: telling threads' lines apart needs it.
    logging.logProcesses = False
    logging.logMultiprocessing = False
    logging._srcfile = None
    root = logging.getLogger()
    root.handlers = [build_handler(settings)]
    root.setLevel(logging.DEBUG if settings.debug else logging.INFO)
    # One line per upstream call drowns the service's own lines; failures are logged by CtpHttp.
    logging.getLogger("httpx").setLevel(logging.WARNING)
    # app.access replaces uvicorn's access log, which prints query strings (GET /graphql has
    # the query and its variables there).
    logging.getLogger("uvicorn.access").disabled = True
