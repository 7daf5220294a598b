"""Deterministic parsing of the numbers that news articles state.

Everything here is rule-based and pure, so a figure the model reports can be checked against the
sentence it quotes without asking the model again.

Conventions (the `Count` model in schemas/brief.py is the contract):

* ``count`` is always the number as stated, never an adjusted bound.

  ========================  =========  =========  =========  ===========
  phrase                    count      low        high       qualifier
  ========================  =========  =========  =========  ===========
  "700"                     700        700        700        exact
  "at least 700"            700        700        None       at_least
  "more than 700"           700        700        None       more_than
  "about 700"               700        None       None       about
  "nearly 700"              700        None       700        nearly
  "up to 700"               700        None       700        up_to
  "between 115 and 120"     None       115        120        exact
  "hundreds"                None       200        999        vague
  ========================  =========  =========  =========  ===========

  ``more_than`` keeps ``low`` equal to the stated number (not number + 1): "more than 700" is
  reported as "700 or more" because the text gives no finer bound and consumers compare ``low``
  with the stated number.

* Qualifier words: "at least", "no fewer/less than", "a minimum of" -> at_least; "more than",
  "over", "upwards of", "in excess of", "above" (optionally after "just"/"well") -> more_than;
  "nearly", "almost", "close to", "just under" -> nearly; "about", "around", "some", "roughly",
  "approximately", "approx.", "an estimated", "estimated", "circa" -> about; "up to", "as many
  as", "at most", "no more than", "fewer than", "less than" -> up_to.

* Ranges ("between 115 and 120", "115-120", "115 to 120", "two or three") have ``count`` None,
  ``low``/``high`` set and qualifier "exact". A scale word on the upper end only is shared:
  "2 to 3 million" is 2,000,000..3,000,000. "from 100 to 200" is *not* merged, because it usually
  reports a change, not a range.

* Vague quantities have ``count`` None and qualifier "vague", with these bounds:

  ==========================================  =====================
  "a few", "several", "a handful"             2 .. 9
  "dozens", "several/a few dozen"             24 .. 99
  "scores" (only in "scores of")              40 .. 99
  "hundreds", "several/a few hundred"         200 .. 999
  "thousands", "several/a few thousand"       2,000 .. 9,999
  "tens of thousands"                         20,000 .. 99,999
  "hundreds of thousands"                     200,000 .. 999,999
  "millions", "many millions", "several m."   2,000,000 .. 9,999,999
  "tens of millions"                          20,000,000 .. 99,999,999
  "hundreds of millions"                      200,000,000 .. 999,999,999
  "billions"                                  2e9 .. 9,999,999,999
  ==========================================  =====================

  "many hundreds"/"many thousands" take the bounds of the plain plural. "a dozen" (12), "two
  dozen" (24) and "half a million" (500,000) are exact numbers, not vague ones.

* Not numbers: "twin", "half" on its own, "both", and digits glued to letters ("M5", "MH17",
  "COVID-19", "F-16", "2S19"); "mid-2016", "pre-2011" and the like are years.

* Categories of a mention (`NumberMention.category`): "count" (default: people or things),
  "year", "date", "time", "duration", "distance", "percentage", "money", "ordinal", "age" and
  "other" (non-integer numbers without a scale word, and measures such as kg, tonnes, mm,
  degrees, square kilometres). Counts of non-people things stay "count": deciding whether a
  count is a casualty figure is the model's job, not this module's.

* Numbers that are not integers ("1.5" without a scale word, "10:30", "9/11") get a value whose
  ``count``, ``low`` and ``high`` are all None. Ordinals carry their number as an exact value
  ("fourth" -> 4, "2nd" -> 2); years, dates, durations and so on carry the integer they state.
"""

from __future__ import annotations

import re
from collections.abc import Collection
from dataclasses import dataclass

from summariser.number_kinds import head_noun, kind_of
from summariser.numerals import Atom, find_atoms

QUALIFIERS = ("exact", "at_least", "more_than", "about", "nearly", "up_to", "vague")
CATEGORIES = (
    "count", "year", "date", "time", "duration", "distance", "percentage", "money", "ordinal",
    "age", "other",
)


@dataclass(frozen=True)
class ParsedCount:
    """A stated quantity; see the module docstring for how each field is filled."""

    count: int | None
    low: int | None
    high: int | None
    qualifier: str

    def values(self) -> set[int]:
        """The integers this quantity states (count, low, high), without None."""
        return {v for v in (self.count, self.low, self.high) if v is not None}


@dataclass(frozen=True)
class NumberMention:
    """One number phrase in a text; ``text == source[start:end]`` and includes its qualifier."""

    start: int
    end: int
    text: str
    value: ParsedCount
    category: str
    noun: str | None


_QUALIFIER_RE = re.compile(
    r"(?:^|(?<=[^\w]))(?P<q>"
    r"at\s+least|no\s+fewer\s+than|no\s+less\s+than|a\s+minimum\s+of"
    r"|(?:(?:just|well)\s+)?(?:more\s+than|over|upwards\s+of|in\s+excess\s+of|above)"
    r"|nearly|almost|close\s+to|just\s+under"
    r"|about|around|some|roughly|approximately|approx\.|an\s+estimated|estimated|circa"
    r"|up\s+to|as\s+many\s+as|at\s+most|no\s+more\s+than|fewer\s+than|less\s+than"
    r")\s+$",
    re.IGNORECASE,
)

