"""Who a sentence says its figures come from, read off the sentence itself.

News copy attributes a figure in a few set ways: "..., the defence ministry said", "police said
three people ...", "according to the UN", "..., said the governor". The figure call asks the model
for `reported_by`; a 1.5B model leaves it "not stated" when the attribution sits after a second
clause, or names another actor of the sentence ("the army" in "an army convoy ..., the defence
ministry said"). Where the sentence names exactly one source, that source is the answer: an
attribution must be traceable to the sentence like the figure is.
"""

from __future__ import annotations

import re

from summariser.entities import fold
from summariser.lexicon import load

_WORDS = load("attribution")
_CLAIMS = _WORDS["claims"]


def _alt(words: list[str]) -> str:
    return "|".join(words)


# The attribution verbs of lexicon/attribution.toml: "claimed"/"announced" only where no deed
# follows ("claimed responsibility"), unless a toll word does ("announced a new death toll").
_VERBS = (_alt(_WORDS["verbs"]) + "|(?:" + _alt(_CLAIMS["verbs"]) + r")(?!\s+(?:"
          + _alt(_CLAIMS["deeds"]) + "|(?:" + _alt(_CLAIMS["determiners"]) + r")(?!\s+(?:(?:"
          + _alt(_CLAIMS["toll_adjectives"]) + r")\s+)*(?:" + _alt(_CLAIMS["toll_nouns"])
          + r")\b))\b)")
# The subject right before the verb, back to a clause break: "..., port authority spokesman Yusuf
# Barre said" / "Mayor Olena Varga said 1,200 ...".
_BEFORE = re.compile(rf"(?:^|[,;:(\u2014\u2013]|\s-\s|\bbut\s|\band\s)\s*"
                     rf"([^,;:()\u2014\u2013]{{2,80}}?),?\s+"
                     rf"(?:(?:{_alt(_WORDS['auxiliaries'])})\s+(?:{_alt(_WORDS['verbs'])})|{_VERBS})\b")
# "..., said the governor." / "according to the UN refugee agency"
_AFTER = re.compile(r"(?:,\s*said|\baccording to)\s+([^,;:()\u2014\u2013.]{2,80})")

# Pronouns and bare nouns that point at a source named elsewhere: not a source of their own.
_ANAPHORS = frozenset(_WORDS["anaphors"]["words"])
_NOT_SOURCES = frozenset(_WORDS["not_sources"]["words"])
# "..., Associated Press reported quoting local police" / "citing a security source"
_QUOTING = re.compile(rf"\b(?:{_alt(_WORDS['quoting']['verbs'])})\s+([^,;:()\u2014\u2013.]{{2,60}})",
                      re.IGNORECASE)
_QUOTED_HEAD = re.compile(rf"\b(?:{_alt(_WORDS['quoting']['heads'])})$", re.IGNORECASE)
_NOT_SUBJECT = re.compile(
    r"\b(who|which|that|whom|whose|if|when|while|where|had|has|have|was|were|is|are|been|be|"
    r"would|could|will|did|does|do|not|nobody|no one)\b"
    r"|\b[a-z]+ed\b(?!\s+by\b)"  # a verb in the clause ("blamed the Front ... and said")
    r"|\b(?:and|or|but)$"
    r"|^(?:in|on|at|for|by|with|from|after|before|since|last|the day|the week|the month|the year|"
    r"its|their|his|her|our|known|referring|speaking|citing|quoting)\b"  # "its clinic"
    r"|^[a-z]+ing\b",
    re.IGNORECASE)
_FUNCTION_WORD = re.compile(r"^(?:an?|the|it|its|this|that|these|those|some|one)$", re.IGNORECASE)
_TRAILING = re.compile(r"\s+(?:on|in|at|late|early|last|this)\b.*$", re.IGNORECASE)


_ADVERBS = re.compile(rf"(?:\s+(?:{_alt(_WORDS['adverbs'])}))+$", re.IGNORECASE)
# The doer of the harm the figure counts ("He said the gunmen killed more than 40"): never its
# source.
_DOES_HARM = re.compile(rf"\s+(?:(?:{_alt(_WORDS['auxiliaries'])})\s+)?"
                        rf"(?:{_alt(_WORDS['doer_verbs'])})\b", re.IGNORECASE)
