"""Figure rules: who the counted people were (the noun decides before the model), who reported
them, where, and the brief's figure record; plus the check of tolls that sources put differently."""

from __future__ import annotations

import functools
import logging
import re
from collections.abc import Sequence

from summariser.attribution import reporter
from summariser.candidates import SUBSET, Candidate
from summariser.entities import fold, route
from summariser.lexicon import load, noun_class
from summariser.numbers import ParsedCount, find_numbers
from summariser.schemas.brief import (
    Casualty,
    Displacement,
    Location,
)

log = logging.getLogger(__name__)

GENERIC_NOUNS = {"people", "persons", "others", "individuals", "of", "the", "fatalities", "deaths",
                 "dead", "casualties", "victims", "bodies", "lives", "toll", "total", "wounded",
                 "injured", "killed", "missing", "displaced", "more", "new", "are", "were", "have"}
# Who the counted people were, when the noun right after the number says it: a 1.5B model calls
# "Fourteen soldiers" civilians and "18,000 people" civilians; the noun decides, the model only
# fills in where the noun does not ("110 of the fatalities").
CIVILIAN_NOUNS = noun_class("nouns", "civilian")
COMBATANT_NOUNS = noun_class("nouns", "combatant")
UNSPECIFIED_NOUNS = noun_class("nouns", "unspecified")
_GROUP_SEARCH_STOP = noun_class("nouns", "stop")
# A harm word standing for the noun ("30 wounded") repeats the count before it, as a bare number
# does; who an armed side "lost" (lexicon/nouns.toml).
_REPEAT_HARM = frozenset(load("nouns")["repeat_harm"])
_LOST_MEN = frozenset(load("nouns")["lost_men"])
_FORCE_MODIFIERS = frozenset(load("nouns")["force_modifiers"])
NOT_STATED = {"", "not stated", "none", "unknown", "n/a", "null", "unspecified", "not specified"}
GROUPS = {"civilians": "civilians", "combatants": "combatants", "mixed": "mixed/unspecified"}


def source_of(value: str | None) -> str | None:
    if value is None or value.strip().lower().strip(".") in NOT_STATED:
        return None
    return value.strip()


def _place_in(sentence: str, locations: list[Location]) -> str | None:
    folded = fold(sentence)
    for loc in sorted(locations, key=lambda x: len(x.name), reverse=True):
        if fold(loc.name) in folded:
            return loc.name
    return None


def figure_record(kind: str, value: ParsedCount, group: str, detail: str | None,
                  reported_by: str | None, scope: str, evidence: str, span: tuple[int, int],
                  places: list[Location], at: int | None = None) -> Casualty | Displacement:
    """One figure of the brief; `at` is the number's offset in `evidence` where code knows it."""
    common = dict(count=value.count, low=value.low, high=value.high, qualifier=value.qualifier,
                  group=GROUPS.get(group, "mixed/unspecified"), group_detail=detail,
                  reported_by=reporter(reported_by, evidence, at), scope=scope, evidence=evidence,
                  span=span)
    if kind == "displaced":
        origin, destination = route(evidence, [p.name for p in places])
        return Displacement(origin=origin, destination=destination, **common)  # type: ignore[arg-type]
    return Casualty(kind=kind, location=_place_in(evidence, places), **common)  # type: ignore[arg-type]


# The rules that read who the counted people were from the words, in the order they are tried;
# the first that applies decides (its outcome may be "the words do not say": then the model's
# group stands). Each rule's examples are (sentence, the number as written, group) and become
# tests (tests/test_figures_rules.py); `summariser brief -vv` logs the rule behind each figure.
GROUP_RULES: dict[str, tuple[str, tuple[tuple[str, str, str | None], ...]]] = {
    "of them": ("the noun after 'N of them/whom/the dead (were)'", (
        ("45 people were wounded, 17 of them children.", "17", "civilians"),
        ("Many died, and 30 of the dead were officers.", "30", "combatants"))),
    "people of the families counted": ("'N families (M people)': the people of a civilian count", (
        ("149 families (383 people) were displaced.", "383", "civilians"),
        ("45 families consisting of 172 people were displaced.", "172", "civilians"))),
    "they were": ("people of no class, then 'they/who were X' in the same clause", (
        ("Only nine people died and they were government soldiers.", "nine", "combatants"),)),
    "counted noun": ("the noun the number counts is in a class (lexicon/nouns.toml)", (
        ("Fourteen soldiers were killed.", "Fourteen", "combatants"),
        ("Shelling killed 30 villagers.", "30", "civilians"),
        ("The attack killed 18,000 people.", "18,000", "mixed"),
        ("At least 150 Syrian regime forces have been killed.", "At least 150", "combatants"),
        ("Five paramilitary rangers were killed in an ambush.", "Five", "combatants"))),
    "class noun a word on": ("a class noun a word or two after the number, in the same phrase", (
        ("The strike killed six IS militants.", "six", "combatants"),)),
    "a force's word as the counted noun": ("a word that names a force only before its noun, "
                                           "counted alone (lexicon/nouns.toml force_modifiers)", (
        ("Since the fighting, 18 military and police personnel have died.", "18", "combatants"),)),
    "men an armed side lost": ("'<forces> ... lost N (men)': the men were the side's fighters", (
        ("Government forces pushed the militants back but lost more than 30 men, including seven "
         "killed in a car bombing.",
         "more than 30", "combatants"),)),
    "dead in an attack on forces": ("a bare toll of an attack on an army, police or a base", (
        ("Twelve dead in ELN attack on Colombian military.", "Twelve", "combatants"),
        ("At least 9 killed in an ambush on an army convoy.", "At least 9", "combatants"))),
    "noun of no class": ("a counted noun in no class: the words do not say", (
        ("Three suspects were killed.", "Three", None),)),
    "others besides a count": ("'N soldiers and M others': others than those counted, unknown", (
        ("Three soldiers and two others were killed.", "two", "mixed"),)),
    "others, the same people": ("'others' later in a sentence that counted a class: the same "
                                "people, another harm", (
        ("The strike killed four civilians and wounded six others.", "six", "civilians"),
        ("Fourteen soldiers were killed and nine others wounded.", "nine", "combatants"))),
    "bare number repeats a count": ("a bare number (or one with a harm word for its noun: 'N "
                                    "wounded') takes the last count's noun, unless it is a toll", (
        ("Rebels killed 4 soldiers on Monday and 12 on Tuesday.", "12", "combatants"),
        ("The Armenian side has lost 16 servicemen, there are more than 100 wounded.",
         "more than 100", "combatants"))),
}


