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
from decimal import Decimal, InvalidOperation

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


# --- vocabulary ------------------------------------------------------------------------------

_UNITS = {
    "zero": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
    "eight": 8, "nine": 9,
}
_TEENS = {
    "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14, "fifteen": 15,
    "sixteen": 16, "seventeen": 17, "eighteen": 18, "nineteen": 19,
}
_TENS = {
    "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70,
    "eighty": 80, "ninety": 90,
}
_SCALES = {"thousand": 10**3, "million": 10**6, "billion": 10**9, "trillion": 10**12}
_ABBR_SCALES = {"k": 10**3, "m": 10**6, "mn": 10**6, "bn": 10**9}

_ORDINAL_UNITS = {
    "first": 1, "second": 2, "third": 3, "fourth": 4, "fifth": 5, "sixth": 6, "seventh": 7,
    "eighth": 8, "ninth": 9, "tenth": 10, "eleventh": 11, "twelfth": 12, "thirteenth": 13,
    "fourteenth": 14, "fifteenth": 15, "sixteenth": 16, "seventeenth": 17, "eighteenth": 18,
    "nineteenth": 19,
}
_ORDINAL_TENS = {
    "twentieth": 20, "thirtieth": 30, "fortieth": 40, "fiftieth": 50, "sixtieth": 60,
    "seventieth": 70, "eightieth": 80, "ninetieth": 90, "hundredth": 100, "thousandth": 1000,
    "millionth": 10**6,
}

_VAGUE_PLURAL_BOUNDS = {
    "dozen": (24, 99),
    "hundred": (200, 999),
    "thousand": (2_000, 9_999),
    "million": (2_000_000, 9_999_999),
    "billion": (2_000_000_000, 9_999_999_999),
}
_FEW_BOUNDS = (2, 9)

# Nouns that, right after a number, are almost surely what it counts or measures; they end the
# head-noun search early and mark "2000 people" as a count rather than a year.
_PEOPLE_NOUNS = frozenset("""
people persons person civilians civilian soldiers soldier troops fighters fighter militants
militant rebels rebel insurgents insurgent jihadists jihadist combatants combatant children
child kids women woman men man boys girls babies infants residents inhabitants refugees refugee
migrants families family households villagers protesters demonstrators policemen police
officers officer personnel members staff workers journalists doctors medics patients students
prisoners detainees hostages captives victims casualties fatalities deaths dead wounded injured
others individuals citizens nationals displaced mercenaries recruits guards gunmen attackers
bombers volunteers militiamen servicemen marines pilots sailors commanders leaders
""".split())
_THING_NOUNS = frozenset("""
attacks strikes airstrikes raids explosions blasts bombs bombings shells rockets missiles drones
tanks vehicles trucks cars buses homes houses buildings schools hospitals clinics villages towns
cities areas provinces districts regions countries nations times incidents cases bodies graves
camps tents aircraft planes jets helicopters ships boats weapons checkpoints positions bases
sites shelters mosques churches bridges roads km kilometres kilometers miles mile metres meters
years year months month weeks week days day hours hour minutes minute decades century centuries
percent hectares acres tonnes tons
""".split())
_HEAD_NOUNS = _PEOPLE_NOUNS | _THING_NOUNS
_CASUALTY_WORDS = frozenset(
    "wounded injured dead displaced missing detained arrested killed abducted kidnapped "
    "executed".split()
)
_LEADING_SKIP = frozenset(
    "of the its their his her our your my these those such whose".split()
)
_STOP_WORDS = frozenset("""
a an the and or but nor of in on at to for from with by as than that which who whom whose were
was are is be been being have has had will would could should may might can must said says say
saying told according including since after before during while when where this these those it
its they them their he she his her we our you i me us not no also more less each per into over
under about among against across near inside outside amid so if then there here just only
reportedly allegedly still already all both some many most few who's
""".split())

_MONTHS = (
    r"(?:january|february|march|april|may|june|july|august|september|october|november|"
    r"december|jan|feb|mar|apr|jun|jul|aug|sept|sep|oct|nov|dec)"
)


def _alt(words: Collection[str]) -> str:
    # Longest first so that "seventeen" wins over "seven" inside an alternation.
    return "|".join(sorted((re.escape(w) for w in words), key=len, reverse=True))


_NUMBER_WORD = _alt([*_UNITS, *_TEENS, *_TENS, "hundred", *_SCALES, "dozen"])
_SEP_SPACE = "[ \u00a0\u202f\u2009]"

