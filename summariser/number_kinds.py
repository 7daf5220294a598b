"""What a number in a sentence is: the noun it counts ("soldiers" in "dozens of its soldiers")
and its kind (count, year, date, time, duration, distance, percentage, money, ordinal, age or
other), read off the words around it. The nouns come from summariser/lexicon/nouns.toml.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from summariser.lexicon import PEOPLE, load, noun_class, plurals
from summariser.numerals import CURRENCY_BEFORE

if TYPE_CHECKING:
    from summariser.numbers import Draft

# --- what a number counts (summariser/lexicon/nouns.toml) ------------------------------------

_PEOPLE_NOUNS = noun_class("nouns", *PEOPLE)
# Nouns that, right after a number, are almost surely what it counts or measures; they end the
# head-noun search early and mark "2000 people" as a count rather than a year. A thing in the
# singular does not: it names the people counted ("two drone operators").
_HEAD_NOUNS = _PEOPLE_NOUNS | noun_class("nouns", "measure") | plurals("nouns", "thing", "unit")
_SEARCH = load("nouns")["noun_search"]
_CASUALTY_WORDS = frozenset(_SEARCH["harm"])
_LEADING_SKIP = frozenset(_SEARCH["skip"])
_STOP_WORDS = frozenset(_SEARCH["stop"])

_MONTHS = (
    r"(?:january|february|march|april|may|june|july|august|september|october|november|"
    r"december|jan|feb|mar|apr|jun|jul|aug|sept|sep|oct|nov|dec)"
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
_STRONG_RE = re.compile(r"^\s*-\s*strong\b", re.IGNORECASE)
_NOUN_TOKEN_RE = re.compile(r"[^\W\d_]+(?:[-'’][^\W\d_]+)*|[0-9]+|[^\w\s]")


def head_noun(text: str, end: int, suffix: str) -> str | None:
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


def kind_of(text: str, d: Draft, noun: str | None) -> str:
    """The category of a number (numbers.CATEGORIES), from the words right around it."""
    a = d.atom
    last = d.high_atom or a
    after = text[d.end:d.end + 40]
    before = text[max(0, d.num_start - 40):d.num_start]
    before_all = text[max(0, d.start - 40):d.start]
    if a.kind == "clock":
        return "time"
    if a.kind == "slash":
        return "date"
    if CURRENCY_BEFORE.search(before) or _MONEY_AFTER_RE.match(after):
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


def _is_year(text: str, d: Draft, before: str, noun: str | None) -> bool:
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
