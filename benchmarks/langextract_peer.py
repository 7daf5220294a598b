"""Question 6: Google's langextract vs the product, same local model behind the same server.

One ``python -m llama_cpp.server`` (the embedded model's GGUF, n_ctx 8192, every core) serves:

* the product: summarise() with Config(backend="openai", base_url=<server>, model=<its id>),
  focused strategy, no cache (the backend falls back from response_format json_schema, which
  this server refuses, to tool calls, which it constrains with the schema's grammar);
* langextract (``lx.extract``, OpenAI provider, temperature 0) with the prompt and invented
  few-shot examples below. langextract's default, ``use_schema_constraints=True``, sends
  response_format json_schema, which this server refuses, so it runs with
  ``use_schema_constraints=False`` in one of two variants:
  ``json`` — response_format json_object (llama.cpp's generic JSON grammar; langextract's
  route for OpenAI-compatible servers without structured outputs), and
  ``schema`` — json_object plus the schema langextract itself derives from the examples
  (llama.cpp's schema grammar: the same kind of constraint the product gets).

langextract's extractions of class killed / injured / missing / displaced become figures (count
via summariser.numbers.parse_count of the extraction text) and are scored with the eval
harness's figure scorer, like the product's briefs. Per-article wall seconds and figure F1.

    .venv/bin/python benchmarks/langextract_peer.py                    # seeds, 1.5B, both variants
    .venv/bin/python benchmarks/langextract_peer.py --cases dansai-raid-missing --limit 1 \
        --model qwen2.5-coder-0.5b-instruct-q4_k_m --variants json     # smoke test
"""

from __future__ import annotations

import sys
import time
from dataclasses import dataclass
from typing import Any

from _common import (
    add_case_args,
    base_parser,
    brief_tally,
    eval_cases,
    f1,
    figure_tally,
    header,
    llama_server,
    machine,
    md_table,
    micro,
    secs,
    write_json,
)

from summariser.backends import get_backend
from summariser.config import DEFAULT_LOCAL_MODEL, Config
from summariser.core import summarise
from summariser.evaluation import EvalCase
from summariser.evaluation.figure_scoring import PredictedFigure
from summariser.evaluation.matching import Tally
from summariser.numbers import parse_count
from summariser.weights import ensure_model

KINDS = ("killed", "injured", "missing", "displaced")
GROUPS = {"civilians": "civilians", "combatants": "combatants"}

PROMPT = """\
Extract every casualty and displacement figure the article states about people harmed or
driven from their homes by armed conflict.
Classes: killed, injured, missing (includes abducted and detained people whose fate is unknown),
displaced (people who fled, were evacuated or made homeless).
The extraction text is the number phrase exactly as written, with its noun, e.g. "at least 12
people", "dozens of civilians", "three soldiers". Give attributes: group (civilians, combatants
or mixed) and reported_by (who the article says gave the figure, or "not stated").
Do not extract populations, distances, dates, ages, vehicles, buildings or numbers of attacks.
Use exact text from the article; do not paraphrase; do not overlap extractions."""

# Invented examples: places, people and numbers do not come from any eval case.
EXAMPLE_TEXTS = [
    "Artillery fire struck the covered market in Dornaz on Sunday, killing at least 14 "
    "civilians and wounding 31 others, the provincial health office said. The army said two of "
    "its soldiers died when their convoy hit a mine on the road to Karsk. Relief agencies "
    "estimate that 6,500 residents have fled the district since March. Dornaz, a town of "
    "about 40,000 people, lies 12 kilometres from the front.",
    "Rebels abducted nine aid workers near Ostrel, the Red Crescent said on Friday; their fate "
    "is unknown. A hospital official said dozens of wounded people were brought in after the "
    "drone strike, which hit three buildings.",
]


def examples() -> list[Any]:
    import langextract as lx

    def ex(cls: str, text: str, group: str, by: str) -> Any:
        return lx.data.Extraction(extraction_class=cls, extraction_text=text,
                                  attributes={"group": group, "reported_by": by})

    return [
        lx.data.ExampleData(text=EXAMPLE_TEXTS[0], extractions=[
            ex("killed", "at least 14 civilians", "civilians", "provincial health office"),
            ex("injured", "31 others", "civilians", "provincial health office"),
            ex("killed", "two of its soldiers", "combatants", "the army"),
            ex("displaced", "6,500 residents", "civilians", "Relief agencies"),
        ]),
        lx.data.ExampleData(text=EXAMPLE_TEXTS[1], extractions=[
            ex("missing", "nine aid workers", "civilians", "the Red Crescent"),
            ex("injured", "dozens of wounded people", "mixed", "A hospital official"),
        ]),
    ]


