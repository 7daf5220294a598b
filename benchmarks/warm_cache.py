"""Question 3: re-running a 1,000-article batch whose briefs are all cached. Target <= 5 s.

1. populate: run_batch over a 1,000-article JSONL feed (the 16 eval articles in turn, each made
   unique) with a FakeBackend that answers every call at once (focused strategy: an overview
   plus one answer per candidate number), cache on, in a fresh cache folder;
2. warm, library: run_batch again over the same feed into a FRESH output folder, so nothing is
   skipped as done and every article goes through summarise() and is a cache hit;
3. warm, CLI: the same as a new process, ``summariser batch FEED --out FRESH --backend fake``
   (cold interpreter and imports included: what a nightly re-run costs);
4. resume-skip: the CLI again into the populated output folder, where every id is done.

The fake backend counts its calls: a warm run that calls it is reported as a failure. Wall and
CPU seconds are reported (CPU time is what the run itself costs when other work shares the
cores). Rows "what-if" patch the product in this process only, to size proposed changes:
briefs.jsonl fsync'ed at most every 50 ms instead of after every line (and ``schema_hash``
memoised, where the tree does not already do it).

    .venv/bin/python benchmarks/warm_cache.py
    .venv/bin/python benchmarks/warm_cache.py --articles 200 --no-what-if     # quicker
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import subprocess
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from _common import (
    base_parser,
    conflict_answer,
    header,
    machine,
    md_table,
    memoised_schema_hash,
    schema_hash_memoised,
    secs,
    summariser_cmd,
    write_feed,
    write_json,
)
from summariser.schemas.brief import Brief

import summariser.batch as batch_module
from summariser.backends.base import LLMRequest
from summariser.backends.fake import FakeBackend
from summariser.batch import run_batch
from summariser.config import Config
from summariser.core import summarise

FAKE_MODEL = "bench-fake"
TARGET_S = 5.0
GROUP_SYNC_S = 0.05


def responder(request: LLMRequest) -> Any:
    """A plausible answer for every call (see conflict_answer), so cached briefs are full-sized
    (figures with evidence)."""
    return conflict_answer(request.response_model.model_json_schema())


def cli(feed: Path, out: Path, env: dict[str, str]) -> tuple[float, float, dict[str, Any]]:
    """Run ``summariser batch`` as a new process: (wall s, child CPU s, report.json)."""
    cmd = [*summariser_cmd(), "batch", str(feed), "--out", str(out),
           "--backend", "fake", "--model", FAKE_MODEL, "--strategy", "focused"]
    before = os.times()
    t0 = time.perf_counter()
    proc = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=600)
    wall = time.perf_counter() - t0
    after = os.times()
    if proc.returncode != 0:
        raise SystemExit(f"CLI run failed ({proc.returncode}):\n{proc.stdout}\n{proc.stderr}")
    cpu = (after.children_user - before.children_user) + (after.children_system - before.children_system)
    return wall, cpu, json.loads((out / "report.json").read_text())


@contextlib.contextmanager
def grouped_fsync(interval_s: float = GROUP_SYNC_S) -> Iterator[None]:
    """What-if: _LineAppender fsyncs at most every ``interval_s`` and on close (a crash can
    lose only the last lines, which the next run redoes)."""
    cls = batch_module._LineAppender
    original_append, original_close = cls.append, cls.close

    def append(self: Any, obj: dict[str, Any]) -> None:
        data = batch_module.dumps_line(obj)
        written = os.write(self.fd, data)
        while written < len(data):
            written += os.write(self.fd, data[written:])
        now = time.monotonic()
        if now - getattr(self, "_synced_at", 0.0) >= interval_s:
            os.fsync(self.fd)
            self._synced_at = now

    def close(self: Any) -> None:
        if self.fd >= 0:
            os.fsync(self.fd)
        original_close(self)

    cls.append, cls.close = append, close  # type: ignore[method-assign]
    try:
        yield
    finally:
        cls.append, cls.close = original_append, original_close  # type: ignore[method-assign]


def fsync_cost(folder: Path, n: int = 200) -> float:
    """Seconds per append+fsync of a 2 kB line in ``folder`` (this disk, now)."""
    path = folder / "fsync-probe.jsonl"
    fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
    line = b"x" * 2047 + b"\n"
    try:
        t0 = time.perf_counter()
        for _ in range(n):
            os.write(fd, line)
            os.fsync(fd)
        return (time.perf_counter() - t0) / n
    finally:
        os.close(fd)
        path.unlink()


def main() -> int:
    parser = base_parser(__doc__.split("\n\n")[0])
    parser.add_argument("--articles", type=int, default=1000)
    parser.add_argument("--workdir", type=Path, default=None,
                        help="Where feed, cache and outputs go (default: a new temp folder, removed).")
    parser.add_argument("--no-what-if", dest="what_if", action="store_false",
                        help="Skip the rows that size the proposed changes.")
    args = parser.parse_args()

    info = machine()
    n = args.articles
    work = args.workdir or Path(tempfile.mkdtemp(prefix="bench-warm-"))
    work.mkdir(parents=True, exist_ok=True)
    rows: list[list[object]] = []
    measured: dict[str, dict[str, Any]] = {}

    def record(key: str, step: str, wall: float, cpu: float | None, counts: dict[str, Any],
               calls: int, note: str) -> None:
        measured[key] = {"wall_s": wall, "cpu_s": cpu, "counts": counts, "model_calls": calls}
        rows.append([step, secs(wall), "-" if cpu is None else secs(cpu), f"{1000 * wall / n:.2f}",
                     counts.get("briefed", 0), counts.get("cached", 0),
                     counts.get("skipped_done", 0), calls, note])

    try:
        feed = write_feed(work / "feed.jsonl", n)
        cache_dir = work / "cache"
        config = Config(backend="fake", model=FAKE_MODEL, strategy="focused", use_cache=True,
                        cache_dir=cache_dir)
        fake = FakeBackend(model=FAKE_MODEL, responder=responder)
        hit_s = 0.0

        def brief_fn(text: str) -> Brief:
            nonlocal hit_s
            t0 = time.perf_counter()
            brief = summarise(text, config, backend=fake)
            hit_s += time.perf_counter() - t0
            return brief

        def lib_run(out: str) -> tuple[float, float, dict[str, Any], int]:
            nonlocal hit_s
            hit_s = 0.0
            calls0 = len(fake.history)
            c0, t0 = time.process_time(), time.perf_counter()
            res = run_batch(feed, work / out, brief_fn, config=config)
            wall, cpu = time.perf_counter() - t0, time.process_time() - c0
            return wall, cpu, (res.report or {}).get("counts", {}), len(fake.history) - calls0

        wall, cpu, counts, calls = lib_run("out-populate")
        if counts.get("briefed") != n:
            errors = (work / "out-populate" / "errors.jsonl").read_text().splitlines()[:3]
            raise SystemExit(f"populating the cache failed ({counts}):\n" + "\n".join(errors))
        record("populate", "1. populate (fake model, empty cache)", wall, cpu, counts, calls,
               f"{calls / n:.1f} model calls per article")

        wall, cpu, counts, calls = lib_run("out-warm-lib")
        record("warm_lib", "2. **warm**, run_batch in-process, fresh --out", wall, cpu, counts, calls,
               f"of which summarise() (cache hits) {secs(hit_s)} s")
        all_hits = calls == 0 and counts.get("cached") == n

        per_fsync = fsync_cost(work)
        if args.what_if:
            step = "2a"
            if not schema_hash_memoised():
                with memoised_schema_hash():
                    wall, cpu, counts, calls = lib_run("out-warm-memo")
                record("warm_lib_memo", "2a. what-if: + schema_hash memoised", wall, cpu, counts,
                       calls, f"of which summarise() {secs(hit_s)} s")
                step = "2b"
            with memoised_schema_hash(), grouped_fsync():
                wall, cpu, counts, calls = lib_run("out-warm-sync")
            record("warm_lib_sync", f"{step}. what-if: + briefs.jsonl fsync'ed at most every 50 ms",
                   wall, cpu, counts, calls, f"of which summarise() {secs(hit_s)} s")

        env = {**os.environ, "SUMMARISER_CACHE_DIR": str(cache_dir), "PYTHONUNBUFFERED": "1"}
        for var in ("SUMMARISER_BACKEND", "SUMMARISER_MODEL", "SUMMARISER_STRATEGY",
                    "OPENAI_BASE_URL", "OPENAI_API_KEY"):
            env.pop(var, None)
        wall, cpu, report = cli(feed, work / "out-warm-cli", env)
        record("warm_cli", "3. **warm**, `summariser batch` new process, fresh --out", wall, cpu,
               report["counts"], 0, f"in-run wall {secs(report['wall_time_s'])} s; the rest is "
               "interpreter start and imports")
        all_hits = all_hits and report["counts"].get("cached") == n
        wall, cpu, report = cli(feed, work / "out-populate", env)
        record("resume_skip_cli", "4. resume-skip, `summariser batch` into the populated --out",
               wall, cpu, report["counts"], 0, f"in-run wall {secs(report['wall_time_s'])} s")
    finally:
        if args.workdir is None:
            shutil.rmtree(work, ignore_errors=True)

    print(header(f"3. Warm-cache re-run of a {n}-article batch", info))
    print(md_table(["step", "wall s", "CPU s", "wall ms / article", "briefed", "cache hits",
                    "skipped (done)", "model calls", "notes"], rows))
    print(f"\nThis disk: {1000 * per_fsync:.2f} ms per append+fsync (x {n} lines = "
          f"{per_fsync * n:.2f} s).")
    lib, cli_s = measured["warm_lib"]["wall_s"], measured["warm_cli"]["wall_s"]
    verdict = "meets" if max(lib, cli_s) <= TARGET_S and all_hits else "misses"
    line = (f"\nVerdict: a fully cached re-run of {n} articles takes {secs(lib)} s in-process and "
            f"{secs(cli_s)} s as a new CLI process, which {verdict} the <= {TARGET_S:.0f} s target "
            f"(resume-skip: {secs(measured['resume_skip_cli']['wall_s'])} s)")
    if "warm_lib_sync" in measured:
        line += (f"; with grouped fsync the in-process run takes "
                 f"{secs(measured['warm_lib_sync']['wall_s'])} s")
    print(line + ".")
    if not all_hits:
        print("WARNING: a warm run was not served entirely from the cache.")

    write_json(args.json, {"question": "warm_cache", "machine": info, "articles": n,
                           "measured": measured, "fsync_s": per_fsync, "all_hits": all_hits})
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