@functools.cache
def _attack_on_forces() -> re.Pattern[str]:
    forces = "|".join(re.escape(w) for w in load("nouns")["attacked_forces"])
    return re.compile(r"[^.;,]{0,40}?\b(?:attacks?|ambush(?:es)?|assaults?|raids?|strikes?|bombings?)"
                      r"\s+(?:on|against)\s+(?:an?\s+|the\s+|its\s+)?(?:[\w-]+\s+){0,2}?"
                      rf"(?:{forces})\b", re.IGNORECASE)


@functools.cache
def _lost_by_forces() -> re.Pattern[str]:
    """'<forces> ... lost' right before the number, with no clause break and no "said" between
    ("Police said the village lost 12 men" is the village's loss)."""
    forces = "|".join(re.escape(w) for w in load("nouns")["losing_forces"])
    said = r"(?:said|says|say|told|reported|stated|added)"
    return re.compile(rf"\b(?:{forces})\b(?:(?!\b{said}\b)[^.;,]){{0,120}}\blost\s+"
                      r"(?:more\s+than\s+|at\s+least\s+|about\s+|around\s+|nearly\s+|some\s+|over\s+|"
                      r"up\s+to\s+)?$", re.IGNORECASE)


def subset_group(cand: Candidate, figures: Sequence[Casualty | Displacement], kind: str,
                 rule: str | None, after_figure: bool) -> tuple[str | None, str | None]:
    """(group, rule) for a number whose own words name no class but that counts some of the
    people of a figure before it: "lost more than 30 men, including seven killed in a car
    bombing" (`after_figure`: the last number before it in the sentence was that figure, none
    between), "Three of the injured were in a serious condition" (the last figure of its kind).
    A subset has its superset's group ("including ...": only a class, civilians or combatants).
    (None, `rule`) when neither applies."""
    at = cand.mention.start - cand.sentence.start
    span = (cand.sentence.start, cand.sentence.end)
    bare = cand.mention.noun is None or cand.mention.noun.casefold() in GENERIC_NOUNS
    if bare and after_figure and figures and figures[-1].span == span and \
            SUBSET.search(cand.sentence.text[:at]) and figures[-1].group in _CLASSES:
        return figures[-1].group, "a subset of the figure before it"
    if rule == "of them":
        for f in reversed(figures):
            if (f.kind if isinstance(f, Casualty) else "displaced") == kind:
                return f.group, "some of an earlier figure of its kind"  # "of the injured"
    return None, rule


# What "including N killed ..." inherits: a class; the words after it may say more of who they
# were than an unspecified superset ("including seven killed at a school"), so the model's
# answer stands then. "N of the injured" are those injured, whatever their group.
_CLASSES = ("civilians", "combatants")


def _group_of(noun: str | None) -> str | None:
    n = (noun or "").casefold()
    if n in CIVILIAN_NOUNS:
        return "civilians"
    if n in COMBATANT_NOUNS:
        return "combatants"
    return "mixed" if n in UNSPECIFIED_NOUNS else None


