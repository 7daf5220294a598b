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


# --- the model in a child process: a native crash costs one article ---------------------------------

SHORT = [
    ("a-ambush", "Gunmen killed four soldiers in an ambush near the town of Ketra on Monday, the army said."),
    ("b-shelling", "Shelling of a market in Varno killed seven civilians on Tuesday, a local official said."),
    ("c-raid", "Militants abducted twelve villagers in a raid on Oshin, police said on Wednesday."),
]


def _model_children(parent: int) -> list[int]:
    """Pids of the model processes whose parent is `parent` (from /proc)."""
    out = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
            cmdline = (stat.parent / "cmdline").read_bytes()
        except OSError:
            continue
        if int(fields[1]) == parent and b"summariser.backends.llama_process" in cmdline:
            out.append(int(stat.parent.name))
    return out


def test_a_native_crash_of_the_model_becomes_one_error_record_and_the_batch_goes_on(tmp_path: Path) -> None:
    import json
    import signal
    import subprocess
    import sys
    import time

    feed = tmp_path / "feed"
    feed.mkdir()
    for name, text in SHORT:
        (feed / f"{name}.txt").write_text(text, encoding="utf-8")
    out = tmp_path / "out"
    env = {**os.environ, "SUMMARISER_CACHE_DIR": str(tmp_path / "cache"), "PYTHONUNBUFFERED": "1"}
    run = subprocess.Popen([sys.executable, "-m", "summariser.cli", "batch", str(feed), "--out", str(out)],
                           env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    briefs = out / "briefs.jsonl"
    killed = None
    deadline = time.monotonic() + 600
    # Once the first article is written the model is busy with the second: crash it mid-call.
    while killed is None and run.poll() is None and time.monotonic() < deadline:
        if briefs.exists() and briefs.read_bytes().count(b"\n") >= 1:
            children = _model_children(run.pid)
            assert len(children) == 1, children
            os.kill(children[0], signal.SIGSEGV)
            killed = children[0]
        time.sleep(0.05)
    output = run.communicate(timeout=600)[0].decode()
    assert killed is not None, output
    assert run.returncode == 1, output  # the run finished, with an error record
    written = [json.loads(line) for line in briefs.read_text().splitlines()]
    errors = [json.loads(line) for line in (out / "errors.jsonl").read_text().splitlines()]
    assert [e["error_class"] for e in errors] == ["ModelCrashed"], errors
    assert "SIGSEGV" in errors[0]["message"] and "SUMMARISER_CPU_PATH=plain" in errors[0]["message"]
    assert sorted([b["id"] for b in written] + [e["id"] for e in errors]) == [n for n, _ in SHORT]
    assert errors[0]["id"] == "b-shelling"  # the article in flight, and only it
    # The third article was briefed by a fresh model process.
    third = next(b for b in written if b["id"] == "c-raid")
    assert any(c["kind"] == "missing" and c["count"] == 12 for c in third["brief"]["casualties"]), third


def test_the_library_raises_model_crashed_and_recovers(tmp_path: Path) -> None:
    import signal
    import threading

    from summariser.backends.llama import LlamaBackend, ModelCrashed

    config = Config(backend="llama", cache_dir=tmp_path / "cache")
    backend = LlamaBackend(config)
    pid = backend.engine.pid
    assert pid is not None and pid != os.getpid()
    timer = threading.Timer(2.0, os.kill, (pid, signal.SIGSEGV))  # mid-call: a brief takes longer
    timer.start()
    try:
        with pytest.raises(ModelCrashed, match="SIGSEGV"):
            summarise(SHORT[0][1], config, backend=backend)
    finally:
        timer.cancel()
    brief = summarise(SHORT[0][1], config, backend=backend)
    assert backend.engine.pid != pid and backend.engine.restarts == 1
    assert any(c.kind == "killed" and c.count == 4 for c in brief.casualties)
