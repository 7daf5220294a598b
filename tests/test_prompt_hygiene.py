"""No name used in a prompt example may occur in an eval case (article or gold).

A model that copies an example's names into a brief is caught by the eval's invented-name
check only when those names occur nowhere in the eval's articles; a shared name (an example set
in a town that is also an eval case's town) would hide the copy and flatter the score.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PROMPTS = sorted((ROOT / "prompts").glob("*.j2"))
# The main set and every other set beside it (evals/fresh, evals/fresh2).
CASE_FILES = sorted((ROOT / "evals" / "cases").glob("*")) + sorted((ROOT / "evals").glob("*/cases/*"))

# Capitalised words the examples use that are ordinary words, not names of anything.
GENERIC = frozenset("""
Sentence Number Example Examples ARTICLE QUESTION Shelling Rebels Government Defence Ministry
The Aid Two Some Families Answer Names Rules Use If Be How Is Copy Do Write Look JSON
Monday Sunday May Institute Society Relief Brigade Front Marsh Silver Army NGO
""".split())
_QUOTED = re.compile(r'"([^"]+)"')
_NAME = re.compile(r"\b[A-Z][A-Za-z]+\b")


def example_names() -> set[str]:
    """Capitalised, non-generic words inside quoted example text of every prompt template."""
    names: set[str] = set()
    for path in PROMPTS:
        text = path.read_text(encoding="utf-8")
        start = text.find("Example")
        if start < 0:
            continue
        for quoted in _QUOTED.findall(text[start:]):
            names.update(w for w in _NAME.findall(quoted) if w not in GENERIC)
    return names


def test_the_examples_have_names_to_check() -> None:
    names = example_names()
    assert {"Vantrel", "Marrowgate", "Velmoria"} <= names, names  # the check is not vacuous


@pytest.mark.parametrize("path", CASE_FILES, ids=lambda p: p.name)
def test_no_prompt_example_name_occurs_in_an_eval_case(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    shared = sorted(n for n in example_names() if re.search(rf"\b{re.escape(n)}\b", text))
    assert shared == [], f"{path.name} uses the prompt example name(s) {shared}: rename the example"


def test_a_model_that_copies_the_example_puts_none_of_its_names_in_the_brief() -> None:
    """The overview example's names, answered by a model that imitates it, on an article that
    never uses them: nothing of the example may reach the brief (headline, summary, actors,
    places, changes of control)."""
    from helpers import ARTICLE, RecordingFake, overview, responder_for

    from summariser import Config, summarise

    copied = overview(
        actors=(("Government troops", "state forces", "attacker"),
                ("Silver Marsh Brigade", "non-state armed group", "target"),
                ("Velmoria", "foreign state or forces", "backer")),
        places=(("Marrowgate", "town"), ("Askerfold", "city")),
        headline="Government troops retake Marrowgate from the Silver Marsh Brigade.",
        summary="Government troops recaptured Marrowgate. Families are fleeing toward Askerfold.",
        control_changes=[{"place": "Marrowgate", "gained_by": "Government troops",
                          "lost_by": "Silver Marsh Brigade"}])
    fake = RecordingFake(responder=responder_for(overview_answer=copied))
    brief = summarise(ARTICLE, Config(backend="fake", use_cache=False), backend=fake)
    shown = brief.model_dump_json(exclude={"warnings", "meta"})
    names = example_names()
    assert {"Marrowgate", "Askerfold", "Velmoria"} <= names
    assert [n for n in names if re.search(rf"\b{n}\b", shown)] == []
    assert brief.control_changes == [] and brief.headline == "Shelling hits Kharkiv as thousands flee"
