"""Figure scoring: the casualty and displacement figures of a Brief against the gold figures,
and the checks of each predicted figure against the article itself (grounded evidence, invented
numbers).

Figures match gold by kind and number under the conventions of evaluation.matching (one-to-one,
required gold first, optional gold free both ways); besides:

* A prediction that hits a trap (page noise, a population, another story's number) is always a
  false positive and never matched.
"""

from __future__ import annotations

import functools
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from summariser.evaluation.gold import GoldFigure, Trap
from summariser.evaluation.matching import Tally, max_matching
from summariser.evaluation.text import contains_phrase, figure_label, find_quote, fold
from summariser.schemas.brief import Brief

KINDS = ("killed", "injured", "missing", "displaced")
ATTRIBUTES = ("group", "reported_by", "scope", "qualifier", "route", "origin", "destination")


@dataclass(frozen=True)
class PredictedFigure:
    """A casualty or displacement entry of a Brief, flattened so all four kinds score alike."""

    path: str  # where it sits in the brief, e.g. "casualties[2]"
    kind: str
    count: int | None
    low: int | None
    high: int | None
    qualifier: str
    group: str
    reported_by: str | None
    scope: str
    evidence: str
    span: tuple[int, int] | None = None
    origin: str | None = None
    destination: str | None = None

    @property
    def numbers(self) -> list[int]:
        """count, low, high: the ones given."""
        return [v for v in (self.count, self.low, self.high) if v is not None]

    @property
    def label(self) -> str:
        """Short human label, e.g. "killed 700"."""
        return figure_label(self.kind, self.count, self.low, self.high)

    def to_dict(self) -> dict[str, Any]:
        """JSON form."""
        return {
            "path": self.path, "kind": self.kind, "count": self.count, "low": self.low,
            "high": self.high, "qualifier": self.qualifier, "group": self.group,
            "reported_by": self.reported_by, "scope": self.scope, "evidence": self.evidence,
            "span": list(self.span) if self.span else None, "origin": self.origin,
            "destination": self.destination,
        }


def predicted_figures(brief: Brief) -> list[PredictedFigure]:
    """All figures of a brief: casualties (killed/injured/missing) then displacement."""
    out = [
        PredictedFigure(
            path=f"casualties[{i}]", kind=c.kind, count=c.count, low=c.low, high=c.high,
            qualifier=c.qualifier, group=c.group, reported_by=c.reported_by, scope=c.scope,
            evidence=c.evidence, span=c.span,
        )
        for i, c in enumerate(brief.casualties)
    ]
    out += [
        PredictedFigure(
            path=f"displacement[{i}]", kind="displaced", count=d.count, low=d.low, high=d.high,
            qualifier=d.qualifier, group=d.group, reported_by=d.reported_by, scope=d.scope,
            evidence=d.evidence, span=d.span, origin=d.origin, destination=d.destination,
        )
        for i, d in enumerate(brief.displacement)
    ]
    return out


# --- figures --------------------------------------------------------------------------------------


def figure_fits(pred: PredictedFigure, gold: GoldFigure) -> bool:
    """Whether `pred` can stand for `gold`: same kind and compatible numbers.

    A predicted count must lie in the gold accept range; a predicted low-high range (count
    null, an open end allowed) must overlap it; a prediction with no number at all can only
    stand for an optional gold figure that has no count either ("dozens", "casualties").
    """
    if pred.kind != gold.kind:
        return False
    if pred.count is not None:
        return gold.accept is not None and gold.accept[0] <= pred.count <= gold.accept[1]
    if pred.low is None and pred.high is None:
        return not gold.required and gold.count is None
    if gold.accept is None:
        return False
    low = pred.low if pred.low is not None else float("-inf")
    high = pred.high if pred.high is not None else float("inf")
    return low <= gold.accept[1] and high >= gold.accept[0]


def _accepted(value: str | Sequence[str] | None) -> list[str]:
    if value is None:
        return []
    return [value] if isinstance(value, str) else list(value)


def attribution_matches(predicted: str | None, accepted: Sequence[str]) -> bool:
    """Whether a predicted source names one of the accepted ones.

    Word-level containment either way after normalising ("the Britain-based Syrian Observatory
    for Human Rights" contains "Syrian Observatory for Human Rights"; "UN" lies in "UN OCHA"),
    so a model that quotes more or less of the attribution is not penalised, while "UN" does not
    match inside "united".
    """
    if not predicted or not predicted.strip():
        return False
    return any(contains_phrase(predicted, a) or contains_phrase(a, predicted) for a in accepted)


