"""The shape the guide asks for: a core with no UI imports."""

from __future__ import annotations

import ast
from pathlib import Path

CORE = Path(__file__).resolve().parents[1] / "spleis_tui" / "core"


def test_core_never_imports_textual_or_rich():
    offenders = []
    for path in CORE.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = []
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module]
            offenders += [
                f"{path.name}: {n}"
                for n in names
                if n.split(".")[0] in ("textual", "rich", "click")
            ]
    assert offenders == []


def test_importing_all_of_core_loads_no_ui_library():
    # Catches indirect imports too: core must be usable headless and without Textual.
    import subprocess
    import sys

    modules = sorted(
        f"spleis_tui.core.{path.stem}" for path in CORE.glob("*.py") if path.stem != "__init__"
    )
    code = (
        "import importlib, sys\n"
        f"for name in {modules!r}: importlib.import_module(name)\n"
        "print(sorted(m for m in ('textual', 'rich', 'click') if m in sys.modules))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "[]"
