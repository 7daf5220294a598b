"""Gold data: what a correct brief of each eval article must (and must not) contain.

Layout (see evals/README.md):

    evals/manifest.json          {"splits": {"dev": [ids...], "test": [ids...]}}
    evals/cases/<id>.txt         the article, exactly as given to summarise()
    evals/cases/<id>.gold.json   a GoldCase

Gold models forbid unknown keys so that a typo in a hand-written file fails loudly instead of
silently dropping a label.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from summariser.evaluation.text import figure_label

FigureKind = Literal["killed", "injured", "missing", "displaced"]
GroupName = Literal["civilians", "combatants", "mixed/unspecified"]
ScopeName = Literal["incident", "cumulative"]
SplitName = Literal["dev", "test"]
ActorTypeName = Literal[
    "state forces", "government", "non-state armed group", "foreign state or forces",
    "international organisation", "monitor or NGO", "media", "person", "other",
]
ActorRoleName = Literal["attacker", "target", "backer", "mediator", "source", "other"]
PlaceRoleName = Literal["event site", "origin", "destination", "mentioned"]
ControlStatusName = Literal["claimed", "confirmed"]
QualifierName = Literal["exact", "at_least", "more_than", "about", "nearly", "up_to", "vague"]
SPLITS: tuple[SplitName, ...] = ("dev", "test")


class GoldError(ValueError):
    """The eval data is missing or malformed; the message names the file and the fix."""


class _Gold(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class GoldFigure(_Gold):
    """One figure a correct brief reports, with what the scorer accepts for it."""

    kind: FigureKind
    count: int | None = None
    low: int | None = None
    high: int | None = None
    qualifier: QualifierName | None = Field(
        default=None, description="As stated; scored when given (null for ranges and not scored).")
    accept: tuple[int, int] | None = Field(
        default=None,
        description="Inclusive range a predicted count must fall in (or a predicted low-high "
        "range must overlap). Null only for unquantified mentions ('casualties', 'an increasing "
        "number'), which match predictions that give no number either.",
    )
    required: bool = True
    group: GroupName | list[GroupName] | None = Field(
        default=None, description="Accepted group(s); null = not scored."
    )
    group_detail: str | None = None
    reported_by: list[str] = Field(
        default_factory=list,
        description="Accepted attributions (aliases); empty = unattributed in the article, not scored.",
    )
    scope: ScopeName | list[ScopeName] | None = Field(
        default=None, description="Accepted scope(s); null = not scored (ambiguous period tallies)."
    )
    origin: list[str] = Field(default_factory=list, description="displaced: accepted origins.")
    destination: list[str] = Field(default_factory=list, description="displaced: accepted destinations.")
    evidence: str
    note: str | None = None

    @model_validator(mode="after")
    def _consistent(self) -> GoldFigure:
        if self.accept is not None:
            lo, hi = self.accept
            if lo > hi:
                raise ValueError(f"accept {self.accept} is empty (low > high)")
            if self.count is not None and not lo <= self.count <= hi:
                raise ValueError(f"count {self.count} lies outside accept {self.accept}")
        if self.required and self.accept is None:
            raise ValueError("a required figure needs an accept range (only optional ones may be "
                             "unquantified)")
        if self.required and self.count is None and (self.low is None or self.high is None):
            raise ValueError("a required figure needs a count, or both low and high")
        if self.kind != "displaced" and (self.origin or self.destination):
            raise ValueError("origin/destination are for displaced figures only")
        return self

    @property
    def label(self) -> str:
        """Short human label, e.g. "killed 700" or "killed 24-99 (optional)"."""
        label = figure_label(self.kind, self.count, self.low, self.high)
        return label if self.required else f"{label} (optional)"


class GoldEntity(_Gold):
    """An actor or place; matched on normalised name or any alias."""

    name: str
    aliases: list[str] = Field(default_factory=list)
    required: bool = False


class GoldActor(GoldEntity):
    """An actor, with the type and role a correct brief gives it (None = not scored)."""

    type: ActorTypeName | list[ActorTypeName] | None = None
    role: ActorRoleName | list[ActorRoleName] | None = None


class GoldPlace(GoldEntity):
    """A place, with its country (accepted names; empty = none stated or obvious, not scored)
    and its role in the story (None = not scored)."""

    country: list[str] = Field(default_factory=list)
    role: PlaceRoleName | list[PlaceRoleName] | None = None


class GoldControlChange(_Gold):
    """A change of who holds a place, as the article reports it for its own events.

    `place`, `gained_by` and `lost_by` list accepted names (the first is the label). An empty
    `lost_by` or `gained_by` means the article does not say, and that side is not scored.
    """

    place: list[str] = Field(min_length=1)
    gained_by: list[str] = Field(default_factory=list)
    lost_by: list[str] = Field(default_factory=list)
    status: ControlStatusName | None = None
    evidence: str
    required: bool = True
    note: str | None = None

    @model_validator(mode="after")
    def _has_a_side(self) -> GoldControlChange:
        if not (self.gained_by or self.lost_by):
            raise ValueError("a control change names who gained or who lost the place (or both)")
        return self

    @property
    def label(self) -> str:
        """Short human label, e.g. "El Fasher: RSF <- army"."""
        gainer = self.gained_by[0] if self.gained_by else "?"
        loser = self.lost_by[0] if self.lost_by else "?"
        return f"{self.place[0]}: {gainer} <- {loser}"


class ForbiddenClaim(_Gold):
    """A claim the headline or summary must not make: a case-insensitive regular expression
    (Python `re`) and why it would be wrong ("the army withdrew; it did not capture")."""

    pattern: str
    why: str

    @model_validator(mode="after")
    def _compiles(self) -> ForbiddenClaim:
        try:
            re.compile(self.pattern)
        except re.error as exc:
            raise ValueError(f"pattern {self.pattern!r} is not a valid regular expression: {exc}") from exc
        return self


class GoldNarrative(_Gold):
    """What the headline and the summary must be about and must not claim.

    A headline (or summary) is right when it is not empty, names at least one of `about` (the
    main place or actors, any of their variants), makes none of the `must_not` claims, and
    carries no name that the article does not contain.
    """

    about: list[str] = Field(min_length=1)
    must_not: list[ForbiddenClaim] = Field(default_factory=list)
    facts: str | None = Field(default=None, description="The key facts in one sentence, for people.")


class Trap(_Gold):
    """Text that must yield no figure: page noise, populations, other stories' numbers.

    A predicted figure hits the trap when its evidence overlaps `text` in the article, or when
    its count/low/high is one of `values`.
    """

    text: str
    values: list[int] = Field(default_factory=list)
    why: str


class GoldCase(_Gold):
    """Everything the scorers know about one article.

    Real published articles carry `url`, `outlet` and `published`; written cases have none.
    `control_changes` and `narrative` are None on cases labelled before they were scored (not
    scored there); `control_changes: []` says the article reports none, so any predicted one is
    spurious.
    """

    id: str
    source: str | None = None
    url: str | None = None
    outlet: str | None = None
    published: str | None = Field(default=None, description="Publication date as the page gives it.")
    tags: list[str] = Field(default_factory=list, description="What the case covers (see README).")
    is_conflict_report: bool
    figures: list[GoldFigure] = Field(default_factory=list)
    actors: list[GoldActor] = Field(default_factory=list)
    locations: list[GoldPlace] = Field(default_factory=list)
    control_changes: list[GoldControlChange] | None = None
    narrative: GoldNarrative | None = None
    traps: list[Trap] = Field(default_factory=list)
    notes: str | None = None

    @property
    def is_real(self) -> bool:
        """A published article (it has a URL), not a written case."""
        return self.url is not None

    @model_validator(mode="after")
    def _provenance(self) -> GoldCase:
        if self.url is not None and not (self.outlet and self.published):
            raise ValueError("a real article's gold needs its outlet and published date beside its url")
        return self


@dataclass(frozen=True)
class EvalCase:
    """A gold case with its article text and split, ready to run."""

    id: str
    split: SplitName
    text: str
    gold: GoldCase
    path: Path


def read_article(path: Path) -> str:
    """The article exactly as stored: bytes decoded as UTF-8, newlines untouched, because gold
    evidence and predicted spans are offsets into exactly this string."""
    return path.read_bytes().decode("utf-8")


def load_manifest(root: Path) -> dict[str, SplitName]:
    """Map case id -> split from `root/manifest.json`; every id in exactly one split."""
    manifest = root / "manifest.json"
    if not manifest.is_file():
        raise GoldError(
            f"No eval manifest at {manifest}. Run from the repository root or point --cases at "
            "the folder holding manifest.json and cases/."
        )
    try:
        data = json.loads(manifest.read_text(encoding="utf-8"))
        splits = data["splits"]
    except (ValueError, KeyError, TypeError) as exc:
        raise GoldError(
            f'{manifest}: expected {{"splits": {{"dev": [...], "test": [...]}}}} ({exc})'
        ) from exc
    assigned: dict[str, SplitName] = {}
    for split in SPLITS:
        for case_id in splits.get(split, []):
            if case_id in assigned:
                raise GoldError(f"{manifest}: case {case_id!r} is in more than one split")
            assigned[case_id] = split
    unknown = set(splits) - set(SPLITS)
    if unknown:
        raise GoldError(f"{manifest}: unknown split(s) {sorted(unknown)}; use {list(SPLITS)}")
    return assigned


def load_case(root: Path, case_id: str, split: SplitName) -> EvalCase:
    """Load one case's article and gold, checking the gold's id matches its file name."""
    gold_path = root / "cases" / f"{case_id}.gold.json"
    text_path = root / "cases" / f"{case_id}.txt"
    for path in (gold_path, text_path):
        if not path.is_file():
            raise GoldError(f"Case {case_id!r} is listed in the manifest but {path} is missing.")
    try:
        gold = GoldCase.model_validate_json(gold_path.read_bytes())
    except ValidationError as exc:
        raise GoldError(f"{gold_path} is not a valid gold file:\n{exc}") from exc
    if gold.id != case_id:
        raise GoldError(f"{gold_path} has id {gold.id!r}; it must match the file name ({case_id!r}).")
    return EvalCase(id=case_id, split=split, text=read_article(text_path), gold=gold, path=text_path)


def load_cases(root: Path | str, split: str = "all", limit: int | None = None) -> list[EvalCase]:
    """The cases of `split` ("dev", "test" or "all"), sorted by id, at most `limit` of them.

    Gold files present on disk but missing from the manifest are an error: an unassigned case
    would silently never be measured.
    """
    root = Path(root)
    if split not in (*SPLITS, "all"):
        raise GoldError(f"Unknown split {split!r}; use dev, test or all.")
    assigned = load_manifest(root)
    on_disk = {p.name.removesuffix(".gold.json") for p in (root / "cases").glob("*.gold.json")}
    orphans = sorted(on_disk - set(assigned))
    if orphans:
        raise GoldError(f"Gold files not assigned to a split in {root / 'manifest.json'}: {orphans}")
    chosen = sorted(cid for cid, s in assigned.items() if split in ("all", s))
    if limit is not None:
        chosen = chosen[: max(limit, 0)]
    return [load_case(root, cid, assigned[cid]) for cid in chosen]
