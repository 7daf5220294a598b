"""Page noise in text inputs: which lines of an article are its body, and which are what a news
page prints around it (menus, share buttons, captions, related-link lists, comments).

Spans index the string given, like every span of summariser.text.
"""

from __future__ import annotations

import re

from summariser.text import line_spans

_AGENCIES = (
    r"(?:Reuters|AFP|AP|EPA|EPA-EFE|Getty(?:\s+Images)?|Anadolu(?:\s+Agency)?|AA|SANA|Xinhua|"
    r"TASS|IRNA|Sputnik|DPA|UNHCR|UNICEF|Handout|File|Shutterstock|Alamy|NurPhoto|"
    r"SOPA Images|Sipa|Zuma|Images)"
)
_CAPTION_RE = re.compile(
    r"^(?:photo|photos|image|images|picture|pictures|photograph|caption|image\s+caption|"
    r"media\s+caption|image\s+source|video\s+caption|video|graphic|illustration|file\s+photo|"
    r"credit|photo\s+credit|source\s+image|gallery)\s*[:|\u2014\u2013-]"
    r"|^\(?\s*(?:photo|picture|image|photograph)s?\s+(?:by|credit|courtesy|:)"
    r"|\((?:[^()]*[/:|]\s*)?" + _AGENCIES + r"(?:\s*/\s*[^()]*)?\)\s*$"
    r"|\((?:photo|picture|image|photograph|file\s+photo)\b[^()]*\)\s*$"
    r"|(?:[/|\u2014\u2013]|\bvia)\s*" + _AGENCIES + r"\s*$",
    re.IGNORECASE,
)
_EXACT_NOISE = frozenset("""
home|news|world|sport|sports|business|politics|opinion|video|videos|live|menu|search|subscribe|
sign in|sign up|log in|login|log out|register|newsletter|newsletters|skip to content|
skip to main content|skip to navigation|follow us|share|share this|share this article|
share this story|share on facebook|share on twitter|share via email|tweet|facebook|twitter|x|
whatsapp|linkedin|telegram|reddit|email|e-mail|print|copy link|link copied|advertisement|advert|
sponsored|sponsored content|promoted|ad|ads|continue reading|continue reading below|
story continues below|story continues below advertisement|scroll to continue|
scroll to continue with content|close|back to top|top|next|previous|listen|
listen to this article|save|bookmark|more|show more|load more|see more|see all|
reuse this content|report an error|accept|accept all|reject all|manage cookies|cookie settings|
privacy policy|terms of use|terms and conditions|contact us|about us|all rights reserved|
view comments|show comments|hide comments|comments are closed|be the first to comment|
leave a comment|add a comment|post a comment|write a comment|join the conversation|
join the discussion
""".replace("\n", "").split("|"))
_PATTERN_NOISE_RE = re.compile(
    r"^[\d.,\s]+[km]?\s+(?:views?|reads?|shares?|likes?|plays?|comments?|replies)$"
    r"|^(?:log|sign)\s*in\s+to\s+(?:comment|reply|post|continue)"
    r"|^(?:©|\(c\)\s*\d|copyright\b)|all\s+rights\s+reserved"
    r"|^share\s+(?:on|via|this|to|article|story)\b"
    r"|^(?:sign\s+up|subscribe|follow\s+us|click\s+here|download\s+(?:our|the)\s+app|get\s+the\s+app|"
    r"join\s+our|get\s+our\s+newsletter)\b",
    re.IGNORECASE,
)
_COOKIE_RE = re.compile(
    r"\bcookies?\b.*\b(?:we\s+use|accept|consent|policy|settings|preferences|uses?)\b"
    r"|\b(?:we\s+use|this\s+(?:site|website)\s+uses|accept)\b.*\bcookies?\b",
    re.IGNORECASE,
)
_LIST_HEADER_RE = re.compile(
    r"(?:read\s+more|read\s+next|read\s+also|also\s+read|see\s+also|related|"
    r"related\s+(?:articles?|stories|story|news|content|topics?|coverage|links|posts|reading|"
    r"videos?)|more\s+on\s+this(?:\s+story|\s+topic)?|more\s+(?:on|from|in|about|like\s+this)\b.*|"
    r"more(?!\s+than\b)(?:\s+\S+){1,4}|recommended(?:\s+for\s+you|\s+stories|\s+articles|\s+reading|\s+videos?)?|"
    r"most\s+(?:read|popular|viewed|shared|watched)|popular(?:\s+now|\s+stories|\s+articles)?|"
    r"trending(?:\s+now|\s+stories)?|top\s+stories|latest(?:\s+news|\s+stories|\s+videos?)?|"
    r"you\s+(?:may|might)\s+also\s+(?:like|be\s+interested\s+in)|editor'?s\s+picks|"
    r"in\s+pictures|watch(?:\s+more|\s+next|\s+now)?|up\s+next|what\s+to\s+read\s+next|"
    r"further\s+reading|don'?t\s+miss|must\s+read|explore\s+more|in\s+other\s+news|"
    r"also\s+on\s+\S+(?:\s+\S+)?|tags?|topics?)\s*:?",
    re.IGNORECASE,
)
_INLINE_HEADER_RE = re.compile(
    r"^(?:read\s+more|read\s+also|also\s+read|see\s+also|related|watch|recommended|more|"
    r"listen|opinion)\s*[:|\u2014\u2013]\s*\S",
    re.IGNORECASE,
)
_COMMENTS_HEADER_RE = re.compile(
    r"(?:\d[\d,]*\s+)?comments?|comments?\s*\(\s*\d[\d,]*\s*\)|reader\s+comments|"
    r"(?:show|view|read)\s+(?:all\s+)?(?:\d+\s+)?comments|discussion|conversation|"
    r"join\s+the\s+(?:discussion|conversation)|what\s+do\s+you\s+think\??|have\s+your\s+say",
    re.IGNORECASE,
)
_FINAL_PUNCT = ".!?\u2026"
_CLOSERS = "\"'\u201d\u2019\u00bb)]*"