@dataclass(frozen=True)
class FigureMatch:
    """A gold figure, the prediction standing for it, and which attributes agree."""

    gold_index: int
    gold: GoldFigure
    pred: PredictedFigure
    checks: dict[str, bool | None]  # attribute -> correct? (None: gold does not score it)

    def to_dict(self) -> dict[str, Any]:
        """JSON form."""
        return {"gold_index": self.gold_index, "gold": self.gold.model_dump(mode="json"),
                "predicted": self.pred.to_dict(), "checks": self.checks}


def attribute_checks(pred: PredictedFigure, gold: GoldFigure) -> dict[str, bool | None]:
    """group / reported_by / scope / qualifier / route (origin and destination together) /
    origin / destination agreement of a matched pair (None = not scored)."""
    groups, scopes = _accepted(gold.group), _accepted(gold.scope)
    origin = destination = route = None
    if gold.kind == "displaced":
        origin = attribution_matches(pred.origin, gold.origin) if gold.origin else None
        destination = attribution_matches(pred.destination, gold.destination) if gold.destination else None
        if origin is not None or destination is not None:
            route = origin is not False and destination is not False
    return {
        "group": (pred.group in groups) if groups else None,
        "reported_by": attribution_matches(pred.reported_by, gold.reported_by) if gold.reported_by else None,
        "scope": (pred.scope in scopes) if scopes else None,
        "qualifier": (pred.qualifier == gold.qualifier) if gold.qualifier else None,
        "route": route,
        "origin": origin,
        "destination": destination,
    }


@dataclass
class FigureScore:
    """How the predicted figures of one brief compare with the gold figures."""

    matches: list[FigureMatch] = field(default_factory=list)
    missed: list[tuple[int, GoldFigure]] = field(default_factory=list)
    false_positives: list[PredictedFigure] = field(default_factory=list)
    ignored: list[PredictedFigure] = field(default_factory=list)
    trap_hits: list[tuple[PredictedFigure, Trap]] = field(default_factory=list)
    gold: list[GoldFigure] = field(default_factory=list)
    predictions: list[PredictedFigure] = field(default_factory=list)
    text: str = ""

    def tally(self, kind: str | None = None) -> Tally:
        """Counts for one kind, or all kinds."""
        def want(k: str) -> bool:
            return kind is None or k == kind

        return Tally(
            required=sum(1 for g in self.gold if g.required and want(g.kind)),
            required_matched=sum(1 for m in self.matches if m.gold.required and want(m.gold.kind)),
            optional_matched=sum(1 for m in self.matches if not m.gold.required and want(m.gold.kind)),
            false_positives=sum(1 for p in self.false_positives if want(p.kind)),
        )

    def attribute_tally(self) -> dict[str, tuple[int, int]]:
        """attribute -> (correct, scored) over the matched pairs."""
        out: dict[str, tuple[int, int]] = {}
        for name in ATTRIBUTES:
            results = [m.checks[name] for m in self.matches if m.checks[name] is not None]
            out[name] = (sum(1 for r in results if r), len(results))
        return out

    def confusion(self) -> dict[str, Counter[tuple[str, str]]]:
        """(gold, predicted) pairs for kind, group and scope. Kind: every gold figure and the
        first prediction of a fitting number quoted from the same place, whatever its kind (a
        kind mistake is otherwise only a miss plus a false positive); group and scope: matched
        pairs where the gold scores them."""
        table: dict[str, Counter[tuple[str, str]]] = {n: Counter() for n in ("kind", "group", "scope")}
        for g in self.gold:
            at = find_quote(g.evidence, self.text)
            for p in self.predictions:
                where = evidence_location(p, self.text)
                if _overlap(at, where) and figure_fits(replace(p, kind=g.kind), g):
                    table["kind"][(g.kind, p.kind)] += 1
                    break
        for m in self.matches:
            for name, value in (("group", m.pred.group), ("scope", m.pred.scope)):
                accepted = _accepted(getattr(m.gold, name))
                if accepted:
                    table[name][(accepted[0] if value not in accepted else value, value)] += 1
        return table

    @property
    def missed_required(self) -> list[tuple[int, GoldFigure]]:
        """(gold index, gold figure) of every required figure nobody matched."""
        return [(i, g) for i, g in self.missed if g.required]


