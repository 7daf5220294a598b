"""Articles longer than the model's context: split them, brief each part, merge the briefs.

Nothing is truncated. ``split_article`` cuts the text into consecutive pieces that together are
exactly the article (no character lost, none repeated), preferring to cut between paragraphs,
then between lines, then between sentences, then between words, and only as a last resort inside
a word. ``merge_briefs`` joins the briefs of the pieces into one brief of the whole article, with
every evidence span shifted so it indexes the *full* article.

    parts = split_article(article, max_article_chars(config.n_ctx, article))
    briefs = [(offset, brief_of(chunk)) for offset, chunk in parts]
    brief = merge_briefs(briefs, article)
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterable, Sequence
from typing import Any, TypeVar

from summariser.entities import fold
from summariser.schemas.brief import (
    Actor,
    Brief,
    Casualty,
    ControlChange,
    Displacement,
    Location,
    Meta,
    Usage,
)

__all__ = ["max_article_chars", "merge_briefs", "split_article", "split_warning"]

# Where a piece may end, best first. Each pattern matches a separator; a piece may end at the
# start or at the end of a match (so a long run of blank lines never forces a cut mid-word).
_PARAGRAPH = re.compile(r"\n[ \t\r\f\v]*\n\s*")
_LINE = re.compile(r"[\n\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029]+")
_WORD = re.compile(r"\s+")

# A cut of a better kind is taken if it keeps the piece at least this full; otherwise a worse
# kind that fills it more is tried (one tiny first piece before a huge paragraph is fine, a
# thousand of them is not).
_MIN_FILL = 0.25

# Output, system prompt and task tokens that the article must leave free in the context window.
RESERVED_TOKENS = 3500
MIN_ARTICLE_CHARS = 1000


def max_article_chars(n_ctx: int, text: str = "", *, reserved_tokens: int = RESERVED_TOKENS) -> int:
    """How many characters of ``text`` fit in one prompt of a model with ``n_ctx`` tokens.

    Tokens per character depend on the script: English runs ~4 characters a token, Cyrillic,
    Arabic or CJK text 1-2. The estimate is deliberately low (3 per token for ASCII, 1 otherwise,
    weighted by the share of ASCII in the first 20,000 characters), so a piece never overflows.
    """
    sample = text[:20_000]
    ascii_share = sum(c.isascii() for c in sample) / len(sample) if sample else 1.0
    chars_per_token = 1.0 + 2.0 * ascii_share
    return max(MIN_ARTICLE_CHARS, int((n_ctx - reserved_tokens) * chars_per_token))


def split_article(text: str, max_chars: int) -> list[tuple[int, str]]:
    """Split ``text`` into ``(offset, piece)`` pairs, each piece at most ``max_chars`` long.

    ``text[offset:offset + len(piece)] == piece`` for every pair, the pieces follow each other
    without gap or overlap, and ``"".join(pieces) == text``. Whitespace between two pieces stays
    at the end of the first. A text that fits is one piece (an empty text is ``[(0, "")]``).
    """
    if max_chars < 1:
        raise ValueError(f"max_chars must be at least 1, not {max_chars}")
    n = len(text)
    if n <= max_chars:
        return [(0, text)]
    parts: list[tuple[int, str]] = []
    start = 0
    while start < n:
        limit = min(n, start + max_chars)
        end = n if limit == n else _cut(text, start, limit)
        parts.append((start, text[start:end]))
        start = end
    return parts


def _cut(text: str, start: int, limit: int) -> int:
    """Where the piece that starts at ``start`` ends: a position in (start, limit]."""
    floor = start + max(1, int((limit - start) * _MIN_FILL))
    first_found: int | None = None
    for find in (_last_paragraph_cut, _last_line_cut, _last_sentence_cut, _last_word_cut):
        cut = find(text, start, limit)
        if cut is None:
            continue
        if cut >= floor:
            return cut
        if first_found is None:
            first_found = cut
    if first_found is not None:
        return first_found
    return _hard_cut(text, start, limit)


# Look for a cut near the end of the window first: the last separator is almost always there,
# and scanning a whole window for every piece of a 5 MB article adds up.
_TAILS = (256, 4096, None)


def _last_separator_cut(pattern: re.Pattern[str], text: str, start: int, limit: int) -> int | None:
    for tail in _TAILS:
        lo = start if tail is None else max(start, limit - tail)
        best: int | None = None
        # The window ends one character past the limit, so a separator that starts exactly at
        # the limit (the piece ends right before it) is seen. Any position inside a separator
        # is a clean cut, so a match clipped by the window is still usable.
        for m in pattern.finditer(text, lo, min(len(text), limit + 1)):
            for pos in (m.end(), m.start()):
                if start < pos <= limit:
                    best = pos
                    break
        if best is not None or lo == start:
            return best
    return None  # pragma: no cover - the last tail is the whole window


def _last_paragraph_cut(text: str, start: int, limit: int) -> int | None:
    return _last_separator_cut(_PARAGRAPH, text, start, limit)


def _last_line_cut(text: str, start: int, limit: int) -> int | None:
    return _last_separator_cut(_LINE, text, start, limit)


def _last_word_cut(text: str, start: int, limit: int) -> int | None:
    return _last_separator_cut(_WORD, text, start, limit)


def _last_sentence_cut(text: str, start: int, limit: int) -> int | None:
    from summariser.text import split_sentences

    for tail in _TAILS:
        lo = start if tail is None else max(start, limit - tail)
        # Whether a full stop ends a sentence depends only on the text after it (and on the word
        # before it, which split_sentences reads from the whole text), so a sentence found in
        # the window starts where it would in the whole text. Only the first one may be a
        # fragment cut by the window's start, and a cut at `start` is no cut at all.
        found = split_sentences(text, lo, limit)[1:]
        starts = [s.start for s in found if start < s.start < limit]
        if starts:
            return starts[-1]
        if lo == start:
            return None
    return None  # pragma: no cover - the last tail is the whole window


def _hard_cut(text: str, start: int, limit: int) -> int:
    """Inside a word: never between a letter and its combining accent, nor inside CR LF."""
    cut = limit
    while cut > start + 1 and cut < len(text) and (
            unicodedata.combining(text[cut]) or (text[cut - 1] == "\r" and text[cut] == "\n")
            or 0xDC00 <= ord(text[cut]) <= 0xDFFF):
        cut -= 1
    return cut


# ----------------------------------------------------------------------------------------------
# merging


def split_warning(parts: int) -> str:
    return (f"The article was too long for one model prompt: it was split into {parts} parts, "
            "briefed part by part and the briefs merged.")


_Fig = TypeVar("_Fig", Casualty, Displacement, ControlChange)


def merge_briefs(parts: Sequence[tuple[int, Brief]], article: str) -> Brief:
    """One brief of ``article`` from the briefs of its pieces, as ``(offset, brief)`` pairs.

    Spans are shifted by their piece's offset so they index ``article``; a figure whose shifted
    span does not hold its evidence is relocated in the article, or dropped with a warning.
    Figures are deduplicated by (kind, count, low, high, group, evidence), control changes by
    (place, gained_by, lost_by, evidence); actors and places by name, ignoring case (aliases and
    backers of a repeated actor are added to the first). ``is_conflict_report`` is true if any
    piece says so; headline and summary come from the first piece that has them. Warnings are
    concatenated (each once), then one warning says the article was split into N parts and any
    differing tolls across pieces are flagged. ``meta`` sums attempts, calls, usage and latency
    of the pieces (``cached`` only when every piece was), or is None when no piece has one.
    """
    if not parts:
        raise ValueError("merge_briefs needs the brief of at least one part")
    ordered = sorted(parts, key=lambda p: p[0])
    warnings: list[str] = []
    casualties: list[Casualty] = []
    displacement: list[Displacement] = []
    controls: list[ControlChange] = []
    for offset, brief in ordered:
        warnings.extend(brief.warnings)
        casualties.extend(_shifted(brief.casualties, offset, article, warnings))
        displacement.extend(_shifted(brief.displacement, offset, article, warnings))
        controls.extend(_shifted(brief.control_changes, offset, article, warnings))
    casualties = _unique(casualties, lambda f: (f.kind, f.count, f.low, f.high, f.group, f.evidence))
    displacement = _unique(displacement, lambda f: ("displaced", f.count, f.low, f.high, f.group,
                                                    f.evidence))
    controls = _unique(controls, lambda c: (fold(c.place), c.gained_by, c.lost_by, c.evidence))
    briefs = [b for _, b in ordered]
    warnings.append(split_warning(len(parts)))
    from summariser.figures import conflicting_tolls

    warnings.extend(conflicting_tolls(casualties))
    return Brief(
        is_conflict_report=any(b.is_conflict_report for b in briefs),
        headline=next((b.headline for b in briefs if b.headline.strip()), briefs[0].headline),
        summary=next((b.summary for b in briefs if b.summary.strip()), briefs[0].summary),
        actors=_merge_actors(a for b in briefs for a in b.actors),
        locations=_merge_locations(loc for b in briefs for loc in b.locations),
        casualties=casualties, displacement=displacement, control_changes=controls,
        warnings=list(dict.fromkeys(warnings)),
        meta=_merge_meta([b.meta for b in briefs]),
    )


def _shifted(items: Iterable[_Fig], offset: int, article: str, warnings: list[str]) -> list[_Fig]:
    from summariser.grounding import locate

    out: list[_Fig] = []
    for item in items:
        if item.span is None:
            out.append(item)
            continue
        span = (item.span[0] + offset, item.span[1] + offset)
        if not (0 <= span[0] <= span[1] <= len(article)) or article[span[0]:span[1]] != item.evidence:
            found = locate(item.evidence, article)
            if found is None:
                warnings.append(f"Dropped a figure whose evidence is not in the article: "
                                f"{item.evidence[:80]!r}.")
                continue
            span = found
        out.append(item.model_copy(update={"span": span, "evidence": article[span[0]:span[1]]}))
    return out


def _unique(items: list[_Fig], key: Callable[[_Fig], Any]) -> list[_Fig]:
    seen: set[Any] = set()
    out = []
    for item in items:
        k = key(item)
        if k not in seen:
            seen.add(k)
            out.append(item)
    return out


def _merge_actors(actors: Iterable[Actor]) -> list[Actor]:
    merged: dict[str, Actor] = {}
    for actor in actors:
        key = fold(actor.name)
        first = merged.get(key)
        if first is None:
            merged[key] = actor
            continue
        aliases = _union(first.aliases, actor.aliases, exclude=first.name)
        backers = _union(first.backed_by, actor.backed_by)
        merged[key] = first.model_copy(update={"aliases": aliases, "backed_by": backers})
    return list(merged.values())


def _union(first: list[str], more: list[str], exclude: str | None = None) -> list[str]:
    seen = {fold(x) for x in first} | ({fold(exclude)} if exclude else set())
    out = list(first)
    for x in more:
        if fold(x) not in seen:
            seen.add(fold(x))
            out.append(x)
    return out


def _merge_locations(locations: Iterable[Location]) -> list[Location]:
    merged: dict[str, Location] = {}
    for loc in locations:
        merged.setdefault(fold(loc.name), loc)
    return list(merged.values())


def _merge_meta(metas: list[Meta | None]) -> Meta | None:
    present = [m for m in metas if m is not None]
    if not present:
        return None
    usage = Usage()
    for m in present:
        usage = usage + m.usage
    return present[0].model_copy(update={
        "cached": len(present) == len(metas) and all(m.cached for m in present),
        "attempts": sum(m.attempts for m in present),
        "calls": sum(m.calls for m in present),
        "usage": usage,
        "latency_s": round(sum(m.latency_s for m in present), 3),
    })