def _ends_sentence(line: str) -> bool:
    stripped = line.rstrip().rstrip(_CLOSERS).rstrip()
    return bool(stripped) and stripped[-1] in _FINAL_PUNCT


def _is_paragraph(line: str, words: int) -> bool:
    # Long enough to be prose rather than a headline: headlines rarely run past 12 words and
    # almost never end with a full stop; a very long line is prose even without one.
    return (_ends_sentence(line) and words >= 12) or words >= 25


def _is_noise_line(line: str) -> bool:
    key = " ".join(line.casefold().split()).rstrip(":").strip()
    if key in _EXACT_NOISE:
        return True
    if _CAPTION_RE.search(line) or _PATTERN_NOISE_RE.search(line):
        return True
    return len(line.split()) <= 60 and bool(_COOKIE_RE.search(line))


def _header_kind(line: str, words: int) -> str | None:
    """"list" for a related-links header, "comments" for a comments header, else None."""
    if words > 8 or _ends_sentence(line):
        return None if not _INLINE_HEADER_RE.match(line) or words > 25 else "list"
    if _COMMENTS_HEADER_RE.fullmatch(line.strip()):
        return "comments"
    if _LIST_HEADER_RE.fullmatch(line.strip()) or _INLINE_HEADER_RE.match(line):
        return "list"
    return None


def body_spans(text: str) -> list[tuple[int, int]]:
    """The [start, end) ranges of the lines of ``text`` that are article body, in order.

    Each range is one line without its surrounding whitespace. A line is page noise when:

    1. it is a navigation, share, advertisement, sign-up, cookie or copyright line, a view
       counter ("12,345 views") or a photo caption or credit ("Photo:", "Image:", "(Photo by",
       "... (Reuters)", "... /AFP");
    2. it is a related-links header ("Read more", "Related", "More on this", "Also read",
       "Watch:", "Recommended", "Most read", "More No Comment" and other short "More ..." lines),
       or follows one: after such a header every line is noise until a prose paragraph (ends
       with . ! ? and has at least 12 words, or has at least 25 words) resets;
    3. it is a comments header ("Comments", "12 comments", "Join the discussion"): it and every
       line after it are noise;
    4. it belongs to a run of at least 3 consecutive headline-like lines (no sentence-final
       punctuation, at most 20 words), which is a link list or tag list. Before the first prose
       paragraph (title, byline, dateline) only runs of lines of at most 4 words count, so a
       menu is dropped but the title and byline are kept.

    Single sub-headings inside the article ("Surprise offensive") stay body, as do the
    paragraphs after them.
    """
    lines = line_spans(text)
    noise = [False] * len(lines)
    mode: str | None = None
    for i, (s, e) in enumerate(lines):
        line = text[s:e]
        words = len(line.split())
        if mode == "comments":
            noise[i] = True
            continue
        kind = _header_kind(line, words)
        if kind is not None:
            noise[i] = True
            mode = kind
            continue
        if _is_noise_line(line):
            noise[i] = True
            continue
        if mode == "list":
            if _is_paragraph(line, words):
                mode = None
            else:
                noise[i] = True
    _mark_link_runs(text, lines, noise)
    return [span for span, is_noise in zip(lines, noise, strict=True) if not is_noise]


def _mark_link_runs(text: str, lines: list[tuple[int, int]], noise: list[bool]) -> None:
    """Rule 4 of body_spans: runs of >= 3 headline-like lines are link lists."""
    seen_paragraph = False
    run: list[int] = []

    def flush() -> None:
        if len(run) >= 3:
            for j in run:
                noise[j] = True
        run.clear()

    for i, (s, e) in enumerate(lines):
        line = text[s:e]
        words = len(line.split())
        limit = 20 if seen_paragraph else 4
        if not _ends_sentence(line) and words <= limit:
            run.append(i)
            continue
        flush()
        if _is_paragraph(line, words) and not noise[i]:
            seen_paragraph = True
    flush()
