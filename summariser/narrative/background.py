"""Whether a verb of a change of control reports an event of the story: not an aim ("an
offensive to free the town"), a condition ("If Pokrovsk falls to ..."), something that did not
happen ("could seize", "did not enter") or another time ("since 2006 ...", "took control of
Sanaa in September 2014"). The words are lexicon/control.toml's.
"""

from __future__ import annotations

import functools
import re

from summariser.lexicon import load
from summariser.narrative.coref import alternation as _alternation
from summariser.narrative.sides import ASIDE


@functools.cache
def _not_done() -> re.Pattern[str]:
    """Right before a verb: "could", "did not", "didn't", "never" (an adverb, "have" or "be" between)."""
    words = _alternation(load("control")["not_done_before"])
    return re.compile(rf"(?:\b(?:{words})|(?<=\w)n['’]t)\s+(?:\w+ly\s+)?(?:have\s+|be\s+)?$",
                      re.IGNORECASE)


def background_or_aim(text: str, at: int, end: int | None = None) -> bool:
    """Whether the verb at text[at:end] reports an aim ("to free"), a condition ("If Pokrovsk
    falls to ..."), or another time ("since 2006 ...", "took control of Sanaa in September
    2014")."""
    data = load("control")
    # an aside about a side (sides.ASIDE): its dates and "since" are the side's, not the change's
    before = ASIDE.sub(lambda m: " " * len(m.group()), text[:at])
    m = re.search(r"\bto\s+$", before)
    if m and not re.search(rf"\b(?:{_alternation(data['infinitive_done'])})\s+to\s+$", before,
                           re.IGNORECASE):
        return True
    if re.search(r"\b(?:19|20)\d\d\b", before[-data["year_window"]:]):
        return True
    if _not_done().search(before):  # "could seize", "did not enter": not a change that happened
        return True
    clause = re.split(r"[,;:]", before)[-1]
    if re.search(rf"\b(?:{_alternation(data['condition_before'])})\b", clause, re.IGNORECASE):
        return True
    if end is not None:  # "... took control of Sanaa in September 2014, forcing ..."
        after = re.split(r"[,;:.]\s", text[end:])[0]
        # (not "since 2016": "entered Aleppo for the first time since 2016" is news)
        if re.search(r"\bin\s+(?:[A-Z][a-z]+\s+)?(?:19|20)\d\d\b",
                     after[:data["year_window"] + 20]):
            return True
    return bool(re.search(rf"\b(?:{_alternation(data['background_before'])})\b", before,
                          re.IGNORECASE))
