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
from collections.abc import Callable
from dataclasses import dataclass

from summariser import gazetteer
from summariser.entities import fold, same_side
from summariser.gazetteer import fold_keep_length as _flat
from summariser.lexicon import load
from summariser.narrative import background, coref, nominal
from summariser.narrative.coref import NAME as _NAME
from summariser.narrative.coref import alternation as _alternation
from summariser.narrative.sides import (
    Party,
    before_at,
    in_phrase,
    named,
    parties,
    quoted_speaker,
    side_after,
    side_before,
)
from summariser.text import Sentence


@dataclass(frozen=True)
class Reading:
    gained_by: str | None
    lost_by: str | None
    rule: str  # which verb pattern decided: "gain-active", "gain-passive", "loss-active"
    place: str  # the place as the sentence spells it
    undoes: bool = False  # the gain verb takes the place back ("retook", "recaptured")


@functools.cache
def _verbs() -> tuple[tuple[str, re.Pattern[str]], ...]:
    data = load("control")
    return tuple((name, re.compile(rf"\b(?:{_alternation(data[key])})\b", re.IGNORECASE))
                 for name, key in (("gain-passive", "gain_passive"), ("loss-active", "loss_active"),
                                   ("gain-active", "gain_active")))


def said_taken(place: str, text: str) -> bool:
    """Whether the sentence says the place (or a list that holds it) "has been liberated" with
    no one named ("The settlements of Yampil, ... and Stavky have been liberated"): no side to
    read, so no change of control, but the place is where the story's events happened. Not a
    passive of something else there ("footage captured on a phone in Kharkiv")."""
    for _, pe in _place_at(place, text):
        rest = re.sub(rf"^(?:(?:,?\s+and\s+|\s*,\s*){_NAME})*", "", text[pe:])
        if re.match(rf"\s+(?:[a-z]+\s+){{0,2}}?(?:{_agentless().pattern})(?!\s+by\b)", rest,
                    re.IGNORECASE):
            return True
    return False


@functools.cache
def _agentless() -> re.Pattern[str]:
    return re.compile(rf"(?:{_alternation(load('control')['gain_agentless'])})\b", re.IGNORECASE)


@functools.cache
def _expel() -> tuple[re.Pattern[str], re.Pattern[str]]:
    """(active "<gainer> drove <loser> out of", passive "<loser> were driven out of"). Not
    "pushed Russian troops back from Kharkiv": back, away or a "by" in the object is no
    expulsion."""
    verbs = _alternation(load("control")["expel_verbs"])
    word = r"(?!(?:back|away|by)\b)[\w'’-]+\s+"
    return (re.compile(rf"\b(?:{verbs})\s+(?P<object>(?:{word}){{1,6}}?)(?:out\s+of|from)\b",
                       re.IGNORECASE),
            re.compile(rf"\b(?:was|were|has been|have been|had been|being)\s+(?:\w+ly\s+)?"
                       rf"(?:{verbs})\s+(?:out\s+of|from)\b", re.IGNORECASE))


_PASSIVE_BEFORE = re.compile(r"\b(?:was|were|is|are|been|being)\s+(?:\w+ly\s+)?\Z", re.IGNORECASE)


def _expelled(text: str, found: list[Party], objects: list[tuple[int, int]],
              direct: bool) -> tuple[str | None, str | None] | None:
    """(gainer, loser) of "<gainer> drove <loser> out of <place>" or "<loser> were pushed out of
    <place> by <gainer>", or None where no such verb governs the place."""
    active, passive = _expel()
    for m in active.finditer(text):
        inside = [i for i, p in enumerate(found) if p[0] >= m.start("object") and p[1] <= m.end("object")]
        if inside and not _PASSIVE_BEFORE.search(text[:m.start()]) and \
                not background.background_or_aim(text, m.start(), m.end()) and \
                any(ps >= m.end() and _governs(text, m.end(), (ps, pe), direct) for ps, pe in objects):
            return side_before(found, m.start(), text), named(found, inside[0], text, objects)
    for m in passive.finditer(text):
        i = before_at(found, m.start(), text)
        # the loser is the passive's own subject, right before it ("Russian troops were")
        if i is None or len(text[found[i][1]:m.start()].split()) > 1 or \
                background.background_or_aim(text, m.start(), m.end()):
            continue
        for ps, pe in objects:
            if ps >= m.end() and _governs(text, m.end(), (ps, pe), direct):
                return in_phrase(found, pe, text), named(found, i, text, objects)
    return None


