"""Small response models the LLM fills. Kept narrow on purpose: a 1.5B model is weak at writing a
large nested object in one go and good at short, local decisions. Counts, spans and evidence are
never asked of the model in the focused strategy; code derives them from the article."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, ClassVar, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from .brief import ActorRole, ActorType, LocationType


@dataclass(frozen=True)
class StopRule:
    """Where a response model's answer may end early, because the caller reads nothing after it.

    The schema keeps every field, so a constrained decoder makes each choice before the stop as
    it would without it (what may follow decides, e.g., where a list ends); a backend that
    streams may stop generating there and hand back the members before it.

    before_key: stop once the answer reaches this top-level key (it and the fields after it are
        not read).
    after_value: (field, value): stop once this top-level field has this string value.
    """

    before_key: str | None = None
    after_value: tuple[str, str] | None = None


class _Model(BaseModel):
    # Every field is required: llama.cpp's schema grammar lets the model skip optional fields,
    # and a small model gladly closes the object early instead of filling a list.
    model_config = ConfigDict(extra="forbid")


class OverviewActor(_Model):
    name: str
    type: ActorType
    role: ActorRole


class OverviewPlace(_Model):
    name: str
    type: LocationType


class OverviewControl(_Model):
    place: str
    gained_by: str | None
    lost_by: str | None


class Overview(_Model):
    """Everything about an article except its figures, in as few output tokens as possible.

    Aliases, backers, place roles and control-change evidence are found by code in the article
    (summariser.entities), not written by the model: every output token costs ~70 ms locally.
    Lists come before the prose: asked after a summary, a small model tends to close the object
    with empty lists.
    """

    # The model's headline and summary are never read: the brief's come from the article's own
    # title and lead (summariser.narrative.lead). They stay in the schema because what may follow
    # a list decides where the model ends it: with no field after control_changes it kept adding
    # changes, spurious ones among them. The embedded backend stops once the answer reaches them
    # (~45 decoded tokens an article, BENCHMARKS.md question 12).
    answer_stops: ClassVar[StopRule | None] = StopRule(before_key="headline")

    # No maxItems here on purpose: llama.cpp expands it into nested optional repetitions and
    # grammar sampling over a 151k-token vocabulary slowed from ~14 to ~0.5 tokens/s. The output
    # token cap bounds the lists; code keeps the first MAX_* of each.
    # A topic to choose from, not a bare yes/no: a 1.5B model told "this is a conflict desk" calls
    # a flood's death toll or a cup final's "siege" a conflict report; naming the alternatives helps.
    topic: Literal["armed conflict", "natural disaster", "sport", "crime", "politics", "accident",
                   "other"]
    actors: list[OverviewActor]
    places: list[OverviewPlace]
    control_changes: list[OverviewControl]
    headline: str
    summary: str


FigureKind = Literal["killed", "injured", "missing", "displaced", "none"]


class FigureDecision(_Model):
    """The model's decision about one candidate number the code found in the article."""

    # (The docstring is the schema's description, which the answer cache keys on: kept as is.)
    # A number whose kind is "none" is dropped (summariser.pipeline), so nothing after that kind
    # is read: the embedded backend stops there (~24 of the ~30 decoded tokens of such a call,
    # BENCHMARKS.md question 12), and such an answer may leave the other fields out.
    answer_stops: ClassVar[StopRule | None] = StopRule(after_value=("kind", "none"))

    kind: FigureKind
    group: Literal["civilians", "combatants", "mixed"]
    reported_by: str
    scope: Literal["incident", "cumulative"]

    @model_validator(mode="before")
    @classmethod
    def _none_needs_nothing_else(cls, data: Any) -> Any:
        # Placeholders for the unread fields of a "none" answer, never shown anywhere.
        if isinstance(data, dict) and data.get("kind") == "none":
            data = {"group": "mixed", "reported_by": "", "scope": "incident", **data}
        return data


class SingleFigure(_Model):
    kind: Literal["killed", "injured", "missing", "displaced"]
    number: str = Field(description="The number exactly as written in the evidence.")
    group: Literal["civilians", "combatants", "mixed"]
    reported_by: str | None
    scope: Literal["incident", "cumulative"]
    evidence: str


class SingleBrief(Overview):
    """The whole brief in one call (strategy "single"), for strong remote models."""

    answer_stops: ClassVar[StopRule | None] = None  # every field is read, the figures after all

    figures: list[SingleFigure]
