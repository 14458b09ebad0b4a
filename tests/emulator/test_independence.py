"""The emulator stands on its own: it imports nothing from the service (app, schema, webhooks,
containers), so it can be run, tested and reasoned about without them."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SERVICE_PACKAGES = {"app", "schema", "webhooks", "containers"}


def test_no_emulator_module_names_a_service_package() -> None:
    offenders = []
    for path in sorted((ROOT / "emulator").rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(), str(path))):
            names = []
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names = [node.module]
            offenders += [
                f"{path.relative_to(ROOT)}: {name}"
                for name in names
                if name.split(".")[0] in SERVICE_PACKAGES
            ]
    assert offenders == []


def test_importing_every_emulator_module_loads_no_service_module() -> None:
    script = (
        "import pkgutil, importlib, sys, emulator\n"
        "for info in pkgutil.walk_packages(emulator.__path__, 'emulator.'):\n"
        "    importlib.import_module(info.name)\n"
        f"loaded = sorted(m for m in sys.modules if m.split('.')[0] in {SERVICE_PACKAGES!r})\n"
        "print(','.join(loaded))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == ""
