"""The per-case score: every scorer's verdict on one brief (figures, actors, places, the
conflict flag, grounding, invented numbers and the narrative) and the lines that say why a case
fails."""

from __future__ import annotations

from dataclasses import dataclass

from summariser.evaluation.entity_scoring import EntityScore, score_entities
from summariser.evaluation.figure_scoring import (
    FigureScore,
    PredictedFigure,
    invented_numbers,
    is_grounded,
    predicted_figures,
    score_figures,
)
from summariser.evaluation.gold import EvalCase
from summariser.evaluation.narrative import NarrativeScore, score_narrative
from summariser.evaluation.text import numbers_in
from summariser.schemas.brief import Brief


@dataclass
class CaseScore:
    """Every scorer's verdict on one brief (or on no brief, when the run failed)."""

    figures: FigureScore
    actors: EntityScore
    places: EntityScore
    conflict_correct: bool
    predicted_figures: list[PredictedFigure]
    ungrounded: list[PredictedFigure]
    invented: list[tuple[PredictedFigure, list[int]]]
    narrative: NarrativeScore

    @property
    def grounded(self) -> int:
        """How many predicted figures have evidence found in the article."""
        return len(self.predicted_figures) - len(self.ungrounded)

    @property
    def invented_count(self) -> int:
        """How many predicted numbers the article never states."""
        return sum(len(values) for _, values in self.invented)

    def failures(self) -> list[str]:
        """Why this case fails, one line each; empty when it passes."""
        out = []
        if not self.conflict_correct:
            out.append("is_conflict_report is wrong")
        for _, g in self.figures.missed_required:
            source = f" ({g.reported_by[0]})" if g.reported_by else ""
            out.append(f"missed required {g.label}{source}: {g.evidence!r}")
        for pred, values in self.invented:
            out.append(f"invented number(s) {', '.join(map(str, values))} in {pred.path}: {pred.evidence!r}")
        for pred in self.ungrounded:
            out.append(f"ungrounded evidence in {pred.path} ({pred.label}): {pred.evidence!r}")
        for pred, trap in self.figures.trap_hits:
            out.append(f"trap: {pred.path} ({pred.label}) comes from {trap.text!r} ({trap.why})")
        return out + self.narrative.failures()


def score_case(case: EvalCase, brief: Brief | None) -> CaseScore:
    """Score one brief against its case's gold; `brief=None` (the run failed) misses everything."""
    gold = case.gold
    preds = predicted_figures(brief) if brief is not None else []
    actors = [[a.name, *a.aliases] for a in brief.actors] if brief is not None else []
    places = [[loc.name] for loc in brief.locations] if brief is not None else []

    stated = numbers_in(case.text)
    invented = [(p, values) for p in preds if (values := invented_numbers(p, stated))]
    actor_score = score_entities(actors, gold.actors)
    place_score = score_entities(places, gold.locations)
    return CaseScore(
        figures=score_figures(preds, gold.figures, gold.traps, case.text),
        actors=actor_score,
        places=place_score,
        conflict_correct=brief is not None and brief.is_conflict_report == gold.is_conflict_report,
        predicted_figures=preds,
        ungrounded=[p for p in preds if not is_grounded(p, case.text)],
        invented=invented,
        narrative=score_narrative(case, brief, actor_score, place_score),
    )
