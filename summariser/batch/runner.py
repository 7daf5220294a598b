"""The nightly batch runner: brief every input exactly once, resumably, into one output folder.

Output folder (only these fixed names are ever written there; article ids are data inside JSON
lines and never become paths):

* ``briefs.jsonl`` — one line per briefed article: ``{"id", "url", "title", "published", "brief"}``
* ``errors.jsonl`` — the *current* failures, one line per article that could not be briefed:
  ``{"id", "error_class", "message", "attempts", "usage", ...}``
* ``report.json`` / ``report.md`` — counts, tokens, cost and the digest (see batch.report)
* ``.batch.lock`` — held while a run writes, so two runs (an overlapping cron job) never share
  the folder

Crash safety: each line is appended with one ``os.write`` on an ``O_APPEND`` descriptor and then
fsync'ed, so a crash loses at most the article in progress. A re-run skips every id already in
briefs.jsonl, retries the ids in errors.jsonl, and drops a partial trailing line left by a crash
mid-write. errors.jsonl is appended to during the run (so failures survive a crash) and rewritten
atomically at the end to hold exactly the ids that still fail; after a run that read its whole
input, every input id is in exactly one of the two files.

The runner is built around an injected ``brief_fn(text) -> Brief`` so tests pass a fake; results
come back to the main thread, which alone writes.
"""

from __future__ import annotations

import logging
import os
import time
from collections import Counter
from collections.abc import Callable
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from dataclasses import asdict
from pathlib import Path
from typing import TYPE_CHECKING, Any

from summariser.batch.files import (
    BRIEFS_FILE,
    ERRORS_FILE,
    REPORT_JSON,
    REPORT_MD,
    Repairs,
    _FolderLock,
    _utf8,
    _write_atomic,
    iter_jsonl,
)
from summariser.batch.ledger import _finalise_errors, _Run
from summariser.batch.outcomes import BatchResult, BriefFn, RunCounts, _call, _now, _Outcome
from summariser.batch.pool import ForkedPool, WorkerDied
from summariser.batch.progress import ProgressSink
from summariser.batch.report import build_digest, dumps_report, render_markdown
from summariser.errors import ConfigError
from summariser.inputs import Article, InputProblem, InputSource, open_source

if TYPE_CHECKING:
    from summariser.config import Config

log = logging.getLogger(__name__)

IsCached = Callable[[str], bool]

# This many BackendErrors in a row with no success in between means the endpoint is down, not
# that these articles are hard: stop instead of marking the whole feed as failed.
MAX_CONSECUTIVE_BACKEND_ERRORS = 25



# ----------------------------------------------------------------------------------------------
# running


def effective_concurrency(requested: int, config: Config | None) -> int:
    """The embedded llama model is one in-process model: it runs one article at a time."""
    if config is not None and config.backend == "llama":
        return 1
    return max(1, requested)


# A process's threads use about one core (the GIL) at ~8 ms of client CPU per request, so a
# process is worth adding for every 8 requests in flight, up to one per core.
REQUESTS_PER_PROCESS = 8


