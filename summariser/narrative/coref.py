"""The words a sentence uses for a place or a side it does not name again.

News copy names a side or a place once and then points back to it: "the group seized the
state's capital" (the group named in the sentence before), "Council fighters withdrew from the
villages of A and B as the rebels advanced into them", "the base" for "El Salini base". A change
of control read only from the names in its own sentence misses these (narrative.control). Each
rule here resolves one kind of pointer, and only where one antecedent fits: an ambiguous pointer
resolves to nothing, so it can cost a change but not credit the wrong side.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Sequence

from summariser import gazetteer
from summariser.entities import fold, same_side
from summariser.gazetteer import fold_keep_length as _flat
from summariser.lexicon import load
from summariser.narrative import lead
from summariser.schemas.brief import Actor

# A place's name as copy writes it: capitalised words, "al-" and "el-" kept ("Ayn al-Bayda").
NAME = r"(?:(?:al|el|ad|as|at|an)-)?[A-Z][\w'’-]*(?:[\s-]+(?:(?:al|el)-)?[A-Z][\w'’-]*)*"
_JOIN = r"(?:\s*,\s*|,?\s+and\s+)"


def alternation(items: Sequence[str]) -> str:
    """One regular expression that matches any of `items`, longest first."""
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
    if not re.fullmatch(rf"(?:{alternation(load('control')['place_nouns'])})", noun):
        return None
    if any(fold(o) != fold(place) and fold(o).split()[-1:] == [fold(noun)] for o in others):
        return None
    return noun


@functools.cache
def _list_nouns() -> str:
    return alternation(load("control")["list_nouns"])


def place_list(text: str, start: int, end: int) -> tuple[int, int] | None:
    """The span of the list of names that holds the name at text[start:end], where a plural
    place noun marks the list as places: "the villages of al-Amarna and Ayn al-Bayda", "took
    control of Maidali Dansha, Baeker, Lugid and Humera towns". None for a name in no such list
    (a bare list may hold a province: "seized Rubaya, North Kivu, and Masisi"). A list has two
    names at least, the last after "and"; the span starts at its first name."""
    head = re.search(rf"(?:{NAME}{_JOIN})*\Z", text[:start])
    first = start - len(head.group()) if head else start
    tail = re.match(rf"(?:{_JOIN}{NAME})*", text[end:])
    last = end + (tail.end() if tail else 0)
    if not re.search(r",?\s+and\s+", text[first:last]):
        return None
    if re.match(rf"\s+(?:{_list_nouns()})\b", text[last:]) or \
            re.search(rf"\b(?:{_list_nouns()})\s+of\s+(?:the\s+)?\Z", text[:first]):
        return first, last
    return None


def pronoun_objects(text: str, places: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Spans of every "them" that follows, in the same sentence, a list of places (place_list)
    that holds one of `places` ("Council fighters had withdrawn from the villages of al-Amarna
    and Ayn al-Bayda as the rebels advanced into them"). Not "it": a singular pronoun after a
    place as often stands for the convoy, the weapons or the attack named beside it. Which
    verbs may take such a "them" is narrative.control's to say (territorial ones only)."""
    ends = [span[1] for s, e in places if (span := place_list(text, s, e))]
    if not ends:
        return []
    return [m.span() for m in re.finditer(r"\bthem\b", text) if m.start() >= min(ends)]


@functools.cache
def _side_anaphors() -> re.Pattern[str]:
    return re.compile(rf"(?<!\w)[Tt]he\s+(?:{alternation(load('control')['side_anaphors'])})\b"
                      r"(?!\s+(?:of|for)\b)")


# Right before a pointer, these make it an object: "battling the group", "sent to fight the
# group", "with air support from the coalition", "part of the alliance".
_VERB_BEFORE = re.compile(r"(?:\w+(?:ing|ed)|\bto\s+\w+|\b(?:from|of|by|with|against))\s+\Z",
                          re.IGNORECASE)


def side_pointers(text: str) -> list[tuple[int, int, str]]:
    """Where the sentence names a side only by pointing back ("the group", "the armed group"):
    a lower-case noun after "the", not the start of a name ("the Group for the Support of
    Islam", "the Movement for the Salvation of Azawad") nor a phrase ("the movement of
    civilians"), and not an object ("battling the group", "support from the coalition")."""
    return [(m.start(), m.end(), m.group()) for m in _side_anaphors().finditer(text)
            if not _VERB_BEFORE.search(text[max(0, m.start() - 30):m.start()])]


