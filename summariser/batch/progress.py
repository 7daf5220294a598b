"""Progress of a batch run on the terminal (a sink the runner reports to)."""

from __future__ import annotations

import logging
import sys
import time
from collections.abc import Callable
from typing import IO, TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from summariser.batch.outcomes import RunCounts
    pass

log = logging.getLogger(__name__)


# ----------------------------------------------------------------------------------------------
# progress


class ProgressSink(Protocol):
    """Receives counts as the run goes; all calls come from the main thread."""

    def start(self, total: int | None) -> None: ...

    def update(self, counts: RunCounts) -> None: ...

    def finish(self, counts: RunCounts) -> None: ...


def _duration(seconds: float) -> str:
    seconds = int(seconds)
    if seconds >= 3600:
        return f"{seconds // 3600}h{seconds % 3600 // 60:02d}m"
    if seconds >= 60:
        return f"{seconds // 60}m{seconds % 60:02d}s"
    return f"{seconds}s"


class TerminalProgress:
    """A live one-line display with rate and ETA on a TTY; plain log lines otherwise.

    Plain lines (for cron mail and CI logs) come every ``every_n`` finished articles or every
    ``every_s`` seconds, whichever is first.
    """

    def __init__(self, stream: IO[str] | None = None, *, tty: bool | None = None,
                 every_n: int = 100, every_s: float = 30.0, clock: Callable[[], float] = time.monotonic):
        self.stream = stream if stream is not None else sys.stderr
        self.tty = self.stream.isatty() if tty is None else tty
        self.every_n = every_n
        self.every_s = every_s
        self.clock = clock
        self.total: int | None = None
        self.t0 = self.last_t = clock()
        self.last_n = 0

    def start(self, total: int | None) -> None:
        self.total = total
        self.t0 = self.last_t = self.clock()
        if not self.tty:
            self._write(f"batch: starting, {total if total is not None else 'unknown'} to do")

    def line(self, counts: RunCounts) -> str:
        """The status text for the current counts."""
        done = counts.processed
        elapsed = max(self.clock() - self.t0, 1e-9)
        rate = done / elapsed
        parts = []
        if self.total:
            parts.append(f"{done}/{self.total} ({100 * min(done / self.total, 1):.0f}%)")
        else:
            parts.append(f"{done} done")
        parts.append(f"{rate:.2f}/s" if rate < 10 else f"{rate:.0f}/s")
        if self.total and rate > 0 and done < self.total:
            parts.append(f"ETA {_duration((self.total - done) / rate)}")
        parts.append(f"{counts.briefed} briefed ({counts.cached} cached)")
        parts.append(f"{counts.errors} errors")
        if counts.skipped_done:
            parts.append(f"{counts.skipped_done} already done")
        return "batch: " + " | ".join(parts)

    def update(self, counts: RunCounts) -> None:
        now = self.clock()
        if self.tty:
            if now - self.last_t >= 0.2:  # repainting faster than the eye wastes the terminal
                self.last_t = now
                self._write("\r\033[K" + self.line(counts), nl=False)
        elif counts.processed - self.last_n >= self.every_n or now - self.last_t >= self.every_s:
            self.last_t, self.last_n = now, counts.processed
            self._write(self.line(counts))

    def finish(self, counts: RunCounts) -> None:
        self._write(("\r\033[K" if self.tty else "") + self.line(counts))

    def _write(self, text: str, nl: bool = True) -> None:
        self.stream.write(text + ("\n" if nl else ""))
        self.stream.flush()


