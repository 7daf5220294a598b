"""Entity scoring: the actors and places of a Brief against the gold ones, by name or alias,
under the matching conventions of evaluation.matching."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from summariser.evaluation.gold import GoldEntity
from summariser.evaluation.matching import Tally, max_matching
from summariser.evaluation.text import contains_phrase, name_variants, normalise_name, same_party


@dataclass
class EntityScore:
    """Predicted names vs gold actors or places."""

    matched: list[tuple[str, GoldEntity]] = field(default_factory=list)
    pairs: list[tuple[int, int]] = field(default_factory=list)  # (prediction index, gold index)
    missed: list[GoldEntity] = field(default_factory=list)
    false_positives: list[str] = field(default_factory=list)
    ignored: list[str] = field(default_factory=list)
    tally: Tally = field(default_factory=Tally)

    def to_dict(self) -> dict[str, Any]:
        """JSON form."""
        return {
            "matched": [{"predicted": p, "gold": g.name, "required": g.required} for p, g in self.matched],
            "missed": [{"gold": g.name, "required": g.required} for g in self.missed],
            "false_positives": self.false_positives,
            "ignored": self.ignored,
            "tally": self.tally.to_dict(),  # nested: its counts must not overwrite the lists
        }


def entity_fits(pred_names: Sequence[str], gold: GoldEntity) -> bool:
    """Whether a predicted name stands for the gold entity: any form of it equals a form of the
    gold name or an alias, holds one as a phrase ("al Shabaab militants" for "al Shabaab"), or
    names the same side once kind-of-body words are set aside ("Myanmar junta" for "Myanmar's
    junta forces"; see text.same_party)."""
    return fit_rank(pred_names, gold) is not None


def fit_rank(pred_names: Sequence[str], gold: GoldEntity) -> int | None:
    """How closely a predicted entity names the gold one, 0 best; None when it does not.

    0: its name is a form of the gold name; 1: some form of it is a form of the gold name or an
    alias; 2: it holds one as a phrase or names the same side. Matching takes the closest first,
    so "Azerbaijani Armed Forces" is scored against the brief's "Azerbaijani Armed Forces", not
    against its "Azerbaijan"."""
    if not pred_names:
        return None
    gold_names = (gold.name, *gold.aliases)
    if name_variants(pred_names[0]) & name_variants(gold.name):
        return 0
    pred_forms = set().union(*(name_variants(n) for n in pred_names))
    if pred_forms & set().union(*(name_variants(n) for n in gold_names)):
        return 1
    if any(contains_phrase(p, g) or same_party(p, g) for p in pred_names for g in gold_names
           if len(normalise_name(g)) >= 3):
        return 2
    return None


def score_entities(preds: Sequence[Sequence[str]], gold: Sequence[GoldEntity]) -> EntityScore:
    """Match predicted entities (each: its name then its aliases) to gold, like figures."""
    ranks = [[(r, p) for p in range(len(preds)) if (r := fit_rank(preds[p], g)) is not None]
             for g in gold]
    # Close fits (a form of the name or an alias) are matched first, loose ones (a phrase, the
    # same side) only among what is left: the brief's "Russian military", an alias of the gold
    # "Russia", does not stand for the gold "Syrian army" because that one's alias "military" is
    # a phrase of it; a loose fit no close match uses still counts.
    order = sorted(range(len(gold)), key=lambda g: (not gold[g].required, g))
    close = [[p for r, p in sorted(rank) if r < 2] for rank in ranks]
    pairs = max_matching(order, lambda g: close[g])
    used = set(pairs.values())
    loose = [[p for r, p in sorted(rank) if r == 2 and p not in used] for rank in ranks]
    pairs.update(max_matching([g for g in order if g not in pairs], lambda g: loose[g]))
    score = EntityScore()
    for g, item in enumerate(gold):
        if g in pairs:
            score.matched.append((preds[pairs[g]][0], item))
            score.pairs.append((pairs[g], g))
        else:
            score.missed.append(item)
    used = set(pairs.values())
    for p, names in enumerate(preds):
        if p in used:
            continue
        if any(not g.required and entity_fits(names, g) for g in gold):
            score.ignored.append(names[0])
        else:
            score.false_positives.append(names[0])
    score.tally = Tally(
        required=sum(1 for g in gold if g.required),
        required_matched=sum(1 for _, g in score.matched if g.required),
        optional_matched=sum(1 for _, g in score.matched if not g.required),
        false_positives=len(score.false_positives),
    )
    return score
