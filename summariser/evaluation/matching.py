"""One-to-one matching of predictions to gold, and the additive counts behind precision and
recall: the machinery the figure scorer (evaluation.figure_scoring) and the entity scorer
(evaluation.entity_scoring) share.

Conventions (also in evals/README.md):

* Matching is one-to-one and maximal (augmenting paths), trying required gold first, so a
  duplicate prediction can never steal a required figure's match from a correct one.
* Optional gold is free both ways: matching it counts as a true positive, missing it costs
  nothing. Recall = matched / (required + matched optional); required recall = matched required
  / required.
* An unmatched prediction is a false positive unless it also fits an optional gold item (a
  second phrasing of a vague or background figure); those are "ignored". A duplicate of a
  required figure is a false positive.
* Empty denominators: precision with no predictions is 1.0 when nothing was required, else 0.0
  (saying nothing about an article with required figures is not "precise"); recall with nothing
  required and nothing matched is 1.0; attribute accuracies over zero matches are None.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any


def max_matching(order: Sequence[int], candidates: Callable[[int], Sequence[int]]) -> dict[int, int]:
    """Maximum one-to-one matching gold -> prediction (Kuhn's augmenting paths).

    Gold items are tried in `order`; an augmenting path never unmatches an already matched gold
    item, so putting required items first maximises required matches before optional ones.
    `candidates(g)` lists compatible predictions, best first (ties go to the earlier one).
    """
    owner: dict[int, int] = {}  # prediction -> gold

    def assign(g: int, seen: set[int]) -> bool:
        for p in candidates(g):
            if p in seen:
                continue
            seen.add(p)
            if p not in owner or assign(owner[p], seen):
                owner[p] = g
                return True
        return False

    for g in order:
        assign(g, set())
    return {g: p for p, g in owner.items()}


@dataclass
class Tally:
    """Additive counts behind precision/recall, so splits can be micro-averaged by summing."""

    required: int = 0
    required_matched: int = 0
    optional_matched: int = 0
    false_positives: int = 0

    @property
    def true_positives(self) -> int:
        """Matched gold items, required or optional."""
        return self.required_matched + self.optional_matched

    def __add__(self, other: Tally) -> Tally:
        """Field-wise sum (micro-averaging)."""
        return Tally(self.required + other.required,
                     self.required_matched + other.required_matched,
                     self.optional_matched + other.optional_matched,
                     self.false_positives + other.false_positives)

    def precision(self) -> float:
        """See the module docstring for the empty case."""
        claimed = self.true_positives + self.false_positives
        if claimed == 0:
            return 1.0 if self.required == 0 else 0.0
        return self.true_positives / claimed

    def recall(self) -> float:
        """Matched over required plus matched optional."""
        expected = self.required + self.optional_matched
        return 1.0 if expected == 0 else self.true_positives / expected

    def required_recall(self) -> float:
        """Matched required over required; 1.0 when nothing was required."""
        return 1.0 if self.required == 0 else self.required_matched / self.required

    def f1(self) -> float:
        """Harmonic mean of precision and recall (0.0 when both are 0)."""
        p, r = self.precision(), self.recall()
        return 0.0 if p + r == 0 else 2 * p * r / (p + r)

    def to_dict(self) -> dict[str, Any]:
        """Counts plus the derived rates."""
        return {
            "required": self.required, "required_matched": self.required_matched,
            "optional_matched": self.optional_matched, "false_positives": self.false_positives,
            "precision": self.precision(), "recall": self.recall(),
            "required_recall": self.required_recall(), "f1": self.f1(),
        }
