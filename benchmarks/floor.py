"""Question 1: how close does summarise() on the embedded model come to the model's own floor?

For each article (default: the four seeds) summarise() runs with the embedded llama.cpp backend,
focused strategy, use_cache=False; its wall time is compared with the floor

    floor = prefill tokens / prefill rate + decode tokens / decode rate

where the token counts are the ones llama.cpp actually evaluated for that article (its own perf
counters, so prefix-cache reuse between the calls of one article, and of the fixed system prompt
between articles, is counted as free) and the rates are measured in the same run, with the same
Llama object, by a calibration: one prefill of N tokens (N = the median overview prompt of the
articles: system prompt + article), then a 16- and a 64-token suffix prefill at that depth
(fitted as a fixed cost plus a cost per token, used for the short suffixes of the per-figure
calls, i.e. any call that prefills fewer than 256 tokens), then 64 single-token decodes at
that depth. The calibration runs before and after the articles; the faster of each is used
(the floor is the best seen).

Also reported: the floor without any prefix reuse (every call prefills its whole prompt), and
llama.cpp's own compute time inside the pipeline (perf counters) as a cross-check of the rates.
overhead = wall / floor - 1; target <= 10 %.

    .venv/bin/python benchmarks/floor.py                       # the four seeds, 1.5B model
    .venv/bin/python benchmarks/floor.py --cases dansai-raid-missing --limit 1 \
        --model qwen2.5-coder-0.5b-instruct-q4_k_m             # smoke test
"""

from __future__ import annotations

import statistics
import sys
import time
from dataclasses import asdict, dataclass, field, replace
from typing import Any

from _common import (
    add_case_args,
    base_parser,
    eval_cases,
    header,
    machine,
    md_table,
    pct,
    secs,
    write_json,
)

from summariser.backends.base import Message
from summariser.backends.llama import LlamaBackend
from summariser.config import DEFAULT_LOCAL_MODEL, Config
from summariser.core import summarise
from summariser.prompting import render

SHORT_PREFILL_MAX = 256  # a call that prefills fewer tokens than this is a "suffix" call


@dataclass
class CallRecord:
    """One model call as llama.cpp saw it."""

    prompt_tokens: int  # the whole prompt of the call
    prefill_tokens: int  # what llama.cpp evaluated of it (the rest was reused from the KV cache)
    decode_tokens: int  # single-token evaluations during generation
    prefill_s: float
    decode_s: float
    wall_s: float  # the backend's _generate() wall time


class RecordingLlamaBackend(LlamaBackend):
    """LlamaBackend that keeps llama.cpp's perf counters per call."""

    def __init__(self, config: Config):
        super().__init__(config)
        self.records: list[CallRecord] = []

    def _generate(self, messages: list[Message], schema: dict[str, Any], max_tokens: int) -> Any:
        # Passes LlamaBackend._generate's result through untouched, whatever its type.
        before = replace(self.perf)
        started = time.perf_counter()
        result = super()._generate(messages, schema, max_tokens)
        wall = time.perf_counter() - started
        after = self.perf
        decode = after.decode_tokens - before.decode_tokens
        self.records.append(CallRecord(
            prompt_tokens=int(self.llm.n_tokens) - decode,
            prefill_tokens=after.prefill_tokens - before.prefill_tokens,
            decode_tokens=decode,
            prefill_s=after.prefill_s - before.prefill_s,
            decode_s=after.decode_s - before.decode_s,
            wall_s=wall,
        ))
        return result


@dataclass
class Rates:
    """Measured by timing llm.eval() on the backend's own Llama object, at the depth of a
    typical overview prompt. A short prefill (a per-figure question's suffix) is modelled as a
    fixed cost plus a cost per token, fitted from a 16-token and a 64-token prefill: a per-token
    rate alone would misprice small batches, whose cost is not proportional to their size."""

    depth: int
    prefill_long: float  # tokens/s, whole prompt in n_batch chunks
    short_fixed_s: float
    short_per_token_s: float
    decode: float  # tokens/s, single-token evaluations

    def short_prefill_s(self, n: int) -> float:
        return self.short_fixed_s + n * self.short_per_token_s

    @staticmethod
    def best(a: Rates, b: Rates) -> Rates:
        """The faster of two calibrations, component by component (a floor is the best seen)."""
        return Rates(depth=a.depth, prefill_long=max(a.prefill_long, b.prefill_long),
                     short_fixed_s=min(a.short_fixed_s, b.short_fixed_s),
                     short_per_token_s=min(a.short_per_token_s, b.short_per_token_s),
                     decode=max(a.decode, b.decode))

    def describe(self) -> str:
        return (f"prefill {self.prefill_long:.1f} tok/s ({self.depth}-token prompt); suffix prefill "
                f"{1000 * self.short_fixed_s:.0f} ms + {1000 * self.short_per_token_s:.1f} ms/token "
                f"(at that depth); decode {self.decode:.2f} tok/s")


