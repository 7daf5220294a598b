"""summarise(): one article in, one grounded brief out.

The flow reads in order: check the text, look in the cache, pick the backend, run the strategy
(build prompts, ask the model, verify against the article), stamp the metadata, store.
"""

from __future__ import annotations

import threading
import time
from functools import lru_cache

from summariser.backends import get_backend
from summariser.backends import identity as backend_identity
from summariser.backends.base import Backend
from summariser.cache import BriefCache, cache_key, schema_hash
from summariser.chunking import max_article_chars, merge_briefs, split_article
from summariser.config import Config
from summariser.errors import InputError
from summariser.grounding import locate
from summariser.model_calls import Run
from summariser.pipeline import STRATEGIES
from summariser.prompting import load_prompts
from summariser.revision import pipeline_revision
from summariser.schemas.brief import Brief, Meta
from summariser.text import validate_article

_BACKENDS: dict[Config, Backend] = {}
_BACKENDS_LOCK = threading.Lock()


def _backend_for(config: Config) -> Backend:
    """One backend per configuration per process: the local model loads once, clients are reused."""
    with _BACKENDS_LOCK:
        if config not in _BACKENDS:
            _BACKENDS[config] = get_backend(config)
        return _BACKENDS[config]


@lru_cache(maxsize=8)
def _cache_for(directory: str, size_limit: int) -> BriefCache:
    return BriefCache(directory, size_limit)  # type: ignore[arg-type]


def _identity(config: Config, backend: Backend | None) -> tuple[str, str, dict]:
    """What the cache key says about the model, without loading the model."""
    if backend is not None:
        return backend.name, backend.model, backend.sampling()
    return backend_identity(config)


def _key(article: str, config: Config, backend: Backend | None) -> str:
    name, model, sampling = _identity(config, backend)
    return cache_key(backend=name, model=model, sampling=sampling, prompt_hash=load_prompts().hash,
                     schema=schema_hash(), strategy=config.strategy, article=article,
                     pipeline=pipeline_revision())


def _rebased(brief: Brief, article: str) -> Brief | None:
    """A cached brief re-pointed at *this* text of the article.

    The key ignores whitespace differences (CRLF, indented lines, a leading blank line), which
    shift offsets: every span must index the text passed in now, not the one that was cached.
    None when some evidence cannot be found again (then the hit is treated as a miss).
    """
    updates: dict[str, list] = {}
    for name in ("casualties", "displacement", "control_changes"):
        items = []
        for item in getattr(brief, name):
            span = item.span
            if span is None or article[span[0]:span[1]] != item.evidence:
                span = locate(item.evidence, article)
                if span is None:
                    return None
                item = item.model_copy(update={"span": span, "evidence": article[span[0]:span[1]]})
            items.append(item)
        updates[name] = items
    return brief.model_copy(update=updates)


def is_cached(text: str, config: Config | None = None, *, backend: Backend | None = None) -> bool:
    """Whether summarise(text, config) would be served from the cache (no model call)."""
    config = config or Config.from_env()
    if not config.use_cache:
        return False
    cache = _cache_for(str(config.resolved_cache_dir), config.cache_size_limit_bytes)
    return cache.get(_key(validate_article(text), config, backend)) is not None


def _brief_in_parts(article: str, run: Run, config: Config) -> Brief:
    """Brief the article, split into parts that fit the model's context when it is too long:
    nothing is silently truncated; spans in the merged brief index the whole article."""
    strategy = STRATEGIES[config.strategy]
    parts = split_article(article, max_article_chars(config.n_ctx, article))
    if len(parts) == 1:
        return strategy(article, run)
    pieces = []
    run.whole_article = article  # "is this a conflict report" is a question about the whole text
    for offset, piece in parts:
        run.warnings = []  # each part reports its own warnings; merge_briefs concatenates them
        pieces.append((offset, strategy(piece, run)))
    return merge_briefs(pieces, article)


def summarise(text: str, config: Config | None = None, *, backend: Backend | None = None) -> Brief:
    """Turn one article into a validated, grounded Brief.

    Args:
        text: the article as plain text (convert HTML first with summariser.html.html_to_text).
        config: settings; Config.from_env() when omitted.
        backend: use this backend instead of the one the config names (tests pass a FakeBackend).

    Raises:
        InputError: the text is empty, not text, or longer than config.max_article_chars.
        ConfigError: settings are unusable.
        ExtractionFailed: the model's output never validated. BackendError: the endpoint
        could not be reached or kept failing. All are SummariserError subclasses.
    """
    config = config or Config.from_env()
    article = validate_article(text)
    if len(article) > config.max_article_chars:
        raise InputError(f"The article is {len(article):,} characters; the limit is "
                         f"{config.max_article_chars:,} (max_article_chars, "
                         "SUMMARISER_MAX_ARTICLE_CHARS). Split it or raise the limit.")
    started = time.perf_counter()
    key = _key(article, config, backend)
    cache = _cache_for(str(config.resolved_cache_dir), config.cache_size_limit_bytes) \
        if config.use_cache else None
    if cache is not None:
        hit = cache.get(key)
        hit = _rebased(hit, article) if hit is not None else None
        if hit is not None and hit.meta is not None:
            meta = hit.meta.model_copy(update={"cached": True,
                                               "latency_s": round(time.perf_counter() - started, 4)})
            return hit.model_copy(update={"meta": meta})
    active = backend or _backend_for(config)
    run = Run(backend=active, answers=cache, identity=_identity(config, backend))
    brief = _brief_in_parts(article, run, config)
    prompts = load_prompts()
    brief.meta = Meta(
        model=active.model, backend=active.name, strategy=config.strategy,
        prompt_version=prompts.version, prompt_hash=prompts.hash, schema_hash=schema_hash(),
        cached=False, attempts=run.attempts, calls=run.calls, cached_calls=run.cached_calls,
        usage=run.usage,
        latency_s=round(time.perf_counter() - started, 3),
    )
    if cache is not None:
        cache.set(key, brief)
    return brief
