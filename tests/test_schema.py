"""The public brief schema (v1): the exported JSON Schema file and the field names consumers read."""

from __future__ import annotations

import json
import subprocess
import sys
from importlib import resources
from pathlib import Path

import pytest
from pydantic import ValidationError
from summariser.schemas import export
from summariser.schemas.brief import SCHEMA_VERSION, Brief, Casualty, ControlChange, Displacement, Meta


def test_exported_schema_file_matches_the_model() -> None:
    on_disk = export.SCHEMA_FILE.read_text(encoding="utf-8")
    assert on_disk == export.render_schema(), (
        "schemas/brief.v1.schema.json is stale: run  python -m summariser.schemas.export")
    assert json.loads(on_disk) == Brief.model_json_schema()


def test_schema_file_ships_with_the_package() -> None:
    shipped = resources.files("summariser.schemas") / "brief.v1.schema.json"
    assert json.loads(shipped.read_text(encoding="utf-8"))["title"] == "Brief"


def test_export_writes_sorted_indented_json(tmp_path: Path) -> None:
    out = export.export(tmp_path / "schema.json")
    text = out.read_text(encoding="utf-8")
    assert text == json.dumps(json.loads(text), indent=2, sort_keys=True, ensure_ascii=False) + "\n"
    assert json.loads(text) == Brief.model_json_schema()


def test_export_check_detects_a_stale_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    stale = tmp_path / "brief.v1.schema.json"
    stale.write_text("{}\n")
    monkeypatch.setattr(export, "SCHEMA_FILE", stale)
    assert export.main(["--check"]) == 1
    export.export(stale)
    assert export.main(["--check"]) == 0


def test_export_runs_as_a_module() -> None:
    done = subprocess.run([sys.executable, "-m", "summariser.schemas.export", "--check"],
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr


# Field names consumers and the eval depend on: add fields, never rename.
REQUIRED = {
    Brief: {"schema_version", "is_conflict_report", "headline", "summary", "actors", "locations",
            "casualties", "displacement", "control_changes", "warnings", "meta"},
    Casualty: {"kind", "count", "low", "high", "qualifier", "group", "group_detail", "reported_by",
               "evidence", "span", "scope", "location", "perpetrator"},
    Displacement: {"count", "low", "high", "qualifier", "group", "reported_by", "evidence", "span",
                   "origin", "destination", "scope"},
    ControlChange: {"place", "gained_by", "lost_by", "status", "evidence", "span", "reported_by"},
    Meta: {"model", "backend", "strategy", "prompt_version", "prompt_hash", "schema_version",
           "schema_hash", "cached", "attempts", "calls", "usage", "latency_s"},
}


@pytest.mark.parametrize("model", list(REQUIRED), ids=lambda m: m.__name__)
def test_consumer_field_names_exist(model: type) -> None:
    assert REQUIRED[model] <= set(model.model_fields)  # type: ignore[attr-defined]


def test_schema_version_is_v1() -> None:
    assert SCHEMA_VERSION.split(".")[0] == "1"
    assert Brief(is_conflict_report=False, headline="", summary="").schema_version == SCHEMA_VERSION


def test_brief_rejects_unknown_fields_and_bad_values() -> None:
    with pytest.raises(ValidationError):
        Brief.model_validate({"is_conflict_report": True, "headline": "", "summary": "", "surprise": 1})
    with pytest.raises(ValidationError):
        Casualty.model_validate({"kind": "exploded", "evidence": "x"})
    with pytest.raises(ValidationError):
        Casualty.model_validate({"kind": "killed", "evidence": "x", "qualifier": "roughly"})


def test_span_serialises_as_a_two_item_list() -> None:
    c = Casualty(kind="killed", count=3, evidence="3 killed", span=(10, 18))
    data = json.loads(c.model_dump_json())
    assert data["span"] == [10, 18]
    assert Casualty.model_validate(data) == c