@functools.cache
def _fronted() -> re.Pattern[str]:
    """A sentence that opens with "After capturing ...", "Upon retaking ...", "Having seized ..."."""
    return re.compile(rf"^\W*(?:{_alternation(load('control')['fronted_before'])})\s+$", re.IGNORECASE)


@functools.cache
def _direct_rules() -> tuple[re.Pattern[str], re.Pattern[str], re.Pattern[str]]:
    """(words that put a place beside the verb's object, a place noun after a qualifying name,
    the words of the first kind that do so even for a place the model named)."""
    data = load("control")
    return (re.compile(rf"[,;:()\"“”]|\b(?:{_alternation(data['not_direct'])})\b", re.IGNORECASE),
            re.compile(rf"\s+(?:[a-z]+\s+)?(?:{_alternation(data['place_nouns'])})\s+of\b"),
            re.compile(rf"\b(?:{_alternation(data['beside_object'])})\b", re.IGNORECASE))


def _place_at(place: str, text: str) -> list[tuple[int, int]]:
    """Where the sentence names the place (its full name, else its last capitalised word)."""
    spans = [m.span() for m in re.finditer(rf"(?<!\w){re.escape(fold(place))}(?!\w)", _flat(text))]
    if not spans:
        words = re.findall(r"[A-Z][\w'’-]{2,}", place)
        if words:
            spans = [m.span() for m in re.finditer(rf"(?<!\w){re.escape(fold(words[-1]))}(?!\w)",
                                                   _flat(text))]
    return spans


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
    listed = re.sub(rf"(?:,?\s*{_NAME})+,?\s+and\s+$", " ", between)
    # In direct mode, only a list that is the verb's own object ("retook the villages of A and
    # B"; not "seized the road linking Goma, Sake and Minova").
    if direct and listed != between and not _own_object(listed):
        return False
    between = listed
    rest = re.sub(rf"^{_NAME}", "", text[place_start:])
    # Not for a place no one said changed hands: "seized Rubaya, North Kivu, and Masisi" has a
    # province between two towns; unless a plural place noun says the list is of places and the
    # list is the verb's own object ("took control of Maidali Dansha, Baeker, Lugid and Humera
    # towns"; not "seized the road linking Goma, Sake and Minova towns"), and the place is no
    # province or region ("seized Rubaya, North Kivu, Sake and Minova towns").
    if re.match(rf"(?:\s*,\s*|,?\s+and\s+){_NAME}", rest) and (not direct or _listed_object(
            text, verb_end, place_start, place_end)):
        between = re.sub(rf"(?:\s*{_NAME}\s*,)+\s*$", " ", between)
    # "recaptured on Tuesday the rebel stronghold of Kidal": a time is no place beside the object
    between = _TIME.sub(" ", between)
    if _direct_rules()[0 if direct else 2].search(between):
        return False
    words = between.split()
    if len(words) > data["max_object_words"] or re.search(r"\band\b|;|\d", between):
        return False
    first = re.match(r"\s*([\w'’-]+)", text[verb_end:])
    if first and first.group(1).lower() in data["not_after"]:
        return False
    # "took several prisoners in Marib", "regained control of the situation in Omdurman" (the
    # words before the place only: "retook Sake and seized weapons" took Sake)
    return re.match(rf"\s+(?:[\w'’-]+\s+){{0,3}}(?:{_alternation(data['not_object'])})\b",
                    text[verb_end:place_start], re.IGNORECASE) is None


