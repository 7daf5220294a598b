"""Question 4: throughput of the OpenAI-compatible backend + batch runner at concurrency 32.

The mock OpenAI server (summariser.testing.mock_openai) answers every request after 0.2 s, so 32
requests in flight can at best complete 32 / 0.2 = 160 requests/s. The product run sends 1,000
articles through ``run_batch(..., concurrency=32)`` with ``summarise()`` on the real OpenAI
backend (openai client + instructor, JSON-schema mode), cache off, focused strategy, once in one
process and once with the default worker processes (batch.effective_workers): each
article makes one overview request and then one request per candidate number, one after the
other. The server answers "conflict report" / "killed" so every candidate is asked about.

Achieved throughput = requests the server counted / wall time of the batch; target >= 80 % of
160 req/s. To show what limits it, the same server is also driven at concurrency 32 by bare
clients with the same request body: raw httpx2 (the HTTP floor of this Python), the openai
client alone, and the product's OpenAIBackend.complete() alone (openai + instructor + retries).
CPU seconds of the client process and of the server process are reported per request (one
Python process can use about one core for Python code because of the GIL, so
1000 / client CPU ms per request is the ceiling the client can reach, whatever the latency).

``--what-if`` adds a row that patches the product in this process only, to size a candidate
change: pydantic JSON schemas of the response models cached (instructor rebuilds them on every
request). It made no measurable difference on 2026-11-22 (85-88 vs 87-97 req/s).

By default the server runs in its own process (a real endpoint does not share the client's
interpreter); ``--inproc`` adds a row with the server threads inside the client process.

    .venv/bin/python benchmarks/concurrency.py
    .venv/bin/python benchmarks/concurrency.py --articles 200 --requests 500     # quicker
"""

from __future__ import annotations

import contextlib
import itertools
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from _common import (
    REPO,
    all_case_texts,
    base_parser,
    cached_model_schemas,
    header,
    machine,
    md_table,
    memoised_schema_hash,
    mock_responder,
    process_cpu_s,
    schema_hash_memoised,
    stop_process,
    write_feed,
    write_json,
)
from summariser.schemas.llm import FigureDecision

from summariser.batch import effective_workers, run_batch
from summariser.config import Config
from summariser.core import summarise
from summariser.testing.mock_openai import MockOpenAIServer

LATENCY_S = 0.2
TARGET = 0.80


@dataclass
class Server:
    base_url: str
    pid: int | None  # None: in this process
    stats: Callable[[], dict[str, Any]]


@contextlib.contextmanager
def subprocess_server(latency: float) -> Iterator[Server]:
    cmd = [sys.executable, str(REPO / "benchmarks" / "_mock_server.py"), "--latency", str(latency)]
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, text=True)
    assert proc.stdout is not None
    final: dict[str, Any] = {}
    try:
        base_url = proc.stdout.readline().strip()
        if not base_url.startswith("http"):
            raise RuntimeError(f"mock server did not start: {base_url!r}")

        def stats() -> dict[str, Any]:
            if not final:
                stop_process(proc)
                final.update(json.loads(proc.stdout.readline()))  # type: ignore[union-attr]
            return final

        yield Server(base_url, proc.pid, stats)
    finally:
        stop_process(proc)


@contextlib.contextmanager
def inproc_server(latency: float) -> Iterator[Server]:
    with MockOpenAIServer(latency_s=latency, responder=mock_responder) as srv:
        yield Server(srv.base_url, None, srv.stats)


@dataclass
class Row:
    what: str
    server: str
    requests: int
    articles: int | None
    wall_s: float
    client_cpu_s: float
    server_cpu_s: float | None
    errors: int = 0

    @property
    def rps(self) -> float:
        return self.requests / self.wall_s


def figure_request(texts: list[str]) -> dict[str, Any]:
    """The body of one of the product's per-figure calls, exactly as the product sends it:
    captured by briefing articles against an in-process mock until one such call was made."""
    from summariser.testing.mock_openai import schema_from_request

    with MockOpenAIServer(responder=mock_responder) as srv:
        config = Config(backend="openai", base_url=srv.base_url, model="mock", use_cache=False,
                        api_key="not-needed")
        for text in texts:
            summarise(text, config)
            for body in srv.requests:
                _, schema, _ = schema_from_request(body)
                if schema is not None and "kind" in schema.get("properties", {}):
                    return body
    raise RuntimeError("no article made a per-figure call")


