"""The pipeline revision follows the code and data that shape a brief, and nothing else."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

import summariser
from summariser.revision import brief_sources, pipeline_revision, revision_of

PACKAGE = Path(summariser.__file__).resolve().parent


@pytest.fixture()
def copy(tmp_path: Path) -> Path:
    target = tmp_path / "summariser"
    shutil.copytree(PACKAGE, target, ignore=shutil.ignore_patterns("__pycache__"))
    return target


def test_the_installed_revision_is_the_package_hash() -> None:
    assert pipeline_revision() == revision_of(PACKAGE)
    names = {p.relative_to(PACKAGE).as_posix() for p in brief_sources(PACKAGE)}
    assert {"pipeline.py", "numbers.py", "grounding.py"} <= names
    assert "cli.py" not in names
    assert not any(n.startswith(("evaluation/", "testing/", "backends/", "batch/")) for n in names)


@pytest.mark.parametrize("edited", ["pipeline.py", "numbers.py", "entities.py"])
def test_an_edited_rule_module_changes_the_revision(copy: Path, edited: str) -> None:
    before = revision_of(copy)
    with (copy / edited).open("a") as f:
        f.write("\n# a new rule\n")
    assert revision_of(copy) != before


def test_an_edited_lexicon_file_changes_the_revision(copy: Path) -> None:
    lexicon = sorted((copy / "lexicon").glob("*.toml"))
    assert lexicon, "the lexicon ships TOML files"
    before = revision_of(copy)
    with lexicon[0].open("a") as f:
        f.write("\n# one more word\n")
    assert revision_of(copy) != before


@pytest.mark.parametrize("edited", ["cli.py", "html.py", "batch/runner.py", "evaluation/runner.py"])
def test_code_that_does_not_shape_a_brief_leaves_it_alone(copy: Path, edited: str) -> None:
    before = revision_of(copy)
    with (copy / edited).open("a") as f:
        f.write("\n# a new option\n")
    assert revision_of(copy) == before
