"""Shared helpers for the benchmark scripts (one script per question; see BENCHMARKS.md).

Run the scripts from the repository root with the project's venv, e.g.
``.venv/bin/python benchmarks/warm_cache.py``. Each prints a header (machine, date, command),
a Markdown table ready for BENCHMARKS.md and a one-line verdict; ``--json PATH`` also writes
every measured number. Nothing here talks to any address but 127.0.0.1.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import platform
import shlex
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from summariser.schemas.brief import Brief

from summariser.evaluation import EvalCase, load_cases
from summariser.evaluation.figure_scoring import PredictedFigure, predicted_figures, score_figures
from summariser.evaluation.matching import Tally

REPO = Path(__file__).resolve().parent.parent
EVALS = REPO / "evals"
SEED_IDS: tuple[str, ...] = ("seed-000", "seed-001", "seed-002", "seed-003")
SMALL_MODEL = "qwen2.5-coder-0.5b-instruct-q4_k_m"  # for smoke tests only


# --- machine and command ------------------------------------------------------------------------


def cpu_model() -> str:
    """The CPU's model name as lscpu prints it (falls back to /proc/cpuinfo, then platform)."""
    try:
        out = subprocess.run(["lscpu"], capture_output=True, text=True, timeout=10).stdout
        for line in out.splitlines():
            if line.startswith("Model name:"):
                return line.split(":", 1)[1].strip()
    except (OSError, subprocess.SubprocessError):
        pass
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def machine() -> dict[str, Any]:
    """Where and when a benchmark ran: CPU, cores, load at the start, versions."""
    info: dict[str, Any] = {
        "date_utc": datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
        "cpu": cpu_model(),
        "cores": os.cpu_count(),
        "python": platform.python_version(),
        "platform": platform.platform(),
    }
    with contextlib.suppress(OSError):
        info["loadavg_1m_at_start"] = round(os.getloadavg()[0], 2)
    for package in ("llama_cpp", "openai", "instructor", "langextract"):
        with contextlib.suppress(Exception):
            from importlib import metadata

            dist = {"llama_cpp": "llama_cpp_python"}.get(package, package)
            info[f"{package}_version"] = metadata.version(dist)
    return info


def command_line() -> str:
    """The command that is running now, as one would type it from the repository root."""
    script = Path(sys.argv[0])
    with contextlib.suppress(ValueError):
        script = script.resolve().relative_to(REPO)
    return " ".join([".venv/bin/python", shlex.quote(str(script)), *map(shlex.quote, sys.argv[1:])])


def header(title: str, info: dict[str, Any]) -> str:
    """The lines printed above every result table."""
    load = info.get("loadavg_1m_at_start")
    return "\n".join([
        f"## {title}",
        "",
        f"- command: `{command_line()}`",
        f"- date: {info['date_utc']}; machine: {info['cores']} cores, {info['cpu']}; "
        f"load average at start: {load}",
        "",
    ])


def base_parser(description: str) -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--json", type=Path, default=None, help="Also write every number here.")
    return parser


def write_json(path: Path | None, payload: dict[str, Any]) -> None:
    if path is None:
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(payload, indent=2, default=str) + "\n", encoding="utf-8")
    print(f"\n(wrote {path})")


# --- tables ---------------------------------------------------------------------------------------


def md_table(headers: Sequence[str], rows: Sequence[Sequence[Any]]) -> str:
    """A Markdown table; floats are printed as given (format them before)."""
    lines = ["| " + " | ".join(headers) + " |", "|" + "|".join("---" for _ in headers) + "|"]
    lines += ["| " + " | ".join(str(cell) for cell in row) + " |" for row in rows]
    return "\n".join(lines)


def pct(x: float) -> str:
    return f"{100 * x:+.1f} %"


def secs(x: float) -> str:
    return f"{x:.2f}"


# --- eval cases and scoring -------------------------------------------------------------------------


def eval_cases(ids: Sequence[str] | None = None, limit: int | None = None) -> list[EvalCase]:
    """Eval cases by id, in the order given (default: the four seed articles)."""
    wanted = list(ids) if ids else list(SEED_IDS)
    by_id = {case.id: case for case in load_cases(EVALS, "all")}
    missing = [cid for cid in wanted if cid not in by_id]
    if missing:
        raise SystemExit(f"unknown eval case(s): {', '.join(missing)}; see {EVALS / 'manifest.json'}")
    chosen = [by_id[cid] for cid in wanted]
    return chosen[:limit] if limit is not None else chosen