def hammer(send: Callable[[], None], total: int, concurrency: int) -> tuple[float, float, int]:
    """``total`` calls of ``send`` from ``concurrency`` threads: (wall s, process CPU s, errors)."""
    counter = itertools.count()
    errors = itertools.count()

    def worker() -> None:
        while next(counter) < total:
            try:
                send()
            except Exception:
                next(errors)

    threads = [threading.Thread(target=worker) for _ in range(concurrency)]
    c0, t0 = time.process_time(), time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return time.perf_counter() - t0, time.process_time() - c0, next(errors)


def server_cpu(server: Server) -> float | None:
    return process_cpu_s(server.pid) if server.pid is not None else None


def run_raw(server: Server, body: dict[str, Any], total: int, concurrency: int) -> Row:
    import httpx2

    client = httpx2.Client(limits=httpx2.Limits(max_connections=concurrency * 2,
                                                max_keepalive_connections=concurrency * 2),
                           timeout=30)
    url = server.base_url + "/chat/completions"

    def send() -> None:
        client.post(url, json=body).raise_for_status()

    s0 = server_cpu(server)
    wall, cpu, errors = hammer(send, total, concurrency)
    s1 = server_cpu(server)
    client.close()
    return Row("raw httpx2 client, same body", "", server.stats()["requests"], None, wall, cpu,
               None if s0 is None or s1 is None else s1 - s0, errors)


def run_openai(server: Server, body: dict[str, Any], total: int, concurrency: int) -> Row:
    import openai

    client = openai.OpenAI(base_url=server.base_url, api_key="not-needed", max_retries=0,
                           timeout=30)

    def send() -> None:
        client.chat.completions.create(**body)

    s0 = server_cpu(server)
    wall, cpu, errors = hammer(send, total, concurrency)
    s1 = server_cpu(server)
    return Row("openai client alone, same body", "", server.stats()["requests"], None, wall, cpu,
               None if s0 is None or s1 is None else s1 - s0, errors)


def run_backend(server: Server, body: dict[str, Any], total: int, concurrency: int) -> Row:
    from summariser.backends.base import LLMRequest
    from summariser.backends.openai_compat import OpenAIBackend

    config = Config(backend="openai", base_url=server.base_url, model="mock", use_cache=False,
                    api_key="not-needed")
    backend = OpenAIBackend(config)
    request = LLMRequest(messages=body["messages"], response_model=FigureDecision,
                         max_tokens=body.get("max_tokens", 60), task="figure")

    def send() -> None:
        backend.complete(request)

    s0 = server_cpu(server)
    wall, cpu, errors = hammer(send, total, concurrency)
    s1 = server_cpu(server)
    return Row("OpenAIBackend.complete() alone (openai + instructor), same request", "",
               server.stats()["requests"], None, wall, cpu,
               None if s0 is None or s1 is None else s1 - s0, errors)


def _client_cpu_s() -> float:
    """CPU of this process plus its finished children (the batch's worker processes, joined
    when run_batch returns; the server of the row is still running, so it is not counted)."""
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return time.process_time() + children.ru_utime + children.ru_stime


def run_product(server: Server, feed: Path, out: Path, concurrency: int,
                workers: int | None) -> Row:
    config = Config(backend="openai", base_url=server.base_url, model="mock", use_cache=False,
                    strategy="focused", api_key="not-needed")

    def brief_fn(text: str) -> Any:
        return summarise(text, config)

    used = effective_workers(workers, concurrency)
    s0 = server_cpu(server)
    c0, t0 = _client_cpu_s(), time.perf_counter()
    result = run_batch(feed, out, brief_fn, concurrency=concurrency, workers=used, config=config)
    wall, cpu = time.perf_counter() - t0, _client_cpu_s() - c0
    s1 = server_cpu(server)
    what = "product: run_batch + summarise() + OpenAIBackend, " + (
        "1 process" if used == 1 else f"{used} processes (the default)")
    return Row(what, "", server.stats()["requests"],
               result.counts.briefed, wall, cpu, None if s0 is None or s1 is None else s1 - s0,
               result.counts.errors)


