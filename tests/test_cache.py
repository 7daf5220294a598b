"""The brief cache: hits, what misses, what is ignored, damage it survives, what it never stores."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from helpers import ARTICLE, RecordingFake, http_responder_for, responder_for
from summariser.schemas.brief import Brief

from summariser import Config, core, is_cached, model_calls, prompting, summarise
from summariser.backends import llama
from summariser.backends.fake import FakeBackend
from summariser.cache import BriefCache, cache_key, normalise_article
from summariser.prompting import TEMPLATES, PromptSet, load_prompts
from summariser.testing import MockOpenAIServer

CACHED = Config(backend="fake", use_cache=True)


def _calls(fake: FakeBackend) -> int:
    return len(fake.history)


def test_second_call_is_a_hit_without_a_model_call(fake: RecordingFake) -> None:
    first = summarise(ARTICLE, CACHED, backend=fake)
    calls = _calls(fake)
    assert calls > 0 and first.meta is not None and first.meta.cached is False
    assert is_cached(ARTICLE, CACHED, backend=fake)

    second = summarise(ARTICLE, CACHED, backend=fake)
    assert _calls(fake) == calls
    assert second.meta is not None and second.meta.cached is True
    assert second.model_dump(exclude={"meta"}) == first.model_dump(exclude={"meta"})
    assert second.meta.usage == first.meta.usage  # what the brief cost when it was made


def _missed(fake: FakeBackend, config: Config = CACHED, *, pass_backend: bool = True) -> bool:
    """Whether summarise() had to ask `fake` (passed as backend=, or found through the config)."""
    before = _calls(fake)
    brief = summarise(ARTICLE, config, backend=fake if pass_backend else None)
    return _calls(fake) > before and brief.meta is not None and not brief.meta.cached


def test_changed_prompt_misses(fake: RecordingFake, monkeypatch: pytest.MonkeyPatch) -> None:
    summarise(ARTICLE, CACHED, backend=fake)
    assert not _missed(fake)
    real = load_prompts()
    edited = PromptSet(sources={**real.sources, "task_figure": real.sources["task_figure"] + "\nBe brief."},
                       versions=real.versions)
    monkeypatch.setattr(core, "load_prompts", lambda: edited)
    monkeypatch.setattr(prompting, "load_prompts", lambda: edited)
    prompting._env.cache_clear()
    try:
        assert _missed(fake)  # the brief key changed, and so did the messages: the model is asked
        assert not _missed(fake)  # and the new prompt's brief is cached in turn
    finally:
        monkeypatch.undo()
        prompting._env.cache_clear()


def test_code_change_reuses_the_model_answers(fake: RecordingFake,
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    first = summarise(ARTICLE, CACHED, backend=fake)
    calls = _calls(fake)
    assert first.meta is not None and first.meta.calls > 0 and first.meta.cached_calls == 0
    monkeypatch.setattr(core, "pipeline_revision", lambda: "a later revision")
    again = summarise(ARTICLE, CACHED, backend=fake)
    assert _calls(fake) == calls  # not one model call: every request was answered before
    assert again.meta is not None and again.meta.cached is False  # but the brief was rebuilt
    assert again.meta.cached_calls == again.meta.calls == first.meta.calls
    assert again.meta.usage.total_tokens == 0
    assert again.model_dump(exclude={"meta"}) == first.model_dump(exclude={"meta"})


def test_no_cache_asks_the_model_every_time(fake: RecordingFake) -> None:
    uncached = Config(backend="fake", use_cache=False)
    summarise(ARTICLE, uncached, backend=fake)
    calls = _calls(fake)
    brief = summarise(ARTICLE, uncached, backend=fake)
    assert _calls(fake) == 2 * calls and brief.meta is not None and brief.meta.cached_calls == 0


@pytest.mark.parametrize("name", TEMPLATES)
def test_every_template_is_in_the_prompt_hash(name: str) -> None:
    real = load_prompts()
    edited = PromptSet(sources={**real.sources, name: real.sources[name] + " "}, versions=real.versions)
    assert edited.hash != real.hash


def test_changed_brief_schema_rebuilds_the_brief(fake: RecordingFake,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    summarise(ARTICLE, CACHED, backend=fake)
    calls = _calls(fake)
    monkeypatch.setattr(core, "schema_hash", lambda: "0123456789abcdef")
    brief = summarise(ARTICLE, CACHED, backend=fake)
    # The Brief schema is not what the model answers: its answers are reused, the brief is rebuilt.
    assert brief.meta is not None and brief.meta.cached is False and _calls(fake) == calls


def test_changed_answer_schema_asks_the_model_again(fake: RecordingFake,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    from summariser.schemas.llm import FigureDecision

    summarise(ARTICLE, CACHED, backend=fake)
    monkeypatch.setattr(core, "schema_hash", lambda: "0123456789abcdef")
    original = FigureDecision.model_json_schema
    monkeypatch.setattr(FigureDecision, "model_json_schema",
                        classmethod(lambda cls, *a, **k: {**original(*a, **k), "title": "Changed"}))
    assert _missed(fake)


def test_changed_model_misses(fake: RecordingFake) -> None:
    summarise(ARTICLE, CACHED, backend=fake)
    other = RecordingFake(model="another-model", responder=responder_for())
    assert _missed(other)
    assert not _missed(fake)


@pytest.fixture
def configured_fake(monkeypatch: pytest.MonkeyPatch) -> RecordingFake:
    """summarise(text, config) without a backend argument: the key comes from the config alone."""
    fake = RecordingFake(responder=responder_for())
    monkeypatch.setattr(core, "_backend_for", lambda config: fake)
    return fake


def test_changed_temperature_misses(configured_fake: RecordingFake) -> None:
    summarise(ARTICLE, Config(backend="fake", temperature=0.0))
    assert not _missed(configured_fake, Config(backend="fake", temperature=0.0), pass_backend=False)
    assert _missed(configured_fake, Config(backend="fake", temperature=0.7), pass_backend=False)


def test_changed_backend_misses(configured_fake: RecordingFake) -> None:
    summarise(ARTICLE, Config(backend="fake"))
    assert _missed(configured_fake, Config(backend="llama"), pass_backend=False)
    assert not _missed(configured_fake, Config(backend="fake"), pass_backend=False)


def test_changed_strategy_endpoint_or_window_changes_the_key(monkeypatch: pytest.MonkeyPatch) -> None:
    def key(**kwargs: Any) -> str:
        return core._key(ARTICLE, Config(**kwargs), None)

    assert key(strategy="focused") != key(strategy="single")
    assert key(backend="openai", base_url="http://a/v1", model="m") != \
        key(backend="openai", base_url="http://b/v1", model="m")
    assert key(backend="openai", base_url="http://a/v1", model="m") != \
        key(backend="openai", base_url="http://a/v1", model="n")
    assert key(strategy="focused") == key(strategy="focused")
    # The embedded model's window decides how an article is split: another window, another brief.
    assert key(backend="llama", n_ctx=4096) != key(backend="llama", n_ctx=8192)
    before = key(backend="llama")  # and so does the micro-batch size the weights are run with
    monkeypatch.setattr(llama, "LLAMA_N_UBATCH", llama.LLAMA_N_UBATCH * 2)
    assert key(backend="llama") != before
    monkeypatch.undo()
    # ... and the CPU path: repacked and plain kernels give slightly different greedy tokens.
    assert key(backend="llama", cpu_path="plain") != key(backend="llama", cpu_path="repack")


def test_changed_strategy_misses(fake: RecordingFake) -> None:
    summarise(ARTICLE, Config(backend="fake", strategy="focused"), backend=fake)
    assert not is_cached(ARTICLE, Config(backend="fake", strategy="single"), backend=fake)
    assert is_cached(ARTICLE, Config(backend="fake", strategy="focused"), backend=fake)


def test_a_different_article_misses(fake: RecordingFake) -> None:
    summarise(ARTICLE, CACHED, backend=fake)
    assert not is_cached(ARTICLE.replace("at least 12", "at least 13"), CACHED, backend=fake)


def test_whitespace_only_differences_hit_with_spans_into_the_new_text(fake: RecordingFake) -> None:
    first = summarise(ARTICLE, CACHED, backend=fake)
    calls = _calls(fake)
    variant = "\n\n   " + "\r\n".join("  " + line + "\t" for line in ARTICLE.split("\n")) + "\n\n"
    assert variant != ARTICLE and normalise_article(variant) == normalise_article(ARTICLE)

    second = summarise(variant, CACHED, backend=fake)
    assert _calls(fake) == calls
    assert second.meta is not None and second.meta.cached
    assert len(second.casualties) == len(first.casualties) > 0
    for fig in [*second.casualties, *second.displacement]:
        assert fig.span is not None and variant[fig.span[0]:fig.span[1]] == fig.evidence
    assert [f.evidence for f in second.casualties] == [f.evidence for f in first.casualties]


def test_use_cache_false_neither_reads_nor_writes(fake: RecordingFake, cache_dir: Path) -> None:
    off = Config(backend="fake", use_cache=False)
    summarise(ARTICLE, off, backend=fake)
    calls = _calls(fake)
    summarise(ARTICLE, off, backend=fake)
    assert _calls(fake) == 2 * calls
    assert not is_cached(ARTICLE, CACHED, backend=fake)
    summarise(ARTICLE, CACHED, backend=fake)  # fills the cache...
    summarise(ARTICLE, off, backend=fake)  # ...which use_cache=False still ignores
    assert _calls(fake) == 4 * calls


def test_garbage_sqlite_file_before_first_use_is_rebuilt(fake: RecordingFake, cache_dir: Path) -> None:
    cache_dir.mkdir(parents=True)
    (cache_dir / "cache.db").write_bytes(b"this is not a sqlite database\x00" * 200)
    brief = summarise(ARTICLE, CACHED, backend=fake)
    assert brief.casualties
    assert summarise(ARTICLE, CACHED, backend=fake).meta.cached  # type: ignore[union-attr]


def test_cache_corrupted_while_open_does_not_crash(fake: RecordingFake, cache_dir: Path) -> None:
    summarise(ARTICLE, CACHED, backend=fake)
    db = cache_dir / "cache.db"
    assert db.exists()
    db.write_bytes(b"\xde\xad\xbe\xef" * 4096)
    brief = summarise(ARTICLE, CACHED, backend=fake)
    assert brief.casualties
    other = ARTICLE.replace("Monday", "Tuesday")
    assert summarise(other, CACHED, backend=RecordingFake(responder=responder_for(other))).casualties


def test_deleted_cache_dir_does_not_crash(fake: RecordingFake, cache_dir: Path) -> None:
    summarise(ARTICLE, CACHED, backend=fake)
    shutil.rmtree(cache_dir)
    assert summarise(ARTICLE, CACHED, backend=fake).casualties
    other = ARTICLE.replace("Monday", "Sunday")
    assert summarise(other, CACHED, backend=RecordingFake(responder=responder_for(other))).casualties


def test_cache_stores_briefs_and_ignores_undecodable_values(tmp_path: Path) -> None:
    cache = BriefCache(tmp_path / "c", 2**20)
    brief = Brief(is_conflict_report=False, headline="h", summary="s")
    cache.set("k", brief)
    assert cache.get("k") == brief
    assert cache.get("missing") is None
    cache._cache.set("bad", "{not a brief")
    assert cache.get("bad") is None
    assert cache.stats()["entries"] == 2
    assert cache.clear() == (2, 0) and cache.get("k") is None
    cache.close()


def test_cache_key_separates_every_part() -> None:
    base: dict[str, Any] = dict(backend="fake", model="m", sampling={"temperature": 0.0}, prompt_hash="p",
                                schema="s", strategy="focused", article="text")
    key = cache_key(**base)
    for field, other in [("backend", "llama"), ("model", "m2"), ("sampling", {"temperature": 0.1}),
                         ("prompt_hash", "q"), ("schema", "t"), ("strategy", "single"),
                         ("article", "other text")]:
        assert cache_key(**{**base, field: other}) != key, field
    assert cache_key(**{**base, "article": "  text\r\n"}) == key


def test_api_key_is_never_in_a_cache_key_or_value(cache_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    secret = "sk-secret-XYZ"
    key_parts: dict[str, list[str]] = {"brief": [], "call": []}

    def spy(kind: str, real: Callable[..., str]) -> Callable[..., str]:
        def key(**parts: Any) -> str:
            key_parts[kind].append(repr(parts))
            return real(**parts)
        return key

    monkeypatch.setattr(core, "cache_key", spy("brief", core.cache_key))  # the brief's key
    monkeypatch.setattr(model_calls, "call_key", spy("call", model_calls.call_key))  # each call's key
    with MockOpenAIServer(responder=http_responder_for()) as server:
        config = Config(api_key=secret, backend="openai", base_url=server.base_url, model="mock")
        brief = summarise(ARTICLE, config)
        assert brief.casualties and brief.meta is not None and not brief.meta.cached
        again = summarise(ARTICLE, config)
        assert again.meta is not None and again.meta.cached
    assert key_parts["brief"] and key_parts["call"]
    leaked = [kind for kind, parts in key_parts.items() if any(secret in p for p in parts)]
    assert not leaked, f"the API key went into a {leaked} cache key"
    assert secret not in brief.model_dump_json()
    files = [p for p in cache_dir.rglob("*") if p.is_file()]
    assert files and sum(p.stat().st_size for p in files) > 0
    for path in files:
        assert secret.encode() not in path.read_bytes(), path
    assert str(config.api_key) != secret  # SecretStr keeps it out of reprs too
