"""Page noise in text inputs: which lines of an article are its body, and which are what a news
page prints around it (menus, share buttons, captions, related-link lists, comments).

The word lists and patterns are data: lexicon/page_noise.toml. Spans index the string given, like
every span of summariser.text.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass

from summariser.lexicon import load
from summariser.text import line_spans


@dataclass(frozen=True)
class Rules:
    """lexicon/page_noise.toml, compiled (all patterns case-insensitive)."""

    exact: frozenset[str]  # whole lines that are noise, folded (see _is_noise_line)
    caption: re.Pattern[str]
    other: re.Pattern[str]  # view counters, sign-in prompts, copyright, share and sign-up calls
    cookie: re.Pattern[str]
    list_header: re.Pattern[str]  # fullmatch
    inline_header: re.Pattern[str]  # match
    comments_header: re.Pattern[str]  # fullmatch


@functools.cache
def rules() -> Rules:
    """The page-noise rules of lexicon/page_noise.toml. Read once per process."""
    data = load("page_noise")

    def alternatives(key: str) -> str:
        # "{agencies}" or "{caption_labels}" in a pattern: any one entry of that list.
        out = "|".join(data[key])
        for name in ("agencies", "caption_labels"):
            out = out.replace("{" + name + "}", "(?:" + "|".join(data[name]) + ")")
        return out

    def compiled(pattern: str) -> re.Pattern[str]:
        return re.compile(pattern, re.IGNORECASE)

    return Rules(
        exact=frozenset(data["exact"]),
        caption=compiled(alternatives("captions")),
        other=compiled(alternatives("patterns")),
        cookie=compiled(alternatives("cookies")),
        list_header=compiled("(?:" + alternatives("list_headers") + r")\s*:?"),
        inline_header=compiled(r"^(?:" + alternatives("inline_headers") + r")\s*[:|\u2014\u2013]\s*\S"),
        comments_header=compiled(alternatives("comments_headers")),
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
    r = rules()
    key = " ".join(line.casefold().split()).rstrip(":").strip()
    if key in r.exact:
        return True
    if r.caption.search(line) or r.other.search(line):
        return True
    return len(line.split()) <= 60 and bool(r.cookie.search(line))


def _header_kind(line: str, words: int) -> str | None:
    """"list" for a related-links header, "comments" for a comments header, else None."""
    r = rules()
    if words > 8 or _ends_sentence(line):
        return None if not r.inline_header.match(line) or words > 25 else "list"
    if r.comments_header.fullmatch(line.strip()):
        return "comments"
    if r.list_header.fullmatch(line.strip()) or r.inline_header.match(line):
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
