"""Reliability: a batch through a misbehaving OpenAI-compatible endpoint, SIGKILL mid-run, a
damaged or shared brief cache. Every article must end in exactly one brief or one error record,
and every request and token the endpoint saw must be accounted for.

All of it runs offline against summariser.testing.MockOpenAIServer on 127.0.0.1.
"""

from __future__ import annotations

import json
import logging
import os
import random
import re
import shutil
import signal
import subprocess
import sys
import textwrap
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from summariser.schemas.brief import Brief

from summariser import core
from summariser.backends.base import LLMRequest
from summariser.backends.fake import FakeBackend
from summariser.backends.openai_compat import OpenAIBackend
from summariser.batch import BRIEFS_FILE, ERRORS_FILE, REPORT_JSON, run_batch
from summariser.cache import BriefCache
from summariser.config import Config
from summariser.core import is_cached, summarise
from summariser.testing.mock_openai import (
    ERROR_FAULTS,
    FAULT_TYPES,
    FaultSchedule,
    MockOpenAIServer,
    instance_from_schema,
    schema_from_request,
)

REPO = Path(__file__).resolve().parents[1]
PLACES = ["Kessra", "Dorvan", "Ilyas", "Marov", "Tavrin", "Oskel", "Bereza", "Halvik", "Sumen", "Ratova"]

# ----------------------------------------------------------------------------------------------
# synthetic wire copy and a model that answers it correctly


def wire_articles(n: int, seed: int = 7) -> list[dict[str, Any]]:
    """Short wire-style articles, each with a death toll (and every third one a wounded count)."""
    rng = random.Random(seed)
    rows = []
    for i in range(n):
        aid = f"w{i:05d}"
        place = PLACES[i % len(PLACES)]
        killed = rng.randint(2, 900)
        text = (f"At least {killed} people were killed in {place} on Monday, officials said. "
                f"Residents reported heavy shelling overnight near the central market. Dispatch ref {aid}.")
        wounded = None
        if i % 3 == 0:
            wounded = killed + rng.randint(1, 50)
            text += f" Another {wounded} people were wounded, medics said."
        rows.append({"id": aid, "text": text, "title": f"Shelling in {place}", "place": place,
                     "killed": killed, "wounded": wounded})
    return rows


def write_feed(path: Path, rows: list[dict[str, Any]], extra_lines: tuple[str, ...] = ()) -> Path:
    lines = [json.dumps({k: r[k] for k in ("id", "text", "title")}) for r in rows]
    path.write_text("\n".join([*lines, *extra_lines]) + "\n")
    return path


def _article_in(messages: list[dict[str, Any]]) -> str:
    for m in messages:
        content = m.get("content")
        if m.get("role") == "user" and isinstance(content, str):
            found = re.search(r"<<<\n(.*?)\n>>>", content, re.DOTALL)
            if found:
                return found.group(1)
    return ""


def _question_in(messages: list[dict[str, Any]]) -> str:
    for m in messages:
        content = m.get("content")
        if m.get("role") == "user" and isinstance(content, str) and ">>>" in content:
            return content.split(">>>", 1)[1]
    return ""