def is_side_anaphor(name: str | None) -> bool:
    """Whether a side's name is only a pointer ("the group")."""
    return name is not None and _side_anaphors().fullmatch(name.strip()) is not None


# A mention right after one of these is an object (of an attack, a fight, a noun), not the side
# a sentence is about: "repelled an attack by the Chin Brotherhood", "fighting against the RSF",
# "a base of Sudan's regular army".
_OBJECT_BEFORE = re.compile(r"\b(?:by|against|with|from|of|on|targeting)\s+(?:the\s+)?\Z",
                            re.IGNORECASE)


def _first_mention(actor: Actor, text: str) -> int | None:
    """Where `text` first names the actor (its name or an alias) other than as an object. An
    all-capitals name matches in capitals only ("IS" is not "is")."""
    folded = _flat(text)
    at = []
    for name in (actor.name, *actor.aliases):
        key = re.sub(r"^the\s+", "", name.strip(), flags=re.IGNORECASE)
        if not key:
            continue
        if key.isupper():
            found = re.finditer(rf"(?<![\w-]){re.escape(key)}(?![\w-])", text)
        else:
            found = re.finditer(rf"(?<![\w-]){re.escape(fold(key))}(?![\w-])", folded)
        at += [m.start() for m in found
               if not _OBJECT_BEFORE.search(text[max(0, m.start() - 20):m.start()])]
    return min(at) if at else None


def antecedent(before: list[str], actors: Sequence[Actor], reach: int = 3) -> str | None:
    """The armed group a pointer ("the group") stands for, from the nearest of the texts before
    it that names an actor other than as an object (the sentence's own words before the pointer
    last, the `reach` sentences before that): the actor it names first, where that is an armed
    group and the text names no other. None otherwise: "MSF said RSF fighters had attacked the
    camp ... The group said it had pulled its teams out" (MSF first), "M23 and the RSF ..." (two
    groups), "The army said the group ..." (the army first)."""
    for text in reversed(before[-(reach + 1):]):
        named = sorted((at, i) for i, a in enumerate(actors)
                       if (at := _first_mention(a, text)) is not None)
        if not named:
            continue
        first = actors[named[0][1]]
        others = [actors[i] for _, i in named[1:] if actors[i].type == "non-state armed group"]
        if first.type == "non-state armed group" and \
                all(same_side(first.name, other.name) for other in others):
            return first.name
        return None
    return None


@functools.cache
def _pointer() -> re.Pattern[str]:
    data = load("control")
    nouns, after = alternation(data["place_pointers"]), alternation(data["pointer_followers"])
    adjectives = alternation(data["pointer_adjectives"])
    # only where the noun ends its phrase: not "the town of X", "the city's", "the town mayor"
    return re.compile(rf"\b[Tt]he\s+(?:(?:{adjectives})\s+)?({nouns})"
                      rf"(?=\s*[,.;:)\"”]|\s*$|\s+(?:{after})\b)")


def pointer_spans(text: str, after: int = 0) -> list[tuple[int, int]]:
    """Spans of the nouns of "the town", "the strategic city" in `text` from `after` on, where
    the noun ends its phrase (not "the town of X", "the city's", "the town mayor")."""
    return [m.span(1) for m in _pointer().finditer(text, after)]


# "Sake, 25 km west of Goma": a place named only to say where another is
_DISTANCE = r"(?:km|kilomet(?:re|er)s?|miles)\b[^,.;]{0,30}?\b(?:of|from)\s+(?:the\s+)?"
_LOCATING = re.compile(rf"{_DISTANCE}\Z|,\s*(?:near|outside)\s+(?:the\s+)?\Z", re.IGNORECASE)
# ... and by a bearing alone: "north of Mogadishu", "south of the capital, Khartoum"
_REFERENCE = re.compile(rf"(?:{_DISTANCE}|\b(?:north|south|east|west)(?:-?(?:east|west))?(?:ern)?\s+of"
                        r"\s+(?:the\s+)?)(?:(?:capital|city|town)\s*,?\s+)?\Z", re.IGNORECASE)


def reference_point(before: str) -> bool:
    """Whether the words `before` a place name it only to say where another place is ("100
    kilometres (60 miles) east of", "north of", "south of the capital,"), not where anything
    happened."""
    return _REFERENCE.search(before) is not None
