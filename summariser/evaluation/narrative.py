"""Scorers for the parts of a brief an analyst reads first: control changes, actor types and
roles, place countries and roles, the headline and summary, and names the article never uses.

Conventions (also in evals/README.md):

* Control changes are matched to gold by place. A matched change is *right* when every side it
  names agrees with the gold side and at least one side is named; *inverted* when the gainer it
  names is the gold loser or the loser it names is the gold gainer; *wrong* otherwise. A
  predicted change of a place with no gold change is *spurious* (on a case whose gold says
  `control_changes: []` as well); gold changes nobody predicted are *missed*. Cases whose gold
  has no `control_changes` field at all are not scored.
* Actor type and role are scored on matched gold actors that are required and carry a label;
  place country and role on matched gold places that carry one (country: the gold lists
  accepted names; a missing predicted country is wrong).
* A headline or summary is wrong when it is empty, names none of the gold `about` names, makes
  one of the gold `must_not` claims, claims a capture or withdrawal in an article whose gold
  reports no change of control, or carries an invented name.
* An invented name is a proper-noun word (a capitalised word not opening a sentence, or one
  opening a sentence with another capitalised word after it) of an actor, place, control
  change, headline or summary that the article never uses, not even as the start of a longer
  word ("Syria" for "Syrian"). Like an invented number, it is an error wherever it appears.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from summariser.evaluation.entity_scoring import EntityScore
from summariser.evaluation.figure_scoring import attribution_matches
from summariser.evaluation.gold import EvalCase, GoldCase, GoldControlChange, GoldNarrative
from summariser.evaluation.text import name_variants, normalise_name, same_party, word_variant
from summariser.schemas.brief import Brief, ControlChange

# --- invented names --------------------------------------------------------------------------------

_WORD = re.compile(r"[^\W\d_][\w'\u2019]*", re.UNICODE)  # hyphens split: "Al-Nour" is two words
_POSSESSIVE = re.compile(r"['\u2019]s$")
_DOTTED = re.compile(r"\b(?:[A-Za-z]\.){2,}")  # "U.S." is also "US"
_SENTENCE_END = re.compile(r"[.!?:;]\s*$")
# Capitalised words that are not names even mid-sentence (titles, months, days, headline verbs).
_NOT_NAMES = frozenset("""
i a an the and or of in on at to for from by with as after before amid over under into
monday tuesday wednesday thursday friday saturday sunday january february march april may june
july august september october november december mr mrs ms dr gen col lt maj capt sgt president
prime minister un
""".split())


@lru_cache(maxsize=256)
def _article_words(text: str) -> frozenset[str]:
    words = {normalise_name(w) for w in _WORD.findall(text)}
    words.update(w[:-1] for w in list(words) if w.endswith("s") and len(w) > 3)  # "ASG's" names ASG
    words.update(m.group().replace(".", "").lower() for m in _DOTTED.finditer(text))
    return frozenset(words)


def _known(word: str, words: frozenset[str]) -> bool:
    """`word` occurs in the article, or as another form of an article word (_variant)."""
    w = normalise_name(word).replace(" ", "")
    if not w or w in words:
        return True
    if len(w) < 4:
        return False
    return any(len(a) >= 4 and word_variant(w, a) for a in words)


def name_words(text: str) -> list[str]:
    """The proper-noun words of a phrase or sentence (see the module docstring)."""
    out: list[str] = []
    tokens = list(_WORD.finditer(text))
    for i, match in enumerate(tokens):
        word = match.group()
        if not word[0].isupper() or normalise_name(word) in _NOT_NAMES:
            continue
        before = text[:match.start()]
        opens = not before.strip() or bool(_SENTENCE_END.search(before))
        if opens:
            nxt = tokens[i + 1].group() if i + 1 < len(tokens) else ""
            if not (nxt[:1].isupper() and normalise_name(nxt) not in _NOT_NAMES):
                continue
        out.append(word)
    return out


def invented_words(text: str, article: str, *, whole_name: bool = False,
                   accepted: frozenset[str] = frozenset()) -> list[str]:
    """Words of `text` that make it a name the article never uses.

    `whole_name`: `text` is a name (an actor, a place), so every capitalised word counts, also
    the first; else `text` is prose and only name_words() count. `accepted`: normalised words
    the gold accepts besides the article's own (its aliases: "HTS" for Hayat Tahrir al-Sham).
    """
    words = _article_words(article) | accepted
    if whole_name:
        candidates = [w for w in _WORD.findall(text)
                      if w[:1].isupper() and normalise_name(w) not in _NOT_NAMES]
    else:
        candidates = name_words(text)
    return [w for w in candidates if not _known(_POSSESSIVE.sub("", w), words)]


def gold_words(gold: GoldCase) -> frozenset[str]:
    """Normalised words of every name the gold accepts (actors, places, their aliases and
    countries, control-change parties, the narrative's `about`)."""
    names: list[str] = []
    for entity in (*gold.actors, *gold.locations):
        names += [entity.name, *entity.aliases]
    for place in gold.locations:
        names += place.country
    for change in gold.control_changes or []:
        names += [*change.place, *change.gained_by, *change.lost_by]
    if gold.narrative is not None:
        names += gold.narrative.about
    return frozenset(normalise_name(w) for n in names for w in _WORD.findall(n))


def invented_names(brief: Brief, article: str,
                   accepted: frozenset[str] = frozenset()) -> list[tuple[str, str]]:
    """(where, word) for every invented name in the brief (`accepted`: see invented_words)."""
    out: list[tuple[str, str]] = []

    def check(where: str, text: str | None, whole_name: bool = True) -> None:
        if text:
            out.extend((where, w) for w in invented_words(text, article, whole_name=whole_name,
                                                            accepted=accepted))

    for i, actor in enumerate(brief.actors):
        for name in (actor.name, *actor.aliases):
            check(f"actors[{i}]", name)
    for i, place in enumerate(brief.locations):
        check(f"locations[{i}]", place.name)
    for i, change in enumerate(brief.control_changes):
        for name in (change.place, change.gained_by, change.lost_by):
            check(f"control_changes[{i}]", name)
    check("headline", brief.headline, whole_name=False)
    check("summary", brief.summary, whole_name=False)
    return out


# --- headline and summary --------------------------------------------------------------------------

# A claim that someone took or lost a place. Wrong in the prose of an article whose gold says
# it reports no change of control (`control_changes: []`).
CONTROL_CLAIM = re.compile(
    r"\b(?:(?:re)?captur(?:e|es|ed|ing)|seiz(?:e|es|ed|ing)|re-?t(?:ake|akes|aking|ook|aken)|overr[au]n"
    r"|t(?:ake|akes|aking|aken|ook)\s+(?:full\s+)?control\s+of)\s+"
    r"(?:(?:the|a|key|strategic|northern|southern|eastern|western|central)\s+){0,2}"
    r"(?-i:[A-Z])|\b(?:captur|seiz|retak|retook|overr[au]n)\w*\s+(?:\w+\s+){0,2}"
    r"(?:town|city|village|base|airport|district|province|region|border\s+crossing)\b"
    r"|\b(?:fell|falls|fallen)\s+to\b",
    re.IGNORECASE)


def prose_verdict(text: str, gold: GoldNarrative, article: str,
                  accepted: frozenset[str] = frozenset(), *, no_control_change: bool = False) -> str:
    """"ok", or why the headline/summary is wrong: "empty", "off-topic", "claims: ...",
    "invented name: ...". `no_control_change`: the gold says the article reports none, so a
    capture or withdrawal claimed in the prose is wrong too."""
    if not text.strip():
        return "empty"
    for claim in gold.must_not:
        if re.search(claim.pattern, text, flags=re.IGNORECASE):
            return f"claims: {claim.why}"
    if no_control_change and (found := CONTROL_CLAIM.search(text)):
        return f"claims a change of control the article does not report ({found.group()!r})"
    invented = invented_words(text, article, accepted=accepted)
    if invented:
        return f"invented name: {', '.join(invented)}"
    if not any(attribution_matches(text, [name]) for name in gold.about):
        return "off-topic"
    return "ok"


# --- control changes -------------------------------------------------------------------------------


def _place_fits(pred: ControlChange, gold: GoldControlChange) -> bool:
    pred_forms = name_variants(pred.place)
    return any(pred_forms & name_variants(g) or attribution_matches(pred.place, [g]) for g in gold.place)


def party_matches(predicted: str | None, accepted: Sequence[str]) -> bool:
    """A predicted party names an accepted one: attribution_matches, or the same side once the
    kind-of-body words are set aside."""
    if not predicted:
        return False
    return attribution_matches(predicted, accepted) or any(same_party(predicted, a) for a in accepted)


def _side(predicted: str | None, accepted: Sequence[str]) -> bool | None:
    if not predicted or not accepted:
        return None
    return party_matches(predicted, accepted)


def control_verdict(pred: ControlChange, gold: GoldControlChange) -> str:
    """right | inverted | wrong for a prediction of a gold change's place.

    Right: the named gainer is the gold gainer (or, no gainer named, the loser is the gold loser)
    and nothing is swapped; inverted: the named gainer is the gold loser or the named loser the
    gold gainer; wrong: a gainer who is neither."""
    gained = _side(pred.gained_by, gold.gained_by)
    lost = _side(pred.lost_by, gold.lost_by)
    swapped = _side(pred.gained_by, gold.lost_by) or _side(pred.lost_by, gold.gained_by)
    if swapped and not gained:
        return "inverted"
    if gained or (gained is None and lost):
        return "right"
    return "wrong"


@dataclass
class ControlScore:
    """Predicted control changes against the gold ones of one case."""

    scored: bool = False
    verdicts: list[tuple[GoldControlChange, ControlChange | None, str]] = field(default_factory=list)
    spurious: list[ControlChange] = field(default_factory=list)
    status: tuple[int, int] = (0, 0)  # (right, scored) over matched changes with a gold status

    def count(self, verdict: str) -> int:
        """How many required gold changes got this verdict (right, inverted, wrong, missed)."""
        return sum(1 for g, _, v in self.verdicts if v == verdict and g.required)

    @property
    def required(self) -> int:
        """Required gold changes."""
        return sum(1 for g, _, _ in self.verdicts if g.required)

    def to_dict(self) -> dict[str, Any]:
        """JSON form."""
        return {
            "scored": self.scored,
            "changes": [{"gold": g.label, "required": g.required, "verdict": v,
                         "predicted": p.model_dump(mode="json") if p else None} for g, p, v in self.verdicts],
            "spurious": [p.model_dump(mode="json") for p in self.spurious],
            "status": list(self.status),
        }


def score_control(preds: Sequence[ControlChange], gold: Sequence[GoldControlChange] | None) -> ControlScore:
    """Match by place, best verdict first; see the module docstring."""
    if gold is None:
        return ControlScore()
    score = ControlScore(scored=True)
    used: set[int] = set()
    rank = {"right": 0, "wrong": 1, "inverted": 2}
    status_ok = status_n = 0
    ordered = sorted(gold, key=lambda c: not c.required)
    # Required changes first, then the best verdict over all pairs: a prediction that is right
    # for one of two gold changes at a place ("M23 took Kiwanja", "M23 left Kiwanja") is scored
    # against that one, whichever the gold lists first.
    pairs = sorted((not g.required, rank[control_verdict(p, g)], gi, pi)
                   for gi, g in enumerate(ordered) for pi, p in enumerate(preds) if _place_fits(p, g))
    chosen: dict[int, int] = {}
    for _, _, gi, pi in pairs:
        if gi not in chosen and pi not in used:
            chosen[gi] = pi
            used.add(pi)
    for gi, g in enumerate(ordered):
        if gi not in chosen:
            score.verdicts.append((g, None, "missed"))
            continue
        best = chosen[gi]
        score.verdicts.append((g, preds[best], control_verdict(preds[best], g)))
        if g.status is not None:
            status_n += 1
            status_ok += preds[best].status == g.status
    score.spurious = [p for i, p in enumerate(preds) if i not in used
                      and not any(_place_fits(p, g) for g in gold)]
    score.status = (status_ok, status_n)
    return score


# --- actor and place labels --------------------------------------------------------------------------


def _accepts(value: str | None, gold: str | Sequence[str] | None) -> bool | None:
    if gold is None:
        return None
    accepted = [gold] if isinstance(gold, str) else list(gold)
    return value in accepted


def _first(gold: str | Sequence[str] | None) -> str:
    return gold if isinstance(gold, str) else (gold[0] if gold else "-")


@dataclass
class LabelScore:
    """Type/role of matched actors and country/role of matched places, with confusions."""

    actor_type: tuple[int, int] = (0, 0)
    actor_role: tuple[int, int] = (0, 0)
    place_country: tuple[int, int] = (0, 0)
    place_role: tuple[int, int] = (0, 0)
    type_confusion: Counter[tuple[str, str]] = field(default_factory=Counter)
    errors: list[str] = field(default_factory=list)


def _tally(pair: tuple[int, int], ok: bool | None) -> tuple[int, int]:
    return pair if ok is None else (pair[0] + ok, pair[1] + 1)


def score_labels(brief: Brief | None, case: EvalCase, actors: EntityScore, places: EntityScore) -> LabelScore:
    """Compare the labels of every matched actor and place with the gold."""
    score = LabelScore()
    if brief is None:
        return score
    gold_actors, gold_places = case.gold.actors, case.gold.locations
    for p, g in actors.pairs:
        actor, gold = brief.actors[p], gold_actors[g]
        if not gold.required:
            continue
        ok_type, ok_role = _accepts(actor.type, gold.type), _accepts(actor.role, gold.role)
        score.actor_type = _tally(score.actor_type, ok_type)
        score.actor_role = _tally(score.actor_role, ok_role)
        if ok_type is not None:
            score.type_confusion[(_first(gold.type), actor.type)] += 1
        if ok_type is False:
            score.errors.append(f"actor {gold.name!r}: type {actor.type!r}, gold {gold.type}")
        if ok_role is False:
            score.errors.append(f"actor {gold.name!r}: role {actor.role!r}, gold {gold.role}")
    for p, g in places.pairs:
        place, gold_place = brief.locations[p], gold_places[g]
        ok_country: bool | None = None
        if gold_place.country:
            ok_country = bool(place.country) and attribution_matches(place.country, gold_place.country)
            score.place_country = _tally(score.place_country, ok_country)
        ok_role = _accepts(place.role, gold_place.role)
        score.place_role = _tally(score.place_role, ok_role)
        if ok_country is False:
            score.errors.append(f"place {gold_place.name!r}: country {place.country!r}, "
                                f"gold {gold_place.country}")
        if ok_role is False:
            score.errors.append(f"place {gold_place.name!r}: role {place.role!r}, gold {gold_place.role}")
    return score


# --- one case ---------------------------------------------------------------------------------------


@dataclass
class NarrativeScore:
    """Every narrative verdict on one brief."""

    control: ControlScore
    labels: LabelScore
    headline: str | None  # None: the gold has no narrative labels
    summary: str | None
    invented: list[tuple[str, str]]

    def failures(self) -> list[str]:
        """Why the narrative fails, one line each."""
        out = [f"control change {g.label}: {v}" for g, _, v in self.control.verdicts
               if v == "inverted" and g.required]
        out += [f"spurious control change: {p.place} to {p.gained_by}" for p in self.control.spurious]
        for name in ("headline", "summary"):
            verdict = getattr(self, name)
            if verdict not in (None, "ok"):
                out.append(f"{name} is wrong ({verdict})")
        out += [f"invented name {word!r} in {where}" for where, word in self.invented]
        return out

    def to_dict(self) -> dict[str, Any]:
        """JSON form."""
        return {
            "control_changes": self.control.to_dict(),
            "labels": {"actor_type": list(self.labels.actor_type), "actor_role": list(self.labels.actor_role),
                       "place_country": list(self.labels.place_country),
                       "place_role": list(self.labels.place_role), "errors": self.labels.errors},
            "headline": self.headline, "summary": self.summary,
            "invented_names": [{"where": w, "word": n} for w, n in self.invented],
        }


def score_narrative(case: EvalCase, brief: Brief | None, actors: EntityScore,
                    places: EntityScore) -> NarrativeScore:
    """Score the narrative of `brief` (None: the run failed, so every prose verdict is "empty")."""
    gold = case.gold
    changes = list(brief.control_changes) if brief is not None else []
    narrative = gold.narrative
    headline = summary = None
    accepted = gold_words(gold)
    if narrative is not None:
        none = gold.control_changes == []
        headline = prose_verdict(brief.headline if brief else "", narrative, case.text, accepted,
                                 no_control_change=none)
        summary = prose_verdict(brief.summary if brief else "", narrative, case.text, accepted,
                                no_control_change=none)
    return NarrativeScore(
        control=score_control(changes, gold.control_changes),
        labels=score_labels(brief, case, actors, places),
        headline=headline, summary=summary,
        invented=invented_names(brief, case.text, accepted) if brief is not None else [],
    )
