"""Facts about actors and places that code can read off the article instead of paying the model
to write them: aliases ("Hayat Tahrir al-Sham (HTS)"), backers ("Turkish-backed", "backed by
Russia"), where people fled from and to, the sentence that reports a change of control, and the
role a place plays. All heuristics here only ever point at text the article contains.
"""

from __future__ import annotations

import re
import unicodedata

from summariser.text import Sentence

# Backers that are not countries (countries and demonyms are the gazetteer's: lexicon/countries.toml).
_BLOCS = {"western": "Western states", "nato": "NATO", "un": "UN"}
_CONTROL = re.compile(
    r"\b(captur\w*|seiz\w*|took control|taken control|take control|taking control|"
    r"recaptur\w*|retak\w*|retook|overr[au]n\w*|fell to|entered|stormed|wrested control|"
    r"lost control|withdr[ae]w\w*|pull\w* out|under (?:the )?control|liberat\w*|swept into)\b",
    re.IGNORECASE,
)
_NAME = r"[A-Z][\w'’.-]*(?:\s+(?:al-|el-|de |of |the )?[A-Z][\w'’.-]*)*"


def fold(s: str) -> str:
    """Case-, accent-, apostrophe- and whitespace-insensitive form for matching names."""
    s = unicodedata.normalize("NFKD", s).replace("’", "'")
    return " ".join("".join(c for c in s if not unicodedata.combining(c)).casefold().split())


def split_name(name: str) -> tuple[str, list[str]]:
    """'Hayat Tahrir al-Sham (HTS)' -> ('Hayat Tahrir al-Sham', ['HTS'])."""
    m = re.fullmatch(r"\s*(.+?)\s*\(([^()]{1,40})\)\s*", name)
    if m:
        return m.group(1), [m.group(2)]
    return name.strip(), []


def _initials(name: str) -> str:
    words = [w for w in re.split(r"[\s-]+", name) if w and w[0].isupper()]
    return "".join(w[0] for w in words)


def abbreviates(short: str, name: str) -> bool:
    """Whether `short` is an abbreviation of `name` or of its last words: "RSF" of "Rapid Support
    Forces" and of "Sudan's paramilitary Rapid Support Forces", "the SAF" of "Sudanese Armed
    Forces"."""
    short = re.sub(r"^the\s+", "", short.strip(), flags=re.IGNORECASE)
    if not re.fullmatch(r"[A-Z]{2,6}", short):
        return False
    initials = _initials(name)
    if initials == short:
        return True
    # the name's last words only ("Sudan's paramilitary Rapid Support Forces"): three letters at
    # least, or "SF" would stand for any "... Support Forces"
    return len(short) >= 3 and initials.endswith(short) and len(name.split()) >= len(short)


def same_side(a: str | None, b: str | None) -> bool:
    """Whether two names of sides name one: the same words ("the RSF", "RSF"), one inside the
    other ("Sudan's paramilitary Rapid Support Forces", "Rapid Support Forces"), or one the
    other's abbreviation."""
    if not a or not b:
        return False
    fa, fb = (re.sub(r"^the\s+", "", fold(x)) for x in (a, b))
    return fa == fb or fa in fb or fb in fa or abbreviates(a, b) or abbreviates(b, a)


def _full_name(words_before: str, abbreviation: str) -> str:
    """The name an abbreviation stands for, from the capitalised words before it: the shortest
    tail whose initials spell it ("The Director General of Inter-Services Public Relations" ->
    "Inter-Services Public Relations" for ISPR), else the words without a leading "The" (ELN,
    "National Liberation Army", abbreviates its Spanish name)."""
    words = words_before.split()
    letters = re.sub(r"[^A-Z]", "", abbreviation.upper())
    for start in range(len(words) - 1, -1, -1):
        tail = [w for w in words[start:] if w.lower() not in ("of", "for", "and", "the", "de", "al")]
        if "".join(p[0] for w in tail for p in w.split("-") if p).upper() == letters:
            return " ".join(words[start:])
    return re.sub(r"^The\s+", "", words_before)


def aliases_for(name: str, article: str) -> list[str]:
    """Other forms the article itself uses for `name`: a parenthesised abbreviation after it, the
    full name before it when it is that abbreviation, or its initials standing alone somewhere in
    the text."""
    found: list[str] = []
    for m in re.finditer(re.escape(name) + r"\s*\(([^()]{1,30})\)", article):
        found.append(m.group(1).strip())
    # `name` is the abbreviation: "the National Liberation Army (ELN)" gives ELN its full name.
    for m in re.finditer(r"((?:[A-Z][\w'’-]*\s+(?:(?:of|for|and|the|de|al)\s+)*)*[A-Z][\w'’-]*)\s*\("
                         + re.escape(name) + r"\)", article):
        found.append(_full_name(m.group(1).strip(), name))
    initials = _initials(name)
    if len(initials) >= 2 and re.search(rf"\b{re.escape(initials)}\b", article):
        found.append(initials)
    out: list[str] = []
    for a in found:
        if fold(a) != fold(name) and fold(a) not in {fold(x) for x in out}:
            out.append(a)
    return out


