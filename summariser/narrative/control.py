"""Changes of control read back from their sentence: who gained the place and who lost it.

The overview call names a place, a gainer and a loser; a 1.5B model often swaps the two ("the
army recaptured the city" for a city rebels had just entered) or reports a change no sentence
makes. Here code finds the verb that governs the place in its sentence (lexicon/control.toml)
and reads each side from the verb's voice:

    "<gainer> captured|entered|retook <place>"        active gain: the gainer stands before it
    "<place> was captured by|fell to <gainer>"         passive gain: the gainer follows it
    "<loser> withdrew from|lost control of <place>"    active loss: the loser stands before it

A side is named only when the sentence names it: the verb's side where code reads one, else the
model's side if the sentence mentions it and the verb does not put it on the other side. A
change whose sentence has no such verb for the place is dropped.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Sequence
from dataclasses import dataclass

from summariser.entities import abbreviates, fold
from summariser.gazetteer import fold_keep_length as _flat
from summariser.lexicon import load
from summariser.narrative import coref
from summariser.text import Sentence


@dataclass(frozen=True)
class Reading:
    gained_by: str | None
    lost_by: str | None
    rule: str  # which verb pattern decided: "gain-active", "gain-passive", "loss-active"
    place: str  # the place as the sentence spells it
    undoes: bool = False  # the gain verb takes the place back ("retook", "recaptured")


def _alternation(items: list[str]) -> str:
    return "|".join(f"(?:{x})" for x in sorted(items, key=len, reverse=True))


@functools.cache
def _verbs() -> tuple[tuple[str, re.Pattern[str]], ...]:
    data = load("control")
    return tuple((name, re.compile(rf"\b(?:{_alternation(data[key])})\b", re.IGNORECASE))
                 for name, key in (("gain-passive", "gain_passive"), ("loss-active", "loss_active"),
                                   ("gain-active", "gain_active")))


def says_change(text: str) -> bool:
    """Whether the sentence says a place "has been liberated" with no one named: no side to
    read (so no change of control), but its places are where the story's events happened."""
    return _agentless().search(text) is not None


@functools.cache
def _agentless() -> re.Pattern[str]:
    return re.compile(rf"\b(?:{_alternation(load('control')['gain_agentless'])})\b", re.IGNORECASE)


@functools.cache
def _expel() -> tuple[re.Pattern[str], re.Pattern[str]]:
    """(active "<gainer> drove <loser> out of", passive "<loser> were driven out of")."""
    verbs = _alternation(load("control")["expel_verbs"])
    out_of = r"(?:back\s+)?(?:out\s+of|from)\b"
    return (re.compile(rf"\b(?:{verbs})\s+(?P<object>(?:[\w'’-]+\s+){{1,6}}?){out_of}", re.IGNORECASE),
            re.compile(rf"\b(?:was|were|has been|have been|had been|being)\s+(?:\w+ly\s+)?"
                       rf"(?:{verbs})\s+{out_of}", re.IGNORECASE))


def _expelled(text: str, parties: list[tuple[int, int, str]], objects: list[tuple[int, int]],
              direct: bool) -> tuple[str | None, str | None] | None:
    """(gainer, loser) of "<gainer> drove <loser> out of <place>" or "<loser> were pushed out of
    <place> by <gainer>", or None where no such verb governs the place."""
    active, passive = _expel()
    for m in active.finditer(text):
        inside = [i for i, p in enumerate(parties) if p[0] >= m.start("object") and p[1] <= m.end("object")]
        if inside and not _background_or_aim(text, m.start()) and \
                any(ps >= m.end() and _governs(text, m.end(), (ps, pe), direct) for ps, pe in objects):
            return _side_before(parties, m.start(), text), _named(parties, inside[0], text, objects)
    for m in passive.finditer(text):
        i = _before_at(parties, m.start(), text)
        # the loser is the passive's own subject, right before it ("Russian troops were")
        if i is None or len(text[parties[i][1]:m.start()].split()) > 1 or \
                _background_or_aim(text, m.start()):
            continue
        for ps, pe in objects:
            if ps >= m.end() and _governs(text, m.end(), (ps, pe), direct):
                by = re.match(r"\s+by\s", text[pe:pe + 5])
                return (_side_after(parties, pe, text) if by else None), _named(parties, i, text)
    return None