def _own_object(gap: str) -> bool:
    """Whether the words between a verb and a list make the list the verb's own object: none,
    "the", or "the villages of"."""
    nouns = _alternation(load("control")["place_nouns"])
    return re.fullmatch(rf"\s*(?:the\s+)?(?:(?:{nouns})\s+of\s+(?:the\s+)?)?\s*", gap) is not None


_TIME = re.compile(r"\b(?:on|at|in)\s+(?:the\s+)?(?:(?:Mon|Tues|Wednes|Thurs|Fri|Satur|Sun)day|dawn|"
                   r"night|weekend|the\s+weekend|(?:the\s+)?(?:morning|afternoon|evening))\b")


_NOT_SUBJECT = re.compile(r"\b(?:in|from|near|at|inside|outside|(?:most|much|parts?|half|some|a\s+\w+)"
                          r"\s+of)\s+(?:the\s+)?\Z", re.IGNORECASE)


def _listed_object(text: str, verb_end: int, start: int, end: int) -> bool:
    """Whether the place at text[start:end] is one of a list of places (coref.place_list) that
    is itself the object of the verb ending at `verb_end` ("took control of A, B and C towns",
    "retook the villages of A and B"), and is no province or region."""
    span = coref.place_list(text, start, end)
    if span is None or not _own_object(text[verb_end:span[0]]):
        return False
    name = text[start:end]
    return not (gazetteer.region_countries(name) and not gazetteer.city_countries(name))


