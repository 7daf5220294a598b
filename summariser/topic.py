"""Whether an article reports armed conflict, on the article's own words.

The overview call decides the topic, and a 1.5B model calls a flood with a "death toll" and "a
battle against time", or a cup final that was "a war of attrition", an armed-conflict report.
A conflict brief must be traceable like a figure: code requires at least one sentence, outside
quotation marks, that reports armed violence in plain terms (shelling, air strikes, gunfire,
fighting, armed groups, soldiers killed...). Without one, the model's "armed conflict" is
overruled. Figures and metaphors in quotes do not count.
"""

from __future__ import annotations

import re

from summariser.lexicon import load, word_pattern

_QUOTED = re.compile(r"\"[^\"\n]{0,600}\"|“[^”\n]{0,600}”")
_WORDS = load("violence")
_ARMED = word_pattern(_WORDS["terms"])
_HARMED_FORCES = re.compile(
    r"\b(" + "|".join(_WORDS["harmed_forces"]["forces"]) + r")\b[^.]{0,60}\b("
    + "|".join(_WORDS["harmed_forces"]["harm"]) + r")\b", re.IGNORECASE)


def armed_violence(text: str) -> str | None:
    """The first sentence-sized stretch of `text` (outside quotes) that reports armed violence,
    or None."""
    plain = _QUOTED.sub(" ", text)
    for sentence in re.split(r"(?<=[.!?])\s+|\n+", plain):
        if _ARMED.search(sentence) or _HARMED_FORCES.search(sentence):
            return sentence.strip()
    return None