@functools.cache
def _fronted() -> re.Pattern[str]:
    """A sentence that opens with "After capturing ...", "Upon retaking ...", "Having seized ..."."""
    return re.compile(rf"^\W*(?:{_alternation(load('control')['fronted_before'])})\s+$", re.IGNORECASE)


@functools.cache
def _direct_rules() -> tuple[re.Pattern[str], re.Pattern[str]]:
    """(words that put a place beside the verb's object, a place noun after a qualifying name)."""
    data = load("control")
    return (re.compile(rf"[,;:()\"“”]|\b(?:{_alternation(data['not_direct'])})\b", re.IGNORECASE),
            re.compile(rf"\s+(?:[a-z]+\s+)?(?:{_alternation(data['place_nouns'])})\s+of\b"))


@functools.cache
def _not_done() -> re.Pattern[str]:
    """Right before a verb: "could", "did not", "didn't", "never" (an adverb, "have" or "be" between)."""
    words = _alternation(load("control")["not_done_before"])
    return re.compile(rf"(?:\b(?:{words})|(?<=\w)n['’]t)\s+(?:\w+ly\s+)?(?:have\s+|be\s+)?$",
                      re.IGNORECASE)


def _place_at(place: str, text: str) -> list[tuple[int, int]]:
    """Where the sentence names the place (its full name, else its last capitalised word)."""
    spans = [m.span() for m in re.finditer(rf"(?<!\w){re.escape(fold(place))}(?!\w)", _flat(text))]
    if not spans:
        words = re.findall(r"[A-Z][\w'’-]{2,}", place)
        if words:
            spans = [m.span() for m in re.finditer(rf"(?<!\w){re.escape(fold(words[-1]))}(?!\w)",
                                                   _flat(text))]
    return spans


_NAME = r"(?:(?:al|el|ad|as|at|an)-)?[A-Z][\w'’-]*(?:[\s-]+(?:(?:al|el)-)?[A-Z][\w'’-]*)*"


def _governs(text: str, verb_end: int, place: tuple[int, int], direct: bool = False) -> bool:
    """Whether the verb ending at `verb_end` has the place at `place` as its object.
    `direct`: as its own object ("took the town of X"), not a place the object is in or near
    ("seized three vehicles in the village of X", "entered Lyman, Donetsk region")."""
    data = load("control")
    place_start, place_end = place
    between = text[verb_end:place_start]
    # "retook the villages of Aqareb and Al-Mabujeh": a place after a list of names is governed
    # too; any other "and" starts a new clause. "took Maidali Dansha, Baeker, Lugid and Humera":
    # so is a place inside the list, where another name follows it ("entered Lyman, Donetsk
    # region" is no list: the region only says where Lyman is).
    between = re.sub(rf"(?:,?\s*{_NAME})+,?\s+and\s+$", " ", between)
    rest = re.sub(rf"^{_NAME}", "", text[place_start:])
    # Not for a place no one said changed hands: "seized Rubaya, North Kivu, and Masisi" has a
    # province between two towns; unless a plural place noun says the list is of places ("took
    # control of Maidali Dansha, Baeker, Lugid and Humera towns").
    if (not direct or coref.in_place_list(text, place_start, place_end)) and \
            re.match(rf"(?:\s*,\s*|,?\s+and\s+){_NAME}", rest):
        between = re.sub(rf"(?:\s*{_NAME}\s*,)+\s*$", " ", between)
    if direct and _direct_rules()[0].search(between):
        return False
    words = between.split()
    if len(words) > data["max_object_words"] or re.search(r"\band\b|;|\d", between):
        return False
    first = re.match(r"\s*([\w'’-]+)", text[verb_end:])
    return not (first and first.group(1).lower() in data["not_after"])


