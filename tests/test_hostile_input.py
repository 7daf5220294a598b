"""Hostile and broken input: each item is briefed correctly or becomes one clear error record,
and nothing stops the run. Long articles are split and merged, never truncated silently.

The model is a FakeBackend that answers every question correctly for whatever article it is
shown, so what is tested is the handling of the input, not the model.
"""

from __future__ import annotations

import json
import os
import re
from pathlib import Path
from typing import Any

import pytest
from summariser.schemas.brief import Brief

from summariser.backends.base import LLMRequest
from summariser.backends.fake import FakeBackend
from summariser.batch import (
    BRIEFS_FILE,
    ERRORS_FILE,
    LOCK_FILE,
    REPORT_JSON,
    REPORT_MD,
    iter_jsonl,
    run_batch,
)
from summariser.config import Config
from summariser.core import summarise
from summariser.errors import InputError
from summariser.testing import instance_from_schema

# The model reads the three non-English test articles too, as a multilingual model would.
KILLED = re.compile(r"(\d[\d,]*) people were killed|قُتل (\d+)|(\d+) людей загинули|(\d+)人死亡")


def _article(request: LLMRequest) -> str:
    for m in request.messages:
        found = re.search(r"<<<\n(.*?)\n>>>", m["content"], re.DOTALL) if m["role"] == "user" else None
        if found:
            return found.group(1)
    return ""


def correct(request: LLMRequest) -> Any:
    """A model that gets every question right: a conflict report when the article speaks of
    killing, every "at least N people were killed" a death toll, anything else not a figure."""
    model = request.response_model
    answer = instance_from_schema(model.model_json_schema())
    article = _article(request)
    if "topic" in answer:
        answer.update(topic="armed conflict" if KILLED.search(article) else "other")
    if "kind" in answer and "figures" not in answer:
        # The question quotes the candidate's sentence from the article (after the article).
        question = next((m["content"].rsplit(">>>", 1)[-1] for m in request.messages
                         if m["role"] == "user" and "<<<" in m["content"]), "")
        question = question.replace("[[", "").replace("]]", "")  # the asked number is marked
        asked = [s for s in re.split(r"(?<=[.!?])\s+|\n+", article) if s.strip() and s.strip() in question]
        answer.update(kind="killed" if any(KILLED.search(s) for s in asked) else "none", group="mixed",
                      reported_by="officials", scope="incident")
    return model.model_validate(answer)


class Recorder(FakeBackend):
    """Remembers the longest prompt and whether any prompt carried page furniture."""

    def __init__(self) -> None:
        super().__init__(responder=correct)
        self.longest = 0
        self.prompts: list[str] = []

    def complete(self, request: LLMRequest) -> Any:
        text = "\n".join(m["content"] for m in request.messages)
        self.longest = max(self.longest, len(text))
        if len(self.prompts) < 200:
            self.prompts.append(text)
        return super().complete(request)


CONFIG = Config(backend="fake", use_cache=False)

