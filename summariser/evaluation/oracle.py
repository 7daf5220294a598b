"""The brief a perfect summariser would return for a gold case.

Used to check the harness against itself: the oracle must score perfectly on every case (if it
does not, the gold or a scorer is wrong), and it makes a realistic fake `brief_fn` for tests.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, get_args

from summariser.evaluation.gold import EvalCase, GoldFigure
from summariser.schemas.brief import (
    Actor,
    Brief,
    Casualty,
    ControlChange,
    Displacement,
    Location,
    Qualifier,
)


def _first(value: str | Sequence[str] | None, default: str) -> Any:  # Any: a schema Literal
    if value is None:
        return default
    return value if isinstance(value, str) else value[0]


def _numbers(g: GoldFigure) -> dict[str, int | None]:
    low, high = g.low, g.high
    if g.count is None and low is None and high is None and g.accept is not None:
        low, high = g.accept  # vague gold without stated bounds ("many millions")
    return {"count": g.count, "low": low, "high": high}


def oracle_brief(case: EvalCase, *, include_optional: bool = True) -> Brief:
    """A Brief holding exactly the gold: every (required, optionally also optional) figure
    with its first accepted attribute values, every gold actor and place."""
    casualties, displacement = [], []
    for g in case.gold.figures:
        if not (g.required or include_optional):
            continue
        qualifier = g.qualifier if g.qualifier in get_args(Qualifier) else "exact"
        common = {
            **_numbers(g),
            "qualifier": qualifier,
            "group": _first(g.group, "mixed/unspecified"),
            "group_detail": g.group_detail,
            "reported_by": g.reported_by[0] if g.reported_by else None,
            "evidence": g.evidence,
            "scope": _first(g.scope, "incident"),
        }
        if g.kind == "displaced":
            displacement.append(Displacement(
                **common,
                origin=g.origin[0] if g.origin else None,
                destination=g.destination[0] if g.destination else None,
            ))
        else:
            casualties.append(Casualty(kind=g.kind, **common))
    narrative = case.gold.narrative
    about = narrative.facts or narrative.about[0] if narrative is not None else ""
    return Brief(
        is_conflict_report=case.gold.is_conflict_report,
        headline=about or f"Gold brief for {case.id}",
        summary=about,
        actors=[Actor(name=a.name, aliases=list(a.aliases), type=_first(a.type, "other"),
                      role=_first(a.role, "other")) for a in case.gold.actors],
        locations=[Location(name=loc.name, country=loc.country[0] if loc.country else None,
                            role=_first(loc.role, "mentioned")) for loc in case.gold.locations],
        casualties=casualties,
        displacement=displacement,
        control_changes=[ControlChange(place=c.place[0], gained_by=c.gained_by[0] if c.gained_by else None,
                                       lost_by=c.lost_by[0] if c.lost_by else None,
                                       status=c.status or "claimed", evidence=c.evidence)
                         for c in case.gold.control_changes or []],
    )