def noun_group(cand: Candidate) -> tuple[str | None, str | None]:
    """(group, rule): civilians / combatants / mixed as the words around the number say, and the
    name of the rule in GROUP_RULES that decided. (None, None) when no rule applies, (None, rule)
    when one applies and says the words do not tell."""
    offset = cand.mention.start - cand.sentence.start
    after = cand.sentence.text[cand.mention.end - cand.sentence.start:]
    before = cand.sentence.text[:offset]
    noun = cand.mention.noun
    rule = "counted noun"
    of_them = re.match(r"\s+of\s+(?:them|whom|the\s+(?:dead|killed|victims|wounded|injured)|"
                       r"those\s+(?:killed|dead|wounded|injured))\s+(?:were\s+|are\s+)?(\w+)", after)
    if of_them:
        noun, rule = of_them.group(1), "of them"  # "45 people were wounded, 17 of them children"
    elif noun and noun.casefold() == "number":
        the_number = re.match(r"\s+the\s+number\s+of\s+(\w+)", after)
        noun = the_number.group(1) if the_number else None  # "brings to 186 the number of soldiers"
    own = _group_of(noun)
    if own is None and (noun or "").casefold() not in GENERIC_NOUNS and not of_them:
        # "six IS militants", "12 Mexican Police Officials": the class noun comes a word or two on
        # (in the same phrase: "rose to 15, medics said" names the source, not the dead).
        for word in re.findall(r"[A-Za-z'-]+", re.split(r"[,.;:()]", after[:40])[0])[:3]:
            if word in _GROUP_SEARCH_STOP:  # lower case only: "IS militants" is no "is"
                break
            if (own := _group_of(word)) is not None:
                rule = "class noun a word on"
                break
    if own == "mixed":
        # "149 families (383 people)", "45 families consisting of 172 people": the people are
        # those of the civilians just counted.
        link = re.search(r"\b([A-Za-z]+)\s*(?:\(|,|consisting\s+of|comprising|made\s+up\s+of)\s*"
                         r"(?:at\s+least\s+|some\s+|about\s+|around\s+|nearly\s+)?$", before)
        if link and find_numbers(before[max(0, link.start() - 30):link.start()]) and \
                _group_of(link.group(1)) == "civilians":
            return "civilians", "people of the families counted"
        # "only nine people died and that they were government soldiers": in the same clause,
        # before any other number ("... 40 people; in the city 3 more, who were soldiers" is not).
        they = re.match(r"[^0-9;:]{0,120}?\b(?:they|who|all of them)\s+(?:were|are)\s+"
                        r"((?:\w+\s+){0,2}\w+)", after)
        if they:
            named = [g for w in they.group(1).split() if (g := _group_of(w)) and g != "mixed"]
            if named:
                return named[-1], "they were"
    if own:
        return own, rule
    if (noun or "").casefold() in _FORCE_MODIFIERS:
        return "combatants", "a force's word as the counted noun"
    if (noun is None or noun.casefold() in _LOST_MEN) and _lost_by_forces().search(before):
        return "combatants", "men an armed side lost"
    if (noun is None or noun.casefold() in GENERIC_NOUNS) and _attack_on_forces().match(after):
        return "combatants", "dead in an attack on forces"
    harm_word = (noun or "").casefold() in _REPEAT_HARM
    if noun and noun.casefold() != "others" and not harm_word:
        return None, "noun of no class" if rule == "counted noun" else rule
    earlier = [m for m in find_numbers(before) if m.noun]
    if not earlier:
        return None, None
    between = before[earlier[-1].end:]
    if harm_word and re.search(r"[;:]|\b(?:while|whereas|separate|separately|meanwhile|elsewhere)\b",
                               between, re.IGNORECASE):
        return None, None  # "killed 40 militants; a separate car bombing left 12 dead"
    if noun and not harm_word:  # "others"
        # "three (government) soldiers and two others were killed": others than the soldiers,
        # so unknown. "killing four civilians and wounding six others", "fourteen soldiers were
        # killed and nine others wounded": the same people, another harm.
        counted = str(earlier[-1].noun)
        at_noun = between.casefold().find(counted.casefold())
        rest = between[at_noun + len(counted):] if at_noun >= 0 else between
        if re.fullmatch(r"\s*(?:,|and|,\s*and)\s*(?:at\s+least\s+|some\s+|about\s+)?", rest,
                        re.IGNORECASE):
            return "mixed", "others besides a count"
        return _group_of(earlier[-1].noun), "others, the same people"
    # A bare number repeats the last count's noun ("4 soldiers on Monday and 12 on Tuesday"),
    # but not when it is a toll or a total of its own ("3 attackers ... the toll rose to 15").
    if re.search(r"\b(?:tolls?|totals?|in\s+all|overall|altogether|bringing|brings|brought|"
                 r"including|among|rose|risen|climbed|reached)\b", between, re.IGNORECASE):
        return None, None
    return _group_of(earlier[-1].noun), "bare number repeats a count"


def detail_of(noun: str | None) -> str | None:
    if not noun or noun.lower() in GENERIC_NOUNS:
        return None
    return noun



def conflicting_tolls(casualties: list[Casualty]) -> list[str]:
    """Flag incident figures of the same kind and group that different sources put differently."""
    out = []
    by_key: dict[tuple[str, str], list[Casualty]] = {}
    for c in casualties:
        if c.scope == "incident" and c.reported_by:
            by_key.setdefault((c.kind, c.group), []).append(c)
    for (kind, group), items in by_key.items():
        sources = {fold(c.reported_by or "") for c in items}
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


