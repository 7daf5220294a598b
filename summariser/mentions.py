"""Actors and places that code can find in the article text on its own.

The overview call asks a 1.5B model to list every actor and place, and it misses the plainest
ones: "the army" in a sentence about an ambush, the town in the dateline, "Idlib" in "rebel-held
Idlib". The patterns here find names by how news copy introduces them (a dateline, "the town of
X", "X province", "the Wari Front", "backed by Russia") and complete the model's lists. Every
name returned is text of the article's body, as written there.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass

from summariser import gazetteer
from summariser.entities import backer_name, fold
from summariser.lexicon import PEOPLE, load, noun_class

_CAP = r"[A-Z][\w'’-]*"
_CAPS = rf"{_CAP}(?:\s+(?:al-|el-)?{_CAP})*"

# "SABAR, Aug 30 (Wire) —", "KOLA, March 3 (Reuters) -", "BEIRUT (AP) —"
# "NDORO, Nov 18 (Wire) —", "KYIV (AP) —", "RAWALPINDI: ...", after an archive stamp
# ("date 2025-03-12 ") when the page carried one.
_DATELINE = re.compile(r"\A\s*(?:date\s+\d{4}-\d{2}-\d{2}\s+)?"
                       r"([A-Z][A-Z'’.-]+(?:\s+[A-Z][A-Z'’.-]+)*)\s*(?:,|\(|:)")

_PLACE_NOUNS = ("town", "city", "village", "district", "province", "region", "governorate",
                "enclave", "state", "county", "suburb", "neighbourhood", "neighborhood", "camp")
# "the town of Sabar", "Syria's second city of Aleppo", "western districts of Aleppo"
_OF_PLACE = re.compile(
    rf"\b(?:{'|'.join(_PLACE_NOUNS)}|districts|areas|outskirts|countryside|suburbs)"
    rf"\s+of\s+((?:(?:al|el|ad|as|at|an)-)?{_CAPS})")
# "the provincial capital, Meruk", "the state capital, Kola Town"
_APPOSED = re.compile(rf"\b(?:capital|town|city|village),\s+({_CAPS})")
# "Idlib province", "the northwest Idlib region", "Kola state"
_PLACE_OF = re.compile(rf"\b({_CAPS})\s+(province|region|governorate|district)\b")
# "in al-Hasaheisa town", "east of Quetta city": the name itself, not an adjective ("a Syrian
# town", "another Chin town": after an indefinite the name only says whose town, as it does
# before "of": "the Chechen city of Grozny"; see _name_before)
_NAME_BEFORE = re.compile(rf"(?<![Aa] )(?<![Aa]n )(?<!another )\b((?:(?:al|el|ad|as|at|an)-)?{_CAPS})"
                          rf"\s+(town|village|city)\b(?!\s+of\b)")
# "rebel-held Idlib", "around Idlib", "outside Sabar"
_HELD = re.compile(rf"\b(?:\w+-held|\w+-controlled|around|outside|near)\s+({_CAPS})")

_NOT_PLACE = {
    "the", "a", "an", "monday", "tuesday", "wednesday", "thursday", "friday", "saturday",
    "sunday", "january", "february", "march", "april", "may", "june", "july", "august",
    "september", "october", "november", "december", "mr", "mrs", "ms", "dr", "president",
    "reuters", "afp", "ap", "wire", "tass", "sana", "it", "this", "that", "they", "there",
    "he", "she", "we", "everything", "all",
}

# Organisation words: a capitalised name ending in one is an actor, never a place.
_ORG_TYPES = {
    "front": "non-state armed group", "movement": "non-state armed group",
    "brigades": "non-state armed group", "brigade": "non-state armed group",
    "militia": "non-state armed group", "corps": "non-state armed group",
    "forces": "other", "army": "state forces",
    "observatory": "monitor or NGO", "helmets": "monitor or NGO", "crescent": "monitor or NGO",
    "cross": "monitor or NGO", "ministry": "government", "council": "other",
}
_NGO_WORDS = {"refugee", "refugees", "relief", "aid", "rights", "humanitarian", "health",
              "medical", "doctors", "rescue", "monitor", "observatory"}
_ORG = re.compile(
    rf"\b((?:{_CAP}\s+){{0,4}}(?P<word>{'|'.join(w.capitalize() for w in _ORG_TYPES)})"
    rf"(?:\s+(?:for|of)\s+(?:the\s+)?{_CAP}(?:\s+(?:of\s+)?{_CAP}){{0,3}})?)\b")

# The forces news copy names by a common noun: "the army said", "police said", "by rebels who".
# Only where the noun is the actor itself, not an adjective ("military campaign", "army convoy"),
# a counted group ("200 militants") or part of a longer name ("Belstan border police").
_FORCES = {"army": "state forces", "military": "state forces", "police": "state forces",
           "rebels": "non-state armed group", "government troops": "state forces",
           "government forces": "state forces", "government soldiers": "state forces"}
_FORCE = re.compile(r"\b(army|military|police|rebels|government\s+(?:troops|forces|soldiers))\b",
                    re.IGNORECASE)
_BEFORE_OK = {"", "the", "its", "their", "by", "and", "or", "between", "against", "with", "of",
              "as", "said", "most", "many", "some", "say", "to", "from", "for", "that"}
_AFTER_OK = {"", "said", "says", "say", "had", "has", "have", "is", "was", "were", "are", "and",
             "or", "who", "which", "that", "in", "on", "at", "of", "to", "from", "for", "with",
             "into", "also", "would", "will", "could", "did", "does", "do", "took", "take", "swept",
             "seized", "control", "controlled", "claim", "claimed", "retook", "struck", "fired",
             "opened", "denied", "killed", "launched", "shelled", "attacked", "entered", "pressed",
             "lost", "fought", "held", "hold", "holds", "still", "now"}

_BACKED_BY = re.compile(rf"\bbacked by ((?:the\s+)?{_CAP}(?:\s*(?:,|and)\s*(?:the\s+)?{_CAP})*)")


@dataclass(frozen=True)
class Found:
    name: str
    type: str
    country: str | None = None  # forces named by their country ("Russian forces"): its code


_WHEN = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


def _trim(name: str) -> str:
    """'The Britain-based Syrian Observatory' -> 'Syrian Observatory'; 'Aleppo Friday' -> 'Aleppo'."""
    name = re.sub(r"^(?:(?:The|A|An)\s+)?(?:[\w'’]+-(?:based|backed)\s+)?", "", name)
    words = name.split()
    while len(words) > 1 and words[-1] in _WHEN:
        words.pop()
    return " ".join(words)


def _name_before(name: str) -> bool:
    """Whether the name before "town", "city" or "village" is the place's own: no possessive
    ("Toumba's village chief") and no country or demonym in it ("the northern Syrian town",
    "Central Mali town")."""
    return not re.search(r"['’]s?$", name) and not gazetteer.mentions(name)


def _ok_place(name: str) -> bool:
    words = name.split()
    return bool(words) and fold(words[0]) not in _NOT_PLACE and \
        fold(words[-1]) not in _ORG_TYPES and len(name) > 2


def dateline_name(article: str) -> str | None:
    """The dateline's place as the dateline writes it ("NDORO"), or None."""
    m = _DATELINE.match(article)
    return None if not m or fold(m.group(1)) in _NOT_PLACE else m.group(1)


