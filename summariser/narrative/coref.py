"""The words a sentence uses for a place or a side it does not name again.

News copy names a side or a place once and then points back to it: "the group seized the
state's capital" (the group named in the sentence before), "Council fighters withdrew from the
villages of A and B as the rebels advanced into them", "the base" for "El Salini base". A change
of control read only from the names in its own sentence misses these (narrative.control). Each
rule here resolves one kind of pointer, and only where one antecedent fits: an ambiguous pointer
resolves to nothing, so it can cost a change but never invent one.
"""

from __future__ import annotations

import functools
import re

from summariser.entities import abbreviates, fold
from summariser.gazetteer import fold_keep_length as _flat
from summariser.lexicon import load
from summariser.schemas.brief import Actor

_NAME = r"(?:(?:al|el|ad|as|at|an)-)?[A-Z][\w'’-]*(?:[\s-]+(?:(?:al|el)-)?[A-Z][\w'’-]*)*"


def _alternation(items: list[str]) -> str:
    return "|".join(f"(?:{x})" for x in sorted(items, key=len, reverse=True))


def place_noun(place: str, others: list[str]) -> str | None:
    """The common noun a later sentence calls `place` by ("the base" for "El Salini base", "the
    camp" for "Zamzam camp"): the place's last word when it is one of lexicon/control.toml's
    place nouns in lower case and no other place of the brief ends in the same noun (then "the
    base" is ambiguous)."""
    words = place.split()
    if len(words) < 2 or not words[-1].islower():
        return None
    noun = words[-1]
    if not re.fullmatch(rf"(?:{_alternation(load('control')['place_nouns'])})", noun):
        return None
    if any(fold(o) != fold(place) and fold(o).split()[-1:] == [fold(noun)] for o in others):
        return None
    return noun


@functools.cache
def _list_nouns() -> str:
    return _alternation(load("control")["list_nouns"])


def in_place_list(text: str, start: int, end: int) -> bool:
    """Whether the name at text[start:end] is one of a list of names that a plural place noun
    marks as places: "the villages of al-Amarna and Ayn al-Bayda", "took control of Maidali
    Dansha, Baeker, Lugid and Humera towns". Only such a list makes "them" the places, or every
    name of it a place that changed hands (a bare list may hold a province: "seized Rubaya,
    North Kivu, and Masisi")."""
    nouns = _list_nouns()
    item = rf"(?:\s*,\s*|,?\s+and\s+){_NAME}"
    after = re.match(rf"(?:{item})*\s+(?:{nouns})\b", text[end:])
    before = re.search(rf"\b(?:{nouns})\s+of\s+(?:the\s+)?(?:{_NAME}(?:\s*,\s*|,?\s+and\s+))*$",
                       text[:start])
    if not (after or before):
        return False
    # a list needs two names at least: "the villages of X" alone names one place
    return bool(re.match(item, text[end:]) or re.search(rf"{_NAME}(?:\s*,\s*|,?\s+and\s+)$",
                                                        text[:start]))


def pronoun_objects(text: str, places: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Spans of "them" after a list of places that includes the place at `places` ("Council
    fighters had withdrawn from the villages of al-Amarna and Ayn al-Bayda as the rebels
    advanced into them"). Not "it": a singular pronoun after a place as often stands for the
    convoy, the weapons or the attack named beside it."""
    listed = [(s, e) for s, e in places if in_place_list(text, s, e)]
    if not listed:
        return []
    first_end = listed[0][1]
    return [m.span() for m in re.finditer(r"\bthem\b", text) if m.start() >= first_end]


@functools.cache
def _side_anaphors() -> re.Pattern[str]:
    return re.compile(rf"^(?:{_alternation(load('control')['side_anaphors'])})$", re.IGNORECASE)


def is_side_anaphor(name: str | None) -> bool:
    """Whether a side the verb names is only a pointer to a group named before ("the group")."""
    return name is not None and _side_anaphors().match(name.strip()) is not None


def _mentions(actor: Actor, text: str) -> list[int]:
    """Where `text` names the actor (its name or an alias), by end offset."""
    folded = _flat(text)
    ends = []
    for name in (actor.name, *actor.aliases):
        key = re.sub(r"^the\s+", "", fold(name))
        if key:
            ends += [m.end() for m in re.finditer(rf"(?<![\w-]){re.escape(key)}(?![\w-])", folded)]
    return ends


def antecedent(before: list[str], actors: list[Actor], reach: int = 3) -> str | None:
    """The armed group a pointer ("the group") stands for: the one named in the nearest of the
    texts before it (the sentence's own words before the pointer last, the `reach` sentences
    before that) that names any. None where that text names two armed groups: then the
    pointer is ambiguous."""
    groups = [a for a in actors if a.type == "non-state armed group"]
    for text in reversed(before[-(reach + 1):]):
        named = [a.name for a in groups if _mentions(a, text)]
        if not named:
            continue
        # "Rapid Support Forces (RSF)": one group, however many of the brief's names it has
        first = named[0]
        if all(_same(first, other) for other in named[1:]):
            return first
        return None
    return None


def _same(a: str, b: str) -> bool:
    fa, fb = fold(a), fold(b)
    return fa in fb or fb in fa or abbreviates(a, b) or abbreviates(b, a)