def read(place: str, sentence: Sentence, names: list[str], *, direct: bool = False,
         noun: str | None = None, resolve: Callable[[int], str | None] | None = None,
         pointer: bool = False, ahead: int = 0) -> Reading | None:
    """The sides the sentence gives for `place`, or None when no verb there governs the place.
    `direct`: only a verb whose own object the place is (see _governs) counts; for a place no
    one said changed hands, where a place beside the object must not pass for it. `noun`: the
    common noun that stands for the place in a sentence that does not name it ("the base" for
    "El Salini base"; see coref.place_noun). "them" after a list of places that holds the place
    stands for it as the object of a verb of moving into ground (coref.pronoun_objects,
    lexicon/control.toml's them_verbs). `resolve`: the side a pointer ("the group") at an offset
    of the sentence stands for (coref.antecedent); without it, or where it finds none, a pointer
    names no side. `pointer`: "the town", "the city" stand for the place too, after its name if
    the sentence names it (coref.place_pointer says where they may). `ahead`: an indefinite
    "a town" for so many places ("two small towns") stands for it in a sentence that does not
    name it (coref.ahead says where it may)."""
    text = sentence.text
    places = _place_at(place, text)
    by_noun = False
    if not places and noun:
        places = [m.span(1) for m in re.finditer(rf"\bthe\s+({re.escape(noun)})\b(?!\s+of\b)", text,
                                                 re.IGNORECASE)]
        by_noun = bool(places)
    indefinite = False  # "retook a small town" for the Muqokori a later sentence names
    if ahead and not places:
        places = [(ps, pe) for ps, pe, n, *_ in coref.indefinite_spans(text) if n == ahead]
        by_noun = indefinite = bool(places)
        pointer = False
    # only "the town" or "a small town" stands for it here: it must name a side
    pointed = pointer and not places or indefinite
    if pointer:
        by_noun = by_noun or not places
        places = [*places, *coref.pointer_spans(text, places[0][1] if places else 0)]
    if direct:  # "retook the Hama province villages of Aqareb": Hama province only qualifies them
        places = [(ps, pe) for ps, pe in places if not _direct_rules()[1].match(text[pe:])]
    # "captured Matupi township's Lalengpi and Resaw towns": the owner is not what was taken.
    places = [(ps, pe) for ps, pe in places if not re.match(r"['’]s\b", text[pe:pe + 3])]
    if not places:
        return None
    pronouns = coref.pronoun_objects(text, places)
    objects = sorted([*places, *pronouns])
    found = [p for p in parties(text, names, resolve, itself=True)
             if not any(p[0] < pe and ps < p[1] for ps, pe in places)]
    gained = lost = None
    undoes = False
    rules = []
    for rule, pattern in _verbs():
        for m in pattern.finditer(text):
            if background.background_or_aim(text, m.start(), m.end()) or re.match(r"\s+of\b", text[m.end():]):
                continue  # (a noun: "the capture of Goma by M23" is narrative.nominal's)
            if rule == "gain-passive":
                # "Djibo, a town of 60,000 people in northern Burkina Faso, fell to JNIM"; the
                # place is the passive's subject, not where it happened ("hostages held in Gaza
                # were handed over to Israel", "Weapons looted from Kidal fell into the hands
                # of", "Most of Donetsk region is now under the control of")
                if gained is None and any(pe <= m.start() and len(re.sub(
                        r"^,(?:[^,]|(?<=\d),(?=\d)){0,100},", "", text[pe:m.start()]).split()) <= 4
                        and not _NOT_SUBJECT.search(text[max(0, ps - 25):ps]) for ps, pe in places):
                    # "Palmyra was recaptured from Islamic State militants by Syrian troops"; not
                    # "residents were taken from their homes by": a side must follow "from"
                    source = re.search(r"\sfrom\s", m.group())
                    loser = in_phrase(found, m.start() + source.start(), text, "from") if source else None
                    if source and loser is None:
                        continue
                    gained, lost = side_after(found, m.end(), text), lost or loser
                    rules.append(rule)
                continue
            takes_them = _them_verbs().fullmatch(m.group()) is not None
            own = direct or _own_object_verbs().match(m.group()) is not None
            if not any(ps >= m.end() and _governs(text, m.end(), (ps, pe), own)
                       for ps, pe in (objects if takes_them else places)):
                continue
            # '"Our forces have liberated X," the ministry said': the speaker
            side = quoted_speaker(found, m.start(), text) or side_before(found, m.start(), text)
            if side is None and _fronted().match(text[:m.start()]):
                # "After capturing Babolin, rebels were battling ...": the clause's subject
                # comes after the comma that closes the fronted verb's phrase
                comma = text.find(",", m.end())
                side = side_after(found, comma, text) if comma > 0 else None
            if rule == "loss-active" and lost is None:
                loss = _loss(found, m, text, side)
                if loss is None:
                    continue
                lost, forcer = loss
                gained = gained or forcer
                rules.append(rule)
                for ps, pe in places:  # "lost Sinja to the Sudanese army" (not "fled Goma to Rwanda")
                    if ps >= m.end() and gained is None and not m.group().lower().startswith("fled"):
                        gained = in_phrase(found, pe, text, "to")
            elif rule == "gain-active" and (gained is None or _retakes(m, side, gained, undoes)):
                # "Al Shabaab seized Mahas on Monday, but Somali forces retook the town hours
                # later": a later retaking by another side is the change the sentence ends on
                lost = gained if gained is not None else lost
                gained = side
                undoes = _undoing().match(m.group()) is not None
                rules.append(rule)
                # "... wrested control of Mogadishu from the Union of Islamic Courts"
                for ps, pe in places:
                    if ps >= m.end() and lost is None and re.match(r",?\s+from\s", text[pe:pe + 8]):
                        lost = side_after(found, pe, text)
    expelled = _expelled(text, found, places, direct) if gained is None and lost is None else None
    if expelled is not None:
        (gained, lost), rules = expelled, ["gain-expel"]
    if gained is None or lost is None:  # "the capture of Goma by M23", "the loss of Kunduz to"
        for n in nominal.read(text, found, places):
            if (n.gained_by or n.lost_by) and not background.background_or_aim(text, n.start, n.end):
                gained, lost = gained or n.gained_by, lost or n.lost_by
                undoes = undoes or n.undoes
                rules.append("nominal")
                break
    if not rules or (pointed and gained is None and lost is None):
        return None  # (a side-less "the town" must not hide a later sentence's change)
    gained, lost = gained or None, lost or None  # "": a pointer no one fits names no side
    if same_side(gained, lost):
        lost = None  # one party both sides: the loss verb was about another place
    ps, pe = places[0]
    spelled = place if by_noun else text[ps:pe]
    if fold(spelled) != fold(place):  # only its last word matched: take the name around it
        around = re.search(r"(?:[A-Z][\w'’]*[\s-]+(?:al-|el-)?)*\S*$", text[:pe])
        spelled = around.group().strip() if around else spelled
    return Reading(gained, lost, "+".join(dict.fromkeys(rules)), spelled, undoes)