_VAGUE_SOURCE = (
    r"(?P<vague>"
    r"(?:tens|hundreds)\s+of\s+(?:thousands|millions)"
    r"|(?:several|a\s+few|many)\s+(?:dozen|hundred|thousand|million|billion)s?"
    r"|(?:many\s+)?(?:millions|billions|thousands|hundreds)"
    r"|dozens"
    r"|scores(?=\s+of\b)"
    r"|a\s+handful|a\s+few|several"
    r")"
)

_ATOM_RE = re.compile(
    r"\b" + _VAGUE_SOURCE + r"\b"
    r"|\b(?P<half>half\s+an?\s+(?:million|billion|dozen))\b"
    r"|\b(?P<ordword>(?:(?:" + _alt(_TENS) + r")[\s-]+)?(?:" + _alt(_ORDINAL_UNITS) + r")"
    r"|" + _alt(_ORDINAL_TENS) + r")\b"
    r"|(?<![0-9])(?P<clock>[0-9]{1,2}:[0-9]{2}(?::[0-9]{2})?)(?![0-9])"
    r"|(?<![0-9/])(?P<slash>[0-9]{1,2}/[0-9]{1,2}(?:/[0-9]{2,4})?)(?![0-9/])"
    r"|(?<![0-9.,])(?P<digits>"
    r"[0-9]{1,3}(?:,[0-9]{3})+(?:\.[0-9]+)?(?![0-9])"
    r"|[0-9]{1,3}(?:" + _SEP_SPACE + r"[0-9]{3})+(?![0-9]|[.,][0-9])"
    r"|[0-9]+(?:\.[0-9]+)?"
    r")(?:" + _SEP_SPACE + r"?(?P<scale>hundred|thousand|million|billion|trillion)\b"
    r"|(?P<abbr>bn|mn|m|k)(?![^\W_]))?"
    r"|\b(?P<words>(?:a\s+(?=(?:hundred|thousand|million|billion|trillion|dozen)\b))?"
    r"(?:" + _NUMBER_WORD + r")(?:(?:\s*-\s*|\s+and\s+|\s+)(?:" + _NUMBER_WORD + r"))*)\b",
    re.IGNORECASE,
)

_GLUED_SUFFIX_RE = re.compile(
    r"(?P<suf>st|nd|rd|th|s|km|kms|mi|m|ft|cm|mm|kg|am|pm|h|hrs|hr|mins|min|mph|kmh|kph|bn|mn|k)"
    r"(?![^\W_])",
    re.IGNORECASE,
)
_HYPHEN_PREFIXES = frozenset("mid pre post early late end start".split())

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