# A dateline as place roles read it: also one a date follows with no comma ("BEIRUT Aug 28
# Turkey-backed rebels ..."), or a dash ("ERBIL - ..."). Wider than _DATELINE, which adds the
# place to the brief and so must not take "US officials" for one.
_DATELINE_AT = re.compile(r"\A\s*(?:date\s+\d{4}-\d{2}-\d{2}\s+)?([A-Z][A-Z'’.-]+(?:\s+[A-Z][A-Z'’.-]+)*)"
                          r"(?=\s*(?:,|\(|:|[-—–]\s)|\s+(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)"
                          r"[a-z]*\.?\s+\d)")


def dateline_span(text: str) -> tuple[int, int] | None:
    """Where the dateline's place stands at the start of `text`, or None."""
    m = _DATELINE_AT.match(text)
    return None if not m or fold(m.group(1)) in _NOT_PLACE else m.span(1)


def dateline_place(article: str, body: str) -> str | None:
    """The place of the dateline ("NDORO, Nov 18 (Wire) —"), spelt as the body spells it."""
    m = _DATELINE.match(article)
    if not m or fold(m.group(1)) in _NOT_PLACE:
        return None
    name = m.group(1)
    found = re.search(rf"\b{re.escape(name)}\b", body[m.end():], re.IGNORECASE)
    if found and found.group()[0].isupper() and not found.group().isupper():
        return found.group()
    return None


