"""Actor roles read from the sentences that report violence: who attacked whom.

A 1.5B model often names the attacked side as the attacker. Here each sentence with a verb or
noun of violence (lexicon/roles.toml) votes: the side named before an active verb attacked, the
side after it was attacked ("insurgents ambushed an army convoy"); a passive verb turns that
round ("soldiers were killed by militants"); "an attack by X" / "an attack on X" say it with a
noun. An armed actor's role is the side of the vote that wins; a tie or no vote leaves the
model's role. An actor that is not armed and is quoted ("the ministry said", "according to the
UN") or credited with a figure is a source.
"""

from __future__ import annotations

import functools
import re
from collections import Counter
from collections.abc import Sequence

from summariser.entities import fold
from summariser.lexicon import load
from summariser.narrative.control import _alternation, _before, _parties, same_side
from summariser.schemas.brief import Actor
from summariser.text import Sentence

ARMED = {"state forces", "non-state armed group", "foreign state or forces"}
_PASSIVE = re.compile(r"\b(?:was|were|been|being|is|are|got)\s+(?:\w+ly\s+)?$", re.IGNORECASE)


@functools.cache
def _patterns() -> tuple[re.Pattern[str], re.Pattern[str], re.Pattern[str]]:
    data = load("roles")
    verbs = re.compile(rf"\b(?:{_alternation(data['verbs'])})\b", re.IGNORECASE)
    nouns = re.compile(rf"\b(?:{_alternation(data['nouns'])})\s+(by|from|on|against)\s+", re.IGNORECASE)
    said = re.compile(rf"^\s*(?:,\s*)?(?:{_alternation(data['said'])})\b", re.IGNORECASE)
    return verbs, nouns, said


def _owner(mention: str, actors: Sequence[Actor]) -> Actor | None:
    for actor in actors:
        if any(same_side(mention, n) for n in (actor.name, *actor.aliases)):
            return actor
    return None


def _first_after(parties: list[tuple[int, int, str]], at: int, text: str, words: int) -> str | None:
    for start, _, name in parties:
        if start >= at:
            return name if len(text[at:start].split()) <= words and "." not in text[at:start] else None
    return None


def votes(actors: Sequence[Actor], sentences: Sequence[Sentence]) -> dict[str, Counter[str]]:
    """actor name -> Counter of "attacker" / "target" / "source" votes."""
    verbs, nouns, said = _patterns()
    limit = load("roles")["object_words"]
    names = [n for a in actors for n in (a.name, *a.aliases)]
    out: dict[str, Counter[str]] = {a.name: Counter() for a in actors}

    def vote(mention: str | None, role: str) -> None:
        owner = _owner(mention, actors) if mention else None
        if owner is not None:
            out[owner.name][role] += 1

    for sentence in sentences:
        text = sentence.text
        parties = _parties(text, names)
        if not parties:
            continue
        for m in verbs.finditer(text):
            before, after = _before(parties, m.start(), text), None
            if _PASSIVE.search(text[:m.start()]):
                vote(before, "target")
                agent = re.match(r"\s+by\s+", text[m.end():])
                if agent:
                    vote(_first_after(parties, m.end(), text, 4), "attacker")
                continue
            vote(before, "attacker")
            after = _first_after(parties, m.end(), text, limit)
            if after is not None and not same_side(after, before):
                vote(after, "target")
        for m in nouns.finditer(text):
            side = _first_after(parties, m.end(), text, 4)
            if m.group(1).lower() in ("by", "from"):
                vote(side, "attacker")
                # "an attack by the Wari Front on the police"
                end = next((e for s, e, n in parties if s >= m.end() and n == side), None)
                if end is not None and re.match(r"\s+(?:on|against)\s", text[end:end + 10]):
                    vote(_first_after(parties, end, text, 4), "target")
            else:
                vote(side, "target")
        for start, end, name in parties:
            if said.match(text[end:end + 20]) or re.search(r"according to\s+(?:the\s+)?$", text[:start]):
                vote(name, "source")
    return out


def decide(actor: Actor, tally: Counter[str], reporters: Sequence[str]) -> str:
    """The actor's role from its votes (see the module docstring); the model's where they say
    nothing."""
    attacks, attacked = tally["attacker"], tally["target"]
    if actor.type in ARMED:
        if attacks != attacked:
            return "attacker" if attacks > attacked else "target"
        return actor.role
    quoted = tally["source"] or any(fold(r) and same_side(r, n) for r in reporters
                                    for n in (actor.name, *actor.aliases))
    return "source" if quoted and actor.role not in ("backer", "mediator") else actor.role