def calibrate(llm: Any, prompt: list[int], decode: int = 64) -> Rates:
    """One prefill of the whole prompt, a 16- and a 64-token suffix prefill at that depth, then
    ``decode`` single-token evaluations.

    The token ids are real prompt tokens; what they are does not change the cost. Each timed
    step ends with llama_synchronize: it makes the timing cover the whole computation, and it
    closes llama.cpp's perf interval, which would otherwise run on and be booked to the next
    model call of the pipeline. The KV cache is left marked empty (n_tokens = 0) so the next
    call starts cold, as after a load.
    """
    llm.reset()
    t_long = _timed_eval(llm, [prompt])
    t16 = _timed_eval(llm, [prompt[:16]])
    t64 = _timed_eval(llm, [prompt[16:80]])
    t_decode = _timed_eval(llm, [[tok] for tok in prompt[80:80 + decode]])
    llm.reset()
    per_token = max((t64 - t16) / 48, 0.0)
    return Rates(depth=len(prompt), prefill_long=len(prompt) / t_long,
                 short_fixed_s=max(t16 - 16 * per_token, 0.0), short_per_token_s=per_token,
                 decode=decode / t_decode)


def _timed_eval(llm: Any, batches: list[list[int]]) -> float:
    import llama_cpp

    t0 = time.perf_counter()
    for batch in batches:
        llm.eval(batch)
        llama_cpp.llama_synchronize(llm._ctx.ctx)
    return time.perf_counter() - t0


def prompt_tokens(backend: LlamaBackend, article: str) -> list[int]:
    """About an overview prompt's tokens: the fixed system prompt, then the article (the task
    text and the chat template add a few hundred more). Built from the template without its
    variables so that it survives prompt changes."""
    try:
        system = render("system")
    except Exception:  # a system template that needs variables: the article alone
        system = ""
    text = f"{system}\n{article}"
    return list(backend.llm.tokenize(text.encode("utf-8"), add_bos=True, special=False))


def call_floor(rec: CallRecord, rates: Rates, *, reuse: bool = True) -> float:
    prefill = rec.prefill_tokens if reuse else rec.prompt_tokens
    if prefill == 0:
        prefill_s = 0.0
    elif prefill < SHORT_PREFILL_MAX:
        prefill_s = rates.short_prefill_s(prefill)
    else:
        prefill_s = prefill / rates.prefill_long
    return prefill_s + rec.decode_tokens / rates.decode


@dataclass
class ArticleRun:
    case: str
    chars: int
    wall_s: float
    calls: list[CallRecord] = field(default_factory=list)
    figures: int = 0

    def tokens(self, name: str) -> int:
        return sum(getattr(c, name) for c in self.calls)

    def floor(self, rates: Rates, reuse: bool = True) -> float:
        return sum(call_floor(c, rates, reuse=reuse) for c in self.calls)

    def compute_s(self) -> float:
        return sum(c.prefill_s + c.decode_s for c in self.calls)


def fit_call_overhead(runs: list[ArticleRun], rates: Rates) -> tuple[float, float] | None:
    """Least-squares fit of (call wall - call floor) = a + b * decode tokens: a fixed cost per
    call (prompt rendering, tokenising, grammar compiling) and a cost per generated token
    (sampling under the grammar, detokenising, the Python generate loop)."""
    xs, ys = [], []
    for run in runs:
        for c in run.calls:
            xs.append(float(c.decode_tokens))
            ys.append(c.wall_s - call_floor(c, rates))
    if len(xs) < 3 or len(set(xs)) < 2:
        return None
    mx, my = statistics.fmean(xs), statistics.fmean(ys)
    b = sum((x - mx) * (y - my) for x, y in zip(xs, ys, strict=True)) / sum((x - mx) ** 2 for x in xs)
    return my - b * mx, b


