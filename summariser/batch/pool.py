"""Worker processes for a batch against a remote endpoint: past one core's worth of client CPU.

One Python process spends about 8 ms of CPU per request in openai + instructor + the pipeline,
and the GIL lets its threads use about one core: some 125 requests/s, however many requests are
in flight and however fast the endpoint (BENCHMARKS.md, question 4). `ForkedPool` forks N
processes, each briefing with concurrency/N threads. The parent keeps reading the input and stays
the only writer of briefs.jsonl and errors.jsonl, so exactly-once output and resume work as with
threads. The 429 pause is shared by every process (openai_compat.share_rate_gate).

Forked, not spawned: the children inherit the imported model stack and `brief_fn` instead of
importing them again. The parent forks before it starts any thread of its own, and the children
build their own HTTP clients and cache handles on first use.
"""

from __future__ import annotations

import itertools
import logging
import multiprocessing as mp
import os
import pickle
import queue
import signal
import threading
import time
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from summariser.batch.outcomes import _call, _Outcome
from summariser.errors import BackendError, ConfigError, SummariserError

if TYPE_CHECKING:
    from collections.abc import Callable

log = logging.getLogger(__name__)


class WorkerDied(BackendError):
    """A worker process ended with articles in flight; they are retried by the next run."""


@dataclass
class _Portable:
    """An outcome that survives the trip between processes: a brief as JSON, or an error as
    the fields an error record needs (its class name, message, attempts, usage)."""

    brief_json: str | None = None
    error: Exception | None = None
    error_fields: tuple[str, str, str, int | None, Any] | None = None  # base, name, msg, attempts, usage


def _portable(outcome: Any) -> _Portable:
    if outcome.brief is not None:
        return _Portable(brief_json=outcome.brief.model_dump_json())
    exc = outcome.error
    try:
        pickle.loads(pickle.dumps(exc))
        return _Portable(error=exc)
    except Exception:
        return _as_fields(exc)


def _as_fields(exc: BaseException) -> _Portable:
    """An error that cannot be pickled, as the fields its error record needs."""
    base = ("config" if isinstance(exc, ConfigError) else
            "backend" if isinstance(exc, BackendError) else "other")
    attempts = getattr(exc, "attempts", None)
    return _Portable(error_fields=(base, type(exc).__name__, str(exc),
                                   attempts if isinstance(attempts, int) else None,
                                   getattr(exc, "usage", None)))


def _rebuilt(p: _Portable) -> Any:
    from summariser.schemas.brief import Brief

    if p.brief_json is not None:
        return _Outcome(brief=Brief.model_validate_json(p.brief_json))
    if p.error is not None:
        return _Outcome(error=p.error)
    assert p.error_fields is not None
    base, name, message, attempts, usage = p.error_fields
    parent = {"config": ConfigError, "backend": BackendError}.get(base, SummariserError)
    exc = type(name, (parent,), {})(message)  # keeps the class name the error record shows
    exc.attempts, exc.usage = attempts, usage  # type: ignore[attr-defined]
    return _Outcome(error=exc)


def _child(brief_fn: Callable[[str], Any], threads: int, tasks: Any, results: Any) -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the parent handles Ctrl-C and stops us
    slots = threading.BoundedSemaphore(threads)

    def brief(task_id: int, text: str) -> None:
        try:
            try:
                portable = _portable(_call(brief_fn, text))
            except Exception as exc:  # the outcome itself would not travel: still one record
                portable = _as_fields(exc)
            results.put((task_id, portable))
        except BaseException:
            # SystemExit / KeyboardInterrupt from brief_fn stop the run, as they do in-process:
            # a thread cannot stop the process, so end it; the parent sees a dead worker and
            # turns what was in flight into error records, instead of waiting for ever. Flush
            # the results first, so no half-written message is left in the pipe to the parent.
            log.exception("worker stopped by an exception that is not an error record")
            try:
                results.close()
                results.join_thread()
            finally:
                os._exit(70)
        finally:
            slots.release()

    with ThreadPoolExecutor(threads, thread_name_prefix="brief") as pool:
        while True:
            slots.acquire()  # take a task only when a thread is free to run it
            item = tasks.get()
            if item is None:
                slots.release()
                break
            pool.submit(brief, *item)


