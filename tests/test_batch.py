"""The nightly batch runner: exactly-once output, resume, crash safety, concurrency, report, CLI.

Everything runs offline against an injected fake brief function.
"""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
import textwrap
import threading
import time
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from summariser.schemas.brief import Brief, Casualty, Location, Meta, Usage
from summariser.schemas.llm import FigureDecision

from summariser.backends import openai_compat
from summariser.backends.base import LLMRequest
from summariser.backends.openai_compat import OpenAIBackend
from summariser.batch import (
    BRIEFS_FILE,
    ERRORS_FILE,
    LOCK_FILE,
    MAX_CONSECUTIVE_BACKEND_ERRORS,
    REPORT_JSON,
    REPORT_MD,
    BatchLocked,
    TerminalProgress,
    effective_concurrency,
    effective_workers,
    run_batch,
)
from summariser.batch.files import _FolderLock
from summariser.batch.pool import ForkedPool, split_threads
from summariser.batch_command import BatchHooks, batch_command
from summariser.config import Config
from summariser.errors import BackendError, ConfigError, ExtractionFailed, InputError
from summariser.inputs import Article, InputSource, Record
from summariser.testing import FaultSchedule, MockOpenAIServer

REPO = Path(__file__).resolve().parents[1]


# ----------------------------------------------------------------------------------------------
# helpers


def make_brief(text: str, *, casualties: list[Casualty] | None = None,
               locations: list[Location] | None = None, cached: bool = False,
               usage: tuple[int, int] = (100, 20)) -> Brief:
    return Brief(
        is_conflict_report=True, headline=text[:40], summary=text[:80],
        casualties=casualties or [], locations=locations or [],
        meta=Meta(model="fake-model", backend="fake", strategy="focused", prompt_version="1",
                  prompt_hash="p", schema_hash="s", cached=cached, attempts=1, calls=1,
                  usage=Usage(prompt_tokens=usage[0], completion_tokens=usage[1])),
    )


class FakeBrief:
    """Thread-safe fake brief_fn. Texts containing a marker in `fail` raise ExtractionFailed;
    `fail_once` markers fail only on their first call; `cached` markers come back cached."""

    def __init__(self, *, fail: tuple[str, ...] = (), fail_once: tuple[str, ...] = (),
                 cached: tuple[str, ...] = (), delay: float = 0.0,
                 briefs: dict[str, Brief] | None = None):
        self.fail, self.fail_once, self.cached = fail, fail_once, cached
        self.delay = delay
        self.briefs = briefs or {}
        self.calls: Counter[str] = Counter()
        self.lock = threading.Lock()
        self.active = self.max_active = 0

    def __call__(self, text: str) -> Brief:
        with self.lock:
            self.calls[text] += 1
            n = self.calls[text]
            self.active += 1
            self.max_active = max(self.max_active, self.active)
        try:
            if self.delay:
                time.sleep(self.delay)
            if any(m in text for m in self.fail) or (any(m in text for m in self.fail_once)
                                                      and n == 1):
                raise ExtractionFailed("output never validated", attempts=3, last_output="{",
                                       usage=Usage(prompt_tokens=300, completion_tokens=30))
            if text in self.briefs:
                return self.briefs[text]
            return make_brief(text, cached=any(m in text for m in self.cached))
        finally:
            with self.lock:
                self.active -= 1


def write_feed(path: Path, rows: list[dict[str, Any] | str]) -> Path:
    path.write_text("".join((r if isinstance(r, str) else json.dumps(r)) + "\n" for r in rows))
    return path


def feed_of(tmp_path: Path, n: int, *, prefix: str = "art") -> Path:
    return write_feed(tmp_path / "feed.jsonl", [
        {"id": f"{prefix}{i:04d}", "text": f"Article {prefix}{i:04d}: shelling reported."}
        for i in range(n)])


def read_lines(path: Path) -> list[dict[str, Any]]:
    if not path.exists():
        return []
    return [json.loads(line) for line in path.read_text().splitlines() if line.strip()]


def assert_exactly_once(out: Path, expected_ids: set[str]) -> tuple[set[str], set[str]]:
    """Every expected id is in exactly one of briefs.jsonl / errors.jsonl, each once."""
    briefs = [r["id"] for r in read_lines(out / BRIEFS_FILE)]
    errors = [r["id"] for r in read_lines(out / ERRORS_FILE)]
    assert len(briefs) == len(set(briefs)), "a brief was written twice"
    assert len(errors) == len(set(errors)), "an error was recorded twice"
    assert not set(briefs) & set(errors), "an id is both briefed and failed"
    assert set(briefs) | set(errors) == expected_ids
    return set(briefs), set(errors)


