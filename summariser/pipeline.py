"""From article text to a brief: the two strategies.

focused (default, for small local models): code finds every candidate number in the article
body, with its sentence; the model answers one narrow question per candidate (which kind, which
group, who reported it, which scope) and one question about actors, places and the summary. Counts,
evidence and spans come from the article through code, never from the model.

single (for strong remote models): one call writes the whole brief; code then parses each
figure's number from its quoted evidence and drops anything it cannot ground.

Both end in the same verifier (summariser.grounding), so no strategy can emit a number the
article does not state.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field

from summariser.backends.base import Backend, LLMRequest
from summariser.errors import ExtractionFailed
from summariser.grounding import check_figure, locate
from summariser.numbers import NumberMention, ParsedCount, find_numbers, parse_count, stated_values
from summariser.prompting import build_messages
from summariser.schemas.brief import (
    Actor,
    Brief,
    Casualty,
    ControlChange,
    Displacement,
    Location,
    Usage,
)
from summariser.schemas.llm import FigureDecision, Overview, SingleBrief
from summariser.text import Sentence, body_spans, split_sentences

# A sentence must speak of harm or flight before any of its numbers is put to the model: this
# keeps populations, distances and counts of towns away from the model entirely.
CUE = re.compile(
    r"\b(kill\w*|dead|death\w*|die[ds]?|dying|fatal\w*|casualt\w*|toll|bod(?:y|ies)|lives|"
    r"massacre\w*|slain|slaughter\w*|execut\w*|wound\w*|injur\w*|hurt|maim\w*|missing|"
    r"unaccounted|abduct\w*|kidnap\w*|hostage\w*|fle[de]|flee\w*|displac\w*|evacuat\w*|"
    r"refugee\w*|homeless|uproot\w*|driven|exodus|shelter\w*|camps?)\b",
    re.IGNORECASE,
)
# Counted things that are never people: a number attached to one of these is not a figure.
NOT_PEOPLE = {
    "towns", "town", "villages", "village", "cities", "raids", "raid", "strikes", "strike",
    "airstrikes", "attacks", "attack", "cars", "car", "vehicles", "vehicle", "tanks", "drones",
    "drone", "projectiles", "rockets", "rocket", "missiles", "missile", "shells", "bombs",
    "buildings", "houses", "homes", "hospitals", "schools", "trucks", "aircraft", "planes",
    "jets", "km", "kilometres", "kilometers", "miles", "metres", "meters", "hours", "days",
    "weeks", "months", "years", "minutes", "dollars", "euros", "tonnes", "tons", "positions",
    "checkpoints", "fronts", "directions", "provinces", "districts", "neighbourhoods",
    "neighborhoods", "times", "points", "sorties", "shots", "rounds", "barrels", "sites",
}
GENERIC_NOUNS = {"people", "persons", "others", "individuals", "of", "the"}
NOT_STATED = {"", "not stated", "none", "unknown", "n/a", "null", "unspecified", "not specified"}
GROUPS = {"civilians": "civilians", "combatants": "combatants", "mixed": "mixed/unspecified"}


@dataclass(frozen=True)
class Candidate:
    mention: NumberMention  # offsets into the article
    sentence: Sentence


@dataclass
class Run:
    """Accounting for one article: calls, attempts and usage summed over every model call."""

    backend: Backend
    calls: int = 0
    attempts: int = 0
    usage: Usage = field(default_factory=Usage)
    warnings: list[str] = field(default_factory=list)

    def ask(self, request: LLMRequest):  # type: ignore[no-untyped-def]
        self.calls += 1
        try:
            result = self.backend.complete(request)
        except ExtractionFailed as exc:
            self.attempts += exc.attempts
            self.usage = self.usage + exc.usage
            raise
        self.attempts += result.attempts
        self.usage = self.usage + result.usage
        return result.parsed


def approx_tokens(text: str) -> int:
    return len(text) // 4 + 1


def find_candidates(article: str) -> list[Candidate]:
    """Every number in a body sentence that speaks of harm or flight, with that sentence."""
    found: list[Candidate] = []
    for start, end in body_spans(article):
        for sentence in split_sentences(article, start, end):
            if not CUE.search(sentence.text):
                continue
            for m in find_numbers(sentence.text):
                if m.category != "count":
                    continue
                v = m.value
                if v.count is None and v.low is None and v.high is None:
                    continue
                if m.noun and m.noun.lower() in NOT_PEOPLE:
                    continue
                shifted = NumberMention(
                    start=sentence.start + m.start, end=sentence.start + m.end, text=m.text,
                    value=m.value, category=m.category, noun=m.noun,
                )
                found.append(Candidate(mention=shifted, sentence=sentence))
    return found


def _fold(s: str) -> str:
    s = unicodedata.normalize("NFKD", s)
    return "".join(c for c in s if not unicodedata.combining(c)).casefold()


def _mentioned(name: str, folded_article: str) -> bool:
    """A name counts as in the article if it occurs, or most of its longer words do."""
    name_f = _fold(name).strip()
    if not name_f:
        return False
    if name_f in folded_article:
        return True
    words = [w for w in re.findall(r"\w+", name_f) if len(w) > 3]
    return bool(words) and sum(w in folded_article for w in words) / len(words) >= 0.6


def _overview_budget(article: str) -> int:
    return min(1100, 380 + approx_tokens(article) // 3)


def _clean_overview(ov: Overview, article: str, warnings: list[str]) -> tuple[
        list[Actor], list[Location], list[ControlChange]]:
    folded = _fold(article)
    actors: list[Actor] = []
    seen: set[str] = set()
    for a in ov.actors:
        names = [a.name, *a.aliases]
        if not any(_mentioned(n, folded) for n in names):
            warnings.append(f"Dropped actor {a.name!r}: not named in the article.")
            continue
        if _fold(a.name) in seen:
            continue
        seen.add(_fold(a.name))
        actors.append(Actor(name=a.name, aliases=[x for x in a.aliases if _fold(x) != _fold(a.name)],
                            type=a.type, role=a.role, backed_by=a.backed_by))
    locations: list[Location] = []
    seen = set()
    for loc in ov.locations:
        if not _mentioned(loc.name, folded):
            warnings.append(f"Dropped place {loc.name!r}: not named in the article.")
            continue
        if _fold(loc.name) in seen:
            continue
        seen.add(_fold(loc.name))
        locations.append(Location(name=loc.name, type=loc.type, country=loc.country, role=loc.role))
    controls: list[ControlChange] = []
    for c in ov.control_changes:
        span = locate(c.evidence, article)
        if span is None:
            warnings.append(f"Dropped control change at {c.place!r}: its evidence is not in the article.")
            continue
        controls.append(ControlChange(place=c.place, gained_by=c.gained_by, lost_by=c.lost_by,
                                      status=c.status, reported_by=_source(c.reported_by),
                                      evidence=article[span[0]:span[1]], span=span))
    return actors, locations, controls


def _strip_invented_numbers(text: str, article_values: set[int], what: str,
                            warnings: list[str]) -> str:
    """Drop any sentence of model-written prose that carries a number the article never states."""
    kept = []
    for sentence in split_sentences(text):
        extra = stated_values(sentence.text) - article_values
        if extra:
            warnings.append(f"Removed a {what} sentence with numbers not in the article: {sorted(extra)}.")
            continue
        kept.append(sentence.text)
    return " ".join(kept)


def _source(value: str | None) -> str | None:
    if value is None or value.strip().lower().strip(".") in NOT_STATED:
        return None
    return value.strip()


def _place_in(sentence: str, locations: list[Location]) -> str | None:
    folded = _fold(sentence)
    for loc in locations:
        if _fold(loc.name) in folded:
            return loc.name
    return None


def _figure(kind: str, value: ParsedCount, group: str, detail: str | None, reported_by: str | None,
            scope: str, evidence: str, span: tuple[int, int], location: str | None
            ) -> Casualty | Displacement:
    common = dict(count=value.count, low=value.low, high=value.high, qualifier=value.qualifier,
                  group=GROUPS.get(group, "mixed/unspecified"), group_detail=detail,
                  reported_by=reported_by, scope=scope, evidence=evidence, span=span)
    if kind == "displaced":
        return Displacement(**common)  # type: ignore[arg-type]
    return Casualty(kind=kind, location=location, **common)  # type: ignore[arg-type]


def _detail(noun: str | None) -> str | None:
    if not noun or noun.lower() in GENERIC_NOUNS:
        return None
    return noun


def focused(article: str, run: Run) -> Brief:
    warnings = run.warnings
    try:
        ov: Overview = run.ask(LLMRequest(
            messages=build_messages(article, "task_overview", max_actors=10, max_locations=12,
                                    max_controls=5),
            response_model=Overview, max_tokens=_overview_budget(article), task="overview"))
    except ExtractionFailed as exc:
        # Figures are worth more than the summary: carry on without actors and places.
        warnings.append(f"Overview failed ({exc}); actors, places and summary are missing.")
        ov = Overview(is_conflict_report=True, headline="", summary="")
    if not ov.is_conflict_report:
        return Brief(is_conflict_report=False, headline=ov.headline, summary=ov.summary,
                     warnings=warnings)
    actors, locations, controls = _clean_overview(ov, article, warnings)
    figures: list[Casualty | Displacement] = []
    for cand in find_candidates(article):
        try:
            d: FigureDecision = run.ask(LLMRequest(
                messages=build_messages(article, "task_figure", sentence=cand.sentence.text,
                                        number=cand.mention.text),
                response_model=FigureDecision, max_tokens=60, task="figure"))
        except ExtractionFailed as exc:
            warnings.append(f"Could not classify {cand.mention.text!r}: {exc}")
            continue
        if d.kind == "none":
            continue
        figures.append(_figure(d.kind, cand.mention.value, d.group, _detail(cand.mention.noun),
                               _source(d.reported_by), d.scope, cand.sentence.text,
                               (cand.sentence.start, cand.sentence.end),
                               _place_in(cand.sentence.text, locations)))
    return _assemble(article, ov, actors, locations, controls, figures, warnings)


def single(article: str, run: Run) -> Brief:
    warnings = run.warnings
    sb: SingleBrief = run.ask(LLMRequest(
        messages=build_messages(article, "task_single"), response_model=SingleBrief,
        max_tokens=min(2000, 700 + approx_tokens(article) // 2), task="single"))
    if not sb.is_conflict_report:
        return Brief(is_conflict_report=False, headline=sb.headline, summary=sb.summary,
                     warnings=warnings)
    actors, locations, controls = _clean_overview(sb, article, warnings)
    figures: list[Casualty | Displacement] = []
    for f in sb.figures:
        value = parse_count(f.number)
        if value is None:
            warnings.append(f"Dropped {f.kind} figure {f.number!r}: not a number.")
            continue
        span = locate(f.evidence, article)
        evidence = article[span[0]:span[1]] if span else f.evidence
        figures.append(_figure(f.kind, value, f.group, None, _source(f.reported_by), f.scope,
                               evidence, span or (0, 0), _place_in(evidence, locations)))
    return _assemble(article, sb, actors, locations, controls, figures, warnings)


def _assemble(article: str, ov: Overview, actors: list[Actor], locations: list[Location],
              controls: list[ControlChange], figures: list[Casualty | Displacement],
              warnings: list[str]) -> Brief:
    body = body_spans(article)
    article_values = stated_values(article)
    casualties: list[Casualty] = []
    displacement: list[Displacement] = []
    seen: set[tuple] = set()
    for fig in figures:
        value = ParsedCount(count=fig.count, low=fig.low, high=fig.high, qualifier=fig.qualifier)
        verdict = check_figure(fig.evidence, value, article, body)
        label = fig.kind if isinstance(fig, Casualty) else "displaced"
        if not verdict.ok:
            warnings.append(f"Dropped {label} figure {fig.count or fig.low}: {verdict.reason}.")
            continue
        fig = fig.model_copy(update={"span": verdict.span,
                                     "evidence": article[verdict.span[0]:verdict.span[1]]})
        key = (label, fig.count, fig.low, fig.high, fig.group, fig.span)
        if key in seen:
            continue
        seen.add(key)
        if isinstance(fig, Casualty):
            casualties.append(fig)
        else:
            displacement.append(fig)
    warnings.extend(conflicting_tolls(casualties))
    return Brief(
        is_conflict_report=True,
        headline=_strip_invented_numbers(ov.headline, article_values, "headline", warnings),
        summary=_strip_invented_numbers(ov.summary, article_values, "summary", warnings),
        actors=actors, locations=locations, casualties=casualties, displacement=displacement,
        control_changes=controls, warnings=warnings,
    )


def conflicting_tolls(casualties: list[Casualty]) -> list[str]:
    """Flag incident figures of the same kind and group that different sources put differently."""
    out = []
    by_key: dict[tuple[str, str], list[Casualty]] = {}
    for c in casualties:
        if c.scope == "incident" and c.reported_by:
            by_key.setdefault((c.kind, c.group), []).append(c)
    for (kind, group), items in by_key.items():
        sources = {_fold(c.reported_by or "") for c in items}
        counts = {(c.count, c.low, c.high) for c in items}
        if len(sources) > 1 and len(counts) > 1:
            listed = "; ".join(f"{_shown(c)} per {c.reported_by}" for c in items)
            out.append(f"Sources give different {kind} tolls ({group}): {listed}. "
                       "They may describe different events; check the evidence.")
    return out


def _shown(c: Casualty) -> str:
    if c.count is not None:
        return str(c.count)
    return f"{c.low}-{c.high}" if c.high else f"{c.low}+"


STRATEGIES: dict[str, Callable[[str, Run], Brief]] = {"focused": focused, "single": single}