def _background_or_aim(text: str, at: int) -> bool:
    """Whether the verb at `at` reports an aim ("to free") or another time ("since 2006 ...")."""
    data = load("control")
    before = text[:at]
    m = re.search(r"\bto\s+$", before)
    if m and not re.search(rf"\b(?:{_alternation(data['infinitive_done'])})\s+to\s+$", before,
                           re.IGNORECASE):
        return True
    if re.search(r"\b(?:19|20)\d\d\b", before[-data["year_window"]:]):
        return True
    if _not_done().search(before):  # "could seize", "did not enter": not a change that happened
        return True
    return bool(re.search(rf"\b(?:{_alternation(data['background_before'])})\b", before,
                          re.IGNORECASE))


def _parties(text: str, names: list[str]) -> list[tuple[int, int, str]]:
    """Mentions of any of `names` (and the lexicon's party nouns) in `text`, longest first,
    without mentions inside a modifier phrase ("backed by Russia")."""
    data = load("control")
    folded = _flat(text)
    found: list[tuple[int, int, str]] = []
    taken: set[int] = set()
    generic = {fold(w) for w in data["party_nouns"]} | {"group", "alliance", "coalition"}
    variants = list(names)
    for name in names:  # "Sons of the Valley militia" is also "the Sons of the Valley"
        words = name.split()
        if len(words) > 2 and fold(words[-1]) in generic:
            variants.append(" ".join(words[:-1]))
    candidates = sorted({n for n in [*variants, *data["party_nouns"]] if n and n.strip()},
                        key=len, reverse=True)
    # "the group" points back to a group named before (narrative.coref resolves it); it comes
    # first, so "group" is not read as part of another side's mention
    for m in re.finditer(rf"\b(?:{_alternation(data['side_anaphors'])})\b", text, re.IGNORECASE):
        taken.update(range(*m.span()))
        found.append((m.start(), m.end(), m.group()))
    for name in candidates:
        key = re.sub(r"^the\s+", "", fold(name))
        for m in re.finditer(rf"(?<![\w-]){re.escape(key)}(?![\w-])", folded):
            if taken & set(range(*m.span())):
                continue
            taken.update(range(*m.span()))
            found.append((m.start(), m.end(), text[m.start():m.end()]))  # as the sentence spells it
    modifier = re.compile(rf"(?:{_alternation([fold(x) for x in data['modifier_before']])})"
                          r"\s+(?:the\s+|its\s+|their\s+)?(?:[\w'’-]+\s+){0,4}$")
    return sorted((s, e, n) for s, e, n in found if not modifier.search(folded[max(0, s - 40):s]))


def _before_at(parties: list[tuple[int, int, str]], at: int, text: str) -> int | None:
    """Index of the side named nearest before `at` in the same clause (a full stop or ";" ends
    one)."""
    for i in range(len(parties) - 1, -1, -1):
        if parties[i][1] <= at and not re.search(r"[;.]\s", text[parties[i][1]:at]):
            return i
    return None


def _before(parties: list[tuple[int, int, str]], at: int, text: str) -> str | None:
    """The side named nearest before `at` in the same clause, as the sentence spells it."""
    i = _before_at(parties, at, text)
    return None if i is None else parties[i][2]


_CLOSES = re.compile(r"[,;:.]|\b(?:but|as|while|before|after|when|that|said|says|say|"
                     r"is|was|were|are|has|had|have)\b", re.IGNORECASE)


@functools.cache
def _subject_modifier() -> re.Pattern[str]:
    return re.compile(rf"\b(?:{_alternation(load('control')['subject_modifiers'])})\b", re.IGNORECASE)


def _side_before(parties: list[tuple[int, int, str]], at: int, text: str) -> str | None:
    """The verb's subject: the side named nearest before it, unless that side is the object of
    a verb the subject also governs ("militants killed 12 soldiers and captured the base": the
    militants took it) or stands in a phrase that qualifies an earlier side ("Forces loyal to
    the government", "the army along with militia")."""
    i = _before_at(parties, at, text)
    qualifier = next(reversed(list(_subject_modifier().finditer(text, 0, at))), None)  # the last
    # Only a phrase that runs on to the verb ("the army along with special forces and militia
    # took"), not one a comma, a conjunction or another verb has closed ("Ukraine, backed by
    # Western weapons, has held ..., but Russian forces captured").
    if i is not None and qualifier is not None and parties[i][0] > qualifier.start() and \
            not _CLOSES.search(text[qualifier.end():at]):
        j = _before_at(parties, qualifier.start(), text)  # "X along with Y took": X did
        if j is not None:
            i = j  # where X is no side the brief names, Y (its ally or backer) stands for it
    if i is not None and i > 0 and re.fullmatch(r"\s+and\s+(?:\w+ly\s+)?", text[parties[i][1]:at]):
        j = _before_at(parties, parties[i][0], text)
        if j is not None and re.search(r"\b(?!(?:and|or|nor)\b)[a-z]\w*", text[parties[j][1]:parties[i][0]]):
            i = j  # a word between the two (the first verb), not "rebels, militias and"
    return None if i is None else _named(parties, i, text)