def add_case_args(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--cases", nargs="+", default=list(SEED_IDS), metavar="ID",
                        help="Eval case ids (default: the four seeds).")
    parser.add_argument("--limit", type=int, default=None, help="Only the first N cases.")


def figure_tally(case: EvalCase, figures: Sequence[PredictedFigure]) -> Tally:
    """Figure precision/recall counts of predicted figures against the case's gold, with the
    eval harness's own scorer (summariser.evaluation.figure_scoring)."""
    return score_figures(figures, case.gold.figures, case.gold.traps, case.text).tally()


def brief_tally(case: EvalCase, brief: Brief | None) -> Tally:
    """As figure_tally, for a Brief (None: the run failed, so nothing was predicted)."""
    return figure_tally(case, predicted_figures(brief) if brief is not None else [])


def micro(tallies: Sequence[Tally]) -> Tally:
    total = Tally()
    for t in tallies:
        total = total + t
    return total


def f1(t: Tally) -> str:
    return f"{t.f1():.2f}"


# --- synthetic feeds ---------------------------------------------------------------------------------


def all_case_texts() -> list[str]:
    return [case.text for case in load_cases(EVALS, "all")]


def write_feed(path: Path, n: int, texts: Sequence[str] | None = None) -> Path:
    """A JSONL feed of ``n`` distinct articles: the eval articles in turn, each copy made unique
    by a last line (so every one has its own cache key) that holds no casualty cue."""
    texts = list(texts or all_case_texts())
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8") as fh:
        for i in range(n):
            text = texts[i % len(texts)] + f"\n\nFeed item {i}."
            fh.write(json.dumps({"id": f"a{i:05d}", "text": text}) + "\n")
    return path


# --- processes and servers on 127.0.0.1 --------------------------------------------------------------


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def wait_http(url: str, timeout_s: float, proc: subprocess.Popen[Any] | None = None) -> None:
    """Poll ``url`` until it answers 200 (or the process dies, or time runs out)."""
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if proc is not None and proc.poll() is not None:
            raise RuntimeError(f"server exited with code {proc.returncode} before it was ready")
        try:
            with urllib.request.urlopen(url, timeout=2) as resp:
                if resp.status == 200:
                    return
        except (urllib.error.URLError, OSError):
            pass
        time.sleep(0.25)
    raise TimeoutError(f"{url} did not answer within {timeout_s:.0f} s")


def stop_process(proc: subprocess.Popen[Any], timeout_s: float = 15.0) -> None:
    """SIGTERM this one process (it was started by us), then SIGKILL if it lingers."""
    if proc.poll() is not None:
        return
    proc.send_signal(signal.SIGTERM)
    try:
        proc.wait(timeout=timeout_s)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait(timeout=timeout_s)


@dataclass
class LlamaServer:
    base_url: str
    model_id: str
    proc: subprocess.Popen[Any]
    log_path: Path


@contextlib.contextmanager
def llama_server(model_path: Path, *, n_ctx: int = 8192, n_threads: int | None = None,
                 log_path: Path | None = None, startup_timeout_s: float = 300.0
                 ) -> Iterator[LlamaServer]:
    """``python -m llama_cpp.server`` on a free 127.0.0.1 port, stopped on exit.

    n_threads defaults to every core, like the embedded backend (the server's own default is
    half of them, which would make the HTTP numbers incomparable with the embedded ones).
    """
    threads = n_threads or os.cpu_count() or 1
    port = free_port()
    log_path = log_path or Path(f"/tmp/llama-server-{port}.log")
    cmd = [sys.executable, "-m", "llama_cpp.server", "--model", str(model_path),
           "--host", "127.0.0.1", "--port", str(port), "--n_ctx", str(n_ctx),
           "--n_threads", str(threads), "--n_threads_batch", str(threads)]
    with log_path.open("wb") as log:
        proc = subprocess.Popen(cmd, stdout=log, stderr=subprocess.STDOUT)
    try:
        base = f"http://127.0.0.1:{port}/v1"
        wait_http(base + "/models", startup_timeout_s, proc)
        with urllib.request.urlopen(base + "/models", timeout=5) as resp:
            model_id = json.loads(resp.read())["data"][0]["id"]
        yield LlamaServer(base_url=base, model_id=model_id, proc=proc, log_path=log_path)
    finally:
        stop_process(proc)


