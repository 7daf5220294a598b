"""Shared test data and fake-model answers for the core tests.

Answers are built from the LLM response models themselves (a minimal valid instance of the
schema, then the fields a test cares about), so they keep validating while the prompts and
LLM schemas are tuned. Nothing here depends on prompt wording: a figure question is recognised
by the candidate sentence and number the code put into it, with the article text taken out.
"""

from __future__ import annotations

import json
import typing
from collections.abc import Callable, Mapping
from typing import Any

from pydantic import BaseModel
from summariser.schemas.brief import Usage
from summariser.schemas.llm import FigureDecision, Overview, SingleBrief

from summariser.backends.base import LLMRequest, LLMResult
from summariser.backends.fake import FakeBackend
from summariser.candidates import Candidate, find_candidates
from summariser.errors import ExtractionFailed
from summariser.testing import instance_from_schema

KILLED_SENTENCE = ("KYIV (Reuters) - Russian shelling killed at least 12 civilians in Kharkiv on Monday, "
                   "regional governor Oleh Synehubov said.")
INJURED_SENTENCE = ("Another 30 people were wounded in the attack on the city's northern districts, "
                    "officials said on Monday evening.")
FLED_SENTENCE = ("About 2,000 residents fled the Saltivka neighbourhood overnight, according to the "
                 "United Nations refugee agency UNHCR.")
POPULATION_SENTENCE = ("The city has a population of 1.4 million people and lies 40 km from the Russian "
                       "border, local officials noted in a statement.")
NOISE_LINE = "Ukraine says 45 soldiers killed in Donetsk clash"

# One paragraph per line, then a "Read more" link list (page noise) whose 45 is no figure.
ARTICLE = "\n".join([
    "Shelling hits Kharkiv as thousands flee", "",
    KILLED_SENTENCE, INJURED_SENTENCE, FLED_SENTENCE, POPULATION_SENTENCE, "",
    "Read more", NOISE_LINE, "Drone attack on Odesa port", "",
])

# The model's answer for each candidate number of ARTICLE, keyed by the number as written.
DECISIONS: dict[str, dict[str, str]] = {
    "thousands": {"kind": "none"},
    "at least 12": {"kind": "killed", "group": "civilians",
                    "reported_by": "regional governor Oleh Synehubov"},
    "30": {"kind": "injured", "group": "mixed", "reported_by": "officials"},
    "About 2,000": {"kind": "displaced", "group": "civilians", "reported_by": "UNHCR"},
}

NOT_CONFLICT = """Local bakery wins regional award

The family-run bakery on Market Street won the regional prize for its sourdough on Saturday, the
judges announced, beating 30 other entries from across the county.
"""


# --- answers built from the response models ---------------------------------------------------

def _item_model(model: type[BaseModel], field: str) -> type[BaseModel]:
    args = typing.get_args(model.model_fields[field].annotation)
    return next(a for a in args if isinstance(a, type) and issubclass(a, BaseModel))


def build(model: type[BaseModel], **values: Any) -> dict[str, Any]:
    """A valid answer for `model` as a dict: a minimal instance, then `values` where they fit."""
    data = instance_from_schema(model.model_json_schema())
    for key, value in values.items():
        if key in model.model_fields:
            data[key] = value
    return model.model_validate(data).model_dump(mode="json")


def _places_field(model: type[BaseModel]) -> str:
    return "places" if "places" in model.model_fields else "locations"


def overview(*, is_conflict: bool = True, actors: tuple[tuple[str, str, str], ...] = (),
             places: tuple[tuple[str, str], ...] = (), headline: str = "", summary: str = "",
             model: type[BaseModel] = Overview, **extra: Any) -> dict[str, Any]:
    """An Overview answer; actors as (name, type, role), places as (name, type)."""
    field = _places_field(model)
    actor_model, place_model = _item_model(model, "actors"), _item_model(model, field)
    return build(
        model, topic="armed conflict" if is_conflict else "other", headline=headline, summary=summary,
        actors=[build(actor_model, name=n, type=t, role=r) for n, t, r in actors],
        **{field: [build(place_model, name=n, type=t) for n, t in places]}, **extra,
    )


def figure(kind: str, group: str = "mixed", reported_by: str = "not stated",
           scope: str = "incident") -> dict[str, Any]:
    return build(FigureDecision, kind=kind, group=group, reported_by=reported_by, scope=scope)


