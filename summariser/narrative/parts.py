"""Actors, places and changes of control: the model's lists, checked and completed by code.

Every name kept is one the article uses. Types come from the rules in lexicon/actors.toml
before the model's guess (narrative.actor_types), countries from the article and the gazetteer
(narrative.countries), and each change of control's sides from the voice of its verb
(narrative.control).
"""

from __future__ import annotations

import functools
import re
from collections.abc import Mapping, Sequence

from summariser import gazetteer, mentions
from summariser.entities import aliases_for, backers_for, fold, split_name
from summariser.narrative import actor_names, actor_types, claims, control, coref, countries, roles, sides
from summariser.page_noise import body_spans
from summariser.schemas.brief import Actor, ControlChange, Location
from summariser.schemas.llm import Overview
from summariser.text import Sentence

MAX_ACTORS, MAX_PLACES, MAX_CONTROLS = 12, 12, 8
PARAGRAPH_BREAK = re.compile(r"\n[^\S\n]*\n\s*")
STATE_ACTOR_TYPES = {"government", "state forces", "foreign state or forces"}


def mentioned(name: str, folded_article: str) -> bool:
    """A name counts only if the article contains it as written (ignoring case, accents and a
    leading "the"): a small model likes to invent plausible groups ("Syria's aid groups").
    `folded_article` comes from fold_paragraphs(): a name never runs across a paragraph break
    ("Monday.\n\n1 people" is two paragraphs' words, not a name), though it may run across
    the single line break of hard-wrapped copy ("Assad's\narmy")."""
    name_f = re.sub(r"^the\s+", "", fold(name))
    return bool(name_f) and re.search(rf"(?<!\w){re.escape(name_f)}(?!\w)", folded_article) is not None


def fold_paragraphs(article: str) -> str:
    """fold() of each paragraph, one per line: what mentioned() searches."""
    return "\n".join(fold(p) for p in PARAGRAPH_BREAK.split(article))


@functools.lru_cache(maxsize=8)
def body_text(article: str) -> str:
    """The article's body lines (page noise left out); read once per text, asked for by most
    parts of the overview's assembly."""
    return "\n".join(article[a:b] for a, b in body_spans(article))


def home_country(article: str, places: list[Location]) -> str | None:
    return _home(article, tuple(p.name for p in places))


@functools.lru_cache(maxsize=8)
def _home(article: str, place_names: tuple[str, ...]) -> str | None:
    # places() and actors() both ask, with the same places.
    # The dateline's city votes even when the body never names it again ("RAWALPINDI: ...").
    return countries.home(body_text(article), list(place_names), mentions.dateline_name(article))


def actors(ov: Overview, article: str, warnings: list[str], places: list[Location]) -> list[Actor]:
    folded = fold_paragraphs(article)
    body = body_text(article)
    home = home_country(article, places)
    out: list[Actor] = []
    seen: set[str] = set()
    place_types = {fold(p.name): p.type for p in places}
    for a in ov.actors[:MAX_ACTORS]:
        name, aliases = split_name(a.name)
        if not mentioned(name, folded) and not any(mentioned(x, folded) for x in aliases):
            warnings.append(f"Dropped actor {a.name!r}: not named in the article.")
            continue
        if fold(name) in seen:
            continue
        reason = actor_names.not_an_actor(name)
        if reason:
            warnings.append(f"Dropped actor {a.name!r}: {reason}, not an actor.")
            continue
        same = next((o for o in out if actor_names.restates(name, o.name)
                     or any(actor_names.restates(name, x) for x in o.aliases)), None)
        if same is not None:  # "Cuban-inspired ELN group" beside "ELN": one actor
            if fold(name) not in {fold(x) for x in same.aliases}:
                same.aliases.append(name)
            continue
        typ = actor_types.decide(name, a.type, home).type
        if fold(name) in place_types and not (place_types[fold(name)] == "country"
                                              and typ in STATE_ACTOR_TYPES):
            continue  # a town the model listed as an actor ("Sabar") is kept as a place only;
            # a country that acts ("Russia launched ...", "backed by Russia") is both
        seen.add(fold(name))
        out.append(_actor(name, aliases, typ, a.role, article))
    # What the article names by rule and the model left out ("the army", "backed by Russia").
    found_all = mentions.actors(body)
    # "the military" of a story from Somalia is its "Somali soldiers"
    army_named = any(actor_types.unnamed_army(a.name) for a in [*out, *found_all])
    for found in found_all:
        if len(out) >= MAX_ACTORS + 4:
            break
        if found.country and any(found.country in _countries(a) for a in out):
            continue  # the brief has this country already ("Turkey", "Sudan's regular army")
        if found.country and found.country == home and army_named:
            continue
        if found.name.startswith("government ") and any(_home_forces(a, home) for a in out):
            continue  # "government forces" of a story whose brief has "Syrian regime forces"
        if not mentions.covered(found.name, [x for a in out for x in (a.name, *a.aliases)]):
            typ = actor_types.decide(found.name, found.type, home).type
            role = "backer" if found.type == "foreign state or forces" else "other"
            out.append(_actor(found.name, [], typ, role, article))
    return out


