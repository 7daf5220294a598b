"""The sides a sentence names, and which of them is a verb's subject or object.

A side is a mention of an actor the brief knows, of a common noun for one ("the rebels",
"government troops"), or a pointer back to one ("the group"). Each mention is a Party: its span
in the sentence and its name as the sentence spells it. narrative.control reads changes of
control with these; narrative.roles, who attacked whom.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Sequence

from summariser.entities import fold, same_side
from summariser.gazetteer import fold_keep_length as _flat
from summariser.lexicon import load
from summariser.narrative import coref
from summariser.narrative.coref import alternation

Party = tuple[int, int, str]  # start, end, the name as the sentence spells it


def parties(text: str, names: list[str], resolve: Callable[[int], str | None] | None = None,
            *, itself: bool = False) -> list[Party]:
    """Mentions of any of `names` (and the lexicon's party nouns) in `text`, longest first,
    without mentions inside a modifier phrase ("backed by Russia"), in order. A pointer ("the
    group") names what `resolve` gives for its offset, else "" (a side no one can name).
    `itself`: only where the noun names the side itself, not as an adjective ("overran an army
    base" names no side that took a town; it still names the army a target of the attack)."""
    data = load("control")
    folded = _flat(text)
    found: list[Party] = []
    taken: set[int] = set()
    generic = {fold(w) for w in data["party_nouns"]} | {"group", "alliance", "coalition"}
    variants = list(names)
    for name in names:  # "Sons of the Valley militia" is also "the Sons of the Valley"
        words = name.split()
        if len(words) > 2 and fold(words[-1]) in generic:
            variants.append(" ".join(words[:-1]))
    candidates = sorted({n for n in [*variants, *data["party_nouns"]] if n and n.strip()},
                        key=len, reverse=True)
    # "the group" points back to a group named before: it names the group `resolve` finds for
    # it, or no one ("" where none fits). It comes first, so "group" is not read as part of
    # another side's mention.
    for start, end, _ in coref.side_pointers(text):
        taken.update(range(start, end))
        found.append((start, end, (resolve(start) if resolve else None) or ""))
    nouns = {fold(w) for w in data["party_nouns"]}
    heads = re.compile(rf"\s+(?:{alternation(data['party_noun_heads'])})\b", re.IGNORECASE)
    for name in candidates:
        key = re.sub(r"^the\s+", "", fold(name))
        for m in re.finditer(rf"(?<![\w-]){re.escape(key)}(?![\w-])", folded):
            if taken & set(range(*m.span())):
                continue
            if itself and fold(name) in nouns and heads.match(text, m.end()):
                continue  # "overran an army base": the army is not named, its base is
            taken.update(range(*m.span()))
            found.append((m.start(), m.end(), text[m.start():m.end()]))  # as the sentence spells it
    modifier = re.compile(rf"(?:{alternation([fold(x) for x in data['modifier_before']])})"
                          r"\s+(?:the\s+|its\s+|their\s+)?(?:[\w'’-]+\s+){0,4}$")
    return sorted((s, e, n) for s, e, n in found if not modifier.search(folded[max(0, s - 40):s]))


def before_at(parties: list[Party], at: int, text: str) -> int | None:
    """Index of the side named nearest before `at` in the same clause (a full stop or ";" ends
    one)."""
    for i in range(len(parties) - 1, -1, -1):
        if parties[i][1] <= at and not re.search(r"[;.]\s", text[parties[i][1]:at]):
            return i
    return None


_CLOSES = re.compile(r"[,;:.]|\b(?:but|as|while|before|after|when|that|said|says|say|"
                     r"is|was|were|are|has|had|have)\b", re.IGNORECASE)


# A clause set off by commas that describes the side before it: "The RSF, which has been fighting
# the army since April, seized ...", "The RSF, at war with the army since April 2023, seized",
# "Congolese soldiers, outgunned by M23, pulled back from Goma".
ASIDE = re.compile(r",\s*(?:which|who|whose|at\s+war|\w+ed\s+by|under|facing|amid|despite)\b[^,]*,")


@functools.cache
def _subject_modifier() -> re.Pattern[str]:
    return re.compile(rf"\b(?:{alternation(load('control')['subject_modifiers'])})\b", re.IGNORECASE)


def side_before(parties: list[Party], at: int, text: str) -> str | None:
    """The verb's subject: the side named nearest before it, unless that side is the object of
    a verb the subject also governs ("militants killed 12 soldiers and captured the base": the
    militants took it) or stands in a phrase that qualifies an earlier side ("Forces loyal to
    the government", "the army along with militia")."""
    i = before_at(parties, at, text)
    qualifier = next(reversed(list(_subject_modifier().finditer(text, 0, at))), None)  # the last
    # Only a phrase that runs on to the verb ("the army along with special forces and militia
    # took"), not one a comma, a conjunction or another verb has closed ("Ukraine, backed by
    # Western weapons, has held ..., but Russian forces captured").
    if i is not None and qualifier is not None and parties[i][0] > qualifier.start() and \
            not _CLOSES.search(text[qualifier.end():at]):
        j = before_at(parties, qualifier.start(), text)  # "X along with Y took": X did
        if j is not None:
            i = j  # where X is no side the brief names, Y (its ally or backer) stands for it
    if i is not None and i > 0:
        j = before_at(parties, parties[i][0], text)
        between = text[parties[j][1]:parties[i][0]] if j is not None else ""
        # "Kenyan troops battling al-Shabaab recaptured": the side after the participle is its
        # object
        if j is not None and re.fullmatch(r"\s+\w+ing\s+(?:the\s+)?", between):
            i = j
    # "M23 rebels, who accuse the Congolese army of backing Hutu militias, captured": a side
    # inside a relative clause the verb's subject has is the clause's
    for aside in ASIDE.finditer(text, 0, at):
        if i is not None and aside.start() < parties[i][0] < aside.end():
            i = before_at(parties, aside.start(), text)
    if i is not None and i > 0 and re.fullmatch(r"\s+and\s+(?:\w+ly\s+)?", text[parties[i][1]:at]):
        j = before_at(parties, parties[i][0], text)
        if j is not None and re.search(r"\b(?!(?:and|or|nor)\b)[a-z]\w*", text[parties[j][1]:parties[i][0]]):
            i = j  # a word between the two (the first verb), not "rebels, militias and"
    return None if i is None else named(parties, i, text)


def side_after(parties: list[Party], at: int, text: str) -> str | None:
    for i, (start, _, _) in enumerate(parties):
        if start >= at:
            return named(parties, i, text)
    return None


DETERMINERS = {"the", "a", "an", "its", "their", "his", "her", "this", "that", "these", "those",
                "our", "some", "all", "both"}


def is_generic(name: str) -> bool:
    return fold(re.sub(r"^(?:the|its|their)\s+", "", name, flags=re.IGNORECASE)) in \
        {fold(w) for w in load("control")["party_nouns"]}


def named(parties: list[Party], i: int, text: str,
          places: Sequence[tuple[int, int]] = ()) -> str:
    """The side a party mention names, as fully as the sentence says it. A bare party noun
    takes the name it is tied to: "Fighters from the M23 rebel group" is M23, "The RSF said
    its forces" the RSF; else the words that qualify it ("resistance fighters", "Ethiopian
    soldiers")."""
    start, end, name = parties[i]
    if not is_generic(name):
        return name
    data = load("control")
    # "Fighters from the Group for the Support of Islam and Muslims": small words inside a name
    of = re.match(r"\s+(?:from|of)\s+(?:the\s+)?([A-Z0-9][\w'’-]*(?:\s+(?:(?:for|of|the|and)\s+)*"
                  r"[A-Z0-9][\w'’-]*)*)", text[end:])
    # not the place itself ("pushed back troops from Kherson": the troops are not Kherson's)
    if of and not re.fullmatch(r"(?:The|A|An)", of.group(1)) and \
            not any(ps <= end + of.start(1) < pe for ps, pe in places):
        return of.group(1)
    # "The RSF said its forces", "Wagner chief Yevgeny Prigozhin said his fighters"
    if re.search(r"\b(?:its|their|his|her)\s+$", text[:start], re.IGNORECASE):
        for _s, e, other in reversed(parties[:i]):  # the owner, named earlier in the sentence
            if not is_generic(other) and not re.search(r"[;.]\s", text[e:start]):
                return other
    modifiers = {fold(w) for w in data["party_modifiers"]}
    words = list(re.finditer(r"[\w'’-]+", text[:start]))
    first = start
    for w in reversed(words[-2:]):
        token = w.group()
        if fold(token) in modifiers or (token[:1].isupper() and fold(token) not in DETERMINERS):
            if text[w.end():first].strip():
                break  # only words right before it, none across a comma
            first = w.start()
        else:
            break
    return text[first:end]


def in_phrase(found: list[Party], at: int, text: str, word: str = "by") -> str | None:
    """The side a "by" (or `word`) phrase right after `at` names (`phrase_party`)."""
    i = phrase_party(found, at, text, word)
    return None if i is None else named(found, i, text)


def phrase_party(found: list[Party], at: int, text: str, word: str = "by") -> int | None:
    """Index of the party a "by" (or `word`) phrase right after `at` names, within that phrase ("... out of
    Kherson by Ukrainian forces"; not "by a counteroffensive, Russia's defence ministry said");
    an aside may stand between ("lost Sinja, the capital of Sennar state, to the army") but
    names no side ("The fall of Raqqa, the capital of Islamic State, to US-backed forces"), and
    the side starts within three words of `word` ("The capture of Goma by late January forced
    the army to regroup" names none)."""
    m = re.match(rf"(?:,(?:[^,]|(?<=\d),(?=\d)){{0,100}},)?\s+(?:{word})\s+", text[at:])
    if not m:
        return None
    # (no "of" and no verb between: "to the dismay of Rwanda's neighbours", "by nightfall
    # surprised Rwanda")
    gap = re.compile(r"(?:(?!of\b|[a-z]+ed\b)[\w'’-]+\s+){0,3}")
    inside = [i for i, p in enumerate(found) if p[0] >= at + m.end() and
              gap.fullmatch(text, at + m.end(), p[0]) and not re.search(r"[,;.]", text[at + m.end():p[0]])]
    return inside[0] if inside else None


# A quotation's own subject right before its verb: "We have taken", "Our units have liberated"
_WE = re.compile(r"(?:\b[Ww]e|\b[Oo]ur\s+(?:[\w'’-]+\s+)?(?:forces|units|troops|fighters|men|soldiers|"
                 r"army|brigades?|mujahideen))\s+(?:(?:have|had|now|just|finally|fully|successfully)\s+)*\Z")
_QUOTE = re.compile(r"[\"“”]")
_SAYS = r"(?:said|says|added|announced|declared|told\s+[\w'’-]+(?:\s+[\w'’-]+)?)"


def quoted_speaker(found: list[Party], at: int, text: str) -> str | None:
    """The side whose words a quotation is, where the quoted verb at `at` has "we" or "our
    forces" for its subject: '"Our units have liberated the town of Kupiansk," the Russian
    Defence Ministry said', 'The RSF said: "We have taken El Fasher."'. None where the verb is
    not quoted, its subject is another, or no side of the brief is said to speak."""
    marks = [m.start() for m in _QUOTE.finditer(text, 0, at)]
    if len(marks) % 2 == 0 or not _WE.search(text, marks[-1] + 1, at):
        return None
    opening = marks[-1]
    for i in range(len(found) - 1, -1, -1):  # 'The RSF said: "We ...'
        if found[i][1] <= opening:
            if re.fullmatch(rf"\s+{_SAYS}\s*[:,]?\s*", text[found[i][1]:opening]):
                return named(found, i, text)
            break
    close = _QUOTE.search(text, at)
    if close is None:
        return None
    for i, (start, end, _) in enumerate(found):  # '..." the ministry said' / '..." said the ministry'
        if start >= close.end():
            gap, rest = text[close.end():start], text[end:]
            if re.fullmatch(rf"\s*,?\s*(?:{_SAYS}\s+)?(?:the\s+|a\s+|an\s+)?(?:[\w'’-]+\s+){{0,3}}",
                            gap) and \
                    (re.match(rf"\s+{_SAYS}\b", rest) or re.search(rf"\b{_SAYS}\s+", gap)):
                return named(found, i, text)
            break
    return None


def mentioned(name: str | None, text: str) -> bool:
    """Whether `text` names the side `name` as a whole word ("the" aside)."""
    if not name:
        return False
    key = re.sub(r"^the\s+", "", fold(name))
    return bool(key) and re.search(rf"(?<![\w-]){re.escape(key)}(?![\w-])", fold(text)) is not None


def reconcile(read: tuple[str | None, str | None], model_gained: str | None, model_lost: str | None,
              sentence: str) -> tuple[str | None, str | None]:
    """Sides to report: the verb's (`read`: gainer, loser) where it names one; the model's only
    where the sentence mentions that side and the verb does not put it on the other side."""
    gained, lost = read
    for name in (model_gained, model_lost):
        if not mentioned(name, sentence):
            continue
        # The model's side goes where the verb leaves room, whichever slot the model used:
        # when the verb names the gainer, another side the sentence names is the loser.
        if same_side(name, gained) or same_side(name, lost):
            continue
        if name == model_gained and gained is None and not same_side(name, lost):
            gained = name
        elif name == model_lost and lost is None and not same_side(name, gained):
            lost = name
    return gained, lost