_CURRENCY_BEFORE_RE = re.compile(
    r"(?:US\s?\$|[ACN]Z?\$|\$|£|€|¥|₹|₽|₺|USD|EUR|GBP)\s?$", re.IGNORECASE
)
_MONEY_AFTER_RE = re.compile(
    r"^\s*(?:of\s+)?(?:US\s+|American\s+|Syrian\s+|Turkish\s+)?(?:dollars?|pounds?|euros?|"
    r"roubles?|rubles?|liras?|lira|riyals?|dinars?|dirhams?|yuan|yen|rupees?|shekels?|francs?|"
    r"usd|eur|gbp|hryvnias?)\b",
    re.IGNORECASE,
)
_PERCENT_AFTER_RE = re.compile(
    r"^\s*(?:%|per\s*cent\b|percent\b|pc\b|percentage\s+points?\b)", re.IGNORECASE
)
_AGE_BEFORE_RE = re.compile(r"\b(?:aged|ages?)\s+(?:of\s+)?(?:between\s+)?$", re.IGNORECASE)
_AGE_AFTER_RE = re.compile(
    r"^(?:\s*|\s*-\s*)(?:years?|months?|weeks?|days?)[\s-]*olds?\b", re.IGNORECASE
)
_OTHER_UNIT_AFTER_RE = re.compile(
    r"^[\s-]*(?:of\s+)?(?:(?:kg|kgs|kilograms?|kilos?|tonnes?|tons?|litres?|liters?|gallons?|"
    r"barrels?|mm|cm|calibre|caliber|degrees?|acres?|hectares?|sq\.?\s?(?:km|mi|m)|km2|mw|"
    r"megawatts?|gw)(?![^\W_])|square\s+[^\W\d_]+|km²|°)",
    re.IGNORECASE,
)
_DURATION_AFTER_RE = re.compile(
    r"^[\s-]*(?:of\s+)?(?:seconds?|secs?|minutes?|mins?|hours?|hrs?|h|days?|nights?|weeks?|"
    r"months?|years?|yrs?|decades?|centuries|century|millennia)\b",
    re.IGNORECASE,
)
_DISTANCE_AFTER_RE = re.compile(
    r"^[\s-]*(?:of\s+)?(?:km|kms|kilomet(?:re|er)s?|nautical\s+miles?|miles?|mi|metres?|"
    r"meters?|m|yards?|yds?|feet|foot|ft)\b",
    re.IGNORECASE,
)
_TIME_AFTER_RE = re.compile(
    r"^\s*(?:am\b|pm\b|a\.m\.|p\.m\.|gmt\b|utc\b|local\s+time\b|o'clock\b)", re.IGNORECASE
)
_DATE_AFTER_RE = re.compile(
    r"^(?:st|nd|rd|th)?\s*(?:of\s+)?(?P<mon>" + _MONTHS + r")\b", re.IGNORECASE
)
_MONTH_BEFORE_RE = re.compile(r"\b(?P<mon>" + _MONTHS + r")\.?\s+(?:the\s+)?$", re.IGNORECASE)
_YEAR_PREP_STRONG_RE = re.compile(
    r"\b(?:in|since|until|till|by|before|after|during|early|late|mid|spring|summer|autumn|"
    r"fall|winter|year|years|through)[\s-]+$",
    re.IGNORECASE,
)
_YEAR_PREP_WEAK_RE = re.compile(
    r"\b(?:of|from|to|and|between|around|circa|the)[\s-]+$", re.IGNORECASE
)
_RANGE_GAP_RE = re.compile(r"^(?:\s*[-\u2010-\u2015]\s*|\s+(?P<w>to|or|and)\s+)$", re.IGNORECASE)
_BETWEEN_BEFORE_RE = re.compile(r"\bbetween\s+$", re.IGNORECASE)
_FROM_BEFORE_RE = re.compile(r"\bfrom\s+$", re.IGNORECASE)
_STRONG_RE = re.compile(r"^\s*-\s*strong\b", re.IGNORECASE)
_NOUN_TOKEN_RE = re.compile(r"[^\W\d_]+(?:[-'’][^\W\d_]+)*|[0-9]+|[^\w\s]")

_MAX_DIGITS = 30  # Longer digit runs are identifiers or junk, and int() of huge strings is slow.


# --- atoms -----------------------------------------------------------------------------------


@dataclass
class _Atom:
    """A single number before qualifiers and ranges are attached."""

    start: int
    end: int
    kind: str  # int | vague | ordinal | clock | slash | decimal
    value: int | None = None
    low: int | None = None
    high: int | None = None
    base: int | None = None  # value before a trailing scale word ("3" in "3 million")
    mult: int = 1
    digits: str = ""  # the raw digit string, for year detection
    suffix: str = ""  # letters glued to the digits ("km" in "620km")


def _parse_number_words(tokens: list[tuple[str, int, int]]) -> list[tuple[int, int, int, int, int]]:
    """Split a run of number words into numbers: (start, end, value, base, mult) per number.

    A small grammar keeps "one two" as two numbers and "two and three" as two numbers, while
    "one hundred and twenty" and "twenty-four" are one.
    """
    out: list[tuple[int, int, int, int, int]] = []
    i = 0
    n = len(tokens)
    while i < n:
        total = current = 0
        last: str | None = None
        last_scale = 10**18
        start = tokens[i][1]
        end = start
        base = 0
        mult = 1
        j = i
        while j < n:
            word, ws, we = tokens[j]
            if word == "and":
                nxt = tokens[j + 1][0] if j + 1 < n else ""
                if last in ("hundred", "scale") and (nxt in _UNITS or nxt in _TEENS or nxt in _TENS):
                    j += 1
                    continue
                break
            if word == "a":
                if last is not None:
                    break
                last = "a"
            elif word in _UNITS:
                if last not in (None, "tens", "hundred", "scale") or (last == "tens" and current % 10):
                    break
                current += _UNITS[word]
                last = "unit"
            elif word in _TEENS:
                if last not in (None, "hundred", "scale"):
                    break
                current += _TEENS[word]
                last = "teen"
            elif word in _TENS:
                if last not in (None, "hundred", "scale"):
                    break
                current += _TENS[word]
                last = "tens"
            elif word == "hundred":
                if last not in (None, "a", "unit", "teen", "tens") or current >= 100:
                    break
                current = (current or 1) * 100
                last = "hundred"
            elif word in _SCALES:
                scale = _SCALES[word]
                if last not in (None, "a", "unit", "teen", "tens", "hundred") or scale >= last_scale:
                    break
                # Only a single trailing scale can be shared with the lower end of a range.
                base, mult = (current or 1, scale) if total == 0 else (0, 1)
                total += (current or 1) * scale
                current = 0
                last_scale = scale
                last = "scale"
            elif word == "dozen":
                if last not in (None, "a", "unit", "teen", "tens"):
                    break
                current = (current or 1) * 12
                end = we
                j += 1
                last = "dozen"
                break
            else:  # pragma: no cover - the regex only lets number words through
                break
            end = we
            j += 1
        if j == i or last == "a":
            # A lone "a" (or a token no rule accepts) is not a number; step over it.
            i = max(j, i + 1)
            continue
        value = total + current
        if last != "scale" or mult == 1:
            base, mult = value, 1
        out.append((start, end, value, base, mult))
        i = j
        if i < n and tokens[i][0] == "and":
            i += 1
    return out


