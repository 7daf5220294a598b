"""Actor roles read from the sentences that report violence: who attacked whom.

A 1.5B model often names the attacked side as the attacker. Here each sentence with a verb or
noun of violence (lexicon/roles.toml) votes: the side named before an active verb attacked, the
side after it was attacked ("insurgents ambushed an army convoy"); a passive verb turns that
round ("soldiers were killed by militants"); "an attack by X" / "an attack on X" say it with a
noun. Also: a subject that died or came under fire was the target; one that claimed the attack,
or whose attack "was claimed by" it, the attacker; in "killed in clashes with X", X fought the
one harmed; a change of control votes its gainer attacker and its loser target. A party with
another clause between it and the verb ("... died after gunmen shot them") is not the verb's
subject. An armed actor's role is the side of the vote that wins; a tie or no vote leaves the
model's role, unless the other side's votes decide it (`opposed`: the rebels in a story whose
votes all make the army the attacker were its target). An actor that is not armed and is
quoted ("the ministry said", "according to the UN") or credited with a figure is a source, as
is any actor named as a source ("a French military source").
"""

from __future__ import annotations

import functools
import re
from collections import Counter
from collections.abc import Sequence

from summariser.entities import fold, same_side
from summariser.lexicon import load
from summariser.narrative import actor_types
from summariser.narrative.coref import alternation as _alternation
from summariser.narrative.sides import DETERMINERS as _DETERMINERS
from summariser.narrative.sides import before_at as _before_at
from summariser.narrative.sides import named as _named
from summariser.narrative.sides import parties as _parties
from summariser.schemas.brief import Actor, ControlChange
from summariser.text import Sentence

ARMED = {"state forces", "non-state armed group", "foreign state or forces"}
_PASSIVE = re.compile(r"\b(?:was|were|been|being|is|are|got)\s+(?:\w+ly\s+)?$", re.IGNORECASE)


@functools.cache
def _patterns() -> tuple[re.Pattern[str], re.Pattern[str], re.Pattern[str]]:
    data = load("roles")
    verbs = re.compile(rf"\b(?:{_alternation(data['verbs'])})\b", re.IGNORECASE)
    nouns = re.compile(rf"\b(?:{_alternation(data['nouns'])})\s+(by|from|on|against|of)\s+", re.IGNORECASE)
    # "the army said"; "a French military source (who spoke on condition of anonymity) said"
    said = re.compile(rf"^\s*(?:,\s*)?(?:(?P<head>{_alternation(data['source_heads'])})\b"
                      rf"[^.;]{{0,60}}?\s)?(?:{_alternation(data['said'])})\b", re.IGNORECASE)
    return verbs, nouns, said


@functools.cache
def _more_patterns() -> dict[str, re.Pattern[str]]:
    data = load("roles")
    out = {key: re.compile(rf"\b(?:{_alternation(data[key])})\b", re.IGNORECASE)
           for key in ("harmed", "claims", "fought_with", "clause_words", "behind", "blamed")}
    out["blamed_for"] = re.compile(rf"\s+(?:responsible\s+)?for\s+(?:the\s+|an?\s+|its\s+|their\s+)?"
                                   rf"(?:[\w-]+\s+){{0,2}}(?:{_alternation(data['nouns'])})\b",
                                   re.IGNORECASE)
    out["compound"] = re.compile(rf"\b(?:an?|the|its|their)\s+(?:[a-z]+\s+)?([\w'’-]+)\s+"
                                 rf"(?:{_alternation(data['compound_nouns'])})\b", re.IGNORECASE)
    return out


def _named_by_word(word: str, actors: Sequence[Actor]) -> list[Actor]:
    """The actors one of whose names has `word` as a whole word, singular or plural and in the
    same case ("Houthi" for "Houthis", "gang" for "Gran Grif gang"; the "new" of "a new attack"
    is not the "New" of "New People's Army", nor "us" the "US")."""
    key = fold(word)
    forms = {key, key + "s", key.removesuffix("s")}

    def has(name: str) -> bool:
        return any(fold(w) in forms and w[:1].isupper() == word[:1].isupper()
                   for w in re.findall(r"[\w'’-]+", name))
    return [a for a in actors if any(has(n) for n in (a.name, *a.aliases))]


# "into the killing of 12 villagers": after a determiner the -ing word is a noun, with no subject.
_NOUN_BEFORE = re.compile(rf"\b(?:{'|'.join(sorted(_DETERMINERS))})\s+$", re.IGNORECASE)


def _subject(parties: list[tuple[int, int, str]], at: int, text: str) -> str | None:
    """The verb's subject: the side named nearest before it, with no other clause between, as
    fully as the sentence names it ("army forces", not "forces": a bare force noun would pass
    for any actor whose name ends in it)."""
    i = _before_at(parties, at, text)
    if i is None:
        return None
    if _more_patterns()["clause_words"].search(text[parties[i][1]:at]):
        return None
    return _named(parties, i, text)


_FORCE_NOUN = re.compile(r"\s+(?:forces|troops|fighters|units|soldiers)$")


def _core(name: str) -> str:
    """A side's name without its force noun or plural: "rebel forces" and "rebels" are "rebel"."""
    core = _FORCE_NOUN.sub("", re.sub(r"^the\s+", "", fold(name)))
    return core[:-1] if core.endswith("s") and len(core) > 4 else core


def _owner(mention: str, actors: Sequence[Actor]) -> Actor | None:
    for actor in actors:
        if any(same_side(mention, n) for n in (actor.name, *actor.aliases)):
            return actor
    core = _core(mention)  # "rebel forces" took the town; the brief lists "rebels"
    for actor in actors:
        if core and any(_core(n) == core for n in (actor.name, *actor.aliases)):
            return actor
    # "Troops ... retook the villages": a bare noun for an army is the brief's only state force.
    state = [a for a in actors if a.type == "state forces"]
    if len(state) == 1 and "police" not in fold(state[0].name) and actor_types.unnamed_army(mention):
        return state[0]
    return None


