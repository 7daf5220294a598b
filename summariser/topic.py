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

_QUOTED = re.compile(r"\"[^\"\n]{0,600}\"|“[^”\n]{0,600}”")
_ARMED = re.compile(
    r"\b(air ?strikes?|airstrikes?|air raids?|shell(?:ing|ed|s)|artillery|mortars?|rockets?|"
    r"missiles?|drones?|bomb(?:s|ing|ings|ed|er|ers)?|car bombs?|explosive\w*|ied|landmines?|"
    r"gunfire|gunmen|gunman|opened fire|snipers?|ambush\w*|offensive|clash(?:es|ed)|"
    r"fighting|firefights?|massacre\w*|insurgen\w*|rebels?|rebel-held|jihadis\w*|militants?|"
    r"militias?|militiamen|paramilitar\w*|armed (?:groups?|men|forces)|ceasefire|truce|"
    r"bandits?|(?<!fire )(?<!fire-)fighters|assailants|gunshots?|gunshot wounds|"
    r"(?:roadside|suicide|grenade|bomb) blasts?|"
    r"front ?lines?|war|warplanes?|airstrikes?|attacked|attackers|attacks? (?:on|against|by)|"
    r"captured|recaptured|insurgency|terroris\w*|coup|raid(?:s|ed|ing)?|stormed|shot dead|"
    r"grenades?|gun ?fights?|shoot-?outs?|invasion|invaded|hostilities|suicide attack\w*|"
    r"(?:security|government|occupation|armed|israeli|russian|ukrainian|government-backed) forces|"
    r"forces (?:killed|shot|fired|opened|stormed|advanced|shelled|bombed))\b",
    re.IGNORECASE,
)
_HARMED_FORCES = re.compile(
    r"\b(soldiers|troops|servicemen|policemen|officers)\b[^.]{0,60}\b(killed|wounded|injured|"
    r"dead|died|missing|captured|abducted)\b", re.IGNORECASE)


def armed_violence(text: str) -> str | None:
    """The first sentence-sized stretch of `text` (outside quotes) that reports armed violence,
    or None."""
    plain = _QUOTED.sub(" ", text)
    for sentence in re.split(r"(?<=[.!?])\s+|\n+", plain):
        if _ARMED.search(sentence) or _HARMED_FORCES.search(sentence):
            return sentence.strip()
    return None