def _vague_bounds(phrase: str) -> tuple[int, int]:
    """Bounds of a vague quantity phrase (already matched by the vague pattern)."""
    words = phrase.casefold().split()
    head = words[-1].rstrip("s")
    if words[0] in ("tens", "hundreds") and len(words) == 3:
        factor = 10 if words[0] == "tens" else 100
        scale = 10**3 if head == "thousand" else 10**6
        return 2 * factor * scale, factor * scale * 10 - 1
    if head in _VAGUE_PLURAL_BOUNDS:
        return _VAGUE_PLURAL_BOUNDS[head]
    if head == "score":
        return 40, 99
    return _FEW_BOUNDS


def _digit_value(digits: str) -> tuple[int | None, Decimal | None]:
    """(integer value, decimal value) of a digit string with thousands separators."""
    clean = re.sub(r"[,\s\u00a0\u202f\u2009]", "", digits)
    if not clean or len(clean) > _MAX_DIGITS:
        return None, None
    try:
        dec = Decimal(clean)
    except InvalidOperation:
        return None, None
    if dec == dec.to_integral_value() and "." not in clean:
        return int(clean), dec
    return None, dec


def _find_atoms(text: str) -> list[_Atom]:
    atoms: list[_Atom] = []
    for m in _ATOM_RE.finditer(text):
        if m.group("vague") is not None:
            low, high = _vague_bounds(m.group("vague"))
            atoms.append(_Atom(m.start(), m.end(), "vague", None, low, high))
        elif m.group("half") is not None:
            word = m.group("half").casefold().split()[-1]
            value = {"million": 500_000, "billion": 500_000_000, "dozen": 6}.get(word)
            if value is not None:
                atoms.append(_Atom(m.start(), m.end(), "int", value, base=value))
        elif m.group("ordword") is not None:
            value = _ordinal_word_value(m.group("ordword"))
            if value is not None:
                atoms.append(_Atom(m.start(), m.end(), "ordinal", value, base=value))
        elif m.group("clock") is not None:
            atoms.append(_Atom(m.start(), m.end(), "clock"))
        elif m.group("slash") is not None:
            atoms.append(_Atom(m.start(), m.end(), "slash"))
        elif m.group("digits") is not None:
            atom = _digit_atom(text, m)
            if atom is not None:
                atoms.append(atom)
        elif m.group("words") is not None:
            base = m.start("words")
            tokens = [(t.group().casefold(), base + t.start(), base + t.end())
                      for t in re.finditer(r"[^\W\d_]+", m.group("words"))]
            if any(w not in _UNITS and w not in _TEENS and w not in _TENS and w not in _SCALES
                   and w not in ("hundred", "dozen", "and", "a") for w, _, _ in tokens):
                # Case-insensitive matching can accept look-alike letters that fold differently
                # ("ſeven"); such runs are not number words this parser knows.
                continue
            for start, end, value, base, mult in _parse_number_words(tokens):
                atoms.append(_Atom(start, end, "int", value, base=base, mult=mult))
    return atoms


def _ordinal_word_value(phrase: str) -> int | None:
    words = re.split(r"[\s-]+", phrase.casefold())
    total = 0
    for w in words:
        if w in _TENS:
            total += _TENS[w]
        elif w in _ORDINAL_UNITS:
            total += _ORDINAL_UNITS[w]
        elif w in _ORDINAL_TENS:
            total += _ORDINAL_TENS[w]
        else:
            return None
    return total


