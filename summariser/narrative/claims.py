"""Whether a change of control is only the gainer's claim (LABELLING.md: "claimed" when only
one side claims it, "confirmed" when stated as fact or by others), from who says it in its
sentence."""

from __future__ import annotations

import functools
import re

from summariser.lexicon import load
from summariser.narrative import control, coref, sides

_SAID = re.compile(r"\b(?:said|says|say|announc\w*|reported|told)\b", re.IGNORECASE)


_DENIAL = re.compile(r"\b(?:false|denied|deny|denies|untrue|repelled|repulsed|rejected)\b",
                     re.IGNORECASE)


# Doubt or denial in the sentence: the change is at most one side's claim ("The army denied
# that rebels had seized Kalehe", "It was unclear whether the junta had lost control of").
# Before the change's verb: "The army denied that rebels had seized", "It was unclear whether";
# anywhere: "Reports that al-Shabaab had overrun Adan Yabaal were false", "..., which could not
# be independently verified". Not "Russian troops entered Pokrovsk, Ukraine's army said,
# denying that the city was encircled": that denial is of something else.
_DOUBT_BEFORE = re.compile(r"\b(?:denied|denies|deny|denying|dismissed|unconfirmed|unclear|"
                           r"not\s+(?:possible|able)\s+to\s+(?:confirm|verify))\b", re.IGNORECASE)
_DOUBT = re.compile(r"\b(?:false|untrue|baseless|could\s+not\s+(?:be\s+)?(?:confirm|verif)\w*|"
                    r"independently\s+(?:confirm|verif)\w*)\b", re.IGNORECASE)


def _doubted(sentence: str) -> bool:
    verb = control.first_verb(sentence)
    before = sentence if verb is None else sentence[:verb]
    return _DOUBT_BEFORE.search(before) is not None or _DOUBT.search(sentence) is not None


def _scare_quoted(sentence: str) -> bool:
    """Whether the sentence puts its gain verb alone in quotation marks: 'the forces had
    “liberated” the small town', 'the ministry said Sieverne had been "liberated"'. The
    outlet quotes a side's own word for what it did instead of stating it."""
    gain = control.gain_verb().pattern
    return re.search(rf"[“‘\"]\s*(?:{gain})\s*[”’\"]", sentence, re.IGNORECASE) is not None


def _sayers(sentence: str) -> list[str]:
    """The words naming whoever "said" or "told" something in the sentence."""
    return [" ".join(re.split(r"[,;:(\u201c\"]", sentence[:m.start()])[-1].split()[-6:])
            for m in _SAID.finditer(sentence)]


def speaks_for(sayer: str, side: str) -> bool:
    """Whether the words naming who said something name `side` itself ("The RSF said"), or one
    of its members by the side's word in the singular ("A Syrian rebel commander said the rebels
    had captured"; lexicon/control.toml's member_nouns)."""
    if control.same_side(sayer, side) or sides.mentioned(side, sayer):
        return True
    words = side.split()
    if not words or len(words[-1]) <= 3 or not words[-1].lower().endswith("s") or \
            not _member().search(sayer):
        return False
    return sides.mentioned(" ".join([*words[:-1], words[-1][:-1]]), sayer)


@functools.cache
def _member() -> re.Pattern[str]:
    return re.compile(rf"\b(?:{coref.alternation(load('control')['member_nouns'])})\b", re.IGNORECASE)


def claimed(sentence: str, gained: str | None, lost: str | None = None) -> bool:
    """Whether the change is only the gainer's claim (LABELLING.md: "claimed" when only one side
    claims it, "confirmed" when stated as fact or by others). The loser saying, with a loss verb,
    that it lost the place confirms it ("The Ukrainian army said it had withdrawn from
    Lastochkyne ... after Russia claimed its capture"), unless the sentence denies it. Otherwise
    a claim word, a denial, a doubt ("could not be independently verified") or the gain verb
    alone in quotation marks (the side's own word: had “liberated”) makes it a claim;
    a "said" makes it one only when the one who said it is the gainer ("The RSF said its forces
    had taken El-Khoei"), not the loser ("The ministry says it has withdrawn") or a third party
    ("..., the Observatory said")."""
    if lost and control.loss_verb().search(sentence) and not _DENIAL.search(sentence) and \
            any(speaks_for(sayer, lost) for sayer in _sayers(sentence)):
        return False
    if re.search(r"\bclaim\w*", sentence, re.IGNORECASE) or _doubted(sentence) or \
            _scare_quoted(sentence):
        return True
    if not gained:
        return False
    if any(speaks_for(sayer, gained) for sayer in _sayers(sentence)):
        return True
    for m in re.finditer(r"\baccording to\s+", sentence, re.IGNORECASE):
        if sides.mentioned(gained, " ".join(re.split(r"[,;.]", sentence[m.end():])[0].split()[:6])):
            return True
    return False
