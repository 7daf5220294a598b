"""The role of each place of a brief (event site, origin, destination, mentioned), read off the
sentences that name it and the brief's own figures and changes of control.

A place is an event site when a sentence that reports the story's events names it (a figure's or
a change's evidence, a sentence of fighting, "has been liberated") other than only to say where
something else is: a reference point ("north of Mogadishu", coref.reference_point), a direction
or a road's end ("advancing toward Lashkar Gah", "the highway linking Damascus to Aleppo"), the
dateline ("BEIRUT Aug 28 -", where the report was filed), or a sentence that opens with another
time ("In September 2019, ...": the story's background). The words are lexicon/roles.toml's.
"""

from __future__ import annotations

import functools
import re

from summariser import mentions
from summariser.entities import fold
from summariser.lexicon import load
from summariser.narrative import control, coref
from summariser.schemas.brief import Casualty, ControlChange, Displacement, Location
from summariser.text import Sentence


@functools.cache
def _patterns() -> tuple[re.Pattern[str], re.Pattern[str], re.Pattern[str]]:
    """(a sentence of fighting, a direction before a place, a sentence that opens with another time)."""
    data = load("roles")
    words = coref.alternation(data["fighting_words"])
    direction = coref.alternation(data["direction_before"])
    openers = coref.alternation(data["other_time_openers"])
    return (re.compile(rf"\b(?:{words})\b", re.IGNORECASE),
            re.compile(rf"\b(?:{direction})\s+(?:the\s+)?(?:[\w'’-]+\s+){{0,3}}?\Z", re.IGNORECASE),
            re.compile(rf"\A\W*(?:{openers})\b", re.IGNORECASE))


def fighting(text: str) -> bool:
    """Whether the sentence reports fighting (lexicon/roles.toml's fighting_words)."""
    return _patterns()[0].search(text) is not None


def background(text: str) -> bool:
    """Whether the sentence opens with another time ("In September 2019,", "Last month")."""
    return _patterns()[2].search(text) is not None


def _site_in(key: str, folded: str) -> bool:
    """Whether a folded sentence names the place (folded `key`) other than as a reference point
    for another place or as a direction."""
    return any(not coref.reference_point(folded[:m.start()]) and not _patterns()[1].search(folded[:m.start()])
               for m in re.finditer(rf"(?<!\w){re.escape(key)}(?!\w)", folded))


def _without_dateline(text: str) -> str:
    """The sentence with its dateline's place blanked ("BEIRUT Aug 28 ...", "MISRATA, Libya
    (Reuters) -"): where the report was filed is not where anything happened."""
    span = mentions.dateline_span(text)
    if span is None:
        return text
    return text[:span[0]] + " " * (span[1] - span[0]) + text[span[1]:]


def decide(locations: list[Location], sentences: list[Sentence],
           figures: list[Casualty | Displacement], changes: list[ControlChange]) -> list[Location]:
    """Role of each place, read off the sentences that mention it."""
    origins = {fold(f.origin) for f in figures if isinstance(f, Displacement) and f.origin}
    destinations = {fold(f.destination) for f in figures if isinstance(f, Displacement) and f.destination}
    texts = [_without_dateline(s.text) for s in sentences]
    past = [fold(t) for t in texts if background(t)]
    event_text = [fold(_without_dateline(x.evidence)) for x in (*figures, *changes)]
    event_text = [t for t in event_text if not any(t in p for p in past)]
    event_text += [fold(t) for t in texts if fighting(t) and not background(t)]
    # a change's place, though its sentence calls it "a small town" (coref.ahead)
    changed = {fold(c.place) for c in changes}
    out = []
    for p in locations:
        key = fold(p.name)
        if key in origins:
            role = "origin"
        elif key in destinations:
            role = "destination"
        elif key in changed or any(_site_in(key, t) for t in event_text) or \
                any(control.said_taken(p.name, t) for t in texts):
            role = "event site"
        else:
            role = "mentioned"
        out.append(p.model_copy(update={"role": role}))
    return out