def no_env(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("SUMMARISER_BACKEND", "SUMMARISER_MODEL", "OPENAI_API_KEY", "OPENAI_BASE_URL",
                 "SUMMARISER_MODEL_PATH", "SUMMARISER_CACHE_DIR", "SUMMARISER_STRATEGY"):
        monkeypatch.delenv(name, raising=False)


# ----------------------------------------------------------------------------------------------
# exactly once


def test_folder_run_every_input_ends_in_exactly_one_output(tmp_path: Path) -> None:
    src = tmp_path / "in"
    src.mkdir()
    (src / "a.txt").write_text("Two killed in Kherson, officials said.")
    (src / "b.md").write_text("# Update\n\nThree injured in Sumy.")
    (src / "c.html").write_text("<html><body><p>Five killed in Izium.</p></body></html>")
    (src / "d.txt").write_bytes(b"\x00\x01binary\x00" * 30)
    (src / "e.txt").write_text("BROKEN article that never validates.")
    fake = FakeBrief(fail=("BROKEN",))

    result = run_batch(src, tmp_path / "out", fake)

    briefs, errors = assert_exactly_once(tmp_path / "out", {"a", "b", "c", "d", "e"})
    assert briefs == {"a", "b", "c"} and errors == {"d", "e"}
    assert result.status == "complete" and result.exit_code == 1
    assert (result.counts.briefed, result.counts.errors, result.counts.input_problems) == (3, 2, 1)
    assert not any("<p>" in t for t in fake.calls)  # HTML was turned into text first
    line = read_lines(tmp_path / "out" / BRIEFS_FILE)[0]
    assert set(line) == {"id", "url", "title", "published", "brief"}
    assert Brief.model_validate(line["brief"]).headline


def test_jsonl_bad_lines_become_error_records(tmp_path: Path) -> None:
    feed = write_feed(tmp_path / "feed.jsonl", [
        {"id": "ok", "text": "Four killed in Bakhmut.", "url": "https://x.test/ok",
         "title": "Bakhmut", "published": "2024-03-04"},
        "this is not json",
        {"id": "no-text"},
        {"id": "ok", "text": "Duplicate of ok."},
        {"id": "blank", "text": ""},
        {"text": "No id given: six killed in Avdiivka."},
    ])

    result = run_batch(feed, tmp_path / "out", FakeBrief())

    briefs, errors = assert_exactly_once(
        tmp_path / "out", {"ok", "line-2", "no-text", "ok@line-4", "blank", "line-6"})
    assert briefs == {"ok", "line-6"}
    recs = {r["id"]: r for r in read_lines(tmp_path / "out" / ERRORS_FILE)}
    assert recs["ok@line-4"]["duplicate_of"] == "ok"
    assert all(r["error_class"] == "InputError" and r["attempts"] == 0 for r in recs.values())
    ok = read_lines(tmp_path / "out" / BRIEFS_FILE)[0]
    assert (ok["url"], ok["title"], ok["published"]) == ("https://x.test/ok", "Bakhmut",
                                                         "2024-03-04")
    assert result.final_errors_by_class == {"InputError": 4}


def test_error_record_keeps_attempts_and_usage_and_tokens_count(tmp_path: Path) -> None:
    feed = write_feed(tmp_path / "feed.jsonl", [{"id": "bad", "text": "BROKEN text"},
                                                {"id": "good", "text": "Fine text"}])
    config = Config(backend="openai", model="gpt-test", price_per_1k_prompt=1.0,
                    price_per_1k_completion=2.0)

    result = run_batch(feed, tmp_path / "out", FakeBrief(fail=("BROKEN",)), config=config)

    (rec,) = read_lines(tmp_path / "out" / ERRORS_FILE)
    assert rec["error_class"] == "ExtractionFailed"
    assert rec["attempts"] == 3
    assert rec["usage"] == {"prompt_tokens": 300, "completion_tokens": 30}
    report = json.loads((tmp_path / "out" / REPORT_JSON).read_text())
    # Failed attempts cost money too: 300+100 prompt, 30+20 completion.
    assert report["tokens"] == {"prompt": 400, "completion": 50, "total": 450}
    assert report["cost_estimate_usd"] == pytest.approx((400 * 1.0 + 50 * 2.0) / 1000)
    assert result.cost_estimate_usd == report["cost_estimate_usd"]


def test_local_model_has_no_cost_estimate(tmp_path: Path) -> None:
    run_batch(feed_of(tmp_path, 2), tmp_path / "out", FakeBrief(), config=Config(backend="llama"))
    assert json.loads((tmp_path / "out" / REPORT_JSON).read_text())["cost_estimate_usd"] is None


# ----------------------------------------------------------------------------------------------
# resume


def test_rerun_skips_done_ids(tmp_path: Path) -> None:
    feed = feed_of(tmp_path, 5)
    first = FakeBrief()
    run_batch(feed, tmp_path / "out", first)
    again = FakeBrief()

    result = run_batch(feed, tmp_path / "out", again)

    assert sum(again.calls.values()) == 0
    assert result.counts.skipped_done == 5 and result.counts.briefed == 0
    assert result.exit_code == 0
    assert_exactly_once(tmp_path / "out", {f"art{i:04d}" for i in range(5)})


def test_rerun_retries_failures_and_clears_their_error_records(tmp_path: Path) -> None:
    feed = write_feed(tmp_path / "feed.jsonl", [
        {"id": "a", "text": "FLAKY one"}, {"id": "b", "text": "steady"},
        {"id": "c", "text": "FLAKY two"}])
    fake = FakeBrief(fail_once=("FLAKY",))

    first = run_batch(feed, tmp_path / "out", fake)
    assert first.exit_code == 1 and first.final_errors == 2
    second = run_batch(feed, tmp_path / "out", fake)

    assert second.exit_code == 0
    assert (second.counts.retried, second.counts.recovered, second.counts.skipped_done) == (2, 2, 1)
    briefs, errors = assert_exactly_once(tmp_path / "out", {"a", "b", "c"})
    assert errors == set()
    assert (tmp_path / "out" / ERRORS_FILE).read_text() == ""
    report = json.loads((tmp_path / "out" / REPORT_JSON).read_text())
    assert report["final"] == {"briefs": 3, "errors": 0, "errors_by_class": {}}


def test_complete_run_drops_failures_for_inputs_that_are_gone(tmp_path: Path) -> None:
    out = tmp_path / "out"
    run_batch(write_feed(tmp_path / "feed.jsonl", [{"id": "x", "text": "BROKEN"}]), out,
              FakeBrief(fail=("BROKEN",)))
    result = run_batch(write_feed(tmp_path / "feed.jsonl", [{"id": "y", "text": "fine"}]), out,
                       FakeBrief())
    assert read_lines(out / ERRORS_FILE) == []
    assert result.exit_code == 0


@pytest.mark.parametrize("stop", [KeyboardInterrupt, SystemExit])
@pytest.mark.parametrize("concurrency", [1, 4])
def test_interrupt_mid_run_then_rerun_loses_and_duplicates_nothing(
        tmp_path: Path, stop: type[BaseException], concurrency: int) -> None:
    feed = feed_of(tmp_path, 40)
    ids = {f"art{i:04d}" for i in range(40)}
    calls = Counter()
    lock = threading.Lock()

    def crashing(text: str) -> Brief:
        with lock:
            calls[text] += 1
            n = sum(calls.values())
        if n == 17:
            raise stop()
        if "art0003" in text or "art0030" in text:
            raise ExtractionFailed("bad", attempts=3, last_output=None, usage=Usage())
        return make_brief(text)

    with pytest.raises(stop):
        run_batch(feed, tmp_path / "out", crashing, concurrency=concurrency)
    partial = read_lines(tmp_path / "out" / BRIEFS_FILE)
    assert 0 < len(partial) < 40
    report = json.loads((tmp_path / "out" / REPORT_JSON).read_text())
    assert report["status"] == "interrupted"

    result = run_batch(feed, tmp_path / "out", FakeBrief(fail=("art0030",)),
                       concurrency=concurrency)

    briefs, errors = assert_exactly_once(tmp_path / "out", ids)
    assert errors == {"art0030"}  # art0003 recovered on the re-run; art0030 still fails
    assert result.counts.skipped_done == len(partial)


def test_hard_crash_and_torn_last_line_then_rerun(tmp_path: Path) -> None:
    """A real process death (no finally blocks run), plus a half-written last line."""
    feed = feed_of(tmp_path, 12)
    out = tmp_path / "out"
    script = textwrap.dedent(f"""
        import os, sys
        from summariser.batch import run_batch
        from summariser.errors import ExtractionFailed
        from summariser.schemas.brief import Brief, Meta, Usage
        n = 0
        def brief_fn(text):
            global n
            n += 1
            if n == 8:
                os._exit(3)
            if "art0001" in text:
                raise ExtractionFailed("bad", attempts=2, last_output=None, usage=Usage())
            return Brief(is_conflict_report=True, headline="h", summary="s")
        run_batch({str(feed)!r}, {str(out)!r}, brief_fn)
    """)
    proc = subprocess.run([sys.executable, "-c", script], cwd=REPO, capture_output=True,
                          timeout=120)
    assert proc.returncode == 3, proc.stderr.decode()
    assert len(read_lines(out / BRIEFS_FILE)) == 6  # calls 1..7, one of them failed
    assert not (out / REPORT_JSON).exists()  # it died before finishing
    with open(out / BRIEFS_FILE, "ab") as fh:  # a write torn by the crash
        fh.write(b'{"id":"art0007","url":null,"brief":{"headl')

    result = run_batch(feed, out, FakeBrief())

    assert_exactly_once(out, {f"art{i:04d}" for i in range(12)})
    assert result.exit_code == 0
    assert (out / BRIEFS_FILE).read_bytes().endswith(b"\n")
    report = json.loads((out / REPORT_JSON).read_text())
    assert report["repairs"]["partial_lines_dropped"] == 1


def test_trailing_partial_line_is_tolerated(tmp_path: Path) -> None:
    feed = feed_of(tmp_path, 3)
    out = tmp_path / "out"
    out.mkdir()
    good = json.dumps({"id": "art0000", "url": None, "title": None, "published": None,
                       "brief": make_brief("x").model_dump(mode="json")})
    (out / BRIEFS_FILE).write_text(good + "\n" + '{"id": "art0001", "brief": {"hea')
    (out / ERRORS_FILE).write_text('{"id": "art0002", "error_cla')
    fake = FakeBrief()

    run_batch(feed, out, fake)

    assert sorted(fake.calls) == ["Article art0001: shelling reported.",
                                  "Article art0002: shelling reported."]
    assert_exactly_once(out, {"art0000", "art0001", "art0002"})


def test_limited_run_keeps_earlier_failures_it_did_not_reach(tmp_path: Path) -> None:
    feed = feed_of(tmp_path, 6)
    out = tmp_path / "out"
    run_batch(feed, out, FakeBrief(fail=("art0004", "art0005")))
    fresh = feed_of(tmp_path, 6)  # same feed; now retry with a limit that stops before art0005
    result = run_batch(fresh, out, FakeBrief(), limit=1)

    assert result.status == "limit_reached"
    assert {r["id"] for r in read_lines(out / ERRORS_FILE)} == {"art0005"}
    assert result.exit_code == 1


# ----------------------------------------------------------------------------------------------
# limit, dry run


def test_limit_caps_the_articles_sent_to_the_model(tmp_path: Path) -> None:
    feed = feed_of(tmp_path, 10)
    out = tmp_path / "out"
    fake = FakeBrief()

    first = run_batch(feed, out, fake, limit=4)
    second = run_batch(feed, out, fake, limit=4)

    assert sum(fake.calls.values()) == 8
    assert first.status == second.status == "limit_reached"
    assert first.exit_code == 0  # nothing failed; the rest is simply not done yet
    assert second.counts.skipped_done == 4
    assert len(read_lines(out / BRIEFS_FILE)) == 8
    third = run_batch(feed, out, fake, limit=4)
    assert third.status == "complete" and third.counts.briefed == 2


def test_dry_run_counts_and_writes_nothing(tmp_path: Path) -> None:
    feed = write_feed(tmp_path / "feed.jsonl", [
        {"id": "done", "text": "already briefed"},
        {"id": "failed", "text": "BROKEN before"},
        {"id": "new-cached", "text": "CACHED article"},
        {"id": "new", "text": "new article"},
        {"id": "new2", "text": "another new article"},
        {"id": "bad"},
    ])
    out = tmp_path / "out"
    run_batch(write_feed(tmp_path / "seed.jsonl", [{"id": "done", "text": "already briefed"},
                                                   {"id": "failed", "text": "BROKEN before"}]),
              out, FakeBrief(fail=("BROKEN",)))
    before = {p.name: p.read_bytes() for p in out.iterdir()}
    fake = FakeBrief()

    result = run_batch(feed, out, fake, dry_run=True, is_cached=lambda t: "CACHED" in t, limit=3)

    c = result.counts
    assert (c.inputs, c.skipped_done, c.briefed, c.cached, c.retried, c.input_problems,
            c.deferred) == (6, 1, 3, 1, 1, 1, 1)
    assert result.exit_code == 0 and result.status == "dry_run"
    assert sum(fake.calls.values()) == 0
    assert {p.name: p.read_bytes() for p in out.iterdir()} == before

    nowhere = tmp_path / "never"
    unknown = run_batch(feed, nowhere, fake, dry_run=True)
    assert not unknown.cached_known and not nowhere.exists()


# ----------------------------------------------------------------------------------------------
# concurrency


class CountingSource(InputSource):
    """Yields n articles and remembers how many it has handed out (to check bounded reads)."""

    kind = "test"

    def __init__(self, n: int):
        super().__init__(Path("counting"))
        self.n = n
        self.read = 0

    def count(self) -> int:
        return self.n

    def _records(self, ids: Any) -> Iterator[Record]:
        for i in range(self.n):
            self.read += 1
            yield Article(f"id{i:05d}", f"text {i:05d}")


def test_concurrency_8_is_exactly_once_and_bounded(tmp_path: Path) -> None:
    source = CountingSource(300)
    fake = FakeBrief(fail=("text 00007", "text 00150"), delay=0.002)
    finished = Counter()
    ahead: list[int] = []
    lock = threading.Lock()

    def brief_fn(text: str) -> Brief:
        with lock:
            ahead.append(source.read - sum(finished.values()))
        try:
            return fake(text)
        finally:
            with lock:
                finished[text] += 1

    result = run_batch(source, tmp_path / "out", brief_fn, concurrency=8)

    assert_exactly_once(tmp_path / "out", {f"id{i:05d}" for i in range(300)})
    assert set(fake.calls.values()) == {1} and len(fake.calls) == 300
    assert 1 < fake.max_active <= 8
    assert max(ahead) <= 2 * 8 + 1  # never reads far ahead of the workers
    assert (result.counts.briefed, result.counts.errors) == (298, 2)


def test_concurrency_then_resume_with_concurrency(tmp_path: Path) -> None:
    feed = feed_of(tmp_path, 60)
    run_batch(feed, tmp_path / "out", FakeBrief(fail_once=("art001",)), concurrency=8)
    result = run_batch(feed, tmp_path / "out", FakeBrief(), concurrency=8)
    assert result.counts.recovered == 10
    assert_exactly_once(tmp_path / "out", {f"art{i:04d}" for i in range(60)})


# worker processes (forked): the parent alone writes, so exactly-once holds as with threads


class Unpicklable(BackendError):
    def __init__(self, message: str, handle: Any):
        super().__init__(message, attempts=2)
        self.handle = handle  # a lock: cannot cross a process boundary


def forked_brief(text: str) -> Brief:
    """Runs in the worker processes: which process briefed the article is in its headline."""
    time.sleep(0.005)
    if "text 00007" in text:
        raise ExtractionFailed("output never validated", attempts=3, last_output="{",
                               usage=Usage(prompt_tokens=300, completion_tokens=30))
    if "text 00011" in text:
        raise Unpicklable("endpoint said no", threading.Lock())
    return make_brief(f"{os.getpid()} {text}")


def test_worker_processes_are_exactly_once_and_keep_error_records(tmp_path: Path) -> None:
    result = run_batch(CountingSource(120), tmp_path / "out", forked_brief, concurrency=8, workers=2)

    assert_exactly_once(tmp_path / "out", {f"id{i:05d}" for i in range(120)})
    briefs, errors = read_lines(tmp_path / "out" / BRIEFS_FILE), read_lines(tmp_path / "out" / ERRORS_FILE)
    pids = {int(b["brief"]["headline"].split()[0]) for b in briefs}
    assert len(pids) == 2 and os.getpid() not in pids  # two forked processes did the work
    by_id = {e["id"]: e for e in errors}
    assert by_id["id00007"]["error_class"] == "ExtractionFailed"
    assert by_id["id00007"]["attempts"] == 3 and by_id["id00007"]["usage"]["prompt_tokens"] == 300
    # An exception that cannot be pickled still arrives as its class name, message and attempts.
    assert (by_id["id00011"]["error_class"], by_id["id00011"]["message"],
            by_id["id00011"]["attempts"]) == ("Unpicklable", "endpoint said no", 2)
    assert (result.counts.briefed, result.counts.errors) == (118, 2)
    assert json.loads((tmp_path / "out" / REPORT_JSON).read_text())["settings"]["workers"] == 2


def dying_brief(text: str) -> Brief:
    if "text 00030" in text:
        os._exit(3)  # the process vanishes mid-article, as under the OOM killer
    time.sleep(0.002)
    return make_brief(text)


def test_a_dead_worker_stops_the_run_and_the_rerun_completes_it(tmp_path: Path) -> None:
    result = run_batch(CountingSource(100), tmp_path / "out", dying_brief, concurrency=4, workers=2)
    assert result.status == "aborted" and "worker process died" in (result.status_detail or "")
    assert result.exit_code != 0
    rerun = run_batch(CountingSource(100), tmp_path / "out", forked_brief_no_fail, concurrency=4,
                      workers=2)
    assert rerun.status == "complete"
    _, errors = assert_exactly_once(tmp_path / "out", {f"id{i:05d}" for i in range(100)})
    assert not errors


def forked_brief_no_fail(text: str) -> Brief:
    return make_brief(text)


def exiting_brief(text: str) -> Brief:
    if "text 00020" in text:
        raise SystemExit(2)  # not an error record: it stops the run, in a worker too
    time.sleep(0.002)
    return make_brief(text)


def run_batch_within(seconds: float, *args: Any, **kwargs: Any) -> Any:
    """run_batch in a daemon thread: its result, or None when it hung past `seconds`."""
    outcome: list[Any] = []
    runner = threading.Thread(target=lambda: outcome.append(run_batch(*args, **kwargs)), daemon=True)
    runner.start()
    runner.join(timeout=seconds)
    return outcome[0] if outcome else None


def test_a_worker_stopped_by_system_exit_stops_the_run_instead_of_hanging(tmp_path: Path) -> None:
    result = run_batch_within(60, CountingSource(60), tmp_path / "out", exiting_brief,
                              concurrency=4, workers=2)
    assert result is not None, "the run hung on an article whose worker thread raised SystemExit"
    assert result.status == "aborted" and "worker process died" in (result.status_detail or "")
    briefs = [r["id"] for r in read_lines(tmp_path / "out" / BRIEFS_FILE)]
    errors = [r["id"] for r in read_lines(tmp_path / "out" / ERRORS_FILE)]
    assert len(briefs + errors) == len(set(briefs + errors))  # what was written, once each
    assert "id00020" not in briefs


def vanishing_brief(text: str) -> Brief:
    os._exit(3)  # every worker dies on its first article


def test_a_dead_worker_is_noticed_even_while_the_reader_is_stuck_in_a_read(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # A worker killed mid-write leaves the parent's reader blocked on the rest of the message:
    # the death must still turn what is in flight into error records and stop the run.
    monkeypatch.setattr(ForkedPool, "_read", lambda self: threading.Event().wait())
    result = run_batch_within(60, CountingSource(10), tmp_path / "out", vanishing_brief,
                              concurrency=2, workers=2)
    assert result is not None, "the run hung: nobody noticed the dead workers"
    assert result.status == "aborted" and "worker process died" in (result.status_detail or "")
    assert not read_lines(tmp_path / "out" / BRIEFS_FILE)


def test_one_429_pauses_every_worker_process(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The first request gets a 429 (Retry-After 1 s): the worker process that got it and the
    other one both hold off until the same moment (ForkedPool shares the gate across processes)."""
    monkeypatch.setattr(openai_compat, "_SHARED_UNTIL", None)  # this run's own pause, not a stale one
    arrivals: list[float] = []  # when each answered request reached the server (server side)
    retry_after = 1.0
    request = LLMRequest(messages=[{"role": "user", "content": "Number: 12"}],
                         response_model=FigureDecision, max_tokens=60, task="figure")

    def respond(body: dict[str, Any]) -> dict[str, str]:
        arrivals.append(time.monotonic())
        return {"kind": "killed", "group": "civilians", "reported_by": "officials", "scope": "incident"}

    faults = FaultSchedule(script=["rate_limit"], retry_after_s=retry_after)
    with MockOpenAIServer(responder=respond, faults=faults, latency_s=0.02) as server:
        config = Config(backend="openai", base_url=server.base_url, model="mock")
        backends: dict[int, OpenAIBackend] = {}  # one per worker process, built after the fork

        def brief_fn(text: str) -> Brief:
            if os.getpid() not in backends:
                backends[os.getpid()] = OpenAIBackend(config)
            backend = backends[os.getpid()]
            backend.complete(request)
            return make_brief(f"{os.getpid()} {backend.gate._deadline()!r}")  # what this process saw

        result = run_batch(CountingSource(16), tmp_path / "out", brief_fn, concurrency=2, workers=2)
        stats = server.stats()

    assert result.counts.briefed == 16 and stats["status"] == {429: 1, 200: 16}
    seen = [b["brief"]["headline"].split() for b in read_lines(tmp_path / "out" / BRIEFS_FILE)]
    pids = {int(pid) for pid, _ in seen}
    assert len(pids) == 2 and os.getpid() not in pids
    (reopens_at,) = {float(deadline) for _, deadline in seen if float(deadline)}  # one 429, one pause
    assert {int(pid) for pid, deadline in seen if float(deadline) == reopens_at} == pids, \
        "a worker process never saw the pause another one's 429 closed"
    # While the gate was closed, at most the one request the other process already had in
    # flight reached the server.
    assert sum(reopens_at - retry_after <= t < reopens_at for t in arrivals) <= 1, arrivals


@pytest.mark.parametrize(("concurrency", "processes", "expected"), [
    (32, 2, [16, 16]), (10, 4, [3, 3, 2, 2]), (9, 2, [5, 4]), (2, 2, [1, 1]), (1, 2, [1, 1]),
])
def test_worker_threads_add_up_to_the_concurrency(concurrency: int, processes: int,
                                                  expected: list[int]) -> None:
    assert split_threads(concurrency, processes) == expected


def test_default_workers_one_per_8_in_flight_up_to_the_cores(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(os, "cpu_count", lambda: 2)
    assert effective_workers(None, 32) == 2
    assert effective_workers(None, 8) == 1
    assert effective_workers(None, 4) == 1
    assert effective_workers(3, 2) == 2  # never more processes than requests in flight
    assert effective_workers(4, 1) == 1


def test_llama_backend_runs_sequentially() -> None:
    assert effective_concurrency(8, Config(backend="llama")) == 1
    assert effective_concurrency(8, Config(backend="openai", model="m")) == 8
    assert effective_concurrency(8, None) == 8


# ----------------------------------------------------------------------------------------------
# stopping on systemic failures, locking, output confinement


def test_config_error_stops_the_run(tmp_path: Path) -> None:
    fake_calls = []

    def brief_fn(text: str) -> Brief:
        fake_calls.append(text)
        raise ConfigError("no API key")

    result = run_batch(feed_of(tmp_path, 5), tmp_path / "out", brief_fn)

    assert result.status == "aborted" and result.exit_code == 1
    assert len(fake_calls) == 1
    assert [r["error_class"] for r in read_lines(tmp_path / "out" / ERRORS_FILE)] == ["ConfigError"]


def test_many_backend_errors_in_a_row_stop_the_run(tmp_path: Path) -> None:
    def brief_fn(text: str) -> Brief:
        raise BackendError("connection refused")

    n = MAX_CONSECUTIVE_BACKEND_ERRORS + 10
    result = run_batch(feed_of(tmp_path, n), tmp_path / "out", brief_fn)

    assert result.status == "aborted"
    assert result.counts.errors == MAX_CONSECUTIVE_BACKEND_ERRORS


def test_unexpected_exception_becomes_an_error_record(tmp_path: Path) -> None:
    def brief_fn(text: str) -> Brief:
        if "art0001" in text:
            raise ValueError("bug in one article")
        return make_brief(text)

    result = run_batch(feed_of(tmp_path, 3), tmp_path / "out", brief_fn)

    assert result.final_errors_by_class == {"ValueError": 1}
    assert_exactly_once(tmp_path / "out", {"art0000", "art0001", "art0002"})


def test_second_run_on_the_same_folder_is_refused(tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    with _FolderLock(out):
        with pytest.raises(BatchLocked):
            run_batch(feed_of(tmp_path, 1), out, FakeBrief())
    run_batch(feed_of(tmp_path, 1), out, FakeBrief())  # free again afterwards


def test_ids_never_become_paths(tmp_path: Path) -> None:
    out = tmp_path / "out"
    feed = write_feed(tmp_path / "feed.jsonl", [
        {"id": "../../escape", "text": "a"}, {"id": "/etc/passwd", "text": "b"},
        {"id": "C:\\x\\report.md", "text": "c"}, {"id": "sub/dir/x", "text": "BROKEN"}])

    run_batch(feed, out, FakeBrief(fail=("BROKEN",)))

    assert sorted(p.name for p in out.iterdir()) == sorted(
        [BRIEFS_FILE, ERRORS_FILE, REPORT_JSON, REPORT_MD, LOCK_FILE])
    assert sorted(p.name for p in tmp_path.iterdir()) == ["feed.jsonl", "out"]


def test_missing_source_is_an_input_error(tmp_path: Path) -> None:
    with pytest.raises(InputError):
        run_batch(tmp_path / "missing.jsonl", tmp_path / "out", FakeBrief())


# ----------------------------------------------------------------------------------------------
# report and digest


def casualty(kind: str, count: int, location: str, **kw: Any) -> Casualty:
    return Casualty(kind=kind, count=count, location=location,
                    evidence=f"{count} people were {kind} in {location}", **kw)


def test_digest_flags_different_tolls_for_same_place_and_day(tmp_path: Path) -> None:
    texts = {
        "a": ("Five killed in Kharkiv.", "2024-03-04T07:00:00Z",
              [casualty("killed", 5, "Kharkiv", reported_by="governor")]),
        "b": ("Seven killed in Kharkiv.", "2024-03-04",
              [casualty("killed", 7, "kharkiv", reported_by="police")]),
        "c": ("Five again.", "2024-03-04", [casualty("killed", 5, "Kharkiv")]),
        "d": ("Next day.", "2024-03-05", [casualty("killed", 9, "Kharkiv")]),
        "e": ("Split toll.", "2024-03-06", [casualty("killed", 9, "Kharkiv")]),
        "f": ("Split toll, 2.", "2024-03-06",
              [casualty("killed", 5, "Kharkiv", group="civilians"),
               casualty("killed", 4, "Kharkiv", group="combatants")]),
        "g": ("Injured elsewhere.", "2024-03-04",
              [casualty("injured", 3, "Odesa", perpetrator="Russian forces")]),
    }
    feed = write_feed(tmp_path / "feed.jsonl", [
        {"id": k, "text": t, "published": p, "title": f"Title {k}"}
        for k, (t, p, _) in texts.items()])
    fake = FakeBrief(briefs={t: make_brief(t, casualties=c) for t, _, c in texts.values()})

    run_batch(feed, tmp_path / "out", fake)

    report = json.loads((tmp_path / "out" / REPORT_JSON).read_text())
    digest = report["digest"]
    (conflict,) = digest["conflicts"]  # 03-05 has one article; 03-06 agree at 9 (5 + 4)
    assert (conflict["place"], conflict["day"], conflict["kind"]) == ("Kharkiv", "2024-03-04",
                                                                      "killed")
    assert conflict["tolls"] == [5, 7]
    assert [a["id"] for a in conflict["articles"]] == ["a", "c", "b"]
    assert conflict["articles"][2]["figures"][0]["reported_by"] == "police"
    kharkiv = next(p for p in digest["places"] if p["place"] == "Kharkiv")
    assert kharkiv["casualties"]["killed"]["reports"] == 7
    assert kharkiv["casualties"]["killed"]["sum"] == 5 + 7 + 5 + 9 + 9 + 5 + 4
    assert (kharkiv["casualties"]["killed"]["min"], kharkiv["casualties"]["killed"]["max"]) == (4, 9)
    actor = next(a for a in digest["actors"] if a["actor"] == "Russian forces")
    assert actor["casualties"]["injured"]["sum"] == 3

    md = (tmp_path / "out" / REPORT_MD).read_text()
    assert "Different tolls for the same place and day (1)" in md
    assert "per governor" in md and "per police" in md


def test_digest_uses_unknown_day_and_single_event_site(tmp_path: Path) -> None:
    site = [Location(name="Sumy", role="event site")]
    briefs = {
        "one": make_brief("one", locations=site, casualties=[
            Casualty(kind="killed", count=2, evidence="two killed")]),
        "two": make_brief("two", locations=site, casualties=[
            Casualty(kind="killed", count=3, evidence="three killed")]),
    }
    feed = write_feed(tmp_path / "feed.jsonl", [{"id": "1", "text": "one"},
                                                {"id": "2", "text": "two"}])

    run_batch(feed, tmp_path / "out", FakeBrief(briefs=briefs))

    (conflict,) = json.loads((tmp_path / "out" / REPORT_JSON).read_text())["digest"]["conflicts"]
    assert (conflict["place"], conflict["day"], conflict["tolls"]) == ("Sumy", "unknown", [2, 3])


def test_report_counts(tmp_path: Path) -> None:
    feed = write_feed(tmp_path / "feed.jsonl", [
        {"id": "a", "text": "CACHED a"}, {"id": "b", "text": "b"}, {"id": "c", "text": "BROKEN"},
        "not json"])
    out = tmp_path / "out"

    started = time.monotonic()
    run_batch(feed, out, FakeBrief(cached=("CACHED",), fail=("BROKEN",), delay=0.05))
    took = time.monotonic() - started

    report = json.loads((out / REPORT_JSON).read_text())
    assert report["counts"]["inputs"] == 4
    assert report["counts"]["briefed"] == 2
    assert report["counts"]["errors"] == 2
    assert report["counts"]["cached"] == report["cache_hits"] == 1
    assert report["final"]["errors_by_class"] == {"ExtractionFailed": 1, "InputError": 1}
    assert report["tokens"]["prompt"] == 100 + 300  # the cache hit spent nothing
    # The run's own wall time: at least its three 50 ms calls, at most the time around it
    # (the report rounds to the millisecond).
    assert 3 * 0.05 <= report["wall_time_s"] <= took + 0.0005
    assert "# Batch run report" in (out / REPORT_MD).read_text()


# ----------------------------------------------------------------------------------------------
# progress


def test_progress_plain_lines_when_not_a_tty(tmp_path: Path) -> None:
    stream = io.StringIO()
    run_batch(feed_of(tmp_path, 7), tmp_path / "out", FakeBrief(),
              progress=TerminalProgress(stream, tty=False, every_n=3, every_s=3600))
    lines = stream.getvalue().splitlines()
    assert lines[0] == "batch: starting, 7 to do"
    assert len(lines) == 1 + 2 + 1  # start, after 3 and 6, final
    assert "\r" not in stream.getvalue()
    assert lines[-1].startswith("batch: 7/7 (100%)")


def test_progress_repaints_one_line_on_a_tty() -> None:
    from summariser.batch import RunCounts

    stream = io.StringIO()
    now = [0.0]
    progress = TerminalProgress(stream, tty=True, clock=lambda: now[0])
    progress.start(100)
    now[0] = 10.0
    progress.update(RunCounts(briefed=20))
    out = stream.getvalue()
    assert out.startswith("\r\033[K") and "\n" not in out
    assert "20/100" in out and "2.00/s" in out and "ETA 40s" in out


# ----------------------------------------------------------------------------------------------
# command line


def invoke(args: list[str], fake: Any, is_cached: Any = None) -> Any:
    return CliRunner().invoke(batch_command, args, obj=BatchHooks(brief_fn=fake,
                                                                  is_cached=is_cached))


def test_cli_exit_0_when_all_briefed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    no_env(monkeypatch)
    res = invoke([str(feed_of(tmp_path, 3)), "--out", str(tmp_path / "out"), "--backend", "fake"],
                 FakeBrief())
    assert res.exit_code == 0, res.output
    assert "3 briefed" in res.output and "Output now: 3 briefs, 0 errors" in res.output


def test_cli_exit_1_with_summary_by_error_class(tmp_path: Path,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    no_env(monkeypatch)
    feed = write_feed(tmp_path / "feed.jsonl", [{"id": "a", "text": "BROKEN"},
                                                {"id": "b", "text": "ok"}, "{oops"])
    res = invoke([str(feed), "--out", str(tmp_path / "out"), "--backend", "fake",
                  "--concurrency", "4"], FakeBrief(fail=("BROKEN",)))
    assert res.exit_code == 1, res.output
    assert "1 briefed" in res.output and "2 errors" in res.output
    assert "ExtractionFailed 1, InputError 1" in res.output


@pytest.mark.parametrize("bad", ["missing-folder", "article.txt"])
def test_cli_exit_2_on_bad_input(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                 bad: str) -> None:
    no_env(monkeypatch)
    (tmp_path / "article.txt").write_text("text")
    res = invoke([str(tmp_path / bad), "--out", str(tmp_path / "out")], FakeBrief())
    assert res.exit_code == 2, res.output
    assert not (tmp_path / "out").exists()


def test_cli_exit_2_on_bad_options(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    no_env(monkeypatch)
    feed = str(feed_of(tmp_path, 1))
    assert invoke([feed], FakeBrief()).exit_code == 2  # --out missing
    assert invoke([feed, "--out", str(tmp_path / "o"), "--concurrency", "0"],
                  FakeBrief()).exit_code == 2
    # a remote backend without a model name is a settings (usage) error
    assert invoke([feed, "--out", str(tmp_path / "o"), "--backend", "openai"],
                  FakeBrief()).exit_code == 2


def test_cli_limit_and_dry_run(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    no_env(monkeypatch)
    feed, out = str(feed_of(tmp_path, 5)), str(tmp_path / "out")
    fake = FakeBrief()

    res = invoke([feed, "--out", out, "--backend", "fake", "--limit", "2"], fake)
    assert res.exit_code == 0, res.output
    assert sum(fake.calls.values()) == 2

    res = invoke([feed, "--out", out, "--backend", "fake", "--dry-run"], fake,
                 is_cached=lambda text: "art0004" in text)
    assert res.exit_code == 0, res.output
    assert "3 would be briefed (1 of them cached" in res.output
    assert "2 already done" in res.output
    assert sum(fake.calls.values()) == 2


def test_cli_llama_backend_notes_sequential(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    no_env(monkeypatch)
    res = CliRunner().invoke(
        batch_command, [str(feed_of(tmp_path, 2)), "--out", str(tmp_path / "out"),
                        "--backend", "llama", "--concurrency", "4"],
        obj=BatchHooks(brief_fn=FakeBrief()))
    assert res.exit_code == 0, res.output
    assert "one article at a time" in res.output


def test_cli_out_must_not_be_a_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    no_env(monkeypatch)
    (tmp_path / "file").write_text("x")
    res = invoke([str(feed_of(tmp_path, 1)), "--out", str(tmp_path / "file")], FakeBrief())
    assert res.exit_code == 2


def test_fsync_per_line_uses_append_mode(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Each output line goes out in one os.write call on an O_APPEND descriptor, and that
    descriptor is fsynced after the line's write, before the next line is written."""
    events: list[tuple[str, int, bytes]] = []  # ("write" | "fsync", fd, data) on append descriptors
    real_write, real_open, real_fsync, real_close = os.write, os.open, os.fsync, os.close
    append_fds: set[int] = set()

    def spy_open(path: Any, flags: int, *a: Any) -> int:
        fd = real_open(path, flags, *a)
        if flags & os.O_APPEND:
            append_fds.add(fd)
        else:
            append_fds.discard(fd)
        return fd

    def spy_write(fd: int, data: bytes) -> int:
        if fd in append_fds:
            events.append(("write", fd, bytes(data)))
        return real_write(fd, data)

    def spy_fsync(fd: int) -> None:
        if fd in append_fds:
            events.append(("fsync", fd, b""))
        real_fsync(fd)

    def spy_close(fd: int) -> None:
        append_fds.discard(fd)  # a later descriptor with this number is another file
        real_close(fd)

    monkeypatch.setattr(os, "open", spy_open)
    monkeypatch.setattr(os, "write", spy_write)
    monkeypatch.setattr(os, "fsync", spy_fsync)
    monkeypatch.setattr(os, "close", spy_close)
    run_batch(feed_of(tmp_path, 3), tmp_path / "out", FakeBrief(fail=("art0001",)))

    writes = [data for kind, _, data in events if kind == "write"]
    assert len(writes) == 3  # 2 briefs + 1 error, one write each
    assert all(w.endswith(b"\n") and w.count(b"\n") == 1 for w in writes)
    # Every line's write is followed at once by an fsync of the same descriptor: one per line.
    assert [kind for kind, _, _ in events] == ["write", "fsync"] * 3
    assert all(events[i][1] == events[i + 1][1] for i in range(0, len(events), 2))