@dataclass
class Run:
    wall_s: float
    calls: int
    figures: int
    tally: Tally
    error: str | None = None


def to_figures(extractions: list[Any]) -> list[PredictedFigure]:
    """langextract extractions -> the scorer's figures (unparseable numbers are dropped)."""
    out: list[PredictedFigure] = []
    for i, e in enumerate(extractions or []):
        kind = (e.extraction_class or "").strip().lower()
        if kind not in KINDS:
            continue
        value = parse_count(e.extraction_text or "")
        if value is None:
            continue
        attrs = e.attributes or {}
        by = attrs.get("reported_by")
        by = None if not isinstance(by, str) or by.strip().lower() in ("", "not stated") else by
        span = None
        if e.char_interval is not None and e.char_interval.start_pos is not None:
            span = (e.char_interval.start_pos, e.char_interval.end_pos)
        out.append(PredictedFigure(
            path=f"extractions[{i}]", kind=kind, count=value.count, low=value.low, high=value.high,
            qualifier=value.qualifier, group=GROUPS.get(str(attrs.get("group")), "mixed/unspecified"),
            reported_by=by, scope="incident", evidence=e.extraction_text, span=span))
    return out


def run_langextract(model: Any, case: EvalCase, chunk: int, workers: int) -> Run:
    import langextract as lx

    calls0 = model.bench_calls
    t0 = time.perf_counter()
    try:
        doc = lx.extract(case.text, prompt_description=PROMPT, examples=examples(), model=model,
                         use_schema_constraints=False, fence_output=False, max_char_buffer=chunk,
                         max_workers=workers, batch_length=max(workers, 10), show_progress=False)
    except Exception as exc:
        return Run(time.perf_counter() - t0, model.bench_calls - calls0, 0, figure_tally(case, []),
                   f"{type(exc).__name__}: {exc}"[:200])
    wall = time.perf_counter() - t0
    figures = to_figures(doc.extractions)
    return Run(wall, model.bench_calls - calls0, len(figures), figure_tally(case, figures))


def make_langextract_model(base_url: str, model_id: str, variant: str, max_tokens: int,
                           workers: int) -> Any:
    from langextract import factory
    from langextract.providers.schemas.openai import OpenAISchema

    kwargs: dict[str, Any] = {"base_url": base_url, "api_key": "not-needed", "temperature": 0.0,
                              "max_workers": workers, "max_output_tokens": max_tokens}
    if variant == "schema":
        schema = OpenAISchema.from_examples(examples()).schema_dict
        kwargs["response_format"] = {"type": "json_object", "schema": schema}
    model = factory.create_model(factory.ModelConfig(
        model_id=model_id, provider="OpenAILanguageModel", provider_kwargs=kwargs),
        fence_output=False)
    model.bench_calls = 0
    inner = model._process_single_prompt

    def counted(prompt: str, config: dict) -> Any:
        model.bench_calls += 1
        return inner(prompt, config)

    model._process_single_prompt = counted
    return model


def run_product(config: Config, backend: Any, case: EvalCase) -> Run:
    t0 = time.perf_counter()
    try:
        brief = summarise(case.text, config, backend=backend)
    except Exception as exc:
        return Run(time.perf_counter() - t0, 0, 0, brief_tally(case, None),
                   f"{type(exc).__name__}: {exc}"[:200])
    meta = brief.meta
    return Run(time.perf_counter() - t0, meta.calls if meta else 0,
               len(brief.casualties) + len(brief.displacement), brief_tally(case, brief))