PAGE = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>Shelling kills 23 in Kessra | World News</title>
<script>window.dataLayer = [{"page": "article"}]; trackVisitor("PAGE-SCRIPT-SECRET");</script>
<style>.nav { color: red } /* PAGE-STYLE-SECRET */</style></head>
<body>
<nav><ul><li><a href="/">Home</a></li><li><a href="/world">World</a></li><li>PAGE-NAV-SECRET</li></ul></nav>
<div class="cookie-banner">We use cookies to improve your experience. Accept all</div>
<header><h2>World News</h2></header>
<article>
<h1>Shelling kills 23 in Kessra</h1>
<p>At least 23 people were killed by shelling in Kessra on Monday when shells hit the central market, regional
officials said in a statement on Tuesday morning.</p>
<figure><img src="market.jpg"><figcaption>Photo: Reuters</figcaption></figure>
<p>Residents said the shelling continued through the night and that rescue teams were still
searching the rubble near the bus station.</p>
<script>renderAd("PAGE-AD-SECRET", {"killed": 99999})</script>
</article>
<aside><h3>Read more</h3><ul><li>Ninety-nine killed in Dorvan raid</li></ul></aside>
<footer>Copyright 2024 World News. PAGE-FOOTER-SECRET</footer>
<noscript>PAGE-NOSCRIPT-SECRET</noscript>
</body></html>
"""


def _filler(n_chars: int) -> str:
    para = ("The regional council met on Tuesday to discuss the budget for road repairs, school buses "
            "and the new water pipeline in the valley, a spokesman told reporters. ") * 6 + "\n\n"
    return para * (n_chars // len(para) + 1)


# ----------------------------------------------------------------------------------------------
# a folder of hostile files


def test_hostile_folder_each_file_briefed_or_one_clear_error(tmp_path: Path) -> None:
    src = tmp_path / "in"
    src.mkdir()
    files: dict[str, bytes] = {
        "empty.txt": b"",
        "blank.txt": b"   \n\t  \r\n ",
        "binary.txt": b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + os.urandom(2000),
        "latin1.txt": "At least 4 people were killed by shelling in Kessra, the café owner said."
                      .encode("latin-1"),
        "utf16.txt": "At least 4 people were killed by shelling in Kessra.".encode("utf-16"),
        "controls.txt": bytes(range(1, 9)) * 50,
        "page.html": PAGE.encode(),
        "page-in-disguise.txt": PAGE.encode(),  # HTML content with the wrong extension
        "arabic.md": "قُتل 12 شخصاً على الأقل في قصف على سوق كسرى يوم الاثنين، بحسب مسؤولين.".encode(),
        "ukrainian.txt": "Щонайменше 12 людей загинули внаслідок обстрілу ринку в Кесрі.".encode(),
        "chinese.txt": "周一，凯斯拉市场遭到炮击，至少12人死亡。".encode(),
        "zero-width.txt":
            ("At\u200b least 8 people were killed by shelling in Kessra\u202e on Monday, "
             "officials said.").encode(),
        "bom.txt": b"\xef\xbb\xbfAt least 6 people were killed by shelling in Kessra on Monday, "
                   b"officials said.",
        "crlf.txt": b"Shelling in Kessra\r\n\r\n"
                    b"At least 5 people were killed by shelling in Kessra on Monday, officials said.\r\n",
        ".hidden.txt": b"At least 1 people were killed.",
        "notes.pdf": b"%PDF-1.4 not an article",
        "sub dir/ünïcödé name.txt": b"At least 3 people were killed by shelling in Kessra on Monday, "
                                    b"police said.",
    }
    for name, data in files.items():
        (src / name).parent.mkdir(parents=True, exist_ok=True)
        (src / name).write_bytes(data)
    fake = Recorder()

    result = run_batch(src, tmp_path / "out", lambda text: summarise(text, CONFIG, backend=fake),
                       concurrency=4)

    briefs = {b["id"]: Brief.model_validate(b["brief"]) for b in iter_jsonl(tmp_path / "out" / BRIEFS_FILE)}
    errors = {e["id"]: e for e in iter_jsonl(tmp_path / "out" / ERRORS_FILE)}
    assert result.status == "complete"
    assert not set(briefs) & set(errors)
    assert len(briefs) + len(errors) == result.counts.inputs == 15  # the hidden file and the pdf are ignored
    assert result.report is not None and result.report["ignored"]["count"] == 2
    for rejected, why in [("empty", "empty"), ("blank", "empty"), ("binary", "binary"),
                          ("latin1", "UTF-8"), ("utf16", "UTF-16"), ("controls", "binary")]:
        assert errors[rejected]["error_class"] == "InputError", rejected
        assert why in errors[rejected]["message"], errors[rejected]["message"]
        assert f"{rejected}.txt" in errors[rejected]["message"]  # the record says which file
    for page in ("page", "page-in-disguise"):
        assert [c.count for c in briefs[page].casualties] == [23]
    assert not any("SECRET" in p or "99999" in p for p in fake.prompts), "page furniture reached the model"
    for name in ("arabic", "ukrainian", "chinese"):
        # The model calls each a deadly conflict report, but the pipeline's cue words and
        # armed-violence rules are English: no figure question is asked, no toll is reported,
        # and the overruled topic is said in the warnings rather than taken on trust.
        brief = briefs[name]
        assert brief.meta is not None and brief.meta.calls == 1  # the overview only
        assert (brief.is_conflict_report, brief.casualties) == (False, [])
        assert any("briefed as not a conflict report" in w for w in brief.warnings), brief.warnings
    assert [c.count for c in briefs["zero-width"].casualties] == [8]
    assert [c.count for c in briefs["bom"].casualties] == [6]
    crlf = briefs["crlf"].casualties[0]
    assert crlf.count == 5 and crlf.span is not None
    text = files["crlf.txt"].decode()
    assert text[crlf.span[0]:crlf.span[1]] == crlf.evidence  # spans index the text as read
    assert "sub_dir/ünïcödé_name" in briefs
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == sorted(
        [BRIEFS_FILE, ERRORS_FILE, REPORT_JSON, REPORT_MD, LOCK_FILE])


# ----------------------------------------------------------------------------------------------
# a JSONL feed of hostile lines


def test_hostile_jsonl_each_line_briefed_or_one_clear_error(tmp_path: Path) -> None:
    good = "At least 7 people were killed by shelling in Kessra on Monday, officials said."
    lines = [
        "\ufeff" + json.dumps({"id": "first", "text": good}),  # a BOM before the first line
        "this is not json",
        "[1, 2, 3]",
        '"just a string"',
        json.dumps({"id": "no-text", "title": "t"}),
        json.dumps({"id": "null-text", "text": None}),
        json.dumps({"id": "number-text", "text": 42}),
        json.dumps({"id": "empty", "text": ""}),
        json.dumps({"id": "spaces", "text": " \n\t "}),
        json.dumps({"id": "nul", "text": "a\u0000b killed"}),
        '{"id": "surrogate-text", "text": "\\ud800 killed"}',
        '{"id": "surrogate-id-\\udfff", "title": "\\ud83d", "text": "' + good + '"}',
        json.dumps({"id": {"nested": 1}, "text": good}),
        json.dumps({"id": True, "text": good}),
        json.dumps({"id": 1234, "text": good}),
        json.dumps({"id": "dup", "text": good}),
        json.dumps({"id": "dup", "text": "At least 9 people were killed by shelling in Dorvan."}),
        json.dumps({"id": "html", "text": PAGE}),
        json.dumps({"id": "line-sep", "text": "Shelling\u2028update.\u2029" + good}),
        '{"id": "truncated", "text": "At least 3 peo',
        "",
        "   ",
        json.dumps({"id": "last", "text": good, "url": 12, "published": ["x"]}),
    ]
    feed = tmp_path / "feed.jsonl"
    feed.write_bytes("\r\n".join(lines).encode("utf-8", errors="surrogatepass") + b"\r\n\xff\xfe bad bytes\n")
    fake = Recorder()

    result = run_batch(feed, tmp_path / "out", lambda text: summarise(text, CONFIG, backend=fake))

    briefs = {b["id"]: Brief.model_validate(b["brief"]) for b in iter_jsonl(tmp_path / "out" / BRIEFS_FILE)}
    errors = {e["id"]: e for e in iter_jsonl(tmp_path / "out" / ERRORS_FILE)}
    assert result.status == "complete"
    assert len(briefs) + len(errors) == result.counts.inputs == len(lines) - 2 + 1  # 2 blank, 1 bad bytes
    assert not set(briefs) & set(errors)
    assert set(briefs) == {"first", "surrogate-id-\udfff", "1234", "dup", "html", "line-sep", "last"}
    expected_errors = {
        "line-2": "not valid JSON", "line-3": "not an object", "line-4": "not an object",
        "no-text": "no 'text'", "null-text": "must be a string", "number-text": "must be a string",
        "empty": "empty", "spaces": "empty", "nul": "binary", "surrogate-text": "surrogate",
        "line-13": "id must be", "line-14": "id must be", "dup@line-17": "duplicate id 'dup'",
        "truncated": "not valid JSON", "line-24": "not valid UTF-8",
    }
    for id_, why in expected_errors.items():
        if id_ == "truncated":
            id_ = "line-20"
        assert id_ in errors, (id_, sorted(errors))
        assert errors[id_]["error_class"] == "InputError"
        assert why in errors[id_]["message"], errors[id_]["message"]
    assert set(errors) == {("line-20" if k == "truncated" else k) for k in expected_errors}
    assert [c.count for c in briefs["dup"].casualties] == [7]  # the first line with an id wins
    assert [c.count for c in briefs["html"].casualties] == [23]
    assert briefs["surrogate-id-\udfff"].casualties[0].count == 7
    # The same feed again: everything done is skipped, the failures are retried and fail again.
    again = run_batch(feed, tmp_path / "out", lambda text: summarise(text, CONFIG, backend=fake))
    assert again.counts.skipped_done == len(briefs) and again.counts.briefed == 0
    assert again.final_errors == len(errors)


# ----------------------------------------------------------------------------------------------
# long articles


def test_a_5mb_article_is_briefed_to_its_last_paragraph(tmp_path: Path) -> None:
    text = ("Council news\n\n" + _filler(5_000_000)
            + "At least 17 people were killed by shelling in Kessra on Monday, officials said.\n")
    assert len(text) >= 5_000_000
    feed = tmp_path / "feed.jsonl"
    feed.write_text(json.dumps({"id": "huge", "text": text}) + "\n"
                    + json.dumps({"id": "small",
                                  "text": "At least 2 people were killed by shelling in Dorvan."}) + "\n")
    fake = Recorder()

    # Past the default max_article_chars (tests/test_limits.py): a user who raises it gets the
    # whole article read.
    raised = CONFIG.model_copy(update={"max_article_chars": 6_000_000})
    result = run_batch(feed, tmp_path / "out", lambda t: summarise(t, raised, backend=fake))

    briefs = {b["id"]: Brief.model_validate(b["brief"]) for b in iter_jsonl(tmp_path / "out" / BRIEFS_FILE)}
    assert result.counts.errors == 0 and set(briefs) == {"huge", "small"}
    huge = briefs["huge"]
    assert [c.count for c in huge.casualties] == [17]  # the last paragraph was read, not cut off
    span = huge.casualties[0].span
    assert span is not None and text[span[0]:span[1]] == huge.casualties[0].evidence


def test_an_article_beyond_the_context_is_split_not_sent_whole() -> None:
    config = Config(backend="fake", use_cache=False, n_ctx=8192, max_article_chars=400_000)
    paragraphs = ["At least 11 people were killed by shelling in Kessra on Monday, officials said.",
                  _filler(150_000),
                  "At least 12 people were killed by shelling in Dorvan on Tuesday, officials said.",
                  _filler(150_000),
                  "At least 13 people were killed by shelling in Ilyas on Wednesday, officials said."]
    article = "Week of shelling\n\n" + "\n\n".join(paragraphs)
    fake = Recorder()

    brief = summarise(article, config, backend=fake)

    # Even at 4 characters a token, no prompt may be longer than the model's context.
    assert fake.longest <= 4 * config.n_ctx
    assert sorted(c.count for c in brief.casualties) == [11, 12, 13]
    for c in brief.casualties:
        assert c.span is not None and article[c.span[0]:c.span[1]] == c.evidence
    assert any("split into" in w for w in brief.warnings)


def test_summarise_rejects_what_cannot_be_an_article() -> None:
    fake = Recorder()
    for bad in ["", "   \n ", "\x00\x01\x02 binary", "\x01" * 100]:
        with pytest.raises(InputError) as caught:
            summarise(bad, CONFIG, backend=fake)
        assert "pass the article" in str(caught.value) or "empty" in str(caught.value)
    with pytest.raises(InputError):
        summarise(b"bytes are not text", CONFIG, backend=fake)  # type: ignore[arg-type]
    assert fake.history == []  # nothing reached the model
