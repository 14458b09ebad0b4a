"""The schema as one SDL text: what `schema.graphql` at the repository root holds."""

from __future__ import annotations

from graphql import lexicographic_sort_schema, print_schema

from schema.executable import build_schema

REGENERATE = ".venv/bin/python -m schema > schema.graphql"


def printed_schema() -> str:
    # Sorted, so the text does not depend on the order the SDL files were read in.
    return print_schema(lexicographic_sort_schema(build_schema())) + "\n"
