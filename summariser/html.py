"""HTML input: whether a text is a web page, and the article text of one."""

from __future__ import annotations

import re
from html.parser import HTMLParser

_SKIP_TAGS = frozenset(
    "script style nav header footer aside form figcaption noscript template svg head iframe "
    "button select object embed canvas".split()
)
_BLOCK_TAGS = frozenset(
    "p div br h1 h2 h3 h4 h5 h6 li ul ol dl dt dd tr table thead tbody tfoot section article "
    "blockquote pre hr figure main address title caption details summary".split()
)
_VOID_TAGS = frozenset(
    "area base br col embed hr img input link meta param source track wbr".split()
)
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


class _TextExtractor(HTMLParser):
    """Collects visible text, one line per block element, skipping boilerplate elements."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.stack: list[str] = []  # open non-void elements, approximately (HTML is forgiving)
        self.skip_depth = 0

    def _recount(self) -> None:
        self.skip_depth = sum(1 for t in self.stack if t in _SKIP_TAGS)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        tag = tag.lower()
        if tag in _BLOCK_TAGS:
            self.parts.append("\n")
        if tag in _VOID_TAGS:
            return
        self.stack.append(tag)
        if tag in _SKIP_TAGS:
            self.skip_depth += 1

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag.lower() in _BLOCK_TAGS:
            self.parts.append("\n")

    def handle_endtag(self, tag: str) -> None:
        tag = tag.lower()
        if tag in _BLOCK_TAGS:
            self.parts.append("\n")
        if tag in self.stack:
            # Closing an element also closes anything left open inside it, so an unclosed
            # <nav> inside a <div> cannot swallow the rest of the page.
            idx = len(self.stack) - 1 - self.stack[::-1].index(tag)
            del self.stack[idx:]
            self._recount()

    def handle_data(self, data: str) -> None:
        if self.skip_depth:
            return
        if "pre" not in self.stack:
            # Line breaks in the markup are just spaces; only block elements break lines.
            data = re.sub(r"\s+", " ", data)
        self.parts.append(data)


def html_to_text(html: str) -> str:
    """Visible article text of an HTML page: one line per paragraph or heading.

    Drops script, style, nav, header, footer, aside, form, figcaption, noscript (and head,
    template, svg, iframe, button); unescapes entities; collapses whitespace within lines and
    removes blank lines. Never raises on broken markup.
    """
    parser = _TextExtractor()
    try:
        parser.feed(html)
        parser.close()
    except Exception:  # noqa: BLE001 - html.parser should not raise, but a page must not crash us
        pass
    raw = "".join(parser.parts)
    lines = (re.sub(r"\s+", " ", line).strip() for line in raw.splitlines())
    return "\n".join(line for line in lines if line)