_RANGE_GAP_RE = re.compile(r"^(?:\s*[-\u2010-\u2015]\s*|\s+(?P<w>to|or|and)\s+)$", re.IGNORECASE)
_BETWEEN_BEFORE_RE = re.compile(r"\bbetween\s+$", re.IGNORECASE)
_FROM_BEFORE_RE = re.compile(r"\bfrom\s+$", re.IGNORECASE)


# --- mentions --------------------------------------------------------------------------------


@dataclass
class Draft:
    """A number with its qualifier or range attached, before its noun and kind are read."""

    start: int
    num_start: int
    end: int
    atom: Atom
    value: ParsedCount
    high_atom: Atom | None = None
    qualified: bool = False


def _exact(v: int) -> ParsedCount:
    return ParsedCount(v, v, v, "exact")


def _qualified(v: int, qualifier: str) -> ParsedCount:
    if qualifier in ("at_least", "more_than"):
        return ParsedCount(v, v, None, qualifier)
    if qualifier in ("nearly", "up_to"):
        return ParsedCount(v, None, v, qualifier)
    if qualifier == "about":
        return ParsedCount(v, None, None, qualifier)
    return _exact(v)


def _qualifier_name(q: str) -> str:
    q = " ".join(q.casefold().split())
    if q in ("at least", "no fewer than", "no less than", "a minimum of"):
        return "at_least"
    if q in ("nearly", "almost", "close to", "just under"):
        return "nearly"
    if q in ("up to", "as many as", "at most", "no more than", "fewer than", "less than"):
        return "up_to"
    if q.endswith(("more than", "over", "upwards of", "in excess of", "above")):
        return "more_than"
    return "about"


def _merge(text: str, atoms: list[Atom]) -> list[Draft]:
    """Turn atoms into drafts: ranges merged, qualifiers attached."""
    drafts: list[Draft] = []
    i = 0
    while i < len(atoms):
        a = atoms[i]
        if a.kind == "vague":
            drafts.append(Draft(a.start, a.start, a.end, a, ParsedCount(None, a.low, a.high, "vague")))
            i += 1
            continue
        if a.kind == "ordinal" and a.value is not None:
            drafts.append(Draft(a.start, a.start, a.end, a, _exact(a.value)))
            i += 1
            continue
        if a.kind != "int" or a.value is None:
            drafts.append(Draft(a.start, a.start, a.end, a, ParsedCount(None, None, None, "exact")))
            i += 1
            continue
        if i + 1 < len(atoms):
            b = atoms[i + 1]
            rng = _try_range(text, a, b)
            if rng is not None:
                drafts.append(rng)
                i += 2
                continue
        draft = Draft(a.start, a.start, a.end, a, _exact(a.value))
        prev_end = drafts[-1].end if drafts else 0
        window_start = max(prev_end, a.start - 30)
        q = _QUALIFIER_RE.search(text, window_start, a.start)
        if q is not None and q.start("q") >= prev_end:
            draft.start = q.start("q")
            draft.value = _qualified(a.value, _qualifier_name(q.group("q")))
            draft.qualified = True
        drafts.append(draft)
        i += 1
    return drafts


def _try_range(text: str, a: Atom, b: Atom) -> Draft | None:
    if b.kind != "int" or b.value is None or a.value is None or a.suffix or b.suffix:
        return None
    gap = _RANGE_GAP_RE.match(text[a.end:b.start]) if b.start - a.end <= 12 else None
    if gap is None:
        return None
    word = (gap.group("w") or "").casefold()
    before = text[max(0, a.start - 12):a.start]
    between = _BETWEEN_BEFORE_RE.search(before)
    if word == "and" and between is None:
        return None
    if word == "to" and _FROM_BEFORE_RE.search(before):
        return None  # "rose from 100 to 200" reports a change, not a range
    low = a.value
    if a.mult == 1 and b.mult > 1 and low * b.mult < b.value:
        low *= b.mult  # "2 to 3 million": the scale word applies to both ends
    if not low < b.value:
        return None
    start = a.start - (len(before) - between.start()) if between is not None else a.start
    return Draft(start, a.start, b.end, a, ParsedCount(None, low, b.value, "exact"), high_atom=b)


def find_numbers(text: str) -> list[NumberMention]:
    """Every number, number word and vague quantity in ``text``, non-overlapping, by start.

    Offsets index ``text`` itself; a mention's span covers its qualifier ("at least 700") or
    range ("between 115 and 120"), and ``noun`` is the head noun that follows, if any.
    """
    mentions: list[NumberMention] = []
    for d in _merge(text, find_atoms(text)):
        noun = head_noun(text, d.end, (d.high_atom or d.atom).suffix)
        mentions.append(
            NumberMention(d.start, d.end, text[d.start:d.end], d.value, kind_of(text, d, noun), noun)
        )
    return mentions


def parse_count(phrase: str) -> ParsedCount | None:
    """The quantity stated by a short phrase ("at least 700", "dozens", "115-120").

    Returns the first number in the phrase that has a value, or None when there is none (no
    number at all, or only non-integers such as "10:30").
    """
    for mention in find_numbers(phrase):
        if mention.value.values():
            return mention.value
    return None


def stated_values(text: str, categories: Collection[str] | None = None) -> set[int]:
    """All integers (count, low and high) stated in ``text``.

    With ``categories``, only mentions of those categories count (e.g. {"count", "year"} to
    ignore dates, durations and distances).
    """
    values: set[int] = set()
    for mention in find_numbers(text):
        if categories is None or mention.category in categories:
            values |= mention.value.values()
    return values
