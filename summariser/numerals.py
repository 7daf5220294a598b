"""Reading the numbers themselves: digits, number words, ordinals and vague quantities, each
turned into an `Atom` with its value and the letters glued to it.

summariser.numbers joins atoms into mentions (ranges, qualifiers) and says what each counts;
the conventions for values are in its docstring.
"""

from __future__ import annotations

import re
from collections.abc import Collection
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

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


CURRENCY_BEFORE = re.compile(
    r"(?:US\s?\$|[ACN]Z?\$|\$|£|€|¥|₹|₽|₺|USD|EUR|GBP)\s?$", re.IGNORECASE
)
_MAX_DIGITS = 30  # Longer digit runs are identifiers or junk, and int() of huge strings is slow.


# --- atoms -----------------------------------------------------------------------------------


@dataclass
class Atom:
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


def find_atoms(text: str) -> list[Atom]:
    atoms: list[Atom] = []
    for m in _ATOM_RE.finditer(text):
        if m.group("vague") is not None:
            low, high = _vague_bounds(m.group("vague"))
            atoms.append(Atom(m.start(), m.end(), "vague", None, low, high))
        elif m.group("half") is not None:
            word = m.group("half").casefold().split()[-1]
            value = {"million": 500_000, "billion": 500_000_000, "dozen": 6}.get(word)
            if value is not None:
                atoms.append(Atom(m.start(), m.end(), "int", value, base=value))
        elif m.group("ordword") is not None:
            value = _ordinal_word_value(m.group("ordword"))
            if value is not None:
                atoms.append(Atom(m.start(), m.end(), "ordinal", value, base=value))
        elif m.group("clock") is not None:
            atoms.append(Atom(m.start(), m.end(), "clock"))
        elif m.group("slash") is not None:
            atoms.append(Atom(m.start(), m.end(), "slash"))
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
                atoms.append(Atom(start, end, "int", value, base=base, mult=mult))
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


def _digit_atom(text: str, m: re.Match[str]) -> Atom | None:
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
        if a != "m" or "." in digits or CURRENCY_BEFORE.search(text[max(0, start - 6):start]):
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
            return Atom(start, end, "decimal", digits=digits)
        v = int(scaled)
        base = value if value is not None else v
        return Atom(start, end, "int", v, base=base, mult=mult if value is not None else 1,
                     digits=digits)
    if value is None:
        return Atom(start, end, "decimal", digits=digits, suffix=suffix)
    if suffix in ("st", "nd", "rd", "th"):
        return Atom(start, end, "ordinal", value, base=value, digits=digits, suffix=suffix)
    return Atom(start, end, "int", value, base=value, digits=digits, suffix=suffix)