def backer_name(part: str) -> str:
    """A backer as a brief names it: "Turkish" -> "Turkey", "NATO" -> "NATO", else as written."""
    from summariser import gazetteer  # the gazetteer folds with fold() from this module

    code = gazetteer.country_code(part)
    if code is not None:
        return gazetteer.display_name(code)
    return _BLOCS.get(part.lower(), part)


def backers_for(names: list[str], article: str) -> list[str]:
    """Backers the article states for an actor: 'Turkish-backed X', 'X, backed by Russia'."""
    backers: list[str] = []
    for name in names:
        n = re.escape(name)
        for m in re.finditer(
            # each word whole ((?![\w.])): with "[A-Z][\w.]*" free to end anywhere, a run of
            # capitalised words could be split in exponentially many ways before failing
            rf"\b((?:[A-Z][\w.]*(?![\w.])-?(?:,|\s+and)?\s*)+)-?backed\s+(?:\w+\s+){{0,3}}?{n}\b", article
        ):
            for part in re.split(r",|\band\b", m.group(1)):
                part = part.strip(" -")
                if part:
                    backers.append(backer_name(part))
        backed_by = rf"\b{n}\b[^.]{{0,40}}?\bbacked by ((?:the )?{_NAME}(?:\s*(?:,|and)\s*{_NAME})*)"
        for m in re.finditer(backed_by, article):
            for part in re.split(r",|\band\b", m.group(1)):
                part = part.strip()
                if part:
                    backers.append(backer_name(part))
    out: list[str] = []
    for b in backers:
        if fold(b) not in {fold(x) for x in out} and fold(b) not in {fold(n) for n in names}:
            out.append(b)
    return out


def control_sentence(place: str, sentences: list[Sentence]) -> Sentence | None:
    """The first body sentence that names the place and says it changed hands. "Hadra district"
    is also found as "the district's main town, also called Hadra": every capitalised word of
    the name must be there."""
    key = fold(place)
    words = [fold(w) for w in re.findall(r"[A-Z][\w'-]{2,}", place)]
    for s in sentences:
        text = fold(s.text)
        named = key in text or (words and all(re.search(rf"\b{re.escape(w)}\b", text) for w in words))
        if named and _CONTROL.search(s.text):
            return s
    return None


def route(sentence: str, places: list[str]) -> tuple[str | None, str | None]:
    """(origin, destination) of people fleeing, when the sentence says 'from X' / 'to X'."""
    origin = destination = None
    for place in sorted(places, key=len, reverse=True):
        p = re.escape(place)
        # "fled Dansai", "fleeing Syria's second-largest city, Aleppo", "residents of Kalvi had
        # been moved": at most four words in between, none of them "to" ("fled on foot to X").
        left = (rf"\b(?:from|fleeing|fled|flee|leaving|left|residents\s+of|inhabitants\s+of)\s+"
                rf"(?:the\s+)?(?:(?!(?:to|towards|toward|into)\b)[\w'’-]+,?\s+){{0,4}}?{p}\b")
        if origin is None and re.search(left, sentence, re.IGNORECASE):
            origin = place
        elif destination is None and re.search(
                # "to the provincial capital, Meruk", "into neighbouring Belstan": at most two
                # lower-case words between the preposition and the place.
                rf"\b(?:to|towards|toward|into|reached|reaching|arrived in)\s+(?:the\s+)?"
                rf"(?:[a-z]+\s+){{0,2}}?(?:[a-z]+,\s+)?{p}\b", sentence):
            destination = place
    if origin is None and _DISPLACED.search(sentence):
        origin = _displaced_in(sentence, places, destination)
    if origin and destination and fold(origin) == fold(destination):
        destination = None
    return origin, destination


# People made to leave their homes: the sentence's place "in" is where they left
_DISPLACED = re.compile(r"\b(?:(?:forcibly\s+)?displaced|uprooted|had\s+to\s+leave|forced\s+(?:to\s+leave|"
                        r"from))\b", re.IGNORECASE)
# ... unless they now shelter there ("displaced families sheltering in Goma", "camps in Goma")
_SHELTER = re.compile(r"\b(?:camps?|shelters?|sheltering|hosted|host|living|staying|arrived|settled|"
                      r"refuge|sites?)\b[^,.;]{0,30}\Z", re.IGNORECASE)


def _displaced_in(sentence: str, places: list[str], destination: str | None) -> str | None:
    """The place a displacement sentence says people were displaced in, as the first place
    after "in" ("In Magüi Payán, department of Nariño, ... 172 people were forcibly displaced",
    "25 families were displaced in Caucasia"), where no shelter word stands before it."""
    found = []
    for place in places:
        if destination and fold(place) == fold(destination):
            continue
        for m in re.finditer(rf"\b[Ii]n\s+(?:the\s+)?(?:[a-z]+\s+of\s+)?{re.escape(place)}\b", sentence):
            if not _SHELTER.search(sentence[:m.start()]):
                found.append((m.start(), place))
                break
    return min(found)[1] if found else None