def _digit_atom(text: str, m: re.Match[str]) -> _Atom | None:
    """Build an atom from a digit match, or None when the digits are part of a name (M5, F-16)."""
    start = m.start("digits")
    digits = m.group("digits")
    # Digits glued to a preceding letter ("M5", "A320") or to "letters-" ("COVID-19", "F-16")
    # are names, except for year prefixes such as "mid-2016".
    if start > 0 and text[start - 1].isalpha():
        return None
    if start > 1 and text[start - 1] in "-\u2010\u2011" and text[start - 2].isalpha():
        word = re.search(r"[^\W\d_]+$", text[max(0, start - 12):start - 1])
        if word is None or word.group().casefold() not in _HYPHEN_PREFIXES:
            return None
    value, dec = _digit_value(digits)
    if dec is None:
        return None
    end = m.end("digits")
    mult = 1
    scale = m.group("scale")
    abbr = m.group("abbr")
    if scale:
        mult = _SCALES.get(scale.casefold(), 100 if scale.casefold() == "hundred" else 1)
        end = m.end()
    elif abbr:
        a = abbr.casefold()
        # A glued "m" is metres unless it is plainly money or a decimal ("$5m", "1.5m people").
        if a != "m" or "." in digits or _CURRENCY_BEFORE_RE.search(text[max(0, start - 6):start]):
            mult = _ABBR_SCALES[a]
            end = m.end()
    suffix = ""
    if end < len(text) and text[end].isalpha() and mult == 1:
        g = _GLUED_SUFFIX_RE.match(text, end)
        if g is None:
            return None  # "5G", "2S19", "4WD": a name, not a quantity
        suffix = g.group("suf").casefold()
    if mult > 1:
        scaled = dec * mult
        if scaled != scaled.to_integral_value():
            return _Atom(start, end, "decimal", digits=digits)
        v = int(scaled)
        base = value if value is not None else v
        return _Atom(start, end, "int", v, base=base, mult=mult if value is not None else 1,
                     digits=digits)
    if value is None:
        return _Atom(start, end, "decimal", digits=digits, suffix=suffix)
    if suffix in ("st", "nd", "rd", "th"):
        return _Atom(start, end, "ordinal", value, base=value, digits=digits, suffix=suffix)
    return _Atom(start, end, "int", value, base=value, digits=digits, suffix=suffix)


# --- mentions --------------------------------------------------------------------------------


@dataclass
class _Draft:
    start: int
    num_start: int
    end: int
    atom: _Atom
    value: ParsedCount
    high_atom: _Atom | None = None
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


def _merge(text: str, atoms: list[_Atom]) -> list[_Draft]:
    """Turn atoms into drafts: ranges merged, qualifiers attached."""
    drafts: list[_Draft] = []
    i = 0
    while i < len(atoms):
        a = atoms[i]
        if a.kind == "vague":
            drafts.append(_Draft(a.start, a.start, a.end, a, ParsedCount(None, a.low, a.high, "vague")))
            i += 1
            continue
        if a.kind == "ordinal" and a.value is not None:
            drafts.append(_Draft(a.start, a.start, a.end, a, _exact(a.value)))
            i += 1
            continue
        if a.kind != "int" or a.value is None:
            drafts.append(_Draft(a.start, a.start, a.end, a, ParsedCount(None, None, None, "exact")))
            i += 1
            continue
        if i + 1 < len(atoms):
            b = atoms[i + 1]
            rng = _try_range(text, a, b)
            if rng is not None:
                drafts.append(rng)
                i += 2
                continue
        draft = _Draft(a.start, a.start, a.end, a, _exact(a.value))
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


def _try_range(text: str, a: _Atom, b: _Atom) -> _Draft | None:
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
    return _Draft(start, a.start, b.end, a, ParsedCount(None, low, b.value, "exact"), high_atom=b)