def _loss(found: list[Party], m: re.Match[str], text: str,
          side: str | None) -> tuple[str | None, str | None] | None:
    """(loser, the side that forced the loss) of the loss verb `m` whose subject is `side`, or
    None where the verb is no side's loss. "Azerbaijani forces forced Armenian separatists to
    withdraw from Shusha": the forced side lost, its own subject forced it (not "A ceasefire
    brokered by Angola forced", "the army forced civilians to withdraw": no side was forced).
    "fled Goma" only with a side right before it ("Soldiers' families fled Goma", "Residents
    fled Goma" are no side's loss)."""
    forced = re.search(r"\bforced\s+(?P<object>(?:the\s+)?[\w'’-]+(?:\s+[\w'’-]+)?)\s+to\s+\Z",
                       text[:m.start()])
    if forced:
        inside = [i for i, p in enumerate(found)
                  if forced.start("object") <= p[0] and p[1] <= forced.end("object")]
        if not inside:
            return None
        i = before_at(found, forced.start(), text)
        subject = i is not None and re.fullmatch(r"\s+(?:\w+ly\s+)?", text[found[i][1]:forced.start()]) \
            and not re.search(r"\b(?:by|of|from|with|against)\s+(?:the\s+)?\Z", text[:found[i][0]])
        return named(found, inside[0], text), named(found, i, text) if subject and i is not None else None
    if m.group().lower().startswith("fled"):
        i = before_at(found, m.start(), text)
        if i is None or not re.fullmatch(r"\s+(?:(?:\w+ly|had|have|has)\s+)*", text[found[i][1]:m.start()]):
            return None
    return side, None


def _retakes(m: re.Match[str], side: str | None, gained: str, undoes: bool) -> bool:
    """Whether the gain verb `m` retakes from `gained` what an earlier verb of the sentence gave
    it: a verb that takes a place back, a side of its own, another side, the earlier no retaking."""
    return not undoes and side is not None and _undoing().match(m.group()) is not None and \
        not same_side(side, gained)


@functools.cache
def _own_object_verbs() -> re.Pattern[str]:
    return re.compile(rf"(?:{_alternation(load('control')['own_object_verbs'])})", re.IGNORECASE)


@functools.cache
def _them_verbs() -> re.Pattern[str]:
    return re.compile(rf"(?:{_alternation(load('control')['them_verbs'])})", re.IGNORECASE)


@functools.cache
def _undoing() -> re.Pattern[str]:
    return re.compile(rf"(?:{_alternation(load('control')['undoing'])})", re.IGNORECASE)


def held_briefly(text: str) -> bool:
    """Whether the sentence says a side held a place only for a while: an adverb of
    lexicon/control.toml's temporary_hold right before an active gain verb ("briefly seize",
    "temporarily occupied"), at most one word between ("briefly also seized")."""
    adverbs = _alternation(load("control")["temporary_hold"])
    return re.search(rf"\b(?:{adverbs})\s+(?:\w+\s+)?{gain_verb().pattern}", text, re.IGNORECASE) is not None


def first_verb(text: str) -> int | None:
    """Where the first verb of a change of control (any voice) starts in `text`, or None."""
    starts = [m.start() for _, p in _verbs() if (m := p.search(text))]
    return min(starts) if starts else None


def gain_verb() -> re.Pattern[str]:
    """The active gain verbs ("captured", "retook", "liberated")."""
    return dict(_verbs())["gain-active"]


def loss_verb() -> re.Pattern[str]:
    """The active loss verbs ("withdrew from", "lost control of")."""
    return dict(_verbs())["loss-active"]