def places(article: str, body: str) -> list[Found]:
    """Places named by a dateline or by how the article introduces them, in order of appearance."""
    out: list[tuple[int, Found]] = []
    dl = dateline_place(article, body)
    if dl:
        out.append((-1, Found(dl, "other")))
    for pattern in (_OF_PLACE, _PLACE_OF, _HELD, _APPOSED, _NAME_BEFORE, _liberated()):
        for m in pattern.finditer(body):
            name = _trim(m.group(1))
            if not _ok_place(name) or pattern is _NAME_BEFORE and not _name_before(name):
                continue
            kind = m.group(2).lower() if pattern in (_PLACE_OF, _NAME_BEFORE) else "other"
            out.append((m.start(1), Found(name, kind if kind in ("province", "region", "town",
                                                                 "village", "city") else "other")))
    people = noun_class("nouns", *PEOPLE)
    for m in _place_list().finditer(body):
        after = re.match(r"\s+([a-z]+)", body[m.end():])
        if after and after.group(1) in people:
            continue  # "the villages of Berom and Irigwe farmers" names farmers, not villages
        for item in re.finditer(_ONE_PLACE, m.group(1)):
            name = _trim(item.group())
            if _ok_place(name) and gazetteer.country_code(name) is None:  # "of Syrian and ..."
                out.append((m.start(1) + item.start(), Found(name, "other")))
    return _unique([f for _, f in sorted(out, key=lambda x: x[0])])


_ONE_PLACE = rf"(?:(?:al|el|ad|as|at|an)-)?{_CAPS}"


@functools.cache
def _liberated() -> re.Pattern[str]:
    """A name that a participle said only of ground follows ("Urozhaine has been liberated",
    lexicon/control.toml's ground_participles): the sentence's place though no side is named."""
    words = "|".join(load("control")["ground_participles"])
    return re.compile(rf"(?<![\w'’-])({_ONE_PLACE})\s+(?:was|were|has\s+been|have\s+been|had\s+been)"
                      rf"\s+(?:\w+ly\s+)?(?:{words})\b")


@functools.cache
def _place_list() -> re.Pattern[str]:
    """A list a plural place noun before it marks as places (lexicon/control.toml's
    list_nouns): "the villages of al-Amarna and Ayn al-Bayda". Not one the noun follows: "Sunni
    and Alawite villages", "Russian-held and Ukrainian-controlled villages" are no places."""
    nouns = "|".join(f"(?:{x})" for x in load("control")["list_nouns"])
    listed = rf"{_ONE_PLACE}(?:\s*,\s*{_ONE_PLACE})*,?\s+and\s+{_ONE_PLACE}"
    return re.compile(rf"\b(?:{nouns})\s+of\s+(?:the\s+)?({listed})")


def actors(body: str) -> list[Found]:
    """Organisations named with an organisation word, forces named by their common noun, as the
    government's ("government troops") or by their country ("Russian forces", "Somali army
    soldiers"), and states named as backers
    ("backed by Russia and Iran"), in order of appearance."""
    out: list[tuple[int, Found]] = []
    forces = _national_forces(body)
    national = {fold(name): Found(name, "state forces", code) for _, name, code in forces}
    out.extend((start, national[fold(name)]) for start, name, _ in forces)
    for m in _ORG.finditer(body):
        name = _trim(m.group(1))
        if len(name.split()) < 2 and name.lower() in _ORG_TYPES:
            continue
        if fold(name.split()[0]) in _NOT_PLACE:
            continue
        typ = _ORG_TYPES[m.group("word").lower()]
        if _NGO_WORDS & {w.lower() for w in name.split()}:
            typ = "monitor or NGO"
        out.append((m.start(1), Found(name, typ)))
    for m in _FORCE.finditer(body):
        if _names_force(body, m.start(1), m.end(1)):
            word = " ".join(m.group(1).lower().split())
            out.append((m.start(1), Found(word, _FORCES[word])))
    for m in _BACKED_BY.finditer(body):
        for part in re.split(r",|\band\b", m.group(1)):
            part = re.sub(r"^the\s+", "", part.strip())
            if part and fold(part) not in _NOT_PLACE:
                name = backer_name(part)
                out.append((m.start(1), Found(name, "foreign state or forces")))
    # "The Sudanese Armed Forces" is also an organisation word's name: it keeps its country.
    return _unique([national.get(fold(f.name), f) for _, f in sorted(out, key=lambda x: x[0])])


