"""The product's domain knowledge as data: word lists, named rules and gazetteer additions, one
TOML file per subject. Code reads them through load(); nothing else opens these files.

Each file's content is part of the brief cache key (summariser.revision), so an edited word list
re-assembles cached briefs by itself.

    actors.toml       ordered, named rules that type an actor from the words of its name
    attribution.toml  how copy says who gave a figure (verbs, claims, pronouns)
    control.toml      verbs that say a place changed hands, by the side they name
    countries.toml    short names and demonyms of countries (names themselves come from pycountry)
    harm.toml         words of harm and flight, and which kind of figure each points to
    lead.toml         what opens a news story but is not its lead (datelines, bylines, labels)
    nouns.toml        what a number counts: people by class (civilian, combatant...), things, units
    page_noise.toml   what a news page prints around its article (menus, captions, link lists)
    roles.toml        verbs and nouns of violence: who attacked whom
    violence.toml     plain words for armed violence: is this a conflict report at all
"""

from __future__ import annotations

import functools
import re
import sys
from pathlib import Path
from typing import Any

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - Python 3.10
    import tomli as tomllib

DIRECTORY = Path(__file__).resolve().parent


def files() -> list[Path]:
    return sorted(DIRECTORY.glob("*.toml"))


@functools.cache
def load(name: str) -> dict[str, Any]:
    """The parsed content of lexicon file `name` (without ".toml"). Read once per process."""
    path = DIRECTORY / f"{name}.toml"
    if not path.is_file():
        raise KeyError(f"no lexicon file {name!r} (have: {', '.join(p.stem for p in files())})")
    with path.open("rb") as f:
        return tomllib.load(f)


_IRREGULAR = {"child": "children", "schoolchild": "schoolchildren", "person": "people"}
# Words that are the same in the plural, or plural already ("people", "the dead").
_UNCHANGED = frozenset("people persons police personnel staff dead wounded injured displaced others "
                       "km aircraft percent".split())


def plural(noun: str) -> str:
    """The English plural of a lexicon noun (regular rules plus the irregular ones copy uses)."""
    if noun in _UNCHANGED:
        return noun
    if noun in _IRREGULAR:
        return _IRREGULAR[noun]
    if noun.endswith("man"):
        return noun[:-3] + "men"
    if noun.endswith("y") and noun[-2:-1] not in "aeiou":
        return noun[:-1] + "ies"
    if noun.endswith(("s", "x", "ch", "sh")):
        return noun + "es"
    return noun + "s"


def plurals(name: str, *keys: str) -> frozenset[str]:
    """The plurals alone of the nouns of lists `keys` in lexicon file `name`."""
    return frozenset(plural(w.casefold()) for key in keys for w in load(name)[key])


def noun_class(name: str, *keys: str) -> frozenset[str]:
    """The nouns of lists `keys` in lexicon file `name`, folded to lower case, each in the
    singular and the plural."""
    return frozenset(w.casefold() for key in keys for w in load(name)[key]) | plurals(name, *keys)


PEOPLE = ("civilian", "combatant", "unspecified", "other")  # the classes of nouns.toml that are people
THINGS = ("thing", "measure", "unit")  # the classes that are not people


def word_pattern(fragments: list[str]) -> re.Pattern[str]:
    """One case-insensitive pattern matching any of `fragments` (regular expressions written in
    a lexicon file) as a whole word."""
    return re.compile(r"\b(" + "|".join(fragments) + r")\b", re.IGNORECASE)
