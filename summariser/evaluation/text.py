"""Text helpers the scorers share: name normalisation, quote location and number reading.

They are written here on purpose rather than imported from the pipeline (summariser.numbers,
summariser.grounding): an eval that grades the extractor with the extractor's own number parser
or quote matcher cannot see that code's bugs.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

# Typographic variants a model (or a copy-paste) swaps freely; quotes must still count as verbatim.
_CHAR_MAP = {
    "\u2018": "'", "\u2019": "'", "\u201a": "'", "\u201b": "'", "\u2032": "'", "`": "'",
    "\u201c": '"', "\u201d": '"', "\u201e": '"', "\u201f": '"', "\u2033": '"',
    "\u00ab": '"', "\u00bb": '"',
    "\u2010": "-", "\u2011": "-", "\u2012": "-", "\u2013": "-", "\u2014": "-", "\u2015": "-",
    "\u2212": "-",
    "\u00a0": " ", "\u2009": " ", "\u202f": " ", "\u2026": "...",
}


@lru_cache(maxsize=256)  # the same article is searched for every figure and trap of its case
def _fold(text: str) -> tuple[str, tuple[int, ...]]:
    """Lower-case, unify quotes/dashes, collapse whitespace and dash runs.

    Returns the folded text and, for each of its characters, the index of the source character
    it came from, so a match in folded text maps back to offsets in the original.
    """
    out: list[str] = []
    origin: list[int] = []
    for i, ch in enumerate(text):
        ch = _CHAR_MAP.get(ch, ch)
        if ch.isspace():
            ch = " "
            if not out or out[-1] == " ":
                continue
        elif ch == "-" and out and out[-1] == "-":
            continue  # "–-" and "—" must compare equal
        for low in ch.lower():
            out.append(low)
            origin.append(i)
    return "".join(out), tuple(origin)


def fold(text: str) -> str:
    """The comparison form of a quote: see _fold (whitespace at the ends removed)."""
    return _fold(text)[0].strip()


_ELISION = re.compile(r"\s*(?:\[\s*\.\.\.\s*\]|\(\s*\.\.\.\s*\)|\.\.\.)\s*")
_MAX_ELIDED_GAP = 600  # an elided quote must still come from one passage, not the whole page


def find_quote(quote: str, text: str) -> tuple[int, int] | None:
    """[start, end) of the first occurrence of `quote` in `text`, ignoring case, whitespace runs
    and quote/dash styles; None when the quote is empty or absent.

    Also accepted, because they change nothing a reader relies on: quotation marks around the
    whole quote, a final punctuation mark the article lacks, and a marked elision ("...")
    between pieces that occur in order within one passage.
    """
    hay, origin = _fold(text)
    needle = fold(quote)
    if not needle:
        return None
    trimmed = needle.strip("\"' ").rstrip(".,;:").strip()
    for candidate in dict.fromkeys((needle, trimmed)):
        at = hay.find(candidate) if candidate else -1
        if at >= 0:
            return origin[at], origin[at + len(candidate) - 1] + 1
    pieces = [p for p in _ELISION.split(trimmed) if p]
    if len(pieces) < 2:
        return None
    start = hay.find(pieces[0])
    while start >= 0:
        end = _follow(hay, pieces[1:], start + len(pieces[0]))
        if end is not None:
            return origin[start], origin[end - 1] + 1
        start = hay.find(pieces[0], start + 1)
    return None


def _follow(hay: str, pieces: list[str], pos: int) -> int | None:
    """End of the last piece when every piece follows the previous within the gap limit."""
    for piece in pieces:
        at = hay.find(piece, pos)
        if at < 0 or at - pos > _MAX_ELIDED_GAP:
            return None
        pos = at + len(piece)
    return pos


_LEADING_ARTICLE = re.compile(r"^(?:the)\s+")
_APOSTROPHES = re.compile(r"['\u2019\u2018`]")
_NON_WORD = re.compile(r"[^0-9a-z]+")
_PAREN = re.compile(r"\(([^)]*)\)")


def normalise_name(name: str) -> str:
    """Compare form of an actor/place name: no accents, case, punctuation or leading "the".

    Apostrophes are dropped rather than spaced so "People's" and "Peoples" agree.
    """
    text = unicodedata.normalize("NFKD", name)
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    text = _APOSTROPHES.sub("", text.lower())
    text = _NON_WORD.sub(" ", text).strip()
    return _LEADING_ARTICLE.sub("", text)


@lru_cache(maxsize=4096)
def name_variants(name: str) -> frozenset[str]:
    """Normalised forms a name may be matched by.

    Besides the whole name: the name with any parenthesised part removed and each parenthesised
    part ("Hayat Tahrir al-Sham (HTS)"), and the part before the first comma ("Aleppo, Syria"),
    because models write names that way and the gold cannot list every such spelling.
    """
    forms = {name, _PAREN.sub(" ", name), name.split(",", 1)[0]}
    forms.update(_PAREN.findall(name))
    return frozenset(n for n in (normalise_name(f) for f in forms) if n)


def contains_phrase(longer: str, shorter: str) -> bool:
    """True when the normalised words of `shorter` occur contiguously in those of `longer`."""
    big = normalise_name(longer).split()
    small = normalise_name(shorter).split()
    if not small or len(small) > len(big):
        return False
    return any(big[i:i + len(small)] == small for i in range(len(big) - len(small) + 1))


def _common_prefix(a: str, b: str) -> int:
    n = 0
    for x, y in zip(a, b, strict=False):
        if x != y:
            break
        n += 1
    return n


def word_variant(w: str, a: str) -> bool:
    """One word is another form of the other: a prefix of it ("Syria"/"Syrian"), or the same
    but for a short ending ("Ministry"/"minister", "Ukraine"/"Ukrainian")."""
    shared = _common_prefix(w, a)
    return shared == min(len(w), len(a)) or shared >= max(5, max(len(w), len(a)) - 3)


# Words that say what kind of body a party is, not which side: "Russian Defense Ministry" and
# "Russia" are one side, "Somali government" and "Somali military" too ("rebels" is kept: the
# Syrian army and Syrian rebels are not).
_PARTY_GENERIC = frozenset("""
the of s forces force army armed troops military ministry defense defence government security
state national regular its own units unit soldiers command
""".split())


def _party_key(name: str) -> list[str]:
    return [w for w in normalise_name(name).split() if w not in _PARTY_GENERIC]


def _same_words(a: list[str], b: list[str]) -> bool:
    """Every word of each has a counterpart in the other, one a prefix of it ("russian"/"russia")."""
    def fits(x: str, y: str) -> bool:
        return x == y or (min(len(x), len(y)) >= 4 and word_variant(x, y))

    return bool(a and b) and all(any(fits(x, y) for y in b) for x in a) and \
        all(any(fits(y, x) for x in a) for y in b)


def same_party(a: str, b: str) -> bool:
    """Two names of one side once the kind-of-body words are set aside ("Russian Defense
    Ministry" / "Russia", "Myanmar junta" / "Myanmar's junta forces"); never for two names that
    are nothing but such words."""
    return _same_words(_party_key(a), _party_key(b))


def figure_label(kind: str, count: int | None, low: int | None, high: int | None) -> str:
    """Short human label of a figure: "killed 700", "displaced 2500-3000", "killed unquantified"."""
    if count is not None:
        return f"{kind} {count}"
    if low is None and high is None:
        return f"{kind} unquantified"
    return f"{kind} {'?' if low is None else low}-{'?' if high is None else high}"


# --- numbers -----------------------------------------------------------------------------------

_UNITS = {
    "zero": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
    "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13,
    "fourteen": 14, "fifteen": 15, "sixteen": 16, "seventeen": 17, "eighteen": 18,
    "nineteen": 19, "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60,
    "seventy": 70, "eighty": 80, "ninety": 90,
}
_SCALES = {"thousand": 1_000, "million": 1_000_000, "billion": 1_000_000_000}
_TOKEN = re.compile(r"\d[\d,.]*\d|\d|[a-z]+")
_GROUPED = re.compile(r"^\d{1,3}(?:,\d{3})+$")
_DECIMAL = re.compile(r"^\d+\.\d+$")


def _digits(token: str) -> float | None:
    if token.isdigit():
        return int(token)
    if _GROUPED.match(token):
        return int(token.replace(",", ""))
    if _DECIMAL.match(token):
        return float(token)
    return None


def numbers_in(text: str) -> set[int]:
    """Every whole number a reader would say `text` states.

    Digits ("14,000", "255"), digits with a scale ("1.3 million"), and number words
    ("twenty-three", "a hundred thousand", "a dozen", "one hundred and fifteen"). Vague plurals
    ("dozens", "hundreds of thousands") state no number and yield nothing. Over-reading is the
    safe side: this set decides whether a predicted number was invented, so a stray extra
    number can only hide an invention, never report a false one.
    """
    tokens = _TOKEN.findall(text.lower())
    found: set[int] = set()
    i = 0
    while i < len(tokens):
        value, i_next = _read_number(tokens, i)
        for v in (value, _digits(tokens[i])):
            # A lone digit token counts too: "7 million" may be copied as 7 by a model that
            # then states the scale elsewhere, and over-reading is harmless (see above).
            if v is not None and abs(v - round(v)) < 1e-6:
                found.add(int(round(v)))
        i = i_next
    return found


def _read_number(tokens: list[str], i: int) -> tuple[float | None, int]:
    """Read one number starting at tokens[i]: (value, index after it), or (None, i + 1).

    A small state machine over the previous token's role, so that "two three-storey houses"
    stays two numbers while "twenty-three" and "one hundred and fifteen" become one.
    """
    n = len(tokens)
    total = 0.0
    current = 0.0
    last: str | None = None
    j = i
    digit = _digits(tokens[i])
    if digit is not None:
        current, last, j = digit, "digit", i + 1
    elif tokens[i] in ("a", "an") and i + 1 < n and (
        tokens[i + 1] in _SCALES or tokens[i + 1] in ("hundred", "dozen")
    ):
        current, last, j = 1, "a", i + 1
    while j < n:
        tok = tokens[j]
        if tok in _UNITS:
            v = _UNITS[tok]
            if not (last in (None, "hundred", "scale", "and") or (last == "tens" and v < 10)):
                break
            current += v
            last = "tens" if v >= 20 else "unit"
        elif tok == "hundred" and last in ("digit", "unit", "a"):
            current *= 100
            last = "hundred"
        elif tok == "dozen" and last in ("digit", "unit", "a"):
            current *= 12
            last = "dozen"
        elif tok in _SCALES and last in ("digit", "unit", "tens", "hundred", "dozen", "a"):
            total += current * _SCALES[tok]
            current = 0
            last = "scale"
        elif tok == "and" and last in ("hundred", "scale") and j + 1 < n and tokens[j + 1] in _UNITS:
            last = "and"
        else:
            break
        j += 1
    if last in (None, "a", "and"):
        return None, i + 1
    return total + current, j