def main() -> int:
    parser = base_parser(__doc__.split("\n\n")[0])
    add_case_args(parser)
    parser.add_argument("--model", default=DEFAULT_LOCAL_MODEL, help="Embedded model name.")
    parser.add_argument("--threads", type=int, default=None,
                        help="llama.cpp threads (default: the backend's, every core).")
    parser.add_argument("--calib-decode", type=int, default=64, help="Decode tokens to time.")
    args = parser.parse_args()

    cases = eval_cases(args.cases, args.limit)
    info = machine()
    # inline: this script reads llama.cpp's own object (backend.llm), which a child process hides.
    config = Config(backend="llama", model=args.model, strategy="focused", use_cache=False,
                    llama_isolation="inline",
                    n_threads=args.threads)
    t0 = time.perf_counter()
    backend = RecordingLlamaBackend(config)
    load_s = time.perf_counter() - t0
    if _perf_missing(backend):
        print("llama.cpp perf counters are unavailable in this llama-cpp-python", file=sys.stderr)
        return 2

    # The calibration prompt: about the median-length overview prompt of these articles.
    prompts = [prompt_tokens(backend, c.text) for c in cases]
    calib_prompt = sorted(prompts, key=len)[len(prompts) // 2]
    _timed_eval(backend.llm, [calib_prompt[:32]])  # page the weights in before anything is timed
    before = calibrate(backend.llm, calib_prompt, decode=args.calib_decode)
    print(f"calibration before: {before}", file=sys.stderr)

    runs: list[ArticleRun] = []
    for case in cases:
        first = len(backend.records)
        t0 = time.perf_counter()
        brief = summarise(case.text, config, backend=backend)
        wall = time.perf_counter() - t0
        run = ArticleRun(case=case.id, chars=len(case.text), wall_s=wall,
                         calls=backend.records[first:],
                         figures=len(brief.casualties) + len(brief.displacement))
        runs.append(run)
        print(f"{case.id}: {wall:.1f} s, {len(run.calls)} calls", file=sys.stderr)

    after = calibrate(backend.llm, calib_prompt, decode=args.calib_decode)
    print(f"calibration after: {after}", file=sys.stderr)
    rates = Rates.best(before, after)

    rows = []
    for r in runs:
        floor = r.floor(rates)
        rows.append([
            r.case, r.chars, len(r.calls), r.tokens("prompt_tokens"), r.tokens("prefill_tokens"),
            r.tokens("decode_tokens"), secs(r.wall_s), secs(floor), pct(r.wall_s / floor - 1),
            secs(r.floor(rates, reuse=False)), secs(r.compute_s()),
        ])
    wall = sum(r.wall_s for r in runs)
    floor = sum(r.floor(rates) for r in runs)
    floor_no_reuse = sum(r.floor(rates, reuse=False) for r in runs)
    compute = sum(r.compute_s() for r in runs)
    rows.append([
        "**all**", sum(r.chars for r in runs), sum(len(r.calls) for r in runs),
        sum(r.tokens("prompt_tokens") for r in runs), sum(r.tokens("prefill_tokens") for r in runs),
        sum(r.tokens("decode_tokens") for r in runs), secs(wall), secs(floor),
        f"**{pct(wall / floor - 1)}**", secs(floor_no_reuse), secs(compute),
    ])
    overhead = wall / floor - 1
    fit = fit_call_overhead(runs, rates)
    in_calls = sum(c.wall_s for r in runs for c in r.calls)

    print(header("1. Wall time vs the model's floor (embedded, focused, no cache)", info))
    print(f"Model {args.model}, {backend.n_threads} threads, n_ctx {config.n_ctx}; load {load_s:.1f} s "
          f"(not counted). Rates measured in this run, best of before/after: {rates.describe()}. "
          f"Before: {before.describe()}. After: {after.describe()}.\n")
    print(md_table(["article", "chars", "calls", "prompt tok", "prefilled tok", "decoded tok",
                    "wall s", "floor s", "overhead", "floor s (no reuse)", "llama.cpp compute s"],
                   rows))
    print()
    print(f"Time outside the model calls (candidates, verification, prompts, cache off): "
          f"{wall - in_calls:.2f} s of {wall:.2f} s.")
    if fit is not None:
        print(f"Per-call overhead fit (call wall - call floor = a + b x decoded tokens): "
              f"a = {1000 * fit[0]:.0f} ms per call, b = {1000 * fit[1]:.1f} ms per decoded token.")
    verdict = "meets" if overhead <= 0.10 else "misses"
    print(f"\nVerdict: overall overhead {pct(overhead)} over the floor, which {verdict} the "
          f"<= 10 % target; prefix reuse saves {secs(floor_no_reuse - floor)} s of floor.")

    write_json(args.json, {
        "question": "floor", "machine": info, "model": args.model, "load_s": load_s,
        "rates": asdict(rates), "calibration_before": asdict(before),
        "calibration_after": asdict(after),
        "articles": [{**asdict(r), "floor_s": r.floor(rates),
                      "floor_no_reuse_s": r.floor(rates, reuse=False),
                      "overhead": r.wall_s / r.floor(rates) - 1} for r in runs],
        "total": {"wall_s": wall, "floor_s": floor, "floor_no_reuse_s": floor_no_reuse,
                  "llama_compute_s": compute, "overhead": overhead},
        "call_overhead_fit": {"per_call_s": fit[0], "per_decoded_token_s": fit[1]} if fit else None,
    })
    return 0


def _perf_missing(backend: LlamaBackend) -> bool:
    from summariser.backends.llama_engine import _perf_snapshot

    return _perf_snapshot(backend.llm) is None


if __name__ == "__main__":
    raise SystemExit(main())
