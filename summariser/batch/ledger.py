"""One run's ledger: the briefs and failures it appends to briefs.jsonl and errors.jsonl as
outcomes come in, its counts, and at the end errors.jsonl rewritten as the current failures.
Only the runner's main thread touches it (batch.runner)."""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import Any

from summariser.batch.files import BRIEFS_FILE, ERRORS_FILE, _LineAppender, _write_atomic, dumps_line
from summariser.batch.outcomes import RunCounts, _now, _Outcome, _usage_dict
from summariser.batch.progress import ProgressSink
from summariser.errors import BackendError
from summariser.inputs import Article, InputProblem


class _Run:
    """State of one (non-dry) run; only the main thread touches it."""

    def __init__(self, out_dir: Path, done: set[str], prior_errors: dict[str, dict[str, Any]],
                 progress: ProgressSink | None):
        self.out_dir = out_dir
        self.done = done
        self.prior_errors = prior_errors
        self.progress = progress
        self.counts = RunCounts()
        self.errors_by_class: Counter[str] = Counter()
        self.run_errors: dict[str, dict[str, Any]] = {}
        self.briefs = _LineAppender(out_dir / BRIEFS_FILE)
        self.errors = _LineAppender(out_dir / ERRORS_FILE)
        self.consecutive_backend_errors = 0

    def close(self) -> None:
        self.briefs.close()
        self.errors.close()

    def record_problem(self, problem: InputProblem) -> None:
        self.counts.input_problems += 1
        rec: dict[str, Any] = {
            "id": problem.id, "error_class": problem.error_class, "message": problem.message,
            "attempts": 0, "usage": _usage_dict(None), "source": problem.source,
            "url": problem.url, "title": problem.title, "published": problem.published,
        }
        if problem.duplicate_of is not None:
            rec["duplicate_of"] = problem.duplicate_of
        self._error(rec)

    def record_outcome(self, article: Article, outcome: _Outcome) -> None:
        if outcome.brief is not None:
            brief = outcome.brief
            self.briefs.append({"id": article.id, "url": article.url, "title": article.title,
                                "published": article.published,
                                "brief": brief.model_dump(mode="json")})
            self.done.add(article.id)
            self.counts.briefed += 1
            self.consecutive_backend_errors = 0
            if article.id in self.prior_errors:
                self.counts.recovered += 1
            meta = brief.meta
            if meta is not None and meta.cached:
                self.counts.cached += 1  # a cache hit made no model call: no tokens spent
            elif meta is not None:
                self.counts.prompt_tokens += meta.usage.prompt_tokens
                self.counts.completion_tokens += meta.usage.completion_tokens
        else:
            exc = outcome.error
            assert exc is not None
            usage = _usage_dict(getattr(exc, "usage", None))
            # Failed attempts cost tokens too (ExtractionFailed carries their usage).
            self.counts.prompt_tokens += usage["prompt_tokens"]
            self.counts.completion_tokens += usage["completion_tokens"]
            attempts = getattr(exc, "attempts", None)
            self._error({
                "id": article.id, "error_class": type(exc).__name__, "message": str(exc),
                "attempts": attempts if isinstance(attempts, int) else None, "usage": usage,
                "source": article.source, "url": article.url, "title": article.title,
                "published": article.published,
            })
            if isinstance(exc, BackendError):
                self.consecutive_backend_errors += 1
            else:
                self.consecutive_backend_errors = 0
        if self.progress is not None:
            self.progress.update(self.counts)

    def _error(self, rec: dict[str, Any]) -> None:
        rec["failed_at"] = _now()
        self.errors.append(rec)
        self.run_errors[rec["id"]] = rec
        self.counts.errors += 1
        self.errors_by_class[rec["error_class"]] += 1


def _finalise_errors(run: _Run, *, complete: bool) -> dict[str, dict[str, Any]]:
    """Rewrite errors.jsonl as the current failures and return them.

    This run's failures, plus, unless the run read its whole input, earlier failures it did not
    reach. Ids now in briefs.jsonl are never failures. After a complete run an earlier failure
    not seen again is dropped: that input is gone.
    """
    final: dict[str, dict[str, Any]] = {}
    if not complete:
        for id_, rec in run.prior_errors.items():
            if id_ not in run.done and id_ not in run.run_errors:
                final[id_] = rec
    for id_, rec in run.run_errors.items():
        if id_ not in run.done:
            final[id_] = rec
    _write_atomic(run.out_dir / ERRORS_FILE, b"".join(dumps_line(r) for r in final.values()))
    return final