class WireModel:
    """An HTTP responder that answers the overview and each figure question correctly, for any
    version of the LLM schemas (answers are built from the schema the request carries), and
    records which article (by its dispatch ref) each request was about."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.seen: Counter[str] = Counter()

    def article_id(self, article: str) -> str | None:
        found = re.search(r"Dispatch ref (\w+)\.", article)
        return found.group(1) if found else None

    def __call__(self, body: dict[str, Any]) -> Any:
        _, schema, _ = schema_from_request(body)
        assert schema is not None, "the client sent no schema"
        messages = body.get("messages", [])
        article = _article_in(messages)
        with self.lock:
            self.seen[self.article_id(article) or "?"] += 1
        return answer_for(schema, article, _question_in(messages))


def answer_for(schema: dict[str, Any], article: str, question: str) -> dict[str, Any]:
    """The right answer to an overview, figure or whole-brief (single strategy) question."""
    answer = instance_from_schema(schema)
    props = schema.get("properties", {})
    if "topic" in props:
        place = next((p for p in PLACES if p in article), None)
        answer.update(topic="armed conflict")
        for field in ("places", "locations"):
            if field in props and place:
                item = instance_from_schema(props[field]["items"], root=schema)
                answer[field] = [{**item, "name": place}]
        if "figures" in props:
            item = instance_from_schema(props["figures"]["items"], root=schema)
            answer["figures"] = [
                {**item, "kind": "injured" if "wounded" in m.group(0) else "killed", "number": m.group(1),
                 "group": "mixed", "reported_by": "officials", "scope": "incident", "evidence": m.group(0)}
                for m in re.finditer(r"(?:At least|Another) (\d+) people were (?:killed|wounded)[^.]*\.",
                                     article)]
    elif "kind" in props:
        # The question quotes the candidate's sentence from the article.
        asked = [s for s in re.split(r"(?<=\.)\s+", article) if s and s in question]
        kind = "injured" if any("wounded" in s for s in asked) else "killed"
        answer.update(kind=kind, group="mixed", reported_by="officials", scope="incident")
    return answer


def task_of(body: dict[str, Any]) -> str:
    _, schema, _ = schema_from_request(body)
    props = (schema or {}).get("properties", {})
    return "single" if "figures" in props else "figure" if "kind" in props else "overview"


class EndpointUnderTest(MockOpenAIServer):
    """The mock server plus two things it does not do on its own: answer some requests with a
    non-transient HTTP error (400 "context length" / 401), and remember what every 200 it sent
    cost, so tokens of answers the client gave up on (timeouts) can be told apart."""

    def __init__(self, *args: Any, reject: Callable[[dict[str, Any]], int | None] = lambda b: None,
                 **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.reject = reject
        self.sent: dict[int, tuple[str | None, int, str]] = {}  # seq -> (fault, tokens, text)
        self.authorization: Counter[str] = Counter()

    def _serve_chat(self, handler: Any, body: dict[str, Any]) -> None:
        self.authorization[handler.headers.get("Authorization", "")] += 1
        status = self.reject(body)
        if status is None:
            super()._serve_chat(handler, body)
            return
        self._bump("requests")
        self._record_status(status)
        message = ("Incorrect API key provided: sk-test-****7890." if status == 401
                   else "This model's maximum context length is 8192 tokens.")
        handler.send_json(status, {"error": {"message": message, "type": "invalid_request_error",
                                             "param": None, "code": None}})

    def _completion(self, body: Any, seq: int, mode: str, tool_name: str | None, text: str,
                    finish_reason: str) -> dict[str, Any]:
        payload = super()._completion(body, seq, mode, tool_name, text, finish_reason)
        with self._lock:
            self.sent[seq] = (self.faults.decide(seq), payload["usage"]["total_tokens"],
                              _article_in(body.get("messages", [])))
        return payload


def read_lines(path: Path) -> list[dict[str, Any]]:
    """Every line of an output file, parsed strictly: unlike iter_jsonl, which skips a torn or
    unreadable line (it is the resume path's repair), a half line here fails the test."""
    if not path.exists():
        return []
    data = path.read_bytes()
    assert not data or data.endswith(b"\n"), f"{path.name} ends in half a line: {data[-80:]!r}"
    records = [json.loads(line) for line in data.splitlines()]
    assert all(isinstance(r, dict) and isinstance(r.get("id"), str) for r in records), path.name
    return records


def assert_exactly_once(out: Path, expected: set[str]) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    briefs, errors = read_lines(out / BRIEFS_FILE), read_lines(out / ERRORS_FILE)
    brief_ids, error_ids = [b["id"] for b in briefs], [e["id"] for e in errors]
    assert len(brief_ids) == len(set(brief_ids)), "duplicated brief"
    assert len(error_ids) == len(set(error_ids)), "duplicated error record"
    assert not set(brief_ids) & set(error_ids), "an id is both briefed and failed"
    assert set(brief_ids) | set(error_ids) == expected, "an article was lost"
    return briefs, errors


# ----------------------------------------------------------------------------------------------
# 1. a thousand articles through every kind of fault

FAULT_RATES = {
    "rate_limit": 0.04, "server_error": 0.035, "unavailable": 0.035, "reset": 0.035, "timeout": 0.02,
    "truncated_json": 0.03, "invalid_json": 0.03, "wrong_shape": 0.03, "slow": 0.03,
}
REQUEST_TIMEOUT_S = 0.5


def run_through_faults(tmp_path: Path, rows: list[dict[str, Any]], *, strategy: str,
                       poisoned: set[str], poison_task: str, seed: int,
                       monkeypatch: pytest.MonkeyPatch) -> dict[str, Any]:
    """Run `rows` (plus three unreadable feed lines) through a faulty endpoint at concurrency 16
    and check exactly-once output and request/token accounting; returns what it found."""
    # Durability against power loss is test_batch's business; here an fsync per line (~15 ms on
    # a slow CI disk) would only make the run take twice as long.
    monkeypatch.setattr(os, "fsync", lambda fd: None)
    bad_lines = ("not json at all", json.dumps({"id": "no-text"}), json.dumps({"id": "blank", "text": " "}))
    feed = write_feed(tmp_path / "feed.jsonl", rows, bad_lines)
    schedule = FaultSchedule(seed=seed, rates=FAULT_RATES, timeout_sleep_s=1.0, slow_s=0.15,
                             retry_after_s=0.05)
    model = WireModel()

    def reject(body: dict[str, Any]) -> int | None:
        aid = model.article_id(_article_in(body.get("messages", [])))
        return 400 if aid in poisoned and task_of(body) == poison_task else None

    received: set[int] = set()  # the answers (by request number) the client actually read
    lock = threading.Lock()

    def read(response: Any) -> None:
        with lock:
            received.add(int(response.id.rsplit("-", 1)[1]))  # "chatcmpl-mock-<seq>"

    with EndpointUnderTest(faults=schedule, responder=model, reject=reject) as server:
        config = Config(backend="openai", base_url=server.base_url, model="mock", use_cache=False,
                        strategy=strategy, max_transient_retries=6, max_validation_retries=3,
                        request_timeout_s=REQUEST_TIMEOUT_S)
        backend = OpenAIBackend(config)
        backend.client.on("completion:response", read)
        result = run_batch(feed, tmp_path / "out", lambda text: summarise(text, config, backend=backend),
                           concurrency=16, config=config)
        time.sleep(schedule.timeout_sleep_s + 0.3)  # let the answers nobody waits for go out
        stats = server.stats()
        sent = dict(server.sent)

    # --- exactly once: every id is one brief or one error record, and the counts add up
    ids = {r["id"] for r in rows} | {f"line-{len(rows) + 1}", "no-text", "blank"}
    briefs, errors = assert_exactly_once(tmp_path / "out", ids)
    assert result.status == "complete"
    assert len(briefs) + len(errors) == len(ids) == result.counts.inputs
    assert result.counts.briefed == len(briefs) and result.counts.errors == len(errors)
    by_class = Counter(e["error_class"] for e in errors)
    assert by_class["InputError"] == len(bad_lines)
    assert {e["id"] for e in errors if e["error_class"] == "BackendError"} == poisoned
    # Faults alone fail an article only if one question's output never validates (4 bad answers
    # in a row); such a failure is an ExtractionFailed record that still says what it cost.
    assert set(by_class) <= {"InputError", "BackendError", "ExtractionFailed"}
    assert by_class["ExtractionFailed"] <= 2

    # --- every injected fault happened; the server refused each poisoned question once
    assert all(stats["faults"][f] > 0 for f in FAULT_TYPES), stats["faults"]
    assert stats["status"].get(400, 0) >= len(poisoned)
    assert stats["responder_errors"] == stats["bad_requests"] == 0

    # --- the figures survived the faults
    truth = {r["id"]: r for r in rows}
    for b in briefs:
        row, brief = truth[b["id"]], Brief.model_validate(b["brief"])
        killed = [c.count for c in brief.casualties if c.kind == "killed"]
        injured = [c.count for c in brief.casualties if c.kind == "injured"]
        unclassified = any("Could not classify" in w for w in brief.warnings)
        assert (killed, injured) == ([row["killed"]], [row["wounded"]] if row["wounded"] else []) \
            or unclassified, (b, row)
        assert brief.meta is not None and not brief.meta.cached

    # --- request accounting. An attempt is one answer the model generated and the client read
    # (validation re-asks included). The server sent a 200 for every other request too, but
    # the client had given up on some ("timeout" faults, and any answer slower than the
    # client's timeout on a loaded machine) and asked again.
    sent_200 = stats["status"][200]
    assert len(sent) == sent_200 and received <= set(sent)
    abandoned = set(sent) - received
    planned = {seq for seq, (fault, _, _) in sent.items() if fault == "timeout"}
    assert planned <= abandoned
    attempts = (sum(b["brief"]["meta"]["attempts"] for b in briefs)
                + sum(e["attempts"] or 0 for e in errors))
    assert attempts == len(received) == sent_200 - len(abandoned)
    # Every other request got an error status or a dropped connection: 429 / 500 / 503 / reset
    # faults (each retried), and the 400s of the poisoned articles (never retried, unless the
    # client timed out waiting for one on a loaded machine).
    refused = sum(n for status, n in stats["status"].items() if status != 200)
    assert stats["requests"] == sent_200 + refused + stats["faults"]["reset"]
    assert refused == sum(stats["faults"][f] for f in ERROR_FAULTS if f != "reset") + stats["status"][400]

    # --- token accounting: briefs and error records (a failed article's earlier questions
    # included) add up to exactly the answers the client read; the server billed those plus
    # the abandoned ones.
    def tokens(rec: dict[str, Any]) -> int:
        return rec["prompt_tokens"] + rec["completion_tokens"]

    spent = (sum(tokens(b["brief"]["meta"]["usage"]) for b in briefs)
             + sum(tokens(e["usage"]) for e in errors))
    assert spent == sum(sent[seq][1] for seq in received)
    assert stats["total_tokens"] == sum(t for _, t, _ in sent.values())
    report = json.loads((tmp_path / "out" / REPORT_JSON).read_text())
    assert report["tokens"]["total"] == spent
    return {"faults": stats["faults"], "requests": stats["requests"], "status": stats["status"],
            "timeouts_unplanned": len(abandoned - planned), "briefs": len(briefs),
            "errors": dict(by_class), "wall_s": result.wall_time_s,
            "extraction_failed": [e["message"][:300] for e in errors
                                  if e["error_class"] == "ExtractionFailed"]}


def test_a_thousand_articles_through_every_fault(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    rows = wire_articles(1000)
    found = run_through_faults(tmp_path, rows, strategy="single", seed=20240601,
                               poisoned={r["id"] for r in rows[5::97]}, poison_task="single",
                               monkeypatch=monkeypatch)
    print(f"\n1000 articles: {found}")


def test_focused_strategy_through_faults_accounts_for_every_question(tmp_path: Path,
                                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    # Several questions per article; the poisoned ones fail on a figure question, after the
    # overview was answered: their error records must still carry the overview's cost.
    rows = wire_articles(150, seed=11)
    found = run_through_faults(tmp_path, rows, strategy="focused", seed=99,
                               poisoned={r["id"] for r in rows[2::29]}, poison_task="figure",
                               monkeypatch=monkeypatch)
    print(f"\nfocused: {found}")


def test_a_failed_article_says_what_it_cost(tmp_path: Path) -> None:
    # The overview is answered, the figure question gets a bad answer (re-asked), then the
    # endpoint goes down for good: the error record must carry all of it, not just the last call.
    row = wire_articles(1)[0]
    feed = write_feed(tmp_path / "feed.jsonl", [row])
    script = [None, "invalid_json", "unavailable", "unavailable"]
    with EndpointUnderTest(faults=FaultSchedule(script=script), responder=WireModel()) as server:
        config = Config(backend="openai", base_url=server.base_url, model="mock", use_cache=False,
                        max_transient_retries=1)
        result = run_batch(feed, tmp_path / "out", lambda text: summarise(text, config), config=config)
        stats = server.stats()

    [error] = read_lines(tmp_path / "out" / ERRORS_FILE)
    assert error["error_class"] == "BackendError" and result.counts.errors == 1
    assert stats["requests"] == 4 and stats["status"][200] == 2
    assert error["attempts"] == 2  # the overview and the answer that was re-asked
    assert error["usage"]["prompt_tokens"] == stats["prompt_tokens"]
    assert error["usage"]["completion_tokens"] == stats["completion_tokens"]
    assert result.counts.prompt_tokens + result.counts.completion_tokens == stats["total_tokens"]


# ----------------------------------------------------------------------------------------------
# 2. SIGKILL mid-run, then the same command again


def _cli(feed: Path, out: Path, base_url: str, *extra: str) -> list[str]:
    return [sys.executable, "-c", "from summariser.cli import main; main()", "batch", str(feed),
            "--out", str(out), "--backend", "openai", "--base-url", base_url, "--model", "mock",
            "--concurrency", "8", *extra]


def _env(tmp_path: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SUMMARISER_", "OPENAI_"))}
    env.update(SUMMARISER_HOME=str(tmp_path / "home"), SUMMARISER_CACHE_DIR=str(tmp_path / "cache"),
               PYTHONPATH=str(REPO))
    return env


def _complete_lines(path: Path) -> int:
    if not path.exists():
        return 0
    return path.read_bytes().count(b"\n")


@pytest.mark.parametrize("cache", [False, True], ids=["no-cache", "cache"])
def test_sigkill_mid_run_then_rerun_sends_no_done_article_again(tmp_path: Path, cache: bool) -> None:
    rows = wire_articles(160, seed=3)
    feed = write_feed(tmp_path / "feed.jsonl", rows)
    out = tmp_path / "out"
    model = WireModel()
    extra = () if cache else ("--no-cache",)
    with EndpointUnderTest(latency_s=0.03, responder=model) as server:
        proc = subprocess.Popen(_cli(feed, out, server.base_url, *extra), env=_env(tmp_path),
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        deadline = time.monotonic() + 60
        while _complete_lines(out / BRIEFS_FILE) < 30:
            assert proc.poll() is None, proc.communicate()
            assert time.monotonic() < deadline, "the batch made no progress"
            time.sleep(0.02)
        proc.send_signal(signal.SIGKILL)
        proc.communicate(timeout=30)
        assert proc.returncode == -signal.SIGKILL
        done_before = {b["id"] for b in read_lines(out / BRIEFS_FILE)}  # whole lines only
        read_lines(out / ERRORS_FILE)
        assert 30 <= len(done_before) < len(rows), "kill the run in the middle, not at the end"
        time.sleep(0.2)  # requests the dead process had already sent are answered and counted
        with model.lock:
            model.seen.clear()
        server.reset_stats()

        rerun = subprocess.run(_cli(feed, out, server.base_url, *extra), env=_env(tmp_path),
                               capture_output=True, timeout=120)
        stats = server.stats()

    assert rerun.returncode == 0, rerun.stderr.decode()[-2000:]
    briefs, errors = assert_exactly_once(out, {r["id"] for r in rows})
    # The rerun found nothing to repair: the kill left no half line and no unreadable one.
    repairs = json.loads((out / REPORT_JSON).read_text())["repairs"]
    assert repairs == {"partial_lines_dropped": 0, "corrupt_lines": 0}
    assert not errors
    seen_again = set(model.seen)
    assert not seen_again & done_before, "an article briefed before the kill went to the model again"
    rest = {r["id"] for r in rows} - done_before
    by_id = {b["id"]: Brief.model_validate(b["brief"]) for b in briefs}
    for aid in rest:
        meta = by_id[aid].meta
        assert meta is not None
        # Without a cache every unfinished article is asked again; with one, an article whose
        # brief (or every model answer) the killed run cached but never wrote may come from the
        # cache instead.
        from_cache = meta.cached or (meta.calls > 0 and meta.cached_calls == meta.calls)
        assert aid in seen_again or (cache and from_cache), aid
    fresh = [by_id[a] for a in rest if by_id[a].meta and not by_id[a].meta.cached]
    assert stats["requests"] == sum(b.meta.attempts for b in fresh if b.meta)  # nothing else was sent
    if not cache:
        assert seen_again == rest


# ----------------------------------------------------------------------------------------------
# 3. the brief cache: corrupted, deleted mid-run, shared by two processes


def obedient(request: LLMRequest) -> Any:
    """A FakeBackend responder: a correct answer for any wire article, from the response model."""
    schema = request.response_model.model_json_schema()
    return request.response_model.model_validate(
        answer_for(schema, _article_in(request.messages), _question_in(request.messages)))


def _config(cache_dir: Path) -> Config:
    return Config(backend="fake", model="fake-model", cache_dir=cache_dir, use_cache=True)


def test_cache_with_garbage_sqlite_files_is_rebuilt(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    cache_dir = tmp_path / "cache"
    cache_dir.mkdir()
    for name in ("cache.db", "cache.db-wal", "cache.db-shm"):
        (cache_dir / name).write_bytes(os.urandom(8192))
    text = wire_articles(1)[0]["text"]
    fake = FakeBackend(responder=obedient)

    first = summarise(text, _config(cache_dir), backend=fake)
    second = summarise(text, _config(cache_dir), backend=fake)

    assert first.meta is not None and not first.meta.cached
    assert second.meta is not None and second.meta.cached  # the rebuilt cache works
    assert second.casualties == first.casualties
    assert "unusable" in caplog.text


def test_cache_corrupted_while_open_never_fails_a_brief(tmp_path: Path) -> None:
    cache_dir = tmp_path / "cache"
    rows = wire_articles(20)
    fake = FakeBackend(responder=obedient)
    summarise(rows[0]["text"], _config(cache_dir), backend=fake)
    for path in cache_dir.iterdir():  # garbage over the open database and its journal
        with open(path, "r+b") as fh:
            fh.write(os.urandom(max(path.stat().st_size, 4096)))

    briefs = [summarise(r["text"], _config(cache_dir), backend=fake) for r in rows]
    core._cache_for.cache_clear()  # a later process opening the damaged directory
    never = FakeBackend()  # raises if asked anything: the healed cache must answer
    again = [summarise(r["text"], _config(cache_dir), backend=never) for r in rows]

    assert [b.casualties for b in briefs] == [b.casualties for b in again]
    assert all(b.casualties[0].count == r["killed"] for b, r in zip(briefs, rows, strict=True))
    assert all(b.meta is not None and b.meta.cached for b in again)
    assert never.history == []


def test_cache_value_that_is_not_a_brief_is_a_miss(tmp_path: Path) -> None:
    cache = BriefCache(tmp_path / "cache", 2**20)
    cache._cache.set("k", "{not a brief")
    assert cache.get("k") is None


def test_cache_directory_deleted_mid_run(tmp_path: Path) -> None:
    cache_dir = tmp_path / "cache"
    rows = wire_articles(60)
    feed = write_feed(tmp_path / "feed.jsonl", rows)
    fake = FakeBackend(responder=obedient)
    calls = Counter[str]()
    lock = threading.Lock()

    def brief_fn(text: str) -> Brief:
        with lock:
            calls["n"] += 1
            if calls["n"] == 20:
                # moved away first: a plain rmtree races the other threads' writes into it
                # ("Directory not empty"), which failed the test now and then, not the product
                gone = tmp_path / "deleted-cache"
                cache_dir.rename(gone)
                shutil.rmtree(gone)
        return summarise(text, _config(cache_dir), backend=fake)

    result = run_batch(feed, tmp_path / "out", brief_fn, concurrency=4)

    errors = (tmp_path / "out" / "errors.jsonl").read_text()
    assert result.counts.briefed == 60 and result.counts.errors == 0, errors
    assert cache_dir.is_dir()  # rebuilt where it belongs, not written into a deleted directory
    core._cache_for.cache_clear()
    later = [r for r in rows[30:] if is_cached(r["text"], _config(cache_dir), backend=fake)]
    assert len(later) == 30  # briefs made after the deletion were cached again


_WORKER = textwrap.dedent("""
    import json, random, sys
    sys.path.insert(0, {tests!r})
    from test_reliability import obedient, wire_articles
    from summariser.backends.fake import FakeBackend
    from summariser.config import Config
    from summariser.core import summarise

    rows = wire_articles(40)
    random.Random(int(sys.argv[1])).shuffle(rows)
    config = Config(backend="fake", model="fake-model", cache_dir={cache!r}, use_cache=True)
    fake = FakeBackend(responder=obedient)
    out = {{}}
    for _ in range(2):
        for r in rows:
            brief = summarise(r["text"], config, backend=fake)
            out[r["id"]] = [c.count for c in brief.casualties if c.kind == "killed"]
    print(json.dumps(out))
""")


def test_two_processes_share_one_cache(tmp_path: Path) -> None:
    cache_dir = tmp_path / "cache"
    script = _WORKER.format(tests=str(REPO / "tests"), cache=str(cache_dir))
    env = _env(tmp_path)
    procs = [subprocess.Popen([sys.executable, "-c", script, str(seed)], env=env, stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE) for seed in (1, 2)]
    results = [p.communicate(timeout=120) for p in procs]

    truth = {r["id"]: [r["killed"]] for r in wire_articles(40)}
    for proc, (stdout, stderr) in zip(procs, results, strict=True):
        assert proc.returncode == 0, stderr.decode()[-2000:]
        assert json.loads(stdout) == truth
    never = FakeBackend()  # raises if asked anything: every answer must come from the cache
    for r in wire_articles(40):
        brief = summarise(r["text"], _config(cache_dir), backend=never)
        assert brief.meta is not None and brief.meta.cached


@pytest.fixture(autouse=True)
def _quiet_instructor() -> Iterator[None]:
    # instructor logs every failed HTTP call at ERROR; a thousand of them drown real failures.
    logger = logging.getLogger("instructor")
    level = logger.level
    logger.setLevel(logging.CRITICAL)
    yield
    logger.setLevel(level)