# A place that is where someone is, not what happened: "A UN official in Goma said", "fled to
# Goma", "Speaking from Goma", "Kyiv said"
_WHERE_SAID = re.compile(r"\b(?:(?:fled|flew|went|travell?ed|returned|came|arriv(?:ed|ing)|back)\s+"
                         r"(?:back\s+)?(?:to|from|in)|speaking\s+(?:\w+\s+){0,2}(?:in|from)|"
                         r"phone\s+from|based\s+in|(?:officials?|sources?|residents?|journalists?|"
                         r"correspondents?|diplomats?|people|hospitals?|agencies|groups|workers|"
                         r"organi[sz]ations)\s+(?:\w+\s+)?(?:in|from|of))\s+(?:the\s+)?\Z",
                         re.IGNORECASE)
_SAID_AFTER = re.compile(r"^(?:\s+[\w'’-]+){0,3}?\s+(?:said|says|say|told|reported|announced)\b")
# In the sentence before, a place after "to" or "from" is where someone went or came from
# ("sent reinforcements from Goma", "spoke from Khartoum"), not what a next "the town" means.
_TO_FROM = re.compile(r"\b(?:to|from)\s+(?:the\s+)?\Z", re.IGNORECASE)
_ASIDE = re.compile(r",\s*(?:who|which|where|whose)\b[^,]*,")
_WEEKDAYS = r"(?:Mon|Tues|Wednes|Thurs|Fri|Satur|Sun)day|January|February|March|April|May|June|July|" \
            r"August|September|October|November|December"


def _named(place: str, text: str) -> int | None:
    """Where `text` first names the place (its full name, else its last capitalised word)."""
    keys = [place, *re.findall(r"[A-Z][\w'’-]{2,}", place)[-1:]]
    for key in keys:
        m = re.search(rf"(?<!\w){re.escape(fold(key))}(?!\w)", _flat(text))
        if m:
            return m.start()
    return None


def _antecedent_at(place: str, text: str) -> int | None:
    """Where `text` names the place as what a later "the town" can point to: not in a dateline
    ("GOMA, Congo (Reuters) -"), not as where someone is or speaks ("A UN official in Goma
    said", "fled to Goma", "Kyiv said"), not in an aside (", who have held Goma since
    January,") nor to say where another place is."""
    at = _named(place, text)
    if at is None:
        return None
    word = re.match(r"[\w'’-]+", text[at:])
    if word and word.group().isupper() and len(word.group()) > 3:
        return None
    whole = fold(text[at:at + len(place)]) == fold(place)
    end = at + (len(place) if whole else word.end() if word else 0)
    if _LOCATING.search(text[:at]) or _WHERE_SAID.search(text[:at]) or _SAID_AFTER.match(text[end:]):
        return None
    if any(m.start() < at < m.end() for m in _ASIDE.finditer(text)):
        return None
    return at


def _other_place(text: str, place: str, others: Sequence[str], names: Sequence[str] = ()) -> bool:
    """Whether `text` names a place besides `place`: one of `others` (the brief's places), a
    capitalised name the gazetteer knows as a city of 50,000 people or as a province, or any
    capitalised name after a word of place ("advanced on Minova"), other than one named only to
    say where another is ("Sake, 25 km west of Goma"), a side's name, a day or a month. The
    sentence's first word and lexicon/control.toml's not_places ("The", "Most") are no place."""
    key = fold(place)
    for other in others:
        at = _named(other, text)
        if fold(other) != key and fold(other) not in key and at is not None and \
                not _LOCATING.search(text[:at]):
            return True
    skip = {fold(w) for w in load("control")["not_places"]}
    sides = " ".join(fold(n) for n in names)
    for m in re.finditer(r"(?<![\w'’-])[A-Z][\w'’-]+(?:\s+[A-Z][\w'’-]+)?", text):
        name = m.group()
        folded = fold(name)
        if folded in key or key in folded or gazetteer.is_country(name) or folded in skip or \
                folded in sides or re.fullmatch(_WEEKDAYS, name) or \
                not text[:m.start()].strip(" \"“”'‘’("):
            continue
        if _LOCATING.search(text[:m.start()]):
            continue
        if gazetteer.city_countries(name, 50_000) or gazetteer.region_countries(name) or \
                re.search(r"\b(?:on|in|into|at|near|towards?|from|around|outside)\s+\Z", text[:m.start()]):
            return True
    return False


