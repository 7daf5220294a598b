"""The brief, schema v1: what summarise() returns and what consumers and the eval read.

Field names are a contract (consumers and the eval depend on them): add fields, never rename.
Figures (casualties, displacement, control changes) always carry `evidence` — a verbatim quote
from the article — and `span`, the [start, end) character offsets of that quote in the article
text exactly as it was given to summarise(). The verifier, not the model, fills `span`.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

SCHEMA_VERSION = "1.0"

ActorType = Literal[
    "state forces",
    "government",
    "non-state armed group",
    "foreign state or forces",
    "international organisation",
    "monitor or NGO",
    "media",
    "person",
    "other",
]
ActorRole = Literal["attacker", "target", "backer", "mediator", "source", "other"]
LocationType = Literal[
    "city", "town", "village", "neighbourhood", "region", "province", "country",
    "facility", "route", "landmark", "other",
]
LocationRole = Literal["event site", "origin", "destination", "mentioned"]
CasualtyKind = Literal["killed", "injured", "missing"]
Qualifier = Literal["exact", "at_least", "more_than", "about", "nearly", "up_to", "vague"]
Group = Literal["civilians", "combatants", "mixed/unspecified"]
Scope = Literal["incident", "cumulative"]
ControlStatus = Literal["claimed", "confirmed"]


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Actor(_Model):
    name: str = Field(description="Fullest form of the name used in the article.")
    aliases: list[str] = Field(default_factory=list, description='Other names used, e.g. "HTS".')
    type: ActorType = "other"
    role: ActorRole = "other"
    backed_by: list[str] = Field(default_factory=list)


class Location(_Model):
    name: str
    type: LocationType = "other"
    country: str | None = None
    role: LocationRole = "mentioned"


class Count(_Model):
    """How many, as stated. `count` is the best single integer (null for vague quantities);
    `low`/`high` bound it. Vague words follow a documented convention (see summariser.numbers):
    "dozens" = 24..99, "hundreds" = 200..999, "thousands" = 2,000..9,999 and so on."""

    count: int | None = None
    low: int | None = None
    high: int | None = None
    qualifier: Qualifier = "exact"


class Grounded(_Model):
    reported_by: str | None = Field(
        default=None, description="Who the article attributes the figure to, close to verbatim."
    )
    evidence: str = Field(description="Verbatim quote from the article that states the figure.")
    span: tuple[int, int] | None = Field(
        default=None, description="[start, end) character offsets of `evidence` in the article."
    )


class Casualty(Count, Grounded):
    kind: CasualtyKind
    group: Group = "mixed/unspecified"
    group_detail: str | None = Field(default=None, description='e.g. "children", "soldiers".')
    perpetrator: str | None = None
    location: str | None = None
    scope: Scope = "incident"


class Displacement(Count, Grounded):
    group: Group = "mixed/unspecified"
    group_detail: str | None = None
    origin: str | None = None
    destination: str | None = None
    scope: Scope = "incident"


class ControlChange(Grounded):
    place: str
    gained_by: str | None = None
    lost_by: str | None = None
    status: ControlStatus = "claimed"


class Usage(_Model):
    prompt_tokens: int = 0
    completion_tokens: int = 0

    @property
    def total_tokens(self) -> int:
        return self.prompt_tokens + self.completion_tokens

    def __add__(self, other: Usage) -> Usage:
        return Usage(
            prompt_tokens=self.prompt_tokens + other.prompt_tokens,
            completion_tokens=self.completion_tokens + other.completion_tokens,
        )


class Meta(_Model):
    model: str
    backend: str
    strategy: str
    prompt_version: str
    prompt_hash: str
    schema_version: str = SCHEMA_VERSION
    schema_hash: str
    cached: bool = False
    attempts: int = 0
    calls: int = 0
    cached_calls: int = 0  # model calls answered from the cache (same request seen before)
    usage: Usage = Field(default_factory=Usage)
    latency_s: float = 0.0


class Brief(_Model):
    schema_version: str = SCHEMA_VERSION
    is_conflict_report: bool
    headline: str
    summary: str
    actors: list[Actor] = Field(default_factory=list)
    locations: list[Location] = Field(default_factory=list)
    casualties: list[Casualty] = Field(default_factory=list)
    displacement: list[Displacement] = Field(default_factory=list)
    control_changes: list[ControlChange] = Field(default_factory=list)
    warnings: list[str] = Field(default_factory=list)
    meta: Meta | None = None
