"""The `DateTime` and `Date` scalars: ISO 8601 text on the wire, `datetime`/`date` in Python.

A value that is not one raises GraphQLError, which graphql-core reports as a request error (a
plain exception would count as a bug: INTERNAL_SERVER_ERROR)."""

from __future__ import annotations

import datetime as dt
import re

from ariadne import ScalarType
from graphql import GraphQLError

date_time = ScalarType("DateTime")
date = ScalarType("Date")
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


@date_time.serializer
def serialize_date_time(value: dt.datetime) -> str:
    # Always UTC with milliseconds and "Z", as commercetools writes them: one form to compare.
    return value.astimezone(dt.UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


@date_time.value_parser
def parse_date_time(value: object) -> dt.datetime:
    try:
        parsed = dt.datetime.fromisoformat(value) if isinstance(value, str) else None
    except ValueError:
        parsed = None
    if parsed is None or parsed.tzinfo is None:
        raise ValueError(
            "Enter a date and time as ISO 8601 with an offset, e.g. 2025-03-01T12:00:00Z."
        )
    return parsed


@date.serializer
def serialize_date(value: dt.date) -> str:
    return value.isoformat()


@date.value_parser
def parse_date(value: object) -> dt.date:
    # fromisoformat alone would also take "20250301" and week dates.
    if isinstance(value, str) and _DATE.match(value):
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            pass
    raise GraphQLError("Expected a Date: YYYY-MM-DD.")


SCALARS = (date_time, date)