def place_pointer(place: str, text: str, before: str | None, others: Sequence[str] = (),
                  names: Sequence[str] = ()) -> bool:
    """Whether "the town" (`pointer_spans`) in `text` may stand for `place`: the sentence names
    no other place, and either names the place itself before the pointer ("Following the
    withdrawal of federal troops from Mekelle, Tigrayan forces took over the city") or the
    sentence `before` it names the place and no other ("Heavy fighting raged around Sake, 25 km
    west of Goma ... On Thursday M23 rebels captured the town"). One place alone fits, or none.
    `names`: the sides' names, which are no place."""
    at = _named(place, text)
    if not pointer_spans(text, at or 0) or _other_place(text, place, others, names):
        return False
    if at is not None:
        return _antecedent_at(place, text) is not None
    at = _antecedent_at(place, before) if before is not None else None
    return before is not None and at is not None and not _TO_FROM.search(before[:at]) and \
        not _other_place(before, place, others, names)


@functools.cache
def _indefinite() -> re.Pattern[str]:
    """ "a small town", "another Ukrainian village", "two small towns": a determiner of
    lexicon/control.toml's indefinite_counts, at most two words, a place pointer noun that ends
    its phrase (not "a town of 60,000 people", "a village elder")."""
    data = load("control")
    nouns, after = alternation(data["place_pointers"]), alternation(data["pointer_followers"])
    dets = alternation([re.escape(d) for d in data["indefinite_counts"]])
    return re.compile(rf"\b(?P<det>{dets})\s+(?:(?!of\b|the\b)[\w'’-]+\s+){{0,2}}?"
                      rf"(?P<noun>(?:{nouns})s?|cities)(?=\s*[,.;:)\"”]|\s*$|\s+(?:{after})\b)",
                      re.IGNORECASE)


def indefinite_spans(text: str) -> list[tuple[int, int, int, str, str]]:
    """(start, end, how many places, determiner, noun) of each indefinite place phrase's noun
    in `text`."""
    counts = load("control")["indefinite_counts"]
    out = []
    for m in _indefinite().finditer(text):
        noun = m.group("noun").lower()
        n = counts[m.group("det").lower()]
        if (n > 1) == noun.endswith("s"):  # "two towns", "a town"; not "a towns", "two town"
            out.append((*m.span("noun"), n, m.group("det").lower(), noun))
    return out


def settlement(place: str, kind: str) -> bool:
    """Whether a place of the brief (its name and type) is a town or a village an indefinite
    "a town" can stand for: no country, region or other area by its type, its last word or
    the gazetteer."""
    if kind in ("country", "region", "province", "route") or gazetteer.is_country(place):
        return False
    if place.split()[-1].lower() in load("control")["area_words"]:
        return False
    return not (gazetteer.region_countries(place) and not gazetteer.city_countries(place))


def ahead(texts: Sequence[str], settlements: Sequence[str]) -> dict[int, list[str]]:
    """The places an indefinite place phrase of each sentence stands for, by sentence index: the
    first places (as many as its determiner says) a sentence within lexicon/control.toml's
    indefinite_reach after it names that no sentence up to it named. "Russian forces said they
    had captured another Ukrainian village ... following the capture of the town of Avdiivka"
    then "the ministry said the village of Sieverne had been liberated": Sieverne. Only
    "another" may follow a sentence that already named a town (after "Rebels seize Kalam", "a
    town" may be Kalam itself: nothing fits). `settlements`: the brief's towns and villages
    (`settlement`)."""
    data = load("control")
    reach = data["indefinite_reach"]
    first: dict[str, int] = {}
    at: dict[int, list[tuple[int, str]]] = {}
    for i, text in enumerate(texts):
        for place in settlements:
            where = _named(place, text)
            if where is not None:
                first.setdefault(fold(place), i)
                at.setdefault(i, []).append((where, place))
    out: dict[int, list[str]] = {}
    for i, text in enumerate(texts):
        spans = indefinite_spans(text)
        if not spans:
            continue
        known = {k for k, j in first.items() if j <= i}
        if any(j < i for j in first.values()) and spans[0][3] != "another":
            continue
        # no big city is "a town" or "a village" ("seize another town" is not the capital a
        # photo caption after the headline names)
        big = 0 if spans[0][4].startswith("cit") else data["indefinite_town_max_population"]
        for j in range(i + 1, min(len(texts), i + 1 + reach)):
            if lead.is_caption(texts[j]):
                continue
            new = [p for _, p in sorted(at.get(j, [])) if fold(p) not in known and
                   not (big and gazetteer.city_countries(p, big))]
            if new:  # "two small towns" then "the towns of Zumar and Sinjar"; fewer fit none
                if len(new) >= spans[0][2]:
                    out[i] = new[:spans[0][2]]
                break
    return out
