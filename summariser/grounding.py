"""Grounding: tie a reported figure to the exact article text that states it.

A figure survives only if its evidence quote is found in the article (up to typography, see
summariser.text.normalise_for_match), lies in the article body rather than page noise, and
states the figure's number itself.
"""

from __future__ import annotations

import bisect
import functools
import re
from dataclasses import dataclass

from summariser.numbers import ParsedCount, find_numbers
from summariser.page_noise import body_spans
from summariser.text import _normalise, addressed_to_model

REASON_NOT_FOUND = "evidence not found in the article"
REASON_NOISE = "evidence is outside the article body (page noise)"
REASON_NUMBER = "number not stated in its evidence"
REASON_INSTRUCTION = "evidence is an instruction addressed to AI systems, not news"

# Mentions that can state a figure. Years are included because a bare four-digit count
# ("killed 2000.") reads like a year; dates, durations, distances and the like never count.
_FIGURE_CATEGORIES = frozenset({"count", "year"})
_ELLIPSIS_RE = re.compile(r"\s*(?:\[\s*\.\.\.\s*\]|\(\s*\.\.\.\s*\)|\.\.\.)\s*")
_MAX_ELIDED_GAP = 600  # an elided quote still has to come from one passage, not the whole page


@dataclass
class GroundingResult:
    """Verdict on one figure: ``span`` is set whenever the evidence was found."""

    ok: bool
    span: tuple[int, int] | None
    reason: str | None


def _lower(s: str) -> str:
    # Per character, so the length (and so the offset map) is unchanged ("İ".lower() is two
    # characters; such characters keep their case).
    return "".join(c.lower() if len(c.lower()) == 1 else c for c in s)


class _Index:
    """An article normalised once, searchable in both cases, mapping hits back to offsets."""

    def __init__(self, article: str) -> None:
        self.norm, self.starts, self.ends = _normalise(article)
        self.lower = _lower(self.norm)

    def _aligned(self, i: int, j: int) -> bool:
        # A hit must start and end on whole source characters: "i" must not match inside the
        # "fi" that NFKC made of "ﬁ". Spaces NFKC adds ("¯" is " " + U+0304) may be left out.
        starts, norm = self.starts, self.norm
        start_ok = i == 0 or starts[i] != starts[i - 1] or norm[i - 1] == " "
        end_ok = j == len(starts) or starts[j] != starts[j - 1] or norm[j] == " "
        return start_ok and end_ok

    def find_all(
        self, needle: str, fold: bool, begin: int = 0, limit: int | None = None
    ) -> list[tuple[int, int]]:
        """Normalised [i, j) hits of ``needle`` from ``begin``, at most ``limit`` of them."""
        hay = self.lower if fold else self.norm
        if fold:
            needle = _lower(needle)
        hits: list[tuple[int, int]] = []
        i = hay.find(needle, begin)
        while i != -1 and needle:
            j = i + len(needle)
            if self._aligned(i, j):
                hits.append((i, j))
                if limit is not None and len(hits) >= limit:
                    break
            i = hay.find(needle, i + 1)
        return hits

    def to_original(self, i: int, j: int) -> tuple[int, int]:
        return self.starts[i], self.ends[j - 1]


@functools.lru_cache(maxsize=8)
def _index_for(article: str) -> _Index:
    # One article is usually checked for many figures in a row: normalise it once.
    return _Index(article)


@functools.lru_cache(maxsize=8)
def _default_body(article: str) -> tuple[tuple[int, int], ...]:
    return tuple(body_spans(article))


def _variants(evidence: str) -> list[str]:
    """The normalised evidence, then forms without wrapping quotes or trailing punctuation."""
    base = _normalise(evidence)[0].strip()
    out = [base]
    unquoted = base
    while len(unquoted) >= 2 and unquoted[0] == unquoted[-1] and unquoted[0] in "\"'":
        unquoted = unquoted[1:-1].strip()
    no_quote_edges = base.strip("\"' ")
    trimmed = re.sub(r"[\s.,;:!?\"']+$", "", re.sub(r"^[\s\"']+", "", base))
    for v in (unquoted, no_quote_edges, trimmed):
        if v and v not in out:
            out.append(v)
    return out


