"""Candidate numbers: every number in a body sentence that speaks of harm or flight, and the
words around it that say which kind of figure it is."""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass

from summariser.lexicon import PEOPLE, THINGS, load, noun_class, word_pattern
from summariser.numbers import NumberMention, find_numbers
from summariser.page_noise import body_spans
from summariser.text import Sentence, addressed_to_model, split_sentences

log = logging.getLogger(__name__)

# A sentence must speak of harm or flight before any of its numbers is put to the model
# (lexicon/harm.toml).
CUE = word_pattern(load("harm")["cue"])
# Counted things that are never people: a number attached to one of these is not a figure.
NOT_PEOPLE = noun_class("nouns", *THINGS)
# The words right around a number say which kind of figure it is (lexicon/harm.toml).
CLAUSE_KINDS = tuple((kind, word_pattern(words)) for kind, words in load("harm")["kind"].items())
_CLAUSE_BREAK = re.compile(r"[,;:()\u2014]|\s-\s|\band\b|\bwhile\b|\bwhen\b|\bafter\b|\bas\b", re.I)

@dataclass(frozen=True)
class Candidate:
    mention: NumberMention  # offsets into the article
    sentence: Sentence


def find_candidates(article: str) -> list[Candidate]:
    """Every number in a body sentence that speaks of harm or flight, with that sentence."""
    found: list[Candidate] = []
    for start, end in body_spans(article):
        for sentence in split_sentences(article, start, end):
            if not CUE.search(sentence.text) or addressed_to_model(sentence.text):
                continue
            for m in find_numbers(sentence.text):
                if m.category != "count":
                    continue
                v = m.value
                if v.count is None and v.low is None and v.high is None:
                    continue
                if m.noun and m.noun.lower() in NOT_PEOPLE:
                    continue
                if _counts_things(sentence.text[m.end:]):
                    continue  # "One strike caused casualties": the number counts strikes
                after = sentence.text[m.end:m.end + 2]
                if len(after) == 2 and after[0] == "-" and after[1].isalpha():
                    continue  # a compound adjective: "three-storey", "two-month"
                shifted = NumberMention(
                    start=sentence.start + m.start, end=sentence.start + m.end, text=m.text,
                    value=m.value, category=m.category, noun=m.noun,
                )
                found.append(Candidate(mention=shifted, sentence=sentence))
    return found


# People a thing word can name ("two town officials", "three camp staff", "four village chiefs"),
# beside the -ers/-ors/-ists... nouns the suffix test catches.
_PEOPLE_NAMED = noun_class("nouns", *PEOPLE)


def _counts_things(after: str) -> bool:
    """Whether the word right after a number is a thing, not people ("one strike", "two rockets
    killed ..."), where the head-noun search looked further and found "casualties". Only the word
    glued to the number by a space counts: in "rose to 27, hospitals said" the hospitals are the
    source, and in "two drone operators" or "four village elders" the thing names the people."""
    glued = re.match(r"[ \t]+([A-Za-z'-]+)(?:[ \t]+([A-Za-z'-]+))?", after)
    if not glued or glued.group(1).lower() not in NOT_PEOPLE:
        return False
    second = (glued.group(2) or "").lower()
    if second in _PEOPLE_NAMED:
        return False
    return not re.search(r"(?:ers|ors|ists|ants|ents|ians|men|women)$", second)


# "25 bodies, among them six children": the subset is the same kind of figure as its whole.
SUBSET = re.compile(r"\b(?:including|among\s+them|among\s+whom|of\s+them|of\s+whom)\s*$",
                     re.IGNORECASE)



def marked(cand: Candidate) -> str:
    """The candidate's sentence with the number asked about marked [[like this]]."""
    a = cand.mention.start - cand.sentence.start
    b = cand.mention.end - cand.sentence.start
    text = cand.sentence.text
    return f"{text[:a]}[[{text[a:b]}]]{text[b:]}"


def clause_kind(sentence: str, start: int, end: int) -> str | None:
    """The one figure kind named in the clause around sentence[start:end], if exactly one is."""
    left = [m.end() for m in _CLAUSE_BREAK.finditer(sentence, 0, start)]
    lo = left[-1] if left else 0
    right = _CLAUSE_BREAK.search(sentence, end)
    hi = right.start() if right else len(sentence)
    clause = sentence[lo:hi]
    kinds = {kind for kind, pattern in CLAUSE_KINDS if pattern.search(clause)}
    return kinds.pop() if len(kinds) == 1 else None


