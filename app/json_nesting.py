"""How deeply a JSON document may nest before it is parsed.

Python's JSON parser recurses once per nested array or object; about a thousand levels (2 KB of
brackets) exhaust the interpreter's recursion limit and end in a RecursionError, i.e. a 500.
Nothing this service reads nests anywhere near `MAX_JSON_NESTING` (GraphQL variables a few
levels, a commercetools Order in a Pub/Sub envelope about fifteen), so deeper documents are
refused before parsing, by a scan that itself needs no recursion.
"""

from __future__ import annotations

import re

MAX_JSON_NESTING = 64

# A JSON string, escapes included: brackets inside strings do not nest anything.
_STRING = re.compile(rb'"(?:[^"\\]|\\.)*"', re.DOTALL)
_NOT_A_BRACKET = bytes(byte for byte in range(256) if byte not in b"[]{}")


class TooDeeplyNested(ValueError):
    def __init__(self, limit: int) -> None:
        super().__init__(f"JSON nested deeper than {limit} levels")
        self.limit = limit


def nesting_depth(document: bytes) -> int:
    """The deepest nesting of arrays and objects in `document` (for invalid JSON, an estimate
    the parser refuses anyway)."""
    brackets = _STRING.sub(b"", document).translate(None, _NOT_A_BRACKET)
    depth = deepest = 0
    for bracket in brackets:
        if bracket in b"[{":
            depth += 1
            deepest = max(deepest, depth)
        else:
            depth -= 1
    return deepest


def check_nesting(document: bytes | str, limit: int = MAX_JSON_NESTING) -> None:
    """TooDeeplyNested (a ValueError) when `document` nests deeper than `limit`."""
    data = document.encode() if isinstance(document, str) else document
    # Cheap first: fewer opening brackets than the limit cannot nest deeper than it.
    if data.count(b"[") + data.count(b"{") <= limit:
        return
    if nesting_depth(data) > limit:
        raise TooDeeplyNested(limit)
