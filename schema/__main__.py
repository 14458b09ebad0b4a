"""Prints the full schema as clients see it: `.venv/bin/python -m schema > schema.graphql`.

The committed `schema.graphql` is this output; a test fails when the two differ.
"""

from __future__ import annotations

from schema.printed import printed_schema

if __name__ == "__main__":
    print(printed_schema(), end="")
