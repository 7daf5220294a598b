"""Actor types from what code knows, before the model's guess: ordered, named rules.

The rules live in lexicon/actors.toml. The first rule that matches an actor's name decides its
type; when none matches, the model's type stands. Each decision is logged at debug level with
the rule's name (`summariser brief -vv` shows it), so "why is this a state force" has an answer.
"""

from __future__ import annotations

import functools
import logging
import re
from dataclasses import dataclass

from summariser import gazetteer
from summariser.entities import fold
from summariser.lexicon import load

log = logging.getLogger(__name__)

MATCHES = ("name", "word", "country+force", "title+name", "country")


@dataclass(frozen=True)
class Rule:
    name: str
    match: str
    words: tuple[str, ...]
    unless: tuple[str, ...]
    type: str
    examples: tuple[str, ...]


@dataclass(frozen=True)
class Decision:
    type: str
    rule: str  # the rule's name, or "model" when no rule matched


@functools.cache
def rules() -> tuple[Rule, ...]:
    data = load("actors")
    out = []
    for r in data["rule"]:
        if r["match"] not in MATCHES:
            raise ValueError(f"actor rule {r['name']!r}: unknown match {r['match']!r}")
        out.append(Rule(name=r["name"], match=r["match"], words=tuple(r.get("words", ())),
                        unless=tuple(r.get("unless", ())), type=r["type"],
                        examples=tuple(r.get("examples", ()))))
    return tuple(out)


@functools.cache
def _compiled(words: tuple[str, ...]) -> re.Pattern[str]:
    alternatives = sorted({fold(w) for w in words}, key=len, reverse=True)
    return re.compile(r"(?<![\w-])(?:" + "|".join(re.escape(w) for w in alternatives) + r")(?![\w-])")


def _force_words() -> re.Pattern[str]:
    return _compiled(tuple(load("actors")["force_words"]))


def _bare(name: str) -> str:
    return re.sub(r"^(?:the|its|their)\s+", "", fold(name))


def _country_of(name: str) -> str | None:
    found = gazetteer.mentions(name)
    return found[0].code if found else None


def _matches(rule: Rule, name: str) -> str | None:
    """The country code the rule found ("" when it needs none), or None when it does not match."""
    bare = _bare(name)
    if rule.unless and _compiled(rule.unless).search(fold(name)):
        return None
    if rule.match == "name":
        return "" if bare in {fold(w) for w in rule.words} else None
    if rule.match == "word":
        return "" if _compiled(rule.words).search(fold(name)) else None
    if rule.match == "country+force":
        code = _country_of(name)
        return code if code and _force_words().search(fold(name)) else None
    if rule.match == "title+name":
        if not _compiled(rule.words).search(fold(name)):
            return None
        titles = {w for t in rule.words for w in fold(t).split()}
        named = [w for w in re.findall(r"[A-Z][\w'’.-]+", name)
                 if fold(w) not in titles and gazetteer.country_code(w) is None]
        return "" if named else None
    code = gazetteer.country_code(name) if gazetteer.is_country(name) else None
    return code  # match == "country"


def decide(name: str, model_type: str, home: str | None) -> Decision:
    """The type of actor `name`: the first matching rule's, else the model's.

    `home`: the code of the country the article reports from (None when unknown). A "state" rule
    gives state forces (a named country alone: government) at home, foreign state or forces for
    any other country, and keeps the model's choice between the two when home is unknown.
    """
    for rule in rules():
        code = _matches(rule, name)
        if code is None:
            continue
        typ = rule.type
        if typ == "state":
            # Forces are never the government and a bare country never its army: with the home
            # country unknown, the model chooses only between home and foreign.
            at_home = "state forces" if rule.match == "country+force" else "government"
            if home is None or code == "":
                typ = model_type if model_type in (at_home, "foreign state or forces") else at_home
            elif code == home:
                typ = "state forces" if rule.match == "country+force" else "government"
            else:
                typ = "foreign state or forces"
        log.debug("actor %r: type %s by rule %s", name, typ, rule.name)
        return Decision(typ, rule.name)
    log.debug("actor %r: type %s by the model (no rule matched)", name, model_type)
    return Decision(model_type, "model")


def unnamed_army(name: str) -> bool:
    """An army named by its common noun alone ("the military", "troops", "security forces";
    the police are another body): the unnamed-forces and state-tied-forces rules."""
    return "police" not in fold(name) and \
        decide(name, "state forces", None).rule in ("unnamed-forces", "state-tied-forces")