def _side_after(parties: list[tuple[int, int, str]], at: int, text: str) -> str | None:
    for i, (start, _, _) in enumerate(parties):
        if start >= at:
            return _named(parties, i, text)
    return None


_DETERMINERS = {"the", "a", "an", "its", "their", "his", "her", "this", "that", "these", "those",
                "our", "some", "all", "both"}


def _is_generic(name: str) -> bool:
    return fold(re.sub(r"^(?:the|its|their)\s+", "", name, flags=re.IGNORECASE)) in \
        {fold(w) for w in load("control")["party_nouns"]}


def _named(parties: list[tuple[int, int, str]], i: int, text: str,
           places: Sequence[tuple[int, int]] = ()) -> str:
    """The side a party mention names, as fully as the sentence says it. A bare party noun
    takes the name it is tied to: "Fighters from the M23 rebel group" is M23, "The RSF said
    its forces" the RSF; else the words that qualify it ("resistance fighters", "Ethiopian
    soldiers")."""
    start, end, name = parties[i]
    if not _is_generic(name):
        return name
    data = load("control")
    of = re.match(r"\s+(?:from|of)\s+(?:the\s+)?([A-Z0-9][\w'’-]*(?:\s+[A-Z0-9][\w'’-]*)*)", text[end:])
    # not the place itself ("pushed back troops from Kherson": the troops are not Kherson's)
    if of and not re.fullmatch(r"(?:The|A|An)", of.group(1)) and \
            not any(ps <= end + of.start(1) < pe for ps, pe in places):
        return of.group(1)
    if re.search(r"\b(?:its|their)\s+$", text[:start], re.IGNORECASE):
        for _s, e, other in reversed(parties[:i]):  # the owner, named earlier in the sentence
            if not _is_generic(other) and not re.search(r"[;.]\s", text[e:start]):
                return other
    modifiers = {fold(w) for w in data["party_modifiers"]}
    words = list(re.finditer(r"[\w'’-]+", text[:start]))
    first = start
    for w in reversed(words[-2:]):
        token = w.group()
        if fold(token) in modifiers or (token[:1].isupper() and fold(token) not in _DETERMINERS):
            if text[w.end():first].strip():
                break  # only words right before it, none across a comma
            first = w.start()
        else:
            break
    return text[first:end]


