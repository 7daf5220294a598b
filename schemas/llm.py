"""Small response models the LLM fills. Kept narrow on purpose: a 1.5B model is weak at writing a
large nested object in one go and good at short, local decisions. Counts, spans and evidence are
never asked of the model in the focused strategy; code derives them from the article."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from .brief import ActorRole, ActorType, ControlStatus, LocationRole, LocationType


class _Model(BaseModel):
    # Every field is required: llama.cpp's schema grammar lets the model skip optional fields,
    # and a small model gladly closes the object early instead of filling a list.
    model_config = ConfigDict(extra="forbid")


class OverviewActor(_Model):
    name: str
    aliases: list[str]
    type: ActorType
    role: ActorRole
    backed_by: list[str]


class OverviewLocation(_Model):
    name: str
    type: LocationType
    country: str | None
    role: LocationRole


class OverviewControl(_Model):
    place: str
    gained_by: str | None
    lost_by: str | None
    status: ControlStatus
    reported_by: str | None
    evidence: str


class Overview(_Model):
    """Everything about an article except its figures."""

    # Lists come before the prose: asked first, while the article is fresh, a small model fills
    # them; asked after a summary it tends to close the object with empty lists.
    is_conflict_report: bool
    actors: list[OverviewActor] = Field(max_length=12)
    locations: list[OverviewLocation] = Field(max_length=12)
    control_changes: list[OverviewControl] = Field(max_length=5)
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
