"""Export the brief's JSON Schema for consumers: schemas/brief.v1.schema.json.

    python -m summariser.schemas.export            # rewrite the file next to this module
    python -m summariser.schemas.export --check    # exit 1 if the file is out of date

A test fails when the Brief model changes and the file was not re-exported.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from summariser.schemas.brief import SCHEMA_VERSION, Brief

SCHEMA_FILE = Path(__file__).with_name(f"brief.v{SCHEMA_VERSION.split('.')[0]}.schema.json")


def render_schema() -> str:
    """The schema file's exact text: Brief.model_json_schema(), indent 2, sorted keys."""
    return json.dumps(Brief.model_json_schema(), indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def export(path: Path = SCHEMA_FILE) -> Path:
    """Write the schema to `path` (default: schemas/brief.v1.schema.json) and return the path."""
    path.write_text(render_schema(), encoding="utf-8")
    return path


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    if "--check" in args:
        current = SCHEMA_FILE.read_text(encoding="utf-8") if SCHEMA_FILE.exists() else ""
        if current != render_schema():
            print(f"{SCHEMA_FILE} is out of date; run: python -m summariser.schemas.export",
                  file=sys.stderr)
            return 1
        return 0
    print(export())
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
