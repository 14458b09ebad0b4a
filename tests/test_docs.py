"""The docs stand on their own and name files that exist: a newcomer follows them."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# A path in backticks that starts at a top-level directory of the repository.
_PATH = re.compile(
    r"`((?:app|bootstrap|schema|webhooks|emulator|bench|tests|docs|deploy)/[\w./-]+)`"
)


def _tracked_files() -> list[str]:
    out = subprocess.run(
        ["git", "ls-files"], cwd=ROOT, capture_output=True, text=True, check=True
    ).stdout
    return out.splitlines()


def test_paths_named_in_the_docs_exist() -> None:
    missing: list[str] = []
    for doc in [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]:
        for path in _PATH.findall(doc.read_text()):
            # "app/services/*mapping.py" names a family of files.
            found = any(ROOT.glob(path.rstrip("/"))) if "*" in path else (ROOT / path).exists()
            if not found:
                missing.append(f"{doc.name}: {path}")
    assert missing == []


def test_nothing_refers_to_files_outside_the_repository() -> None:
    outside = re.compile(r"DESIGN\.md|\.\./shared")
    offenders = [
        name
        for name in _tracked_files()
        if name != "requirements.lock"
        and (ROOT / name).is_file()
        and outside.search((ROOT / name).read_text(errors="replace"))
    ]
    assert offenders == []