def _home_forces(actor: Actor, home: str | None) -> bool:
    """Whether the actor is the home country's own forces: state forces named by no other
    country ("Syrian regime forces" in a story from Syria, "the army")."""
    named = _countries(actor)
    return actor.type == "state forces" and (not named or named == {home})


def _countries(actor: Actor) -> set[str]:
    """The countries a state actor's names name: "Turkey" stands for Turkish forces as copy
    writes it. None for a non-state actor ("Syrian Democratic Forces", a minister) or a
    government office ("Russian Defense Ministry" is not Russia's forces)."""
    if actor.type not in STATE_ACTOR_TYPES or \
            actor_types.decide(actor.name, actor.type, None).rule == "government-office":
        return set()
    return {m.code for n in (actor.name, *actor.aliases) for m in gazetteer.mentions(n)}


def with_roles(found: list[Actor], sentences: list[Sentence], reporters: list[str],
               changes: list[ControlChange]) -> list[Actor]:
    """Each actor's role from who attacked whom in the article, and who took or lost a place
    (narrative.roles)."""
    tallies = roles.votes(found, sentences, changes)
    decided = [a.model_copy(update={"role": roles.decide(a, tallies[a.name], reporters)}) for a in found]
    return roles.opposed(decided, tallies)


def _actor(name: str, aliases: list[str], typ: str, role: str, article: str) -> Actor:
    for alias in aliases_for(name, article):
        if fold(alias) not in {fold(x) for x in aliases}:
            aliases.append(alias)
    return Actor(name=name, aliases=aliases, type=typ, role=role,  # type: ignore[arg-type]
                 backed_by=backers_for([name, *aliases], article))


def places(ov: Overview, article: str, warnings: list[str]) -> list[Location]:
    folded = fold_paragraphs(article)
    out: list[Location] = []
    seen: set[str] = set()
    for p in ov.places[:MAX_PLACES]:
        name, _ = split_name(p.name)
        if not mentioned(name, folded):
            warnings.append(f"Dropped place {p.name!r}: not named in the article.")
            continue
        if fold(name) in seen or mentions.is_organisation(name):
            continue  # "Tahrir Brigades" listed as a place is an actor, not a place
        seen.add(fold(name))
        out.append(Location(name=name, type=p.type, role="mentioned"))
    # The dateline town, "the town of X", "X province", "rebel-held X" the model left out.
    for found in mentions.places(article, body_text(article)):
        if len(out) >= MAX_PLACES + 4:
            break
        if not mentions.covered(found.name, [p.name for p in out]):
            out.append(Location(name=found.name, type=found.type,  # type: ignore[arg-type]
                                role="mentioned"))
    home = home_country(article, out)
    return [p.model_copy(update={"country": countries.of_place(p.name, article, home)}) for p in out]


def controls(ov: Overview, sentences: list[Sentence], warnings: list[str],
             actors: Sequence[Actor], places: Sequence[Location] = ()) -> list[ControlChange]:
    """Changes of control whose sentence code can read (see narrative.control): the model's
    first, then any place of the brief that a sentence says someone took or left and the model
    left out (it lists few: a 1.5B model names one change where the article reports six).
    A change code adds must name a side in its sentence; a country is never one (a country
    does not change hands in a news report, its towns do). A side named only as "the group" is
    the group named before it (narrative.coref).
    """
    out: list[ControlChange] = []
    place_names = [p.name for p in places]
    names = [x for a in actors for x in (a.name, *a.aliases)]
    ahead = coref.ahead([s.text for s in sentences],
                        [p.name for p in places if coref.settlement(p.name, p.type)])
    for c in ov.control_changes[:MAX_CONTROLS]:
        readings = _readings(c.place, sentences, [*names, c.gained_by or "", c.lost_by or ""],
                             actors, False, coref.place_noun(c.place, place_names), place_names,
                             ahead)
        if not readings:
            warnings.append(f"Dropped control change at {c.place!r}: no sentence of the "
                            "article says who took or left it.")
            continue
        change = _latest(readings, c.gained_by, c.lost_by)
        if change is None:
            warnings.append(f"Dropped control change at {c.place!r}: its sentence names "
                            "neither side.")
        elif not _has_place(out, change.place) and len(out) < MAX_CONTROLS:
            out += [change, *_brief_hold(readings, change)]
    for place in places:
        if len(out) >= MAX_CONTROLS:
            break
        if place.type == "country" or _has_place(out, place.name):
            continue
        readings = _readings(place.name, sentences, names, actors, True,
                             coref.place_noun(place.name, place_names), place_names, ahead)
        change = _latest(readings, None, None)
        if change is not None and not _has_place(out, change.place):
            out += [change, *_brief_hold(readings, change)]
    return out[:MAX_CONTROLS]


