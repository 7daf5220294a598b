"""What one article of a batch ends as (a brief or an error), and the run's counts."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from summariser.schemas.brief import Brief

log = logging.getLogger(__name__)

BriefFn = Callable[[str], "Brief"]


# ----------------------------------------------------------------------------------------------
# results


@dataclass
class RunCounts:
    """What one run did. In a dry run, ``briefed`` is what would be briefed."""

    inputs: int = 0
    briefed: int = 0
    errors: int = 0
    cached: int = 0
    skipped_done: int = 0
    retried: int = 0
    recovered: int = 0
    input_problems: int = 0
    deferred: int = 0  # dry run only: articles left over by --limit
    prompt_tokens: int = 0
    completion_tokens: int = 0

    @property
    def processed(self) -> int:
        """Inputs that needed work this run and are finished (briefed or recorded as failed)."""
        return self.briefed + self.errors


@dataclass
class BatchResult:
    """Outcome of run_batch: this run's counts plus the state of the output folder after it."""

    counts: RunCounts
    status: str  # complete | limit_reached | interrupted | aborted | dry_run
    final_briefs: int
    final_errors: int
    final_errors_by_class: dict[str, int]
    errors_by_class: dict[str, int]  # this run's
    wall_time_s: float
    cost_estimate_usd: float | None = None
    cached_known: bool = True  # dry run: False when no is_cached function was available
    status_detail: str | None = None
    report: dict[str, Any] | None = None

    @property
    def exit_code(self) -> int:
        """0 when nothing is failing, 1 when some inputs are in errors.jsonl (or the run stopped
        early on a systemic failure)."""
        if self.status == "dry_run":
            return 0
        return 1 if self.final_errors or self.status == "aborted" else 0



@dataclass
class _Outcome:
    brief: Brief | None = None
    error: Exception | None = None


def _call(brief_fn: BriefFn, text: str) -> _Outcome:
    # Every Exception becomes an error record: one odd article must not stop a night's run.
    # KeyboardInterrupt / SystemExit are not Exceptions and still stop the run.
    try:
        brief = brief_fn(text)
    except Exception as exc:
        return _Outcome(error=exc)
    from summariser.schemas.brief import Brief

    if not isinstance(brief, Brief):
        return _Outcome(error=TypeError(f"brief function returned {type(brief).__name__}, "
                                        "not a Brief"))
    return _Outcome(brief=brief)


def _usage_dict(usage: Any) -> dict[str, int]:
    return {"prompt_tokens": int(getattr(usage, "prompt_tokens", 0) or 0),
            "completion_tokens": int(getattr(usage, "completion_tokens", 0) or 0)}


def _now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