def main() -> int:
    parser = base_parser(__doc__.split("\n\n")[0])
    add_case_args(parser)
    parser.add_argument("--model", default=DEFAULT_LOCAL_MODEL, help="Embedded model's GGUF to serve.")
    parser.add_argument("--threads", type=int, default=None, help="Server threads (default: all).")
    parser.add_argument("--n-ctx", type=int, default=8192)
    parser.add_argument("--variants", nargs="+", choices=("json", "schema"), default=["json", "schema"],
                        help="langextract variants to run (see the module docstring).")
    parser.add_argument("--chunk", type=int, default=1000,
                        help="langextract max_char_buffer (its default, 1000).")
    parser.add_argument("--workers", type=int, default=10,
                        help="langextract max_workers (its default, 10; the server runs one at a time).")
    parser.add_argument("--max-tokens", type=int, default=1024, help="langextract max_output_tokens.")
    args = parser.parse_args()

    cases = eval_cases(args.cases, args.limit)
    info = machine()
    model_path = ensure_model(args.model)
    methods = ["product", *[f"langextract-{v}" for v in args.variants]]
    runs: dict[str, dict[str, Run]] = {m: {} for m in methods}
    t_start = time.perf_counter()
    with llama_server(model_path, n_ctx=args.n_ctx, n_threads=args.threads) as server:
        print(f"server up at {server.base_url} in {time.perf_counter() - t_start:.0f} s",
              file=sys.stderr)
        config = Config(backend="openai", base_url=server.base_url, model=server.model_id,
                        api_key="not-needed", use_cache=False, strategy="focused")
        backend = get_backend(config)
        for case in cases:
            run = runs["product"][case.id] = run_product(config, backend, case)
            print(f"product {case.id}: {run.wall_s:.1f} s F1 {run.tally.f1():.2f} {run.error or ''}",
                  file=sys.stderr)
        product_mode = getattr(backend, "mode", "?")
        for variant in args.variants:
            model = make_langextract_model(server.base_url, server.model_id, variant,
                                           args.max_tokens, args.workers)
            for case in cases:
                run = runs[f"langextract-{variant}"][case.id] = run_langextract(
                    model, case, args.chunk, args.workers)
                print(f"langextract-{variant} {case.id}: {run.wall_s:.1f} s F1 {run.tally.f1():.2f} "
                      f"{run.error or ''}", file=sys.stderr)

    rows = []
    for case in cases:
        rows.append([case.id, *[secs(runs[m][case.id].wall_s) for m in methods],
                     *[f1(runs[m][case.id].tally) + (" (error)" if runs[m][case.id].error else "")
                       for m in methods],
                     *[runs[m][case.id].calls for m in methods]])
    totals = {m: sum(r.wall_s for r in runs[m].values()) for m in methods}
    tallies = {m: micro([r.tally for r in runs[m].values()]) for m in methods}
    rows.append(["**all**", *[f"**{secs(totals[m])}**" for m in methods],
                 *[f"**{f1(tallies[m])}**" for m in methods],
                 *[sum(r.calls for r in runs[m].values()) for m in methods]])

    print(header("6. langextract vs the product on the same llama.cpp server", info))
    print(f"Server: llama_cpp.server, model {args.model}, n_ctx {args.n_ctx}, threads "
          f"{args.threads or 'all'}. Product: focused, no cache, backend mode after the run: "
          f"{product_mode}. langextract: max_char_buffer {args.chunk}, max_workers {args.workers}, "
          f"max_output_tokens {args.max_tokens}, temperature 0, extraction_passes 1.\n")
    print(md_table(["article", *[f"{m} s" for m in methods], *[f"{m} F1" for m in methods],
                    *[f"{m} requests" for m in methods]], rows))
    print()
    print(md_table(["method", "precision", "recall", "required recall", "false positives",
                    "time vs product"],
                   [[m, f"{tallies[m].precision():.2f}", f"{tallies[m].recall():.2f}",
                     f"{tallies[m].required_recall():.2f}", tallies[m].false_positives,
                     f"{totals[m] / totals['product']:.2f}x"] for m in methods]))
    errors = [f"{m} {cid}: {r.error}" for m in methods for cid, r in runs[m].items() if r.error]
    if errors:
        print("\nErrors:\n" + "\n".join(errors))
    best = max(methods, key=lambda m: tallies[m].f1())
    print(f"\nVerdict: best figure F1 {best} ({f1(tallies[best])}); product {f1(tallies['product'])} "
          f"in {secs(totals['product'])} s vs "
          + ", ".join(f"{m} {f1(tallies[m])} in {secs(totals[m])} s" for m in methods[1:]) + ".")
    write_json(args.json, {
        "question": "langextract_peer", "machine": info, "model": args.model,
        "product_mode": product_mode,
        "runs": {m: {cid: {"wall_s": r.wall_s, "calls": r.calls, "figures": r.figures,
                           "error": r.error, **r.tally.to_dict()} for cid, r in runs[m].items()}
                 for m in methods},
        "totals": {m: {"wall_s": totals[m], **tallies[m].to_dict()} for m in methods},
    })
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
