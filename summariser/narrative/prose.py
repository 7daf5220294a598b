"""Model-written prose checked against the article, sentence by sentence (the grounding of the
figures' quotes lives in summariser.grounding; this is the same discipline for free text)."""

from __future__ import annotations

import re

from summariser.numbers import stated_values
from summariser.text import split_sentences

_CONTENT_WORD = re.compile(r"[^\W\d_]{4,}")


def supported(sentence: str, article_words: set[str]) -> bool:
    """Whether at least half of a prose sentence's content words occur in the article (compared
    on their first five letters, so "recaptured" finds "recapture"). A small model asked for a
    summary of a short article will copy its few-shot example ("families are fleeing toward the
    capital") instead."""
    words = [w.casefold()[:5] for w in _CONTENT_WORD.findall(sentence)]
    return not words or sum(w in article_words for w in words) / len(words) >= 0.5


def grounded_prose(text: str, article: str, article_values: set[int], what: str,
                    warnings: list[str]) -> str:
    """Drop any sentence of model-written prose that carries a number the article never states,
    or whose words mostly do not come from the article."""
    article_words = {w.casefold()[:5] for w in _CONTENT_WORD.findall(article)}
    kept = []
    for sentence in split_sentences(text):
        extra = stated_values(sentence.text, categories={"count", "year"}) - article_values
        if extra:
            warnings.append(f"Removed a {what} sentence with numbers not in the article: {sorted(extra)}.")
            continue
        if not supported(sentence.text, article_words):
            warnings.append(f"Removed a {what} sentence the article does not support: {sentence.text!r}.")
            continue
        kept.append(sentence.text)
    return " ".join(kept)