def _merged_blocks(article: str, body: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Body spans joined where only whitespace separates them (a quote may cross a line break)."""
    blocks: list[tuple[int, int]] = []
    for s, e in sorted(body):
        if blocks and (s <= blocks[-1][1] or not article[blocks[-1][1]:s].strip()):
            blocks[-1] = (blocks[-1][0], max(blocks[-1][1], e))
        else:
            blocks.append((s, e))
    return blocks


def _in_body(span: tuple[int, int], blocks: list[tuple[int, int]]) -> bool:
    k = bisect.bisect_right(blocks, (span[0], float("inf"))) - 1
    return k >= 0 and blocks[k][0] <= span[0] and span[1] <= blocks[k][1]


def _elided_hits(index: _Index, variant: str, fold: bool) -> list[tuple[int, int]]:
    """Hits for a quote the model shortened with "..." : every part, in order, close together."""
    parts = [p for p in _ELLIPSIS_RE.split(variant) if p.strip()]
    if len(parts) < 2:
        return []
    hits = []
    for first_i, first_j in index.find_all(parts[0], fold):
        pos = first_j
        ok = True
        for part in parts[1:]:
            nxt = index.find_all(part, fold, pos, limit=1)
            if not nxt or nxt[0][0] - pos > _MAX_ELIDED_GAP:
                ok = False
                break
            pos = nxt[0][1]
        if ok:
            hits.append((first_i, pos))
    return hits


def locate(evidence: str, article: str, body: list[tuple[int, int]] | None = None) -> tuple[int, int] | None:
    """The [start, end) span of ``evidence`` in ``article`` (offsets into the original article).

    Both are compared after normalise_for_match, case-sensitively first and then ignoring case;
    a quote the model wrapped in quotation marks, ended with a period the article does not
    have, or shortened with "..." is still found. Among the hits, the first one inside the
    article body (``body``, default body_spans(article)) wins; otherwise the first hit at all.
    Returns None when there is no hit.
    """
    if not evidence or not evidence.strip() or not article:
        return None
    index = _index_for(article)
    hits: list[tuple[int, int]] = []
    for variant in _variants(evidence):
        for fold in (False, True):
            hits = index.find_all(variant, fold)
            if hits:
                break
        if hits:
            break
    if not hits:
        for variant in _variants(evidence):
            for fold in (False, True):
                hits = _elided_hits(index, variant, fold)
                if hits:
                    break
            if hits:
                break
    if not hits:
        return None
    spans = [index.to_original(i, j) for i, j in hits]
    if len(spans) > 1:
        blocks = _merged_blocks(article, list(_default_body(article)) if body is None else body)
        for span in spans:
            if _in_body(span, blocks):
                return span
    return spans[0]


def number_in_evidence(parsed: ParsedCount, evidence: str) -> bool:
    """Whether ``evidence`` states the number of ``parsed``.

    Vague figures need a vague quantity with the same bounds ("hundreds" for 200..999) or, when
    the figure has no bounds, any vague quantity. Other figures need their count (or, for
    ranges, both low and high) among the integers that count or year mentions of the evidence
    state; dates, durations, distances, ages, money and percentages do not count.
    """
    mentions = [m for m in find_numbers(evidence) if m.category in _FIGURE_CATEGORIES]
    if parsed.qualifier == "vague":
        vague = [m.value for m in mentions if m.value.qualifier == "vague"]
        if parsed.low is None and parsed.high is None and parsed.count is None:
            return bool(vague)
        if any((v.low, v.high) == (parsed.low, parsed.high) for v in vague):
            return True
    stated: set[int] = set()
    for m in mentions:
        if m.value.qualifier != "vague":
            stated |= m.value.values()
    if parsed.count is not None:
        return parsed.count in stated
    wanted = {v for v in (parsed.low, parsed.high) if v is not None}
    if parsed.qualifier == "vague":
        return False  # bounds that no vague word in the evidence has
    return bool(wanted) and wanted <= stated


def check_figure(
    evidence: str,
    parsed: ParsedCount,
    article: str,
    body: list[tuple[int, int]] | None = None,
) -> GroundingResult:
    """Check one figure: evidence found, in the body, and stating the number.

    ``body`` defaults to body_spans(article); pass it when checking many figures of one article.
    Reasons (module constants): REASON_NOT_FOUND, REASON_NOISE, REASON_NUMBER.
    """
    if body is None:
        body = list(_default_body(article))
    span = locate(evidence, article, body)
    if span is None:
        return GroundingResult(False, None, REASON_NOT_FOUND)
    if not _in_body(span, _merged_blocks(article, body)):
        return GroundingResult(False, span, REASON_NOISE)
    if not number_in_evidence(parsed, article[span[0]:span[1]]):
        return GroundingResult(False, span, REASON_NUMBER)
    if addressed_to_model(article[span[0]:span[1]]):
        return GroundingResult(False, span, REASON_INSTRUCTION)
    return GroundingResult(True, span, None)