def trap_hit(pred: PredictedFigure, traps: Sequence[Trap], text: str) -> Trap | None:
    """The first trap `pred` falls into: one of its numbers equals a trap value, or its evidence
    overlaps a trap that names no values (a block of page noise, another story), or lies inside a
    trap. A whole-sentence quote that merely shares a sentence with a valued trap ("travelled about
    40 km north to Meruk, where 11,500 are sheltering") is judged by its number, not its quote."""
    where = evidence_location(pred, text)
    for trap in traps:
        if set(pred.numbers) & set(trap.values):
            return trap
        at = find_quote(trap.text, text)
        if at is None or where is None or not _overlap(at, where):
            continue
        if not trap.values or (at[0] <= where[0] and where[1] <= at[1]):
            return trap
    return None


def _overlap(a: tuple[int, int] | None, b: tuple[int, int] | None) -> bool:
    """Whether two spans share a character (False when either is missing)."""
    return bool(a and b and b[0] < a[1] and a[0] < b[1])


def evidence_location(pred: PredictedFigure, text: str) -> tuple[int, int] | None:
    """Where the figure's evidence is in `text`: its span when the span holds the evidence,
    else the first place the quote is found; None when it is nowhere."""
    if pred.span and _span_holds(pred.span, pred.evidence, text):
        return pred.span
    return find_quote(pred.evidence, text)


def _span_holds(span: tuple[int, int], evidence: str, text: str) -> bool:
    start, end = span
    return 0 <= start < end <= len(text) and fold(text[start:end]) == fold(evidence)


def score_figures(preds: Sequence[PredictedFigure], gold: Sequence[GoldFigure],
                  traps: Sequence[Trap] = (), text: str = "") -> FigureScore:
    """Match predictions to gold figures (see the module docstring for the rules)."""
    score = FigureScore(gold=list(gold), predictions=list(preds), text=text)
    eligible: list[int] = []
    for i, pred in enumerate(preds):
        trap = trap_hit(pred, traps, text) if traps else None
        if trap is not None:
            score.trap_hits.append((pred, trap))
            score.false_positives.append(pred)
        else:
            eligible.append(i)

    @functools.cache  # max_matching asks again for a gold figure on every augmenting path
    def candidates(g: int) -> list[int]:
        fits = [p for p in eligible if figure_fits(preds[p], gold[g])]
        # Prefer the exact count, then the fewest disagreeing attributes, so attribute accuracy
        # is measured on the prediction a reader would pair with this gold figure.
        def disagreements(p: int) -> int:
            return sum(v is False for v in attribute_checks(preds[p], gold[g]).values())

        # Then the one quoted from the gold's own sentence: two unquantified "dozens killed"
        # fit each other's gold alike.
        at = find_quote(gold[g].evidence, text)

        def elsewhere(p: int) -> bool:
            return not _overlap(at, evidence_location(preds[p], text))

        return sorted(fits, key=lambda p: (preds[p].count != gold[g].count, disagreements(p),
                                           elsewhere(p), p))

    order = sorted(range(len(gold)), key=lambda g: (not gold[g].required, g))
    pairs = max_matching(order, candidates)
    for g in range(len(gold)):
        if g in pairs:
            pred = preds[pairs[g]]
            score.matches.append(FigureMatch(g, gold[g], pred, attribute_checks(pred, gold[g])))
        else:
            score.missed.append((g, gold[g]))
    used = set(pairs.values())
    for p in eligible:
        if p in used:
            continue
        if any(not g.required and figure_fits(preds[p], g) for g in gold):
            score.ignored.append(preds[p])
        else:
            score.false_positives.append(preds[p])
    return score


# --- grounding and invented numbers --------------------------------------------------------------------


def is_grounded(pred: PredictedFigure, text: str) -> bool:
    """Whether the figure's evidence is really in the article.

    Its span counts when the text there equals the evidence; otherwise the quote must be found
    by text.find_quote (case, whitespace, quote/dash styles, enclosing quotes and marked
    elisions aside). Deliberately not the pipeline's own locate(): the eval must not grade the
    verifier with the verifier.
    """
    return bool(pred.evidence.strip()) and evidence_location(pred, text) is not None


def invented_numbers(pred: PredictedFigure, stated: set[int]) -> list[int]:
    """Numbers of `pred` the article never states (empty when none).

    Figures without a count (vague: "dozens") are skipped, their bounds come from a
    convention. A count is traceable when stated, or when it lies between a stated low and a
    stated high (a midpoint of "between 115 and 120"); bounds around a stated count may be the
    approximation convention's ("about 110"), so only an untraceable count's numbers are listed.
    """
    if pred.count is None:
        return []
    stated = stated | {0}  # "no casualties" states zero without a digit
    if pred.count in stated:
        return []
    if (pred.low is not None and pred.high is not None and pred.low in stated
            and pred.high in stated and pred.low <= pred.count <= pred.high):
        return []
    return [v for v in pred.numbers if v not in stated]
