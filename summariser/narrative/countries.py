"""The country of each place, and the country an article reports from.

In order, the first that answers:
  1. the place is a country or a territory the gazetteer knows ("Nigeria", "Gaza");
  2. the article ties it to a country: "Kherson, Ukraine", "Syria's Idlib", "Saadiyah in eastern
     Iraq", "Bunagana ... in the Democratic Republic of Congo" (same sentence, right after it);
  3. the gazetteer has a province, state or region (ISO 3166-2) or a city of that name in a
     country the article names: the home country's,
     or another's when that city is large (a town of 20,000 shares its name with towns
     elsewhere; "Kyiv" in a story from Russia does not), or a city of a million in one country
     only, named or not (wire copy datelines a Syria story "BEIRUT");
  4. the article's home country: the country it names most (names and places count twice,
     demonyms once), with a dateline city deciding a tie.
The country is written as the article writes it where the article names it.
"""

from __future__ import annotations

import re
from collections import Counter

from summariser import gazetteer
from summariser.entities import fold

LARGE_CITY = 100_000
HUGE_CITY = 1_000_000  # a city this large in one country only is that country's, named or not
_REGION_WORD = r"(?:province|region|state|district|governorate|county|city|town|village|area)"
# Words that start another clause or phrase: "Russian troops reeling in the Kharkiv region" does
# not make Kharkiv Russian, while "Ukrainian town of Lyman" and "Syria's northwestern Idlib" tie.
_CLAUSE_WORD = (r"(?:in|at|on|near|from|to|into|towards?|across|around|outside|inside|and|or|but|"
                r"after|before|as|of|out|off|by|for|with|over|through|via|than|that|which|who)")
_DIRECTION = (r"(?:(?:north|south|east|west|central|north-?east|north-?west|south-?east|south-?west)"
              r"(?:ern)?\s+)?")


def home(article: str, place_names: list[str], dateline: str | None = None) -> str | None:
    """The code of the country the article reports from, or None when it names none.

    Where the story's places are says more than who is named: a story from the front names the
    attacking country more often than the one its villages are in ("Russian forces captured
    Sieverne ... near Avdiivka"). So the places vote first (a place tied to a country three
    votes, a city or province of a named country two, the dateline city one) and the names
    decide only between countries the places tie or when no place votes.
    """
    score: Counter[str] = Counter()
    first: dict[str, int] = {}
    lead = _lead_end(article)
    for m in gazetteer.mentions(article):
        # The lead says where the story is: "... two towns in northwestern Myanmar" counts
        # twice over (not "Russia said ...": the speaker may be the side that attacked).
        where = m.start < lead and not m.demonym and re.search(
            rf"\bin\s+(?:the\s+)?{_DIRECTION}\Z", article[max(0, m.start - 40):m.start], re.IGNORECASE)
        score[m.code] += (1 if m.demonym else 2) * (2 if where else 1)
        first.setdefault(m.code, m.start)
    if not score:
        # No country named: where the story's places are, where the gazetteer knows them alone.
        votes = Counter(c for name in place_names if (c := _known_anywhere(name)))
        return votes.most_common(1)[0][0] if votes else None
    named = set(score)
    places: Counter[str] = Counter()
    for name in place_names:
        if gazetteer.country_code(name) is None:
            tied = _tied(name, article)
            if tied:
                places[tied] += 3
            else:
                for code in (gazetteer.city_countries(name) | gazetteer.region_countries(name)) & named:
                    places[code] += 2
    if dateline:
        for code in gazetteer.city_countries(dateline) & named:
            places[code] += 1
    return max(score, key=lambda c: (places[c], score[c], -first[c]))


LEAD_CHARS = 300


def _lead_end(article: str) -> int:
    """Where the article's lead ends: its first sentence after any title line, within the first
    LEAD_CHARS characters of prose."""
    start = len(article) - len(article.lstrip())
    title = re.match(r"[^\n.!?]{0,150}\n\s*", article[start:])
    if title and not re.search(r"[.!?]\s*$", title.group().strip()):
        start += title.end()  # a title line without a full stop: the lead is the sentence after it
    end = re.search(r"[.!?](?:\s|$)", article[start:start + LEAD_CHARS])
    return start + (end.end() if end else LEAD_CHARS)


def _tied(place: str, article: str) -> str | None:
    """A country the article writes right next to the place (rule 2)."""
    p = re.escape(place)
    for m in gazetteer.mentions(article):
        before = article[max(0, m.start - 120):m.start]
        after = article[m.end:m.end + 80]
        if re.search(rf"\b{p}(?:\s+{_REGION_WORD})?(?:,|\s+in|\s+of)\s+(?:the\s+)?{_DIRECTION}$",
                     before, re.IGNORECASE) and "." not in before[-40:]:
            if not m.demonym:
                return m.code
        if re.match(rf"(?:['’]s)?\s+(?:(?!{_CLAUSE_WORD}\b)(?![a-z-]+ed\b)[a-z-]+\s+){{0,4}}?"
                    rf"(?:{_REGION_WORD},?\s+(?:of\s+)?)?{p}\b", after):
            return m.code  # "Syria's Idlib", "Ukrainian town of Lyman", "Nigerian state of Zamfara"
    return None


def of_place(place: str, article: str, home_code: str | None) -> str | None:
    """The name of the place's country, or None when nothing answers."""
    code = gazetteer.country_code(place)
    if code is None:
        code = _tied(place, article)
    if code is None:
        named = {m.code for m in gazetteer.mentions(article)}
        regions = gazetteer.region_countries(place)
        if home_code in gazetteer.city_countries(place) or home_code in regions:
            code = home_code
        elif len(regions & named) == 1:
            code = next(iter(regions & named))
        else:
            large = gazetteer.city_countries(place, LARGE_CITY) & named
            huge = gazetteer.city_countries(place, HUGE_CITY)
            if len(large) == 1:
                code = next(iter(large))
            elif len(huge) == 1:  # "BEIRUT (AP) -" over a story from Syria that never names Lebanon
                code = next(iter(huge))
    if code is None and home_code is None:
        code = _known_anywhere(place)  # the article names no country: the gazetteer alone
    if code is None:
        code = home_code
    return gazetteer.display_name(code, article) if code else None


def _known_anywhere(place: str) -> str | None:
    """The one country with a province of that name, else the one with a large city of it."""
    for found in (gazetteer.region_countries(place), gazetteer.city_countries(place, LARGE_CITY)):
        if len(found) == 1:
            return next(iter(found))
    return None


def same_country(a: str, b: str) -> bool:
    ca, cb = gazetteer.country_code(a), gazetteer.country_code(b)
    return ca is not None and ca == cb or fold(a) == fold(b)
