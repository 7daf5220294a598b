"""Changes of control a sentence names with a noun rather than a verb.

Wire copy often reports the change as a noun phrase: "The capture of Goma by M23 rebels has
displaced ...", "The fall of Avdiivka to Russian forces was Moscow's biggest gain", "Russia's
seizure of Bakhmut", "The loss of Kunduz to the Taliban", "Following the withdrawal of federal
troops from Mekelle, ...". narrative.control reads verbs; this reads the nouns of
lexicon/control.toml (nominal_gain, nominal_loss, nominal_withdrawal), each with its sides where
the phrase names them: after "by" or "to", as the noun's owner ("Russia's"), or after "of" for
a retreat. A noun the clause makes a fear, an aim or a forecast ("fears of the fall of
Pokrovsk") reports nothing; control checks the rest (another year, a condition).
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass

from summariser.lexicon import load
from summariser.narrative.coref import alternation
from summariser.narrative.sides import Party, before_at, in_phrase, named, phrase_party


@dataclass(frozen=True)
class Naming:
    start: int  # where the noun phrase starts (its owner, or the noun)
    end: int  # where the place's name ends
    gained_by: str | None
    lost_by: str | None
    undoes: bool = False  # "the recapture of", "the liberation of": a retaking


@dataclass(frozen=True)
class _Patterns:
    gain: re.Pattern[str]  # the gain nouns, before "of"
    loss: re.Pattern[str]
    hedge_before: re.Pattern[str]  # nominal_not_before
    hedge_after: re.Pattern[str]  # nominal_not_after, an aside skipped
    undoing: re.Pattern[str]  # a gain noun that takes a place back ("recapture")
    place_noun: str  # "the town of" between the noun's "of" and the name
    retreat: str  # the withdrawal nouns
    retreating: str  # the party nouns a withdrawal's side may end in


@functools.cache
def _patterns() -> _Patterns:
    data = load("control")
    gain, loss = (re.compile(rf"\b(?:{alternation(data[key])})\s+of\s+", re.IGNORECASE)
                  for key in ("nominal_gain", "nominal_loss"))
    return _Patterns(
        gain, loss,
        re.compile(rf"\b(?:{alternation(data['nominal_not_before'])})\b", re.IGNORECASE),
        re.compile(rf"[^;.]{{0,60}}?\b(?:{alternation(data['nominal_not_after'])})\b", re.IGNORECASE),
        re.compile(rf"(?:{alternation(data['undoing'])})", re.IGNORECASE),
        rf"(?:the\s+(?:[a-z]+\s+)?(?:{alternation(data['nominal_place_nouns'])})\s+of\s+)?",
        alternation(data["nominal_withdrawal"]),
        rf"(?:\s+(?:{alternation(data['nominal_retreating'])}))?")


def _owner(found: list[Party], at: int, text: str) -> tuple[int, str] | None:
    """Where the side that owns the noun at `at` starts, and its name: "Russia's capture", "the
    army's swift loss", "the rebels' seizure" (not "Islamic State's 2014 capture": a year makes
    it background, which control's check sees only where the phrase starts at the noun)."""
    for i in range(len(found) - 1, -1, -1):
        s, e, _ = found[i]
        if e <= at and re.fullmatch(r"['’]s?\s+(?:(?!\d)\w+\s+)?", text[e:at]):
            return s, named(found, i, text)
    return None


def _speaker(found: list[Party], at: int, text: str) -> str | None:
    """The side that announces or completes the change: "Russia's defence ministry announced the
    capture of Avdiivka", "M23 rebels completed the capture of Goma"."""
    m = re.search(rf"\b(?:{alternation(load('control')['nominal_done_by'])})\s+(?:the\s+)?"
                  r"(?:(?:full|complete|total)\s+)?\Z", text[:at], re.IGNORECASE)
    if m is None:
        return None
    i = before_at(found, m.start(), text)
    # its own subject, or its owner ("Russia's defence ministry announced")
    if i is None or not re.fullmatch(r"(?:['’]s?\s+(?:[\w-]+\s+){1,2}?)?\s*(?:(?:\w+ly|had|has|have)\s+)*",
                                     text[found[i][1]:m.start()]):
        return None
    return named(found, i, text)


