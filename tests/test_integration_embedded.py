"""The real embedded 1.5B model on a seed article, end to end (slow: marked integration)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from summariser import Config, summarise
from summariser.numbers import stated_values

pytestmark = pytest.mark.integration

SEED = Path(__file__).parent / "data" / "seed-000.txt"


@pytest.fixture(scope="module")
def article() -> str:
    return SEED.read_text(encoding="utf-8")


def test_embedded_model_briefs_a_seed_article_with_grounded_figures(article: str, tmp_path: Path) -> None:
    config = Config(backend="llama", cache_dir=tmp_path / "cache")
    brief = summarise(article, config)

    assert brief.is_conflict_report
    assert brief.meta is not None and brief.meta.backend == "llama" and not brief.meta.cached
    assert brief.meta.calls >= 2  # the overview plus at least one figure question
    assert brief.meta.usage.completion_tokens > 0
    figures = [*brief.casualties, *brief.displacement]
    assert figures, "the article states several tolls; the brief found none"
    article_values = stated_values(article)
    for fig in figures:
        assert fig.span is not None
        assert article[fig.span[0]:fig.span[1]] == fig.evidence
        stated = {v for v in (fig.count, fig.low, fig.high) if v is not None}
        assert stated <= article_values, f"{stated} not stated in the article"
    # The headline toll of the article: at least 700 killed, per the SOHR monitor.
    assert any(c.kind == "killed" and c.count == 700 for c in brief.casualties)

    again = summarise(article, config)
    assert again.meta is not None and again.meta.cached
    assert again.model_dump(exclude={"meta"}) == brief.model_dump(exclude={"meta"})


def test_grammar_first_sampling_gives_the_library_s_tokens(article: str) -> None:
    """The grammar-first greedy sampler must change the speed, never the output."""
    from llama_cpp import Llama
    from summariser.schemas.llm import Overview

    from summariser.backends.fast_grammar import GrammarFirstLlama
    from summariser.prompting import build_messages
    from summariser.weights import ensure_model

    path = str(ensure_model("qwen2.5-coder-0.5b-instruct-q4_k_m"))
    messages = build_messages(article, "task_overview")
    fmt = {"type": "json_object", "schema": Overview.model_json_schema()}
    texts = []
    for cls in (Llama, GrammarFirstLlama):
        llm = cls(model_path=path, n_ctx=4096, n_threads=os.cpu_count() or 1, verbose=False,
                  seed=0, use_mmap=False)
        try:
            out = llm.create_chat_completion(messages=messages, response_format=fmt,
                                             max_tokens=120, temperature=0.0)
            texts.append(out["choices"][0]["message"]["content"])
            if isinstance(llm, GrammarFirstLlama):
                assert llm.last_pick is not None and llm.last_pick.steps >= 100
                assert llm.last_pick.full_checks < llm.last_pick.steps  # the shortcut was taken
        finally:
            llm.close()
    assert texts[0] == texts[1]
