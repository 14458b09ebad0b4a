"""docs/configuration.md lists exactly the environment variables the code reads."""

from __future__ import annotations

import re
from pathlib import Path

from app.settings import Settings
from app.settings.environment import environment_names

DOC = Path(__file__).resolve().parent.parent / "docs" / "configuration.md"


def documented_names(markdown: str) -> set[str]:
    """Names in the first column of the tables headed `| variable | …`; other tables (SMTP URL
    schemes) and names in prose do not count."""
    names: set[str] = set()
    in_variable_table = False
    for line in markdown.splitlines():
        if not line.startswith("|"):
            in_variable_table = False
            continue
        first_cell = line.split("|")[1].strip()
        if first_cell == "variable":
            in_variable_table = True
        elif in_variable_table:
            names.update(re.findall(r"`([A-Z][A-Z0-9_]*)`", first_cell))
    return names


def test_every_setting_the_code_reads_is_documented_and_no_other() -> None:
    read = environment_names(Settings)
    documented = documented_names(DOC.read_text(encoding="utf-8"))
    assert read - documented == set(), "add a row to docs/configuration.md for these"
    assert documented - read == set(), "docs/configuration.md documents what the code does not read"


def test_the_table_parser_reads_only_variable_tables() -> None:
    markdown = (
        "| variable | default | meaning |\n|---|---|---|\n| `HOST`, `PORT` | `8000` | `DE` |\n\n"
        "| scheme | connection |\n|---|---|\n| `SMTPS` | TLS |\n"
    )
    assert documented_names(markdown) == {"HOST", "PORT"}
