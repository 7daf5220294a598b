"""HTML input: whether a text is a web page, and the article text of one.

The article text comes from trafilatura, a maintained extractor made for news pages: it finds the
page's main content and leaves out navigation, share bars, related-story lists, comments and
footers, and reads the title and publication date from the page's markup. The product's own
page-noise marking (summariser.page_noise) still runs on the text it returns, as on any text input.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser
from typing import Any

import trafilatura

_HTML_HINT_RE = re.compile(
    r"<!doctype\s+html|<html[\s>]|<body[\s>]|<head[\s>]|<(?:p|div|br|article|span|a|h[1-6]|"
    r"meta|script|ul|li|table)(?:\s[^<>]*)?/?>|</(?:p|div|span|a|h[1-6]|li|body|html)>",
    re.IGNORECASE,
)
_TAG_RE = re.compile(r"</?[a-zA-Z][a-zA-Z0-9]*(?:\s[^<>]*)?/?>")


def looks_like_html(s: str) -> bool:
    """Whether ``s`` is HTML markup rather than plain text (judged on its first 5,000 chars)."""
    head = s[:5000]
    if re.match(r"\s*<!doctype\s+html|\s*<html[\s>]", head, re.IGNORECASE):
        return True
    # One stray "<b>" or "a < b > c" in plain text is not a page; several known tags are.
    return len(_HTML_HINT_RE.findall(head)) >= 2 and len(_TAG_RE.findall(head)) >= 3


# trafilatura's settings. Comments are not the article. The date only from the page's markup
# (meta tags, <time>, JSON-LD, the URL): its "extensive search" guesses one from any date-like
# text, e.g. "© 2020" becomes 2020-01-01. Precision rather than the default balance: see
# BENCHMARKS.md, "HTML to text".
_OPTIONS: dict[str, Any] = {
    "include_comments": False,
    "include_tables": True,
    "with_metadata": True,
    "favor_precision": True,
    "date_extraction_params": {"extensive_search": False, "original_date": True},
}


def _fold(line: str) -> str:
    return " ".join(line.split()).casefold()


def html_to_text(page: str) -> str:
    """The article text of an HTML page, for summarise().

    Laid out as the rest of the product reads a text: the title on the first line, the
    publication date (YYYY-MM-DD) on the next when the page's markup gives one, then a blank line
    and the body paragraphs, one per line, separated by blank lines. Leaves out what trafilatura
    finds is not the article (navigation, share buttons, related links, comments, footers) and
    repeats no title at the top of the body.

    When trafilatura finds no main content (a fragment such as "<p>12 killed</p>", a page of
    links, markup it cannot read), the page's plain text is used instead, so that no input is
    silently lost: every text outside <script> and <style>, one paragraph per block element (see
    plain_text). Returns "" only when the page has no visible text at all, which callers report
    as an empty article. Never raises on broken markup.
    """
    try:
        document = trafilatura.bare_extraction(page, **_OPTIONS)
    except Exception:  # noqa: BLE001 - trafilatura should not raise, but a page must not crash us
        document = None
    body = [line.strip() for line in (getattr(document, "text", None) or "").splitlines()]
    body = [line for line in body if line]
    if not body:
        return plain_text(page)
    title = " ".join((getattr(document, "title", None) or "").split())
    if title and _fold(body[0]) == _fold(title):
        body = body[1:]
    head = [line for line in (title, getattr(document, "date", None) or "") if line]
    return "\n\n".join(part for part in ("\n".join(head), "\n\n".join(body)) if part)


# --- the plain-text fallback -------------------------------------------------------------------

_BLOCK_TAGS = frozenset(
    "address article aside blockquote br caption dd details div dl dt figcaption figure footer "
    "form h1 h2 h3 h4 h5 h6 header hr li main nav ol p pre section summary table td th title tr "
    "ul".split()
)


class _PlainText(HTMLParser):
    """Every text of a page except the contents of <script> and <style>, with a line break at
    each block element. Keeps no stack, so no unclosed element can hide the rest of a page."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.in_code = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _BLOCK_TAGS:
            self.parts.append("\n")
        # html.parser reads everything up to </script> or </style> as that element's data.
        self.in_code = tag in ("script", "style")

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _BLOCK_TAGS:
            self.parts.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in _BLOCK_TAGS:
            self.parts.append("\n")
        self.in_code = False

    def handle_data(self, data: str) -> None:
        if not self.in_code:
            # Line breaks in the markup are just spaces; only block elements break lines.
            self.parts.append(re.sub(r"\s+", " ", data))


def plain_text(page: str) -> str:
    """The visible text of ``page`` by plain tag stripping: every text outside <script> and
    <style>, entities decoded, whitespace collapsed, one paragraph per block element, paragraphs
    separated by blank lines (as html_to_text lays them out). The fallback of html_to_text; never
    raises."""
    parser = _PlainText()
    try:
        parser.feed(page)
        parser.close()
    except Exception:  # noqa: BLE001 - html.parser should not raise, but a page must not crash us
        pass
    lines = (" ".join(line.split()) for line in "".join(parser.parts).splitlines())
    return "\n\n".join(line for line in lines if line)
