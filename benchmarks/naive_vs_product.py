"""Question 2: the product vs a naive single schema-constrained call, on the same embedded model.

Three methods on the same Llama object (one load), each article scored for figure F1 against
its gold with the eval harness's scorer (summariser.evaluation.figure_scoring):

* ``focused`` — the product's default: summarise(), focused strategy, no cache;
* ``single``  — the product's own ``--strategy single`` (one call, then grounding);
* ``naive``   — what a first attempt looks like: ONE create_chat_completion call asking for a
  simple whole-brief object (NaiveBrief below) under its JSON schema (llama.cpp grammar),
  greedy, max_tokens=2000, instructor's JSON-schema system prompt, no re-ask, no grounding:
  the figures are taken as the model wrote them.

Each method runs over all articles as one block, as it would in a batch (it keeps its own
prefix cache across its articles); the KV cache is cleared between blocks so no method reuses
another's prompt. Times are wall seconds per article; F1 is micro-averaged in the last row.

    .venv/bin/python benchmarks/naive_vs_product.py                  # the four seeds, 1.5B
    .venv/bin/python benchmarks/naive_vs_product.py --cases dansai-raid-missing --limit 1 \
        --model qwen2.5-coder-0.5b-instruct-q4_k_m                   # smoke test
"""

from __future__ import annotations

import json
import sys
import time
from dataclasses import asdict, dataclass
from typing import Literal

from _common import (
    add_case_args,
    base_parser,
    brief_tally,
    eval_cases,
    f1,
    figure_tally,
    header,
    machine,
    md_table,
    micro,
    secs,
    write_json,
)
from pydantic import BaseModel, ValidationError
from summariser.schemas.brief import ActorType, LocationType

from summariser.backends.llama import LlamaBackend
from summariser.config import DEFAULT_LOCAL_MODEL, Config
from summariser.core import summarise
from summariser.evaluation import EvalCase
from summariser.evaluation.figure_scoring import PredictedFigure
from summariser.evaluation.matching import Tally

NAIVE_MAX_TOKENS = 2000
METHODS = ("focused", "single", "naive")

# --- the naive whole-brief model -----------------------------------------------------------------


class NaiveActor(BaseModel):
    name: str
    type: ActorType


class NaivePlace(BaseModel):
    name: str
    type: LocationType


class NaiveFigure(BaseModel):
    kind: Literal["killed", "injured", "missing", "displaced"]
    count: int | None
    low: int | None
    high: int | None
    group: Literal["civilians", "combatants", "mixed/unspecified"]
    reported_by: str | None
    scope: Literal["incident", "cumulative"]
    evidence: str


class NaiveBrief(BaseModel):
    """A brief in one object, the way one would first write it for instructor."""

    is_conflict_report: bool
    headline: str
    summary: str
    actors: list[NaiveActor]
    locations: list[NaivePlace]
    figures: list[NaiveFigure]


def naive_messages(article: str) -> list[dict[str, str]]:
    # instructor's JSON-schema system prompt (Mode.JSON / MD_JSON), then the task and the article.
    schema = json.dumps(NaiveBrief.model_json_schema(), indent=2)
    system = ("As a genius expert, your task is to understand the content and provide the parsed "
              f"objects in json that match the following json_schema:\n\n{schema}\n\n"
              "Make sure to return an instance of the JSON, not the schema itself")
    user = ("Extract a brief of this news article about armed conflict: whether it reports on "
            "armed conflict, a headline, a short summary, the actors and places involved, and "
            "every casualty (killed, injured, missing) and displacement figure with its count, "
            "who reported it and the sentence that states it.\n\n" + article)
    return [{"role": "system", "content": system}, {"role": "user", "content": user}]


@dataclass
class Result:
    method: str
    case: str
    wall_s: float
    calls: int
    prompt_tokens: int
    completion_tokens: int
    figures: int
    valid: bool
    error: str | None
    tally: Tally


def run_naive(backend: LlamaBackend, case: EvalCase) -> Result:
    t0 = time.perf_counter()
    resp = backend.llm.create_chat_completion(
        messages=naive_messages(case.text),
        response_format={"type": "json_object", "schema": NaiveBrief.model_json_schema()},
        temperature=0.0, max_tokens=NAIVE_MAX_TOKENS,
    )
    wall = time.perf_counter() - t0
    raw = resp["choices"][0]["message"]["content"] or ""
    usage = resp.get("usage") or {}
    figures: list[PredictedFigure] = []
    error = None
    try:
        brief = NaiveBrief.model_validate_json(raw)
        figures = [PredictedFigure(path=f"figures[{i}]", kind=f.kind, count=f.count, low=f.low,
                                   high=f.high, qualifier="exact", group=f.group,
                                   reported_by=f.reported_by, scope=f.scope, evidence=f.evidence)
                   for i, f in enumerate(brief.figures)]
    except ValidationError as exc:
        error = f"invalid output ({resp['choices'][0].get('finish_reason')}): {str(exc)[:120]}"
    return Result("naive", case.id, wall, 1, int(usage.get("prompt_tokens", 0)),
                  int(usage.get("completion_tokens", 0)), len(figures), error is None, error,
                  figure_tally(case, figures))