def _hedged(text: str, at: int) -> bool:
    """Whether a word of nominal_not_before in the clause before the noun at `at` makes it a
    fear, an aim, a forecast or past history ("fears of the fall of", "a decade after the fall
    of")."""
    clause = re.split(r"[;:]|\b(?:but)\b|,(?!\d)", text[:at])[-1]
    return _patterns().hedge_before.search(clause[-80:]) is not None


def _hedged_after(text: str, end: int) -> bool:
    """Whether a word of nominal_not_after in the words after the phrase ending at `end`, an
    aside skipped, does the same ("The fall of Pokrovsk to Russian forces would open the road",
    "Russia's withdrawal from Kherson, if confirmed, would", "the fall of Aleppo eight years
    ago")."""
    after = re.sub(r"^[^,;.]*?,[^,;.]{0,60},", lambda m: m.group().split(",")[0] + " ", text[end:])
    return _patterns().hedge_after.match(after) is not None


def _after(found: list[Party], pe: int, text: str, words: str) -> tuple[str | None, str | None]:
    """(gainer, loser) a gain noun's phrase names after the place: "by"/"to" the gainer, "from"
    the loser ("Ukraine's recapture of Kherson from Russian forces", "the recapture of Kherson
    from Russian forces by Ukraine")."""
    i = phrase_party(found, pe, text, "from")
    at = pe if i is None else found[i][1]
    return in_phrase(found, at, text, words), None if i is None else named(found, i, text)


def read(text: str, found: list[Party], places: list[tuple[int, int]]) -> list[Naming]:
    """Each noun phrase of the sentence that says one of `places` changed hands, with the sides
    it names (None where it names none)."""
    p = _patterns()
    owners = {w.lower() for w in load("control")["nominal_owner_gains"]}
    out = []
    for ps, pe in places:
        if _hedged_after(text, pe):
            continue
        for kind, pattern in (("gain", p.gain), ("loss", p.loss)):
            for m in pattern.finditer(text, 0, ps):
                if not re.fullmatch(p.place_noun, text[m.end():ps]) or _hedged(text, m.start()):
                    continue
                start, owner = _owner(found, m.start(), text) or (m.start(), None)
                if start != m.start() and _hedged(text, start):
                    continue
                noun = m.group().split()[0].lower()
                if kind == "loss":
                    out.append(Naming(start, pe, in_phrase(found, pe, text, "to"), owner))
                    continue
                gained, lost = _after(found, pe, text, "by|to")
                gained = gained or (owner if noun in owners else None) or _speaker(found, start, text)
                out.append(Naming(start, pe, gained, lost, p.undoing.match(noun) is not None))
        out += _withdrawals(text, found, places, ps, pe)
    return out


def _withdrawals(text: str, found: list[Party], places: list[tuple[int, int]], ps: int,
                 pe: int) -> list[Naming]:
    """"After the withdrawal of federal troops from Mekelle", "Following the army's withdrawal
    from Sinja": a retreat that happened, so only after "after" or "following" (a withdrawal
    noun is as often a demand, a plan or a deal's term), and only of a side itself ("the
    withdrawal of M23's delegation from Luanda" is no retreat)."""
    p = _patterns()
    out = []
    for i, (s, e, _) in enumerate(found):
        of = re.fullmatch(rf"{p.retreating}\s+from\s+(?:the\s+)?{p.place_noun}", text[e:ps], re.IGNORECASE)
        before = re.search(rf"\b(?:{p.retreat})\s+of\s+(?:the\s+)?(?:[\w'’-]+\s+){{0,2}}\Z", text[:s],
                           re.IGNORECASE)
        owned = re.fullmatch(rf"['’]s?\s+(?:\w+\s+)?(?:{p.retreat})\s+from\s+(?:the\s+)?{p.place_noun}",
                             text[e:ps], re.IGNORECASE)
        start = before.start() if of and before else s if owned else None
        if start is None or "'" in text[start:s] or "’" in text[start:s]:
            continue
        if re.search(r"\b(?:after|following)\s+(?:the\s+)?\Z", text[:start], re.IGNORECASE) and \
                not _hedged(text, start):
            out.append(Naming(start, pe, in_phrase(found, pe, text), named(found, i, text, places)))
    return out