class ForkedPool:
    """`processes` forked workers sharing `concurrency` briefing threads; `submit(text)` returns
    a Future of the batch runner's _Outcome."""

    EXIT_GRACE_S = 30.0  # an idle worker exits at once; one stuck in a call is not waited for

    def __init__(self, brief_fn: Callable[[str], Any], processes: int, concurrency: int):
        from summariser.backends.openai_compat import share_rate_gate

        share_rate_gate()
        ctx = mp.get_context("fork")
        self._tasks = ctx.Queue()
        self._results = ctx.Queue()
        self._procs = [ctx.Process(target=_child, args=(brief_fn, threads, self._tasks, self._results),
                                   name=f"summariser-worker-{i}", daemon=True)
                       for i, threads in enumerate(split_threads(concurrency, processes))]
        for p in self._procs:
            p.start()
        self._ids = itertools.count()
        self._futures: dict[int, Future[Any]] = {}
        self._lock = threading.Lock()
        self._closed = False
        self._broken: str | None = None
        self._reader = threading.Thread(target=self._read, name="worker-results", daemon=True)
        self._reader.start()
        # Apart from the reader: a worker killed mid-write leaves the reader blocked for ever on
        # the rest of that message, so it could not notice the death itself.
        self._watchdog = threading.Thread(target=self._watch, name="worker-watchdog", daemon=True)
        self._watchdog.start()

    def submit(self, text: str) -> Future[Any]:
        future: Future[Any] = Future()
        task_id = next(self._ids)
        with self._lock:
            if self._broken is not None:
                from summariser.batch.outcomes import _Outcome
                future.set_result(_Outcome(error=WorkerDied(self._broken)))
                return future
            self._futures[task_id] = future
        self._tasks.put((task_id, text))
        return future

    def _watch(self) -> None:
        while not self._closed:
            if not all(p.is_alive() for p in self._procs):
                if not self._closed:  # at shutdown the workers exit on purpose
                    self._fail_all("a worker process died")
                return
            time.sleep(0.2)

    def _read(self) -> None:
        while True:
            try:
                task_id, portable = self._results.get(timeout=0.5)
            except queue.Empty:
                task_id = None
            except (EOFError, OSError):
                if not self._closed:  # the pipe from the workers is gone: nothing more will come
                    self._fail_all("the workers' result pipe closed")
                return
            if self._closed:
                return
            if task_id is None:
                continue
            with self._lock:
                future = self._futures.pop(task_id, None)
            if future is not None:
                try:
                    future.set_result(_rebuilt(portable))
                except Exception as exc:  # a brief that does not validate here: an error record
                    from summariser.batch.outcomes import _Outcome
                    future.set_result(_Outcome(error=exc))

    def _fail_all(self, why: str) -> None:
        from summariser.batch.outcomes import _Outcome

        dead = [f"{p.name} (exit {p.exitcode})" for p in self._procs if not p.is_alive()]
        log.error("%s: %s; articles in flight become error records", why, ", ".join(dead))
        with self._lock:
            self._broken = f"{why} ({', '.join(dead)}); re-run to retry this article"
            pending, self._futures = self._futures, {}
        for future in pending.values():
            future.set_result(_Outcome(error=WorkerDied(self._broken)))

    def shutdown(self, wait: bool = True, cancel_futures: bool = False) -> None:
        """With nothing in flight (a finished run) the workers finish and exit; otherwise (an
        interrupt, an abort, a dead worker) they are terminated and their articles are redone
        next run. A worker that does not exit in time is terminated too: shutdown never hangs."""
        self._closed = True
        with self._lock:
            idle = not self._futures
        graceful = wait and (idle or not cancel_futures) and self._broken is None
        if graceful:
            for _ in self._procs:
                self._tasks.put(None)
            deadline = time.monotonic() + self.EXIT_GRACE_S
            for p in self._procs:
                p.join(timeout=max(0.0, deadline - time.monotonic()))
        for p in self._procs:
            if p.is_alive():
                if graceful:
                    log.warning("%s did not exit in %s s; terminating it", p.name, self.EXIT_GRACE_S)
                os.kill(p.pid or 0, signal.SIGTERM)
        for p in self._procs:
            p.join(timeout=5)
            if p.is_alive():
                os.kill(p.pid or 0, signal.SIGKILL)
                p.join(timeout=5)
        self._reader.join(timeout=5)
        self._watchdog.join(timeout=5)
        for q in (self._tasks, self._results):
            q.close()
            q.cancel_join_thread()


def split_threads(concurrency: int, processes: int) -> list[int]:
    """Threads per process, adding up to `concurrency` (at least one each, so never fewer than
    `processes`; the batch never starts more processes than requests in flight): 10 over 4
    processes is 3, 3, 2, 2, never 3 x 4 = 12 requests in flight."""
    base, extra = divmod(max(concurrency, processes), processes)
    return [base + (1 if i < extra else 0) for i in range(processes)]
