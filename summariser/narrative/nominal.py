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
from summariser.narrative.sides import Party, before_at, in_phrase, named

# "the town of", "the city of": a place noun between the noun's "of" and the name
_PLACE_NOUN = r"(?:the\s+(?:[a-z]+\s+)?(?:town|city|village|district|province|region|base|camp|port|" \
              r"capital|stronghold|settlement)\s+of\s+)?"


@dataclass(frozen=True)
class Naming:
    start: int  # where the noun phrase starts (its owner, or the noun)
    end: int  # where the place's name ends
    gained_by: str | None
    lost_by: str | None
    undoes: bool = False  # "the recapture of", "the liberation of": a retaking


@functools.cache
def _patterns() -> tuple[re.Pattern[str], re.Pattern[str], re.Pattern[str], re.Pattern[str]]:
    """(gain nouns, loss nouns, retreat nouns, each before "of"; the words that hedge them)."""
    data = load("control")
    gain, loss, retreat = (re.compile(rf"\b(?:{alternation(data[key])})\s+of\s+", re.IGNORECASE)
                           for key in ("nominal_gain", "nominal_loss", "nominal_withdrawal"))
    return gain, loss, retreat, re.compile(rf"\b(?:{alternation(data['nominal_not_before'])})\b",
                                           re.IGNORECASE)


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


def _hedged(text: str, at: int, end: int) -> bool:
    """Whether the sentence makes the noun at text[at:end] a fear, an aim, a forecast or past
    history: a word of nominal_not_before in its clause before it ("fears of the fall of", "a
    decade after the fall of"), or one of nominal_not_after in the words after it, an aside
    skipped ("The fall of Pokrovsk to Russian forces would open the road", "Russia's
    withdrawal from Kherson, if confirmed, would", "the fall of Aleppo eight years ago")."""
    data = load("control")
    clause = re.split(r"[;:]|\b(?:but)\b|,(?!\d)", text[:at])[-1]
    if _patterns()[3].search(clause[-80:]):
        return True
    after = re.sub(r"^[^,;.]*?,[^,;.]{0,60},", lambda m: m.group().split(",")[0] + " ", text[end:])
    return re.match(rf"[^;.]{{0,60}}?\b(?:{alternation(data['nominal_not_after'])})\b", after,
                    re.IGNORECASE) is not None


def _after(found: list[Party], pe: int, text: str, words: str) -> tuple[str | None, str | None]:
    """(gainer, loser) a gain noun's phrase names after the place: "by"/"to" the gainer, "from"
    the loser ("Ukraine's recapture of Kherson from Russian forces", "the recapture of Kherson
    from Russian forces by Ukraine")."""
    lost = in_phrase(found, pe, text, "from")
    at = pe
    if lost is not None:
        at = next(p[1] for p in found if p[0] > pe and named(found, found.index(p), text) == lost)
    return in_phrase(found, at, text, words), lost


def read(text: str, found: list[Party], places: list[tuple[int, int]]) -> list[Naming]:
    """Each noun phrase of the sentence that says one of `places` changed hands, with the sides
    it names (None where it names none)."""
    gain, loss, withdrawal, _ = _patterns()
    data = load("control")
    owners = {w.lower() for w in data["nominal_owner_gains"]}
    undoing = re.compile(rf"(?:{alternation(data['undoing'])})", re.IGNORECASE)
    out = []
    for ps, pe in places:
        for kind, pattern in (("gain", gain), ("loss", loss)):
            for m in pattern.finditer(text, 0, ps):
                if not re.fullmatch(_PLACE_NOUN, text[m.end():ps]) or _hedged(text, m.start(), pe):
                    continue
                start, owner = _owner(found, m.start(), text) or (m.start(), None)
                if _hedged(text, start, pe):
                    continue
                noun = m.group().split()[0].lower()
                if kind == "loss":
                    out.append(Naming(start, pe, in_phrase(found, pe, text, "to"), owner))
                    continue
                gained, lost = _after(found, pe, text, "by|to")
                gained = gained or (owner if noun in owners else None) or _speaker(found, start, text)
                out.append(Naming(start, pe, gained, lost, undoing.match(noun) is not None))
        out += _withdrawals(text, found, places, ps, pe, withdrawal)
    return out


def _withdrawals(text: str, found: list[Party], places: list[tuple[int, int]], ps: int, pe: int,
                 withdrawal: re.Pattern[str]) -> list[Naming]:
    """"After the withdrawal of federal troops from Mekelle", "Following the army's withdrawal
    from Sinja": a retreat that happened, so only after "after" or "following" (a withdrawal
    noun is as often a demand, a plan or a deal's term), and only of a side itself ("the
    withdrawal of M23's delegation from Luanda" is no retreat)."""
    out = []
    troops = r"(?:\s+(?:forces|troops|fighters|soldiers|units|militants))?"
    retreat = alternation(load("control")["nominal_withdrawal"])
    for i, (s, e, _) in enumerate(found):
        of = re.fullmatch(rf"{troops}\s+from\s+(?:the\s+)?{_PLACE_NOUN}", text[e:ps], re.IGNORECASE)
        before = re.search(rf"\b(?:{retreat})\s+of\s+(?:the\s+)?(?:[\w'’-]+\s+){{0,2}}\Z", text[:s],
                           re.IGNORECASE)
        owned = re.fullmatch(rf"['’]s?\s+(?:\w+\s+)?(?:{retreat})\s+from\s+(?:the\s+)?{_PLACE_NOUN}",
                             text[e:ps], re.IGNORECASE)
        start = before.start() if of and before else s if owned else None
        if start is None or "'" in text[start:s] or "’" in text[start:s]:
            continue
        if re.search(r"\b(?:after|following)\s+(?:the\s+)?\Z", text[:start], re.IGNORECASE) and \
                not _hedged(text, start, pe):
            out.append(Naming(start, pe, in_phrase(found, pe, text), named(found, i, text, places)))
    return out