def _readings(place: str, sentences: list[Sentence], names: list[str], actors: Sequence[Actor],
              direct: bool, noun: str | None = None, others: Sequence[str] = (),
              ahead: Mapping[int, list[str]] | None = None) -> list[tuple[Sentence, control.Reading]]:
    """Each sentence's reading of a change at `place`; `others`, the brief's other places (a
    sentence that names one of them has no "the town" for this place: coref.place_pointer);
    `ahead`, the places each sentence's "a town" stands for (coref.ahead): read only where no
    sentence that names the place or points back to it says who took it ("RSF says it has
    seized another key town" is not the Wad Madani a later sentence says it seized before)."""
    out: list[tuple[Sentence, control.Reading]] = []
    indefinite: list[tuple[Sentence, control.Reading]] = []
    for i, sentence in enumerate(sentences):
        # "the group": the one armed group named nearest before the pointer (narrative.coref)
        before = [s.text for s in sentences[max(0, i - 3):i]]

        def resolve(at: int, before: list[str] = before, text: str = sentence.text) -> str | None:
            return coref.antecedent([*before, text[:at]], actors)

        pointer = coref.place_pointer(place, sentence.text, sentences[i - 1].text if i else None,
                                      others, names)
        pointed = (ahead or {}).get(i, [])
        count = len(pointed) if fold(place) in map(fold, pointed) else 0
        reading = control.read(place, sentence, names, direct=direct, noun=noun, resolve=resolve,
                               pointer=pointer, ahead=count)
        if reading is not None:
            (indefinite if count else out).append((sentence, reading))
    return out or indefinite


def _latest(readings: list[tuple[Sentence, control.Reading]], model_gained: str | None,
            model_lost: str | None) -> ControlChange | None:
    """The change the article reports for a place: as its first sentence that says the place
    changed hands reads it (None when that sentence names neither side: a later sentence that
    names one is often about another episode), unless a later sentence takes the place back from
    another gainer ("IS overran Abu Grain on May 5" ... "forces retook Abu Grain"): a retaking
    is the later event. Only the retaking is reported: the earlier capture is as often the
    story's background as its own event."""
    if not readings:
        return None
    first = _change(*readings[0], model_gained, model_lost)
    if first is None:
        return None
    for sentence, reading in readings[1:]:
        change = _change(sentence, reading, model_gained, model_lost) if reading.undoes else None
        if change is not None and change.gained_by and not control.same_side(change.gained_by,
                                                                             first.gained_by):
            return change
    return first


def _brief_hold(readings: list[tuple[Sentence, control.Reading]],
                latest: ControlChange) -> list[ControlChange]:
    """The short hold a retaking undid, as a change of its own: "Troops retook the villages of
    Aqareb and Al-Mabujeh a day after the jihadist assault" ... "saw jihadists briefly seize all
    of Aqareb" reports two changes, the jihadists' and the troops'. Only where the sentence says
    the hold was brief (control.held_briefly): an earlier capture told without it is as often
    the story's background as its own event (_latest). Its sides are its sentence's alone:
    the model's pair names the retaking."""
    retaken = next((r for s, r in readings if s.text == latest.evidence), None)
    if retaken is None or not retaken.undoes:
        return []
    for sentence, reading in readings:
        if reading.undoes or not control.held_briefly(sentence.text):
            continue
        change = _change(sentence, reading, None, None)
        if change is not None and change.gained_by and \
                not control.same_side(change.gained_by, latest.gained_by):
            return [change]
    return []


def _has_place(changes: list[ControlChange], place: str) -> bool:
    return any(fold(x.place) == fold(place) for x in changes)


def _change(sentence: Sentence, reading: control.Reading, model_gained: str | None,
            model_lost: str | None) -> ControlChange | None:
    """The change a sentence's reading gives, or None when the sentence names neither side."""
    gained, lost = sides.reconcile((reading.gained_by, reading.lost_by), model_gained, model_lost,
                                  sentence.text)
    if gained is None and lost is None:
        return None
    return ControlChange(
        place=reading.place, gained_by=gained, lost_by=lost,
        status="claimed" if claims.claimed(sentence.text, gained, lost) else "confirmed", reported_by=None,
        evidence=sentence.text, span=(sentence.start, sentence.end))
