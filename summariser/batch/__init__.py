"""The nightly batch: brief every input exactly once, resumably, into one output folder.

    runner    run_batch(): the run itself (resume, retries, systemic stop, dry run)
    ledger    one run's briefs and failures as they are written, and the final errors.jsonl
    outcomes  what one article ends as, and the run's counts
    files     durable JSON lines, atomic writes, the folder lock
    pool      forked worker processes for CPU-bound briefing
    progress  the terminal progress line
    report    report.json / report.md and the digest
"""

from summariser.batch.files import (
    BRIEFS_FILE,
    ERRORS_FILE,
    LOCK_FILE,
    REPORT_JSON,
    REPORT_MD,
    BatchLocked,
    Repairs,
    dumps_line,
    iter_jsonl,
)
from summariser.batch.outcomes import BatchResult, BriefFn, RunCounts
from summariser.batch.progress import ProgressSink, TerminalProgress
from summariser.batch.runner import (
    MAX_CONSECUTIVE_BACKEND_ERRORS,
    IsCached,
    effective_concurrency,
    effective_workers,
    run_batch,
)

__all__ = [
    "BRIEFS_FILE", "ERRORS_FILE", "LOCK_FILE", "MAX_CONSECUTIVE_BACKEND_ERRORS", "REPORT_JSON",
    "REPORT_MD", "BatchLocked", "BatchResult", "BriefFn", "IsCached", "ProgressSink", "Repairs",
    "RunCounts", "TerminalProgress", "dumps_line", "effective_concurrency", "effective_workers",
    "iter_jsonl", "run_batch",
]