def run_product(backend: LlamaBackend, case: EvalCase, strategy: str) -> Result:
    config = backend.config.model_copy(update={"strategy": strategy})
    t0 = time.perf_counter()
    try:
        brief = summarise(case.text, config, backend=backend)
    except Exception as exc:  # a failed article scores as "nothing predicted"
        return Result(strategy, case.id, time.perf_counter() - t0, 0, 0, 0, 0, False,
                      f"{type(exc).__name__}: {exc}"[:160], brief_tally(case, None))
    wall = time.perf_counter() - t0
    meta = brief.meta
    assert meta is not None
    return Result(strategy, case.id, wall, meta.calls, meta.usage.prompt_tokens,
                  meta.usage.completion_tokens, len(brief.casualties) + len(brief.displacement),
                  True, None, brief_tally(case, brief))


def _warm_up(backend: LlamaBackend) -> None:
    """Page the weights in, and close llama.cpp's perf interval (llama_synchronize)."""
    import llama_cpp

    backend.llm.eval(backend.llm.tokenize(b"warm up", add_bos=True))
    llama_cpp.llama_synchronize(backend.llm._ctx.ctx)
    backend.llm.reset()


def main() -> int:
    parser = base_parser(__doc__.split("\n\n")[0])
    add_case_args(parser)
    parser.add_argument("--model", default=DEFAULT_LOCAL_MODEL, help="Embedded model name.")
    parser.add_argument("--threads", type=int, default=None,
                        help="llama.cpp threads (default: the backend's, every core).")
    parser.add_argument("--methods", nargs="+", choices=METHODS, default=list(METHODS),
                        help="Which methods, in this block order.")
    args = parser.parse_args()

    cases = eval_cases(args.cases, args.limit)
    info = machine()
    # inline: this script reads llama.cpp's own object (backend.llm), which a child process hides.
    config = Config(backend="llama", model=args.model, strategy="focused", use_cache=False,
                    llama_isolation="inline",
                    n_threads=args.threads)
    backend = LlamaBackend(config)
    _warm_up(backend)

    results: dict[str, dict[str, Result]] = {m: {} for m in args.methods}
    for method in args.methods:
        backend.llm.reset()  # no method starts with another's prompt in the KV cache
        for case in cases:
            res = run_naive(backend, case) if method == "naive" else run_product(backend, case, method)
            results[method][case.id] = res
            print(f"{method} {case.id}: {res.wall_s:.1f} s, F1 {res.tally.f1():.2f}"
                  + (f" ({res.error})" if res.error else ""), file=sys.stderr)

    methods = args.methods
    rows = []
    for case in cases:
        row: list[object] = [case.id]
        row += [secs(results[m][case.id].wall_s) for m in methods]
        row += [f1(results[m][case.id].tally) + ("" if results[m][case.id].valid else " (failed)")
                for m in methods]
        row += [results[m][case.id].calls for m in methods]
        rows.append(row)
    totals = {m: sum(r.wall_s for r in results[m].values()) for m in methods}
    tallies = {m: micro([r.tally for r in results[m].values()]) for m in methods}
    rows.append(["**all**", *[f"**{secs(totals[m])}**" for m in methods],
                 *[f"**{f1(tallies[m])}**" for m in methods],
                 *[sum(r.calls for r in results[m].values()) for m in methods]])

    print(header("2. Product vs a naive single call (embedded model, same Llama object)", info))
    print(f"Model {args.model}, {backend.n_threads} threads; no cache; block order "
          f"{' -> '.join(methods)}.\n")
    print(md_table(["article", *[f"{m} s" for m in methods], *[f"{m} F1" for m in methods],
                    *[f"{m} calls" for m in methods]], rows))
    print()
    pr = [[m, f"{tallies[m].precision():.2f}", f"{tallies[m].recall():.2f}",
           f"{tallies[m].required_recall():.2f}", tallies[m].false_positives,
           f"{totals[m] / totals[methods[0]]:.2f}x"] for m in methods]
    print(md_table(["method", "precision", "recall", "required recall", "false positives",
                    f"time vs {methods[0]}"], pr))
    best = max(methods, key=lambda m: tallies[m].f1())
    fastest = min(methods, key=lambda m: totals[m])
    print(f"\nVerdict: best figure F1 {best} ({f1(tallies[best])}); fastest {fastest} "
          f"({secs(totals[fastest])} s for {len(cases)} articles).")

    write_json(args.json, {
        "question": "naive_vs_product", "machine": info, "model": args.model,
        "results": {m: [{**asdict(r), "tally": r.tally.to_dict()} for r in results[m].values()]
                    for m in methods},
        "totals": {m: {"wall_s": totals[m], **tallies[m].to_dict()} for m in methods},
    })
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