def _head_noun(text: str, end: int, suffix: str) -> str | None:
    """The noun a number counts or measures: "soldiers" in "dozens of its soldiers"."""
    if suffix in ("st", "nd", "rd", "th", "s", "am", "pm"):
        end += len(suffix)  # "2nd", "1990s", "10am": the glued letters are not a noun
    window = text[end:end + 120]
    strong = _STRONG_RE.match(window)
    pos = strong.end() if strong else 0
    # A hyphen straight after the number joins a unit to it ("two-month", "12-year-old").
    hy = re.match(r"\s*[-\u2010\u2011]\s*", window[pos:])
    if hy:
        pos += hy.end()
    candidates: list[str] = []
    for tok in _NOUN_TOKEN_RE.finditer(window, pos):
        word = tok.group()
        if not word[0].isalpha():
            break
        low = word.casefold()
        if not candidates and low in _LEADING_SKIP:
            continue
        if low in _HEAD_NOUNS:
            return word
        if not candidates and low in _CASUALTY_WORDS:
            return word
        if low in _STOP_WORDS or low in _CASUALTY_WORDS:
            break
        candidates.append(word)
        if len(candidates) >= 3:
            break
    if not candidates:
        return None
    plural = [c for c in candidates if c.casefold().endswith("s") and len(c) > 3]
    return plural[-1] if plural else candidates[-1]


def _category(text: str, d: _Draft, noun: str | None) -> str:
    a = d.atom
    last = d.high_atom or a
    after = text[d.end:d.end + 40]
    before = text[max(0, d.num_start - 40):d.num_start]
    before_all = text[max(0, d.start - 40):d.start]
    if a.kind == "clock":
        return "time"
    if a.kind == "slash":
        return "date"
    if _CURRENCY_BEFORE_RE.search(before) or _MONEY_AFTER_RE.match(after):
        return "money"
    if _PERCENT_AFTER_RE.match(after):
        return "percentage"
    if a.kind == "ordinal":
        if (_month_after(after) or _month_before(before)) and (
            a.value is not None and 1 <= a.value <= 31
        ):
            return "date"
        return "ordinal"
    if _AGE_BEFORE_RE.search(before) or _AGE_BEFORE_RE.search(before_all):
        return "age"
    if _AGE_AFTER_RE.match(after):
        return "age"
    if last.suffix == "s" and len(last.digits) == 2:
        return "age"  # "in their 20s"
    if _TIME_AFTER_RE.match(after) or last.suffix in ("am", "pm"):
        return "time"
    if _OTHER_UNIT_AFTER_RE.match(after) or last.suffix in ("cm", "mm", "kg"):
        return "other"
    if _DURATION_AFTER_RE.match(after) or last.suffix in ("h", "hr", "hrs", "min", "mins"):
        return "duration"
    if _DISTANCE_AFTER_RE.match(after) or last.suffix in ("km", "kms", "mi", "m", "ft"):
        return "distance"
    if not d.value.values():
        return "other"
    if a.kind == "int" and a.value is not None and 1 <= a.value <= 31 and a.mult == 1 and (
        _month_after(after) or (a.digits and _month_before(before))
    ):
        return "date"
    if _is_year(text, d, before, noun):
        return "year"
    return "count"


def _month_after(after: str) -> bool:
    # Month names must be capitalised: "four may have died" is not 4 May.
    m = _DATE_AFTER_RE.match(after.lstrip())
    return m is not None and m.group("mon")[0].isupper()


def _month_before(before: str) -> bool:
    m = _MONTH_BEFORE_RE.search(before)
    return m is not None and m.group("mon")[0].isupper()


def _is_year(text: str, d: _Draft, before: str, noun: str | None) -> bool:
    a = d.atom
    if a.kind != "int" or a.mult != 1 or not a.digits.isdigit() or len(a.digits) != 4:
        return False
    if a.suffix == "s":
        return True  # "the 1990s"
    value = a.value or 0
    if not 1000 <= value <= 2099 or d.qualified:
        return False
    if _month_before(before):
        return True
    if re.search(r"\b(?:mid|pre|post|early|late|end|start)[-\u2010\u2011]$", before, re.IGNORECASE):
        return True
    if _YEAR_PREP_STRONG_RE.search(before):
        return True
    if noun is not None and noun.casefold() in _PEOPLE_NOUNS:
        return False
    return 1900 <= value <= 2099 or bool(_YEAR_PREP_WEAK_RE.search(before))


def find_numbers(text: str) -> list[NumberMention]:
    """Every number, number word and vague quantity in ``text``, non-overlapping, by start.

    Offsets index ``text`` itself; a mention's span covers its qualifier ("at least 700") or
    range ("between 115 and 120"), and ``noun`` is the head noun that follows, if any.
    """
    mentions: list[NumberMention] = []
    for d in _merge(text, _find_atoms(text)):
        noun = _head_noun(text, d.end, (d.high_atom or d.atom).suffix)
        category = _category(text, d, noun)
        mentions.append(
            NumberMention(d.start, d.end, text[d.start:d.end], d.value, category, noun)
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