def effective_workers(requested: int | None, concurrency: int) -> int:
    """Worker processes for this run: `requested`, or None for one per REQUESTS_PER_PROCESS in
    flight up to the number of cores; never more than `concurrency`. 1 means no fork at all."""
    if concurrency <= 1:
        return 1
    if requested is None:
        requested = min(os.cpu_count() or 1, concurrency // REQUESTS_PER_PROCESS)
    return max(1, min(requested, concurrency))


class _Abort(Exception):
    def __init__(self, detail: str):
        super().__init__(detail)
        self.detail = detail


def _check_systemic(run: _Run, outcome: _Outcome) -> None:
    # A bad setting fails every article the same way; say so once instead of a million times.
    if isinstance(outcome.error, ConfigError):
        raise _Abort(f"stopped on a configuration error: {outcome.error}")
    if isinstance(outcome.error, WorkerDied):
        raise _Abort(f"stopped: {outcome.error}")
    if run.consecutive_backend_errors >= MAX_CONSECUTIVE_BACKEND_ERRORS:
        raise _Abort(f"stopped after {run.consecutive_backend_errors} backend errors in a row "
                     f"(last: {outcome.error}); is the model endpoint up?")


def run_batch(
    source: InputSource | Path | str,
    out_dir: Path | str,
    brief_fn: BriefFn,
    *,
    concurrency: int = 1,
    workers: int | None = 1,
    limit: int | None = None,
    dry_run: bool = False,
    is_cached: IsCached | None = None,
    config: Config | None = None,
    progress: ProgressSink | None = None,
) -> BatchResult:
    """Brief every input of ``source`` into ``out_dir``, resuming what an earlier run left.

    ``source`` is an InputSource or a path (folder or .jsonl); ``brief_fn(text)`` returns a
    Brief or raises (a SummariserError, or any Exception, becomes an error record).
    ``concurrency`` > 1 runs brief_fn in that many threads (forced to 1 for the embedded llama
    backend), spread over ``workers`` forked processes (None: see effective_workers);
    ``limit`` caps how many articles are sent to brief_fn this run; ``dry_run`` only counts
    (nothing is written) and asks ``is_cached(text)`` which of the to-do articles the cache
    would answer. ``config`` supplies the model names for the report and the cost estimate.

    Raises InputError for an unusable source path, BatchLocked when another run holds the
    folder; KeyboardInterrupt/SystemExit from brief_fn propagate after the output is made
    consistent.
    """
    t0 = time.monotonic()
    started_at = _now()
    out_dir = Path(out_dir)
    if not isinstance(source, InputSource):
        source = open_source(Path(source), exclude=out_dir)
    concurrency = effective_concurrency(concurrency, config)
    workers = effective_workers(workers, concurrency)

    if dry_run:
        return _dry_run(source, out_dir, limit=limit, is_cached=is_cached, t0=t0)

    out_dir.mkdir(parents=True, exist_ok=True)
    with _FolderLock(out_dir):
        repairs = Repairs()
        done = {rec["id"] for rec in iter_jsonl(out_dir / BRIEFS_FILE, repair=True,
                                                repairs=repairs)}
        prior_errors: dict[str, dict[str, Any]] = {}
        for rec in iter_jsonl(out_dir / ERRORS_FILE, repair=True, repairs=repairs):
            prior_errors[rec["id"]] = rec  # the latest record for an id wins
        run = _Run(out_dir, done, prior_errors, progress)
        status: str = "interrupted"
        detail: str | None = None
        try:
            if progress is not None:
                todo = max(source.count() - len(done), 0)
                progress.start(min(todo, limit) if limit is not None else todo)
            status, detail = _process(run, source, brief_fn, concurrency, limit, workers)
        except _Abort as abort:
            status, detail = "aborted", abort.detail
        except BaseException as exc:
            what = type(exc).__name__ + (f": {exc}" if str(exc) else "")
            detail = f"stopped by {what}; re-run the same command to resume"
            raise
        finally:
            run.close()
            # Runs on interrupts too, so errors.jsonl stays "the current failures" and the
            # report says what happened; a hard kill skips this and the next run repairs.
            final_errors = _finalise_errors(run, complete=status == "complete")
            if progress is not None:
                progress.finish(run.counts)
            report = _build_report(
                run, source, out_dir, final_errors, config=config, concurrency=concurrency,
                workers=workers,
                limit=limit, status=status, detail=detail, started_at=started_at,
                wall_time_s=time.monotonic() - t0, repairs=repairs)
            _write_report(out_dir, report)
    return BatchResult(
        counts=run.counts, status=status, status_detail=detail,
        final_briefs=len(done), final_errors=len(final_errors),
        final_errors_by_class=dict(Counter(r["error_class"] for r in final_errors.values())),
        errors_by_class=dict(run.errors_by_class), wall_time_s=report["wall_time_s"],
        cost_estimate_usd=report["cost_estimate_usd"], report=report,
    )


def _process(run: _Run, source: InputSource, brief_fn: BriefFn, concurrency: int,
             limit: int | None, workers: int = 1) -> tuple[str, str | None]:
    """Feed the source through brief_fn; returns (status, detail)."""
    counts = run.counts
    executor: ThreadPoolExecutor | ForkedPool | None = None
    if workers > 1:
        executor = ForkedPool(brief_fn, workers, concurrency)
    elif concurrency > 1:
        executor = ThreadPoolExecutor(concurrency, thread_name_prefix="brief")
    in_flight: dict[Future[_Outcome], Article] = {}
    # Enough queued work to keep every worker busy, without a future per input in memory.
    max_in_flight = 2 * concurrency

    def drain(block_until: int) -> None:
        while len(in_flight) > block_until:
            finished, _ = wait(in_flight, return_when=FIRST_COMPLETED)
            for fut in finished:
                article = in_flight.pop(fut)
                outcome = fut.result()  # re-raises KeyboardInterrupt/SystemExit from brief_fn
                run.record_outcome(article, outcome)
                _check_systemic(run, outcome)

    submitted = 0
    status: tuple[str, str | None] = ("complete", None)
    records = iter(source)
    try:
        for record in records:
            if record.id in run.done:
                counts.inputs += 1
                counts.skipped_done += 1
                if run.progress is not None:
                    run.progress.update(counts)
                continue
            if isinstance(record, InputProblem):
                counts.inputs += 1
                run.record_problem(record)
                if run.progress is not None:
                    run.progress.update(counts)
                continue
            if limit is not None and submitted >= limit:
                status = ("limit_reached", f"--limit {limit} reached; re-run to continue")
                break
            counts.inputs += 1
            submitted += 1
            if record.id in run.prior_errors:
                counts.retried += 1
            if executor is None:
                outcome = _call(brief_fn, record.text)
                run.record_outcome(record, outcome)
                _check_systemic(run, outcome)
            else:
                drain(max_in_flight - 1)
                if isinstance(executor, ForkedPool):
                    in_flight[executor.submit(record.text)] = record
                else:
                    in_flight[executor.submit(_call, brief_fn, record.text)] = record
        drain(0)
    finally:
        close = getattr(records, "close", None)
        if close is not None:  # release the feed file now when --limit stops early
            close()
        if executor is not None:
            # On an interrupt, don't wait for queued work; running calls finish in background
            # and are redone by the next run.
            executor.shutdown(wait=not in_flight, cancel_futures=True)
    return status


def _build_report(run: _Run, source: InputSource, out_dir: Path,
                  final_errors: dict[str, dict[str, Any]], *, config: Config | None,
                  concurrency: int, workers: int, limit: int | None, status: str, detail: str | None,
                  started_at: str, wall_time_s: float, repairs: Repairs) -> dict[str, Any]:
    c = run.counts
    cost = config.estimate_cost(c.prompt_tokens, c.completion_tokens) if config else None
    digest = build_digest(iter_jsonl(out_dir / BRIEFS_FILE))
    return {
        "report_version": 1,
        "status": status,
        "status_detail": detail,
        "started_at": started_at,
        "finished_at": _now(),
        "wall_time_s": round(wall_time_s, 3),
        "input": str(source.path),
        "input_kind": source.kind,
        "out_dir": str(out_dir),
        "settings": {
            "concurrency": concurrency, "workers": workers, "limit": limit,
            "backend": config.backend if config else None,
            "model": config.model if config else None,
            "strategy": config.strategy if config else None,
            "use_cache": config.use_cache if config else None,
        },
        "counts": {k: v for k, v in asdict(c).items()
                   if k not in ("prompt_tokens", "completion_tokens", "deferred")},
        "errors_by_class": dict(run.errors_by_class),
        "final": {
            "briefs": len(run.done),
            "errors": len(final_errors),
            "errors_by_class": dict(Counter(r["error_class"] for r in final_errors.values())),
        },
        "tokens": {"prompt": c.prompt_tokens, "completion": c.completion_tokens,
                   "total": c.prompt_tokens + c.completion_tokens},
        "cache_hits": c.cached,
        "cost_estimate_usd": cost,
        "ignored": {"count": source.ignored.count, "examples": source.ignored.examples},
        "repairs": asdict(repairs),
        "digest": digest,
    }


def _write_report(out_dir: Path, report: dict[str, Any]) -> None:
    _write_atomic(out_dir / REPORT_JSON, _utf8(dumps_report(report)))
    _write_atomic(out_dir / REPORT_MD, _utf8(render_markdown(report)))


def _dry_run(source: InputSource, out_dir: Path, *, limit: int | None,
             is_cached: IsCached | None, t0: float) -> BatchResult:
    """Count what a run would do; reads the output folder but writes nothing."""
    done = {rec["id"] for rec in iter_jsonl(out_dir / BRIEFS_FILE)}
    prior_errors = {rec["id"]: rec for rec in iter_jsonl(out_dir / ERRORS_FILE)}
    counts = RunCounts()
    problems: Counter[str] = Counter()
    for record in source:
        counts.inputs += 1
        if record.id in done:
            counts.skipped_done += 1
        elif isinstance(record, InputProblem):
            counts.input_problems += 1
            counts.errors += 1
            problems[record.error_class] += 1
        elif limit is not None and counts.briefed >= limit:
            counts.deferred += 1
        else:
            counts.briefed += 1
            if record.id in prior_errors:
                counts.retried += 1
            if is_cached is not None:
                try:
                    counts.cached += bool(is_cached(record.text))
                except Exception as exc:  # a cache probe failing must not fail the count
                    log.warning("cache check failed for %s: %s", record.id, exc)
    return BatchResult(
        counts=counts, status="dry_run", final_briefs=len(done),
        final_errors=len(prior_errors),
        final_errors_by_class=dict(Counter(str(r.get("error_class")) for r in prior_errors.values())),
        errors_by_class=dict(problems), wall_time_s=round(time.monotonic() - t0, 3),
        cached_known=is_cached is not None,
    )