def main() -> int:
    parser = base_parser(__doc__.split("\n\n")[0])
    parser.add_argument("--articles", type=int, default=1000)
    parser.add_argument("--concurrency", type=int, default=32)
    parser.add_argument("--requests", type=int, default=2000,
                        help="Requests for each bare-client baseline.")
    parser.add_argument("--what-if", action="store_true",
                        help="Add a product row with response-model JSON schemas cached (and "
                             "schema_hash memoised where the tree does not): a candidate change.")
    parser.add_argument("--inproc", action="store_true",
                        help="Also run the product with the server inside this process.")
    args = parser.parse_args()

    info = machine()
    ideal = args.concurrency / LATENCY_S
    texts = all_case_texts()
    body = figure_request(texts)
    work = Path(tempfile.mkdtemp(prefix="bench-conc-"))
    rows: list[Row] = []
    try:
        feed = write_feed(work / "feed.jsonl", args.articles, texts)
        with subprocess_server(LATENCY_S) as server:
            rows.append(run_raw(server, body, args.requests, args.concurrency))
        rows[-1].server = "own process"
        with subprocess_server(LATENCY_S) as server:
            rows.append(run_openai(server, body, args.requests, args.concurrency))
        rows[-1].server = "own process"
        with subprocess_server(LATENCY_S) as server:
            rows.append(run_backend(server, body, args.requests, args.concurrency))
        rows[-1].server = "own process"
        with subprocess_server(LATENCY_S) as server:
            rows.append(run_product(server, feed, work / "out-1", args.concurrency, 1))
        rows[-1].server = "own process"
        with subprocess_server(LATENCY_S) as server:
            rows.append(run_product(server, feed, work / "out", args.concurrency, None))
        rows[-1].server = "own process"
        if args.what_if:
            label = "what-if: product with response-model JSON schemas cached"
            if not schema_hash_memoised():
                label += " and schema_hash memoised"
            with subprocess_server(LATENCY_S) as server, memoised_schema_hash(), \
                    cached_model_schemas():
                rows.append(run_product(server, feed, work / "out-what-if", args.concurrency, 1))
            rows[-1].what = label
            rows[-1].server = "own process"
        if args.inproc:
            with inproc_server(LATENCY_S) as server:
                rows.append(run_product(server, feed, work / "out-inproc", args.concurrency, 1))
            rows[-1].server = "inside the client process"
    finally:
        shutil.rmtree(work, ignore_errors=True)

    table = []
    for r in rows:
        table.append([
            r.what, r.server, r.requests, r.articles if r.articles is not None else "-",
            f"{r.wall_s:.1f}", f"**{r.rps:.1f}**", f"{100 * r.rps / ideal:.0f} %",
            f"{r.articles / r.wall_s:.1f}" if r.articles else "-",
            f"{1000 * r.client_cpu_s / r.requests:.2f}",
            f"{r.requests / r.client_cpu_s:.0f}",
            f"{r.client_cpu_s / r.wall_s:.2f}",
            "-" if r.server_cpu_s is None else f"{1000 * r.server_cpu_s / r.requests:.2f}",
            r.errors,
        ])
    print(header(f"4. Throughput at concurrency {args.concurrency} against a {LATENCY_S:g} s mock "
                 "endpoint", info))
    product = next(r for r in rows if r.what.endswith("(the default)")) if \
        effective_workers(None, args.concurrency) > 1 else \
        next(r for r in rows if r.what.startswith("product"))
    per_article = product.requests / max(product.articles or 1, 1)
    print(f"Ideal {ideal:.0f} requests/s ({args.concurrency} in flight / {LATENCY_S:g} s). The product "
          f"made {per_article:.2f} requests per article, so its ideal is "
          f"{ideal / per_article:.1f} articles/s.\n")
    print(md_table(["client", "server", "requests", "articles", "wall s", "req/s", "of ideal",
                    "articles/s", "client CPU ms / req", "CPU ceiling req/s", "client CPU s / s",
                    "server CPU ms / req", "errors"], table))
    share = product.rps / ideal
    verdict = "meets" if share >= TARGET else "misses"
    print(f"\nVerdict: the product reaches {product.rps:.1f} req/s = {100 * share:.0f} % of the ideal "
          f"{ideal:.0f} req/s ({product.articles / product.wall_s:.1f} articles/s), which {verdict} the "
          f">= {100 * TARGET:.0f} % target.")
    write_json(args.json, {"question": "concurrency", "machine": info, "ideal_rps": ideal,
                           "rows": [{**asdict(r), "rps": r.rps} for r in rows],
                           "cpus": os.cpu_count()})
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