def _first_after(parties: list[tuple[int, int, str]], at: int, text: str, words: int) -> str | None:
    for start, _, name in parties:
        if start >= at:
            return name if len(text[at:start].split()) <= words and "." not in text[at:start] else None
    return None


def votes(actors: Sequence[Actor], sentences: Sequence[Sentence],
          controls: Sequence[ControlChange] = ()) -> dict[str, Counter[str]]:
    """actor name -> Counter of "attacker" / "target" / "source" / "named source" votes."""
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
        more = _more_patterns()
        harmed_here = False
        for m in more["harmed"].finditer(text):
            subject = _subject(parties, m.start(), text)
            vote(subject, "target")
            harmed_here = harmed_here or subject is not None
        for m in more["claims"].finditer(text):
            vote(_subject(parties, m.start(), text), "attacker")
        for m in re.finditer(r"\b(?:was|were)\s+claimed\s+by\s+", text, re.IGNORECASE):
            vote(_first_after(parties, m.end(), text, 4), "attacker")
        for m in more["behind"].finditer(text):
            i = next((k for k in range(len(parties) - 1, -1, -1) if parties[k][1] <= m.start()), None)
            if i is not None and re.fullmatch(r"\s*,?\s*(?:which|who)?\s*",
                                              text[parties[i][1]:m.start()], re.IGNORECASE):
                vote(parties[i][2], "attacker")
        for m in more["blamed"].finditer(text):
            side = _first_after(parties, m.end(), text, 3)
            end = next((e for s, e, n in parties if s >= m.end() and n == side), None)
            if end is not None and more["blamed_for"].match(text, end):
                vote(side, "attacker")  # "blamed the Front for the shelling"
        for m in more["compound"].finditer(text):
            for actor in _named_by_word(m.group(1), actors):  # "a Houthi attack"
                out[actor.name]["attacker"] += 1
        for m in verbs.finditer(text):
            if m.group().lower().endswith("ing") and _NOUN_BEFORE.search(text[:m.start()]):
                continue
            before, after = _subject(parties, m.start(), text), None
            if _PASSIVE.search(text[:m.start()]):
                harmed_here = harmed_here or before is not None
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
        if harmed_here:  # "police were killed in clashes with militants"
            for m in more["fought_with"].finditer(text):
                vote(_first_after(parties, m.end(), text, 4), "attacker")
        for start, end, name in parties:
            quoted = said.match(text[end:end + 90])
            if quoted and quoted.group("head"):
                vote(name, "named source")  # "a French military source said"
            elif quoted or re.search(r"according to\s+(?:the\s+)?$", text[:start]):
                vote(name, "source")
    for change in controls:
        # Taking a place is what the offensive as a whole achieved: it outweighs one episode of
        # the advance ("the rebel forces have been attacked by ... aircraft").
        vote(change.gained_by, "attacker")
        vote(change.gained_by, "attacker")
        vote(change.lost_by, "target")
    return out


@functools.cache
def _source_heads() -> frozenset[str]:
    return frozenset(fold(w) for w in load("roles")["source_heads"])


def decide(actor: Actor, tally: Counter[str], reporters: Sequence[str]) -> str:
    """The actor's role from its votes (see the module docstring); the model's where they say
    nothing."""
    attacks, attacked = tally["attacker"], tally["target"]
    words = actor.name.split()
    if words and fold(words[-1]) in _source_heads():
        return "source"  # "a French military source said": a source, armed or not
    if actor.type in ARMED:
        if tally["named source"] and not attacks:
            return "source"
        if attacks != attacked:
            return "attacker" if attacks > attacked else "target"
        return actor.role
    quoted = tally["source"] or any(fold(r) and same_side(r, n) for r in reporters
                                    for n in (actor.name, *actor.aliases))
    return "source" if quoted and actor.role not in ("backer", "mediator") else actor.role


def opposed(found: Sequence[Actor], tallies: dict[str, Counter[str]]) -> list[Actor]:
    """Roles for the armed actors no sentence votes for, from the other side of the fight: where
    every state force the votes decide attacked (or was attacked), a non-state armed group with
    no vote of its own is their target (or attacker), and the other way round ("rebels" in a
    story whose only votes make the regime's forces the attacker were the ones attacked). A
    foreign force belongs to neither side here (it may back either), a backer, mediator or
    source keeps its role, and a split or missing decision on the other side decides nothing.
    (Two armed groups on one side, a pro-government militia beside the rebels, are read as
    one camp: measured, a rule that left such groups alone lost more than it saved.)"""
    camps = {"state forces": "state", "non-state armed group": "armed"}
    decided: dict[str, set[str]] = {"state": set(), "armed": set()}
    for actor in found:
        tally = tallies.get(actor.name, Counter())
        camp = camps.get(actor.type)
        if camp and tally["attacker"] != tally["target"] and actor.role in ("attacker", "target"):
            decided[camp].add(actor.role)
    out = []
    for actor in found:
        tally = tallies.get(actor.name, Counter())
        camp = camps.get(actor.type)
        other = decided["armed" if camp == "state" else "state"] if camp else set()
        if camp and not (tally["attacker"] or tally["target"] or tally["named source"]
                         or tally["source"]) \
                and actor.role not in ("backer", "mediator", "source") and len(other) == 1:
            role = "target" if other == {"attacker"} else "attacker"
            actor = actor.model_copy(update={"role": role})
        out.append(actor)
    return out