def single_figure(kind: str, number: str, evidence: str, group: str = "civilians",
                  reported_by: str | None = None, scope: str = "incident") -> dict[str, Any]:
    return build(_item_model(SingleBrief, "figures"), kind=kind, number=number, evidence=evidence,
                 group=group, reported_by=reported_by, scope=scope)


def single_brief(figures: list[dict[str, Any]], **kwargs: Any) -> dict[str, Any]:
    return overview(model=SingleBrief, figures=figures, **kwargs)


GOOD_OVERVIEW = overview(
    actors=(("UNHCR", "international organisation", "source"),
            ("Wagner Group", "non-state armed group", "attacker")),
    places=(("Kharkiv", "city"), ("Saltivka", "neighbourhood"), ("Mariupol", "city")),
    headline="Shelling kills at least 12 in Kharkiv",
    summary="Russian shelling killed at least 12 civilians in Kharkiv. About 2,000 residents fled.",
)


# --- recognising the question -----------------------------------------------------------------

def _task_text(messages: list[dict[str, str]], article: str) -> str:
    """The question (the last user message with the article in it; re-asks come after it),
    without the article: what this call asks about."""
    user = [m["content"] for m in messages if m["role"] == "user"]
    asking = [u for u in user if article in u] or user
    return asking[-1].replace(article, "") if asking else ""


def candidate_asked(messages: list[dict[str, str]], article: str) -> Candidate:
    """Which candidate number of `article` a figure question is about."""
    task = _task_text(messages, article)
    hits = [c for c in find_candidates(article) if c.mention.text in task]
    hits = [c for c in hits if f"[[{c.mention.text}]]" in task] or hits  # the marked one
    if len(hits) > 1:
        hits = [c for c in hits if c.sentence.text in task] or hits
    if not hits:
        raise AssertionError(f"no candidate number of the test article in the question: {task[-300:]!r}")
    return max(hits, key=lambda c: len(c.mention.text))


def answer(task: str, messages: list[dict[str, str]], article: str,
           decisions: Mapping[str, Mapping[str, str]] = DECISIONS,
           overview_answer: Any = None) -> Any:
    if task == "overview":
        return GOOD_OVERVIEW if overview_answer is None else overview_answer
    if task == "figure":
        cand = candidate_asked(messages, article)
        return figure(**decisions.get(cand.mention.text, {"kind": "none"}))
    raise AssertionError(f"unexpected {task!r} call")


def responder_for(article: str = ARTICLE, decisions: Mapping[str, Mapping[str, str]] = DECISIONS,
                  overview_answer: Any = None) -> Callable[[LLMRequest], Any]:
    """A FakeBackend responder answering the overview and each figure question about `article`."""
    return lambda request: answer(request.task, request.messages, article, decisions, overview_answer)


_TASKS = {"Overview": "overview", "FigureDecision": "figure", "SingleBrief": "single"}


def http_responder_for(article: str = ARTICLE,
                       decisions: Mapping[str, Mapping[str, str]] = DECISIONS) -> Callable[[dict], Any]:
    """The same answers for MockOpenAIServer: the task is read off the requested schema's name."""
    from summariser.testing import schema_from_request

    def respond(body: dict[str, Any]) -> str:
        _, schema, name = schema_from_request(body)
        task = _TASKS.get(name or "") or _TASKS.get((schema or {}).get("title", ""), "")
        return json.dumps(answer(task, body["messages"], article, decisions))

    return respond


class RecordingFake(FakeBackend):
    """A FakeBackend that also keeps every result it returned and every failure it raised."""

    def __init__(self, **kwargs: Any):
        super().__init__(**kwargs)
        self.results: list[LLMResult] = []
        self.failures: list[ExtractionFailed] = []

    def complete(self, request: LLMRequest) -> LLMResult:
        try:
            result = super().complete(request)
        except ExtractionFailed as exc:
            self.failures.append(exc)
            raise
        self.results.append(result)
        return result

    @property
    def reported_usage(self) -> Usage:
        total = Usage()
        for item in [*self.results, *self.failures]:
            total = total + item.usage
        return total

    @property
    def reported_attempts(self) -> int:
        return sum(r.attempts for r in self.results) + sum(f.attempts for f in self.failures)

    def tasks(self) -> list[str]:
        return [r.task for r in self.history]