# A pronoun that says the figure: its source is named in a sentence before.
_POINTS_BACK = re.compile(rf"^(?:[^,;:]*[,;:]\s*)?(?:he|she|they)(?:\s+(?:{_alt(_WORDS['adverbs'])}))*"
                          rf"\s+(?:{_alt(_WORDS['verbs'])})\b", re.IGNORECASE)


def _clean(source: str) -> str | None:
    source = _TRAILING.sub("", source.strip().strip("\"'“”‘’ -"))
    source = _ADVERBS.sub("", source)
    source = re.sub(r"^(?:and|but|while|whereas)\s+", "", source, flags=re.IGNORECASE)
    words = source.split()
    if not words or len(words) > 10 or _NOT_SUBJECT.search(source) or any(c.isdigit() for c in source):
        return None
    if fold(source) in _ANAPHORS or _no_one(source) or _FUNCTION_WORD.match(source):
        return None  # "An estimated 85 ...", "according to preliminary data": no source at all
    return source


def _no_one(source: str) -> bool:
    """Whether a phrase names the figures, not who gave them ("preliminary data", "the latest
    figures"): one of lexicon/attribution.toml's not_sources, as a whole."""
    return fold(source) in _NOT_SOURCES


def is_anaphor(name: str) -> bool:
    """Whether a source is only a pronoun or a bare noun for one named elsewhere ("He")."""
    return fold(name) in _ANAPHORS


def _quoted(sentence: str) -> tuple[int, str] | None:
    """The source an outlet quotes ("AP reported quoting local police": local police): a phrase
    ending in a source noun, or a name whose every word is capitalised ("citing Ukraine's
    General Staff"; "citing Russian shelling" names no one)."""
    for m in _QUOTING.finditer(sentence):
        source = _clean(m.group(1))
        if source and (_QUOTED_HEAD.search(source) or all(
                w[:1].isupper() or w.lower() in ("of", "the", "for", "and") for w in source.split())):
            return m.start(1), source
    return None


def _told(answer: str, sentence: str) -> bool:
    """Whether the answer is who was told ("A resident told the news agency that ..."), not who
    told it."""
    words = fold(answer).removeprefix("the ").split()[:2]
    return bool(words) and re.search(rf"\btold\s+(?:the\s+|a\s+)?{re.escape(' '.join(words))}\b",
                                     fold(sentence)) is not None


# A clause between commas that glosses the subject: "The resident, who chose to remain
# anonymous, said" is the resident saying. Blanked (same length, so offsets hold) before reading.
_GLOSS = re.compile(r",\s+(?:who|which)\s[^,;:]{2,80},(?=\s*(?:" + _VERBS + r")\b)", re.IGNORECASE)


def _found(sentence: str) -> list[tuple[int, str]]:
    found: list[tuple[int, str]] = []
    sentence = _GLOSS.sub(lambda m: " " * len(m.group()), sentence)
    for pattern in (_BEFORE, _AFTER):
        for m in pattern.finditer(sentence):
            src = _clean(m.group(1))
            if src:
                found.append((m.start(1), src))
                continue
            # "... prompting an operation that the army said led to ...": the subject of a
            # relative clause's "said" is the words after its "that"
            rel = list(re.finditer(r"\bthat\s+(?=(?:the|a|an|its)\s|[A-Z])", m.group(1)))
            if pattern is _BEFORE and rel and (src := _clean(m.group(1)[rel[-1].end():])):
                found.append((m.start(1) + rel[-1].end(), src))  # not "Residents of that town said"
    out: list[tuple[int, str]] = []
    for start, src in sorted(found):
        if fold(src) not in {fold(o) for _, o in out}:
            out.append((start, src))
    return out


def sources(sentence: str) -> list[str]:
    """The distinct named sources of `sentence`, in order ("the defence ministry", "police")."""
    return [src for _, src in _found(sentence)]


def reporter(answer: str | None, sentence: str, at: int | None = None) -> str | None:
    """The model's `reported_by`, checked against the sentence: where the sentence names exactly
    one source, a missing answer, or an answer that is some other actor the sentence names, gives
    way to it. An answer that names the source more fully ("UNHCR" for "the agency said") or a
    source from a neighbouring sentence is kept. Where the sentence names several sources and
    `at` (the figure's offset in it) is known, the figure's is the last one named before it ("the
    federal ministry said 14 were dead, while the state ministry said 13 died")."""
    return _checked(answer, sentence, at)[0]


