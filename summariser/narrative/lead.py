"""Headline and summary from the article's own words: its title and its lead.

News leads are strong extractive summaries, and a sentence the article wrote cannot name a
party it never mentions, claim a capture it does not report or copy a prompt's example. So:

    headline: the article's title (the line above the first paragraph, when it reads like one),
              else its lead sentence, cut at a clause boundary when long;
    summary:  the lead sentence and the ones after it, up to lead.toml's summary_max_chars,
              without the sentence already used as the headline.

Datelines, archive stamps and agency tags are stripped from the front (lexicon/lead.toml).
Returns "" only when the article has no prose at all.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Sequence

from summariser.lexicon import load
from summariser.page_noise import body_spans
from summariser.text import split_sentences

_CONTENT = re.compile(r"[^\W\d_]{4,}")
_FINAL = ".!?\u2026"


@functools.cache
def _settings() -> tuple[list[re.Pattern[str]], list[re.Pattern[str]], dict]:
    data = load("lead")
    return ([re.compile(p) for p in data["prefixes"]],
            [re.compile(p, re.IGNORECASE) for p in data["not_titles"]], data)


@functools.cache
def _captions() -> list[re.Pattern[str]]:
    return [re.compile(p) for p in load("lead")["captions"]]


def is_caption(text: str) -> bool:
    """Whether a sentence is a photo caption (lexicon/lead.toml's captions: "..., Saturday,
    Jan. 5, 2013.", "(AP Photo/...)"), which is no part of the story."""
    return any(p.search(text) for p in _captions())


def strip_prefixes(text: str) -> str:
    prefixes, _, _ = _settings()
    changed = True
    while changed:
        changed = False
        for p in prefixes:
            m = p.match(text)
            if m and m.end() < len(text):
                text, changed = text[m.end():].lstrip(), True
    return text


def _ends_sentence(line: str) -> bool:
    return line.rstrip("\"'\u201d\u2019)]* ")[-1:] in _FINAL


def _is_paragraph(line: str) -> bool:
    words = len(line.split())
    return (_ends_sentence(line) and words >= 12) or words >= 25


def _stems(text: str) -> set[str]:
    return {w.casefold()[:5] for w in _CONTENT.findall(text)}


def _lines(article: str) -> list[str]:
    return [article[a:b].strip() for a, b in body_spans(article) if article[a:b].strip()]


def title(article: str) -> str | None:
    """The article's title: a headline-like line before the first paragraph that shares words
    with the story."""
    _, not_titles, data = _settings()
    lines = _lines(article)
    first = next((i for i, line in enumerate(lines) if _is_paragraph(line)), None)
    if first is None:
        return None
    story = _stems(" ".join(lines[first:first + 3]))
    for line in lines[:first]:
        words = len(line.split())
        if not data["title_min_words"] <= words <= data["title_max_words"]:
            continue
        if any(p.search(line) for p in not_titles) or line.isupper():
            continue
        if len(_stems(line) & story) >= data["title_shared_words"]:
            return strip_prefixes(line).rstrip(" .")
    return None


def lead_sentences(article: str) -> list[str]:
    """The sentences of the story from its first paragraph on, with the dateline stripped."""
    lines = _lines(article)
    first = next((i for i, line in enumerate(lines) if _is_paragraph(line)), None)
    if first is None or lines[first][:1].islower():
        # Hard-wrapped copy (a line break every ~70 characters): lines are not paragraphs, so
        # read them as one text from the line where the first sentence starts.
        if first is None:
            start = next((i for i, line in enumerate(lines) if len(line.split()) >= 6
                          or lines[i + 1:i + 2] and lines[i + 1][:1].islower()), None)
        else:
            start = first
            while start > 0 and first - start < 3 and not _ends_sentence(lines[start - 1]):
                start -= 1
        if start is None:
            return []
        blocks = [" ".join(lines[start:start + 12])]
    else:
        blocks = lines[first:first + 4]
    out: list[str] = []
    for block in blocks:
        for s in split_sentences(block):
            text = strip_prefixes(s.text) if not out else s.text
            if len(text.split()) >= 4 and text not in out \
                    and not is_caption(text):
                out.append(text)
    return out


def _cut(sentence: str, max_words: int) -> str:
    words = sentence.split()
    if len(words) <= max_words:
        return sentence.rstrip(" .")
    head = " ".join(words[:max_words])
    cut = max(head.rfind(", "), head.rfind(" - "), head.rfind(" \u2014 "))
    # No clause boundary to cut at: the whole sentence, rather than one that stops mid-phrase.
    return (head[:cut] if cut > len(head) // 3 else sentence).rstrip(" ,.")


def _names_one(text: str, names: Sequence[str]) -> bool:
    folded = text.casefold()
    return any(n and re.search(rf"(?<!\w){re.escape(n.casefold())}(?!\w)", folded) for n in names)


def headline(article: str, names: Sequence[str] = (), places: Sequence[str] = ()) -> str:
    """The title, else the lead sentence. `names`: the brief's places and actors; a title that
    names none of them ("Government-Allied Forces Leave Yemeni City") gives way to a lead
    sentence that does. `places`: the brief's places below country level; a headline says
    where, so a title that names none of them gives way to a lead sentence that names one."""
    _, _, data = _settings()
    found = title(article)
    leads = lead_sentences(article)
    first = _cut(leads[0], data["headline_max_words"]) if leads else ""
    if found and places and not _names_one(found, places) and _names_one(first, places):
        return first
    if found and (not names or _names_one(found, names) or not _names_one(first, names)):
        return found
    return first


def summary(article: str, headline_text: str) -> str:
    """The lead and the sentences after it; the lead is kept even when the headline was cut
    from it, since it is the sentence that says what happened where."""
    _, _, data = _settings()
    out: list[str] = []
    size = 0
    for sentence in lead_sentences(article):
        if out and size + len(sentence) + 1 > data["summary_max_chars"]:
            break
        out.append(sentence)
        size += len(sentence) + 1
    return " ".join(out)
