"""schemas/ (installed as summariser.schemas) imports nothing of ours but itself.

The other layer rules are import-linter contracts in pyproject.toml, run by `make lint`; this
one is here because import-linter cannot see a subpackage installed from outside the package
directory.
"""

from __future__ import annotations

import ast
from pathlib import Path

SCHEMAS = Path(__file__).resolve().parents[1] / "schemas"


def _imports(path: Path) -> list[str]:
    names: list[str] = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.append(node.module)
        elif isinstance(node, ast.Import):
            names.extend(a.name for a in node.names)
    return names


def test_schemas_import_only_themselves() -> None:
    files = sorted(SCHEMAS.glob("*.py"))
    assert files
    ours = {f.name: [m for m in _imports(f) if m.split(".")[0] == "summariser"] for f in files}
    assert {f: [m for m in mods if not m.startswith("summariser.schemas")] for f, mods in ours.items()
            if any(not m.startswith("summariser.schemas") for m in mods)} == {}
    assert "summariser.schemas.brief" in ours["llm.py"] + ours["export.py"]