def source_rule(answer: str | None, sentence: str, at: int | None = None) -> str:
    """Which check decided the source `reporter` gives (for the -vv log)."""
    return _checked(answer, sentence, at)[1]


def points_back(sentence: str) -> bool:
    """Whether a pronoun says the sentence's figures ("He further said that over 20 ...")."""
    return _POINTS_BACK.search(sentence) is not None


_CONTINUES = re.compile(rf"\b(?:{_alt(_WORDS['continuation'])})\b", re.IGNORECASE)


def continues(sentence: str) -> bool:
    """Whether a sentence that names no source goes on with the sentence before ("About 700 to
    750 people were also displaced from the area")."""
    return _CONTINUES.search(sentence) is not None and not sources(sentence)


def source_before(sentence: str, before: list[str], reach: int = 2) -> str | None:
    """The source a pronoun that says the figure stands for: the last source named in the
    nearest of the `reach` sentences before it that names one ("Rev. Father Stephen Kabirat told
    local media ... He said the gunmen killed more than 40"), or that a sentence that only goes
    on with those before has (continues). None when the sentence does neither or no such
    sentence names a source."""
    if not points_back(sentence) and not continues(sentence):
        return None
    for previous in reversed(before[-reach:]):
        named = sources(previous)
        if named:
            return named[-1]
    return None


def _doer(answer: str, sentence: str) -> bool:
    bare = re.escape(fold(answer).removeprefix("the "))
    folded = fold(sentence)
    # "... which according to Gaza's health ministry has killed 42,000": the war killed them.
    return any(_DOES_HARM.match(folded, m.end())
               and not re.search(r"\baccording\s+to\s+(?:the\s+)?$", folded[:m.start()])
               for m in re.finditer(rf"\b{bare}\b", folded))


def _checked(answer: str | None, sentence: str, at: int | None) -> tuple[str | None, str]:
    if answer and (_doer(answer, sentence) or _no_one(answer)):
        answer = None  # the model named who did the killing, or the figures, not who told of it
    named = _found(sentence)
    quoted = _quoted(sentence) if len(named) <= 1 else None  # beside other sources: see below
    if quoted and not (at is not None and quoted[0] > at and any(st < at for st, _ in named)):
        # not where another source gave this figure first ("Police said 12 died, but Reuters,
        # citing hospital sources, put the toll at 20": the 12 is the police's)
        return quoted[1], "the one the sentence's outlet quotes"
    if answer and _told(answer, sentence):
        answer = None  # "A resident told the news agency that ...": the resident told it
    if len(named) > 1 and at is not None:
        before = [src for start, src in named if start < at]
        agrees = answer is None or any(_same(answer, src) for _, src in named)
        if before and agrees:
            return before[-1], "the last of the sentence's sources named before the figure"
    if len(named) != 1:
        return answer, f"the model (the sentence names {len(named)} sources)"
    ((source_at, source),) = named
    if answer is None:
        return source, "the sentence's one source (the model gave none)"
    if _same(answer, source):
        return answer, "the model (the sentence's one source, named more or less fully)"
    bare = re.escape(fold(answer).removeprefix("the "))
    enclosed = re.match(rf"[^,;:]*?,\s*(?:{_VERBS})\b", sentence[source_at:], re.IGNORECASE)
    if enclosed and re.search(rf"\b{bare}\W{{0,4}}$", fold(sentence[:source_at])):
        # "the Free Anar Brigades, a separatist group, said": the name, not its gloss. A gloss
        # stands between commas; in "30 villagers fled the rebels, the defence ministry said"
        # the ministry is the source, not a gloss of the rebels.
        return answer, "the model (the name before the source's gloss)"
    if re.search(rf"\b{bare}", fold(sentence)):
        return source, "the sentence's one source (the model named another actor)"
    return answer, "the model (a source the sentence does not name)"


def _same(a: str, b: str) -> bool:
    """The same source, named more or less fully ("the governor", "governor Ali")."""
    fa, fb = fold(a).removeprefix("the "), fold(b).removeprefix("the ")
    return fa in fb or fb in fa