def read(place: str, sentence: Sentence, names: list[str], *, direct: bool = False,
         noun: str | None = None) -> Reading | None:
    """The sides the sentence gives for `place`, or None when no verb there governs the place.
    `direct`: only a verb whose own object the place is (see _governs) counts; for a place no
    one said changed hands, where a place beside the object must not pass for it. `noun`: the
    common noun that stands for the place in a sentence that does not name it ("the base" for
    "El Salini base"; see coref.place_noun). "them" after a list of places that holds the place
    stands for it as the object of an active verb (see coref.pronoun_objects)."""
    text = sentence.text
    places = _place_at(place, text)
    by_noun = False
    if not places and noun:
        places = [m.span(1) for m in re.finditer(rf"\bthe\s+({re.escape(noun)})\b(?!\s+of\b)", text,
                                                 re.IGNORECASE)]
        by_noun = bool(places)
    if direct:  # "retook the Hama province villages of Aqareb": Hama province only qualifies them
        places = [(ps, pe) for ps, pe in places if not _direct_rules()[1].match(text[pe:])]
    # "captured Matupi township's Lalengpi and Resaw towns": the owner is not what was taken.
    places = [(ps, pe) for ps, pe in places if not re.match(r"['’]s\b", text[pe:pe + 3])]
    if not places:
        return None
    objects = sorted([*places, *coref.pronoun_objects(text, places)])
    parties = [p for p in _parties(text, names)
               if not any(p[0] < pe and ps < p[1] for ps, pe in places)]
    gained = lost = None
    undoes = False
    rules = []
    for rule, pattern in _verbs():
        for m in pattern.finditer(text):
            if _background_or_aim(text, m.start()):
                continue
            if rule == "gain-passive":
                if gained is None and any(pe <= m.start() and len(text[pe:m.start()].split()) <= 4
                                          for _, pe in places):
                    gained = _side_after(parties, m.end(), text)
                    rules.append(rule)
                continue
            if not any(ps >= m.end() and _governs(text, m.end(), (ps, pe), direct)
                       for ps, pe in objects):
                continue
            side = _side_before(parties, m.start(), text)
            if side is None and _fronted().match(text[:m.start()]):
                # "After capturing Babolin, rebels were battling ...": the clause's subject
                # comes after the comma that closes the fronted verb's phrase
                comma = text.find(",", m.end())
                side = _side_after(parties, comma, text) if comma > 0 else None
            if rule == "loss-active" and lost is None:
                lost = side
                rules.append(rule)
            elif rule == "gain-active" and gained is None:
                gained = side
                undoes = _undoing().match(m.group()) is not None
                rules.append(rule)
                # "... wrested control of Mogadishu from the Union of Islamic Courts"
                for ps, pe in places:
                    if ps >= m.end() and lost is None and re.match(r",?\s+from\s", text[pe:pe + 8]):
                        lost = _side_after(parties, pe, text)
    expelled = _expelled(text, parties, objects, direct) if gained is None and lost is None else None
    if expelled is not None:
        (gained, lost), rules = expelled, ["gain-expel"]
    if not rules:
        return None
    if same_side(gained, lost):
        lost = None  # one party both sides: the loss verb was about another place
    ps, pe = places[0]
    spelled = place if by_noun else text[ps:pe]
    if fold(spelled) != fold(place):  # only its last word matched: take the name around it
        around = re.search(r"(?:[A-Z][\w'’]*[\s-]+(?:al-|el-)?)*\S*$", text[:pe])
        spelled = around.group().strip() if around else spelled
    return Reading(gained, lost, "+".join(dict.fromkeys(rules)), spelled, undoes)


@functools.cache
def _undoing() -> re.Pattern[str]:
    return re.compile(rf"(?:{_alternation(load('control')['undoing'])})", re.IGNORECASE)


def same_side(a: str | None, b: str | None) -> bool:
    if not a or not b:
        return False
    fa, fb = (re.sub(r"^the\s+", "", fold(x)) for x in (a, b))
    return fa == fb or fa in fb or fb in fa or abbreviates(a, b) or abbreviates(b, a)


def mentioned(name: str | None, text: str) -> bool:
    if not name:
        return False
    key = re.sub(r"^the\s+", "", fold(name))
    return bool(key) and re.search(rf"(?<![\w-]){re.escape(key)}(?![\w-])", fold(text)) is not None


def reconcile(reading: Reading, model_gained: str | None, model_lost: str | None,
              sentence: str) -> tuple[str | None, str | None]:
    """Sides to report: the verb's where it names one; the model's only where the sentence
    mentions that side and the verb does not put it on the other side."""
    gained, lost = reading.gained_by, reading.lost_by
    for name in (model_gained, model_lost):
        if not mentioned(name, sentence):
            continue
        # The model's side goes where the verb leaves room, whichever slot the model used:
        # when the verb names the gainer, another side the sentence names is the loser.
        if same_side(name, gained) or same_side(name, lost):
            continue
        if name == model_gained and gained is None and not same_side(name, lost):
            gained = name
        elif name == model_lost and lost is None and not same_side(name, gained):
            lost = name
    return gained, lost


def loss_verb() -> re.Pattern[str]:
    """The active loss verbs ("withdrew from", "lost control of")."""
    return dict(_verbs())["loss-active"]