# --- what-if patches (this process only) ---------------------------------------------------------


def schema_hash_memoised() -> bool:
    """Whether this tree's summariser.cache.schema_hash is already computed once per process."""
    import summariser.core as core

    return hasattr(core.schema_hash, "cache_info")


@contextlib.contextmanager
def memoised_schema_hash() -> Iterator[None]:
    """What-if: summariser.cache.schema_hash (Brief.model_json_schema() hashed, which costs
    tens of ms) computed once per process instead of on every summarise() call."""
    import functools

    import summariser.core as core

    original = core.schema_hash
    if not hasattr(original, "cache_info"):
        core.schema_hash = functools.cache(original)
    try:
        yield
    finally:
        core.schema_hash = original


@contextlib.contextmanager
def cached_model_schemas() -> Iterator[None]:
    """What-if: pydantic's model_json_schema() answered from a per-(class, arguments) cache
    (a deep copy each time, so callers may mutate it). instructor rebuilds the response model's
    schema on every request; the product could cache it on its own response models."""
    import copy

    from pydantic import BaseModel

    original = BaseModel.__dict__["model_json_schema"]
    func = original.__func__
    cache: dict[Any, Any] = {}

    def cached(cls: Any, *args: Any, **kwargs: Any) -> Any:
        try:
            key = (cls, args, tuple(sorted(kwargs.items())))
            hit = cache.get(key)
        except TypeError:  # unhashable arguments: do not cache
            return func(cls, *args, **kwargs)
        if hit is None:
            hit = cache[key] = func(cls, *args, **kwargs)
        return copy.deepcopy(hit)

    BaseModel.model_json_schema = classmethod(cached)  # type: ignore[method-assign,assignment]
    try:
        yield
    finally:
        BaseModel.model_json_schema = original  # type: ignore[method-assign]


# --- model answers for benchmarks (fake backend, mock server) ------------------------------------


def conflict_answer(schema: dict[str, Any]) -> Any:
    """A valid answer to any of the product's response models that keeps the focused strategy
    going: the article is about armed conflict (so every candidate number is asked about), each
    figure decision says "killed", prose fields are short sentences. Built from the JSON schema,
    so it follows schema changes."""
    from summariser.testing.mock_openai import instance_from_schema

    instance = instance_from_schema(schema)
    if not isinstance(instance, dict):
        return instance
    props = schema.get("properties", {})
    overrides: dict[str, Any] = {
        "is_conflict_report": True, "topic": "armed conflict", "kind": "killed",
        "headline": "Fighting continues", "reported_by": "officials",
        "summary": "Officials reported casualties after fighting in the area.",
    }
    for name, value in overrides.items():
        allowed = props.get(name, {}).get("enum")
        if name in props and (allowed is None or value in allowed):
            instance[name] = value
    return instance


_ANSWERS: dict[str, str] = {}


def mock_responder(body: dict[str, Any]) -> str:
    """The mock OpenAI server's answer for benchmarks: conflict_answer() of the requested
    schema (memoised per schema)."""
    from summariser.testing.mock_openai import schema_from_request

    _, schema, _ = schema_from_request(body)
    if schema is None:
        return "{}"
    key = json.dumps(schema, sort_keys=True)
    answer = _ANSWERS.get(key)
    if answer is None:
        answer = _ANSWERS[key] = json.dumps(conflict_answer(schema))
    return answer


def summariser_cmd() -> list[str]:
    """How to run the ``summariser`` command with this interpreter (its console script if the
    venv has one, else the same entry point through ``python -c``)."""
    script = Path(sys.executable).parent / "summariser"
    if script.is_file():
        return [str(script)]
    return [sys.executable, "-c", "import sys; from summariser.cli import main; sys.exit(main())"]


def process_cpu_s(pid: int) -> float:
    """User + system CPU seconds a process has used so far (Linux /proc)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    ticks = os.sysconf("SC_CLK_TCK")
    return (int(fields[11]) + int(fields[12])) / ticks
