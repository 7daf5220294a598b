"""Small response models the LLM fills. Kept narrow on purpose: a 1.5B model is weak at writing a
large nested object in one go and good at short, local decisions. Counts, spans and evidence are
never asked of the model in the focused strategy; code derives them from the article."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from .brief import ActorRole, ActorType, LocationType


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

    kind: FigureKind
    group: Literal["civilians", "combatants", "mixed"]
    reported_by: str
    scope: Literal["incident", "cumulative"]


class SingleFigure(_Model):
    kind: Literal["killed", "injured", "missing", "displaced"]
    number: str = Field(description="The number exactly as written in the evidence.")
    group: Literal["civilians", "combatants", "mixed"]
    reported_by: str | None
    scope: Literal["incident", "cumulative"]
    evidence: str


class SingleBrief(Overview):
    """The whole brief in one call (strategy "single"), for strong remote models."""

    figures: list[SingleFigure]
