"""The maximum article size: a clear error, never hours of model time, and nothing lost in a batch."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from helpers import ARTICLE, RecordingFake, responder_for

from summariser import Config, summarise
from summariser.batch import BRIEFS_FILE, ERRORS_FILE, iter_jsonl, run_batch
from summariser.errors import InputError

SMALL = Config(backend="fake", use_cache=False, max_article_chars=len(ARTICLE) + 10)


def test_an_article_over_the_limit_is_an_input_error_before_any_model_call() -> None:
    fake = RecordingFake(responder=responder_for())
    long = ARTICLE + "\nMore text follows here. " * 5
    with pytest.raises(InputError, match=r"characters; the limit is .*SUMMARISER_MAX_ARTICLE_CHARS"):
        summarise(long, SMALL, backend=fake)
    assert fake.history == []
    assert summarise(ARTICLE, SMALL, backend=fake).casualties  # at the limit it is briefed


def test_the_limit_comes_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SUMMARISER_MAX_ARTICLE_CHARS", "1234")
    assert Config.from_env().max_article_chars == 1234
    monkeypatch.setenv("SUMMARISER_MAX_ARTICLE_CHARS", "0")
    with pytest.raises(Exception, match="max_article_chars"):
        Config.from_env()


def test_a_batch_turns_an_oversized_article_into_one_error_record(tmp_path: Path) -> None:
    feed = tmp_path / "feed.jsonl"
    rows = [{"id": "short", "text": ARTICLE}, {"id": "long", "text": ARTICLE + " padding" * 50}]
    feed.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    fake = RecordingFake(responder=responder_for())
    result = run_batch(feed, tmp_path / "out", lambda text: summarise(text, SMALL, backend=fake))
    briefs = [r["id"] for r in iter_jsonl(tmp_path / "out" / BRIEFS_FILE)]
    errors = list(iter_jsonl(tmp_path / "out" / ERRORS_FILE))
    assert briefs == ["short"]
    assert [(e["id"], e["error_class"]) for e in errors] == [("long", "InputError")]
    assert "the limit is" in errors[0]["message"]
    assert (result.counts.briefed, result.counts.errors) == (1, 1)