@functools.cache
def _national_force() -> tuple[re.Pattern[str], re.Pattern[str]]:
    """A capitalised word, up to two more words, then a force word of lexicon/actors.toml
    ("Russian forces", "Sudan's regular army", "Sudanese Armed Forces"), within one line; and
    the national-forces rule's `unless` words."""
    data = load("actors")
    rule = next(r for r in data["rule"] if r["name"] == "national-forces")
    unless = "|".join(re.escape(fold(w)) for w in rule.get("unless", ()))
    force = "|".join(re.escape(w) for w in sorted(data["force_words"], key=len, reverse=True))
    # Between the country and the force word: capitalised words of a unit's name ("Air
    # Assault") or the qualifiers of lexicon/actors.toml ("regular", "security"), on one line.
    middle = "|".join(re.escape(w) for w in data["force_qualifiers"])
    return (re.compile(rf"(?<![\w'’-])(?=({_CAP}(?:[ \t]+(?:[A-Z][\w-]*|(?i:{middle}))){{0,2}}"
                       rf"[ \t]+(?i:{force}))(?![\w-]))"),
            re.compile(rf"(?<![\w-])(?:{unless})(?![\w-])"))


def _national_forces(body: str) -> list[tuple[int, str, str]]:
    """Forces named by their country or its demonym: the first word is the country (a
    possessive allowed, "Syria's army"; not "Turkish-backed forces"), no word of the name is one
    of the national-forces rule's `unless` words ("Syrian Democratic Forces" is no army) and the
    name does not continue a longer capitalised one ("Kurdish-led Syrian Democratic Forces").
    One name per country, its first ("Ethiopian troops", then "Ethiopian soldiers" is the same
    force): (start, name, country code)."""
    pattern, unless = _national_force()
    out: list[tuple[int, str, str]] = []
    for m in pattern.finditer(body):  # a lookahead: "The Sudanese Armed Forces" is
        name = m.group(1)                       # tried from "The" and from "Sudanese"
        if out and m.start(1) < out[-1][0] + len(out[-1][1]):
            continue
        first = re.sub(r"['’]s$", "", name.split()[0])
        found = gazetteer.mentions(name)
        if not found or found[0].start != 0 or found[0].end != len(first):
            continue
        if unless.search(fold(name)) or any(c == found[0].code for *_, c in out):
            continue
        # The word before, and whether a sentence or quote opens right before that word.
        before = re.search(r"(^|[.!?:;\n\"“(])?[ \t]*([\w'’-]+)[ \t]*\Z",
                           body[max(0, m.start() - 40):m.start()])
        if before and before.group(2)[:1].isupper() and before.group(1) is None and \
                before.group(2).lower() not in _BEFORE_OK:
            continue  # "Kyiv Ukrainian forces": the name goes on before it
        out.append((m.start(1), name, found[0].code))
    return out


def _names_force(body: str, start: int, end: int) -> bool:
    before = re.search(r"([\w'’-]*)([^\w.]*)$", body[max(0, start - 30):start])
    prev = before.group(1) if before else ""
    if before and before.group(2).strip():
        prev = ""  # "SABAR (Wire) — Rebels killed": a new clause starts at the noun
    if prev[:1].isupper() and prev.lower() not in _BEFORE_OK:
        return False  # "Syrian army": part of a name
    if prev.lower() not in _BEFORE_OK and body[max(0, start - 2):start].strip(" ") not in ("", ".", "\n"):
        return False
    after = body[end:end + 30]
    if after.startswith(("'s", "’s", ",", ".", ";", ")", '"')):
        return True
    nxt = re.match(r"\s*([\w'’-]*)", after)
    word = nxt.group(1).lower() if nxt else ""
    return word in _AFTER_OK or word.endswith("ed")


def _unique(found: list[Found]) -> list[Found]:
    seen: set[str] = set()
    out = []
    for f in found:
        if fold(f.name) not in seen:
            seen.add(fold(f.name))
            out.append(f)
    return out


def covered(name: str, names: list[str]) -> bool:
    """Whether `name` is already in `names`: the same after folding, or every word of it is a
    word of one of them ("army" in "Syria's regular army", "Idlib" in "Idlib province")."""
    key = fold(name)
    words = set(re.findall(r"[\w'-]+", key))
    for other in names:
        o = fold(other)
        if o == key or (words and words <= set(re.findall(r"[\w'-]+", o))):
            return True
        if key.endswith("s") and key[:-1] in set(re.findall(r"[\w'-]+", o)):
            return True  # "rebels" in "rebel forces"
    return False


def is_organisation(name: str) -> bool:
    """A capitalised name ending in an organisation word ("Tahrir Brigades", "UN human rights
    office"): never a place."""
    words = name.split()
    return len(words) >= 2 and words[-1].lower() in (*_ORG_TYPES, "office", "agency", "mission")
