"""Question 7: llama.cpp's CPU paths (repack vs plain) and what the model's child process costs.

For each CPU path the embedded model can be loaded with (summariser/backends/cpu.py), measures
llama.cpp's own prefill rate (a ~1,000-token article prompt evaluated from an empty KV cache) and
decode rate (greedy tokens, no grammar), in rounds that alternate the paths so both see the same
machine state. Then the cost of running the model in a child process: the round trip of a call
carrying a real request's payload (messages and schema, no model work) against the median time
of a real figure question.

    .venv/bin/python benchmarks/cpu_paths.py [--rounds 2] [--json reports/bench/cpu_paths.json]
"""

from __future__ import annotations

import statistics
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _common import EVALS, base_parser, header, machine, md_table, write_json  # noqa: E402

from summariser.backends import cpu  # noqa: E402
from summariser.backends.llama_engine import LlamaEngine  # noqa: E402
from summariser.config import DEFAULT_LOCAL_MODEL  # noqa: E402
from summariser.weights import ensure_model  # noqa: E402

PATHS = ("repack", "plain")


def rates(path: Path, which: str, prompt: str, n_decode: int, threads: int) -> dict[str, float]:
    import llama_cpp
    import numpy as np

    engine = LlamaEngine(path, 4096, threads, cpu.choose_path(which, frozenset(), ""))  # type: ignore[arg-type]
    llm = engine.llm
    try:
        tokens = llm.tokenize(prompt.encode("utf-8"), add_bos=True)
        llm.reset()
        t0 = time.perf_counter()
        llm.eval(tokens)
        llama_cpp.llama_synchronize(llm._ctx.ctx)
        prefill_s = time.perf_counter() - t0
        t0 = time.perf_counter()
        for _ in range(n_decode):
            logits = np.ctypeslib.as_array(llama_cpp.llama_get_logits_ith(llm._ctx.ctx, -1),
                                           shape=(llm.n_vocab(),))
            token = int(logits.argmax())
            llm.eval([token])
        llama_cpp.llama_synchronize(llm._ctx.ctx)
        decode_s = time.perf_counter() - t0
    finally:
        engine.close()
    return {"prefill_tokens": len(tokens), "prefill_tok_s": len(tokens) / prefill_s,
            "decode_tokens": n_decode, "decode_tok_s": n_decode / decode_s}


def process_cost(path: Path, threads: int, calls: int) -> dict[str, Any]:
    from summariser.schemas.llm import FigureDecision

    from summariser.backends.llama_process import ModelProcess, ModelSpec
    from summariser.prompting import build_messages

    article = (EVALS / "cases" / "seed-002.txt").read_text(encoding="utf-8")
    messages = build_messages(article, "task_overview")
    schema = FigureDecision.model_json_schema()
    proc = ModelProcess(ModelSpec(str(path), 8192, threads, cpu.resolve("auto")))
    try:
        payload = (messages, schema, 24, 0.0)
        t0 = time.perf_counter()
        for _ in range(calls):
            proc.call("ping", payload)
        trip_ms = (time.perf_counter() - t0) / calls * 1000
        # A real figure question on the same article, a few times (prefix cache warm after the first).
        times = []
        for _ in range(3):
            t0 = time.perf_counter()
            proc.call("generate", messages, schema, 24, 0.0)
            times.append(time.perf_counter() - t0)
    finally:
        proc.close()
    median_call_s = statistics.median(times)
    return {"round_trip_ms": trip_ms, "payload_chars": sum(len(m["content"]) for m in messages),
            "median_model_call_s": median_call_s,
            "share": trip_ms / 1000 / median_call_s}


def main() -> None:
    parser = base_parser(__doc__ or "")
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--decode", type=int, default=96, help="greedy tokens decoded per measurement")
    parser.add_argument("--threads", type=int, default=None)
    args = parser.parse_args()
    info = machine()
    threads = args.threads or (__import__("os").cpu_count() or 1)
    info["auto_path"] = cpu.resolve("auto").path
    info["auto_reason"] = cpu.resolve("auto").reason
    info["llama_system_info"] = cpu.llama_system_info()
    model = ensure_model(DEFAULT_LOCAL_MODEL)
    prompt = (EVALS / "cases" / "seed-003.txt").read_text(encoding="utf-8")[:4500]
    measured: dict[str, list[dict[str, float]]] = {p: [] for p in PATHS}
    for _ in range(args.rounds):
        for which in PATHS:
            measured[which].append(rates(model, which, prompt, args.decode, threads))
    rows = []
    for which in PATHS:
        runs = measured[which]
        rows.append([which, "on" if which == "repack" else "off", runs[0]["prefill_tokens"],
                     " / ".join(f"{r['prefill_tok_s']:.1f}" for r in runs),
                     " / ".join(f"{r['decode_tok_s']:.2f}" for r in runs)])
    cost = process_cost(model, threads, 200)
    print(header("7. llama.cpp CPU paths and the model's child process", info))
    print(f"- auto path here: **{info['auto_path']}** ({info['auto_reason']})")
    print(f"- llama.cpp: `{info['llama_system_info'].strip()}`\n")
    print(md_table(["path", "use_extra_bufts", "prompt tokens", "prefill tok/s (each round)",
                    "decode tok/s (each round)"], rows))
    print()
    print(md_table(["child-process round trip", "payload", "median figure call", "share of a call"],
                   [[f"{cost['round_trip_ms']:.3f} ms", f"{cost['payload_chars']:,} chars",
                     f"{cost['median_model_call_s']:.2f} s", f"{100 * cost['share']:.4f} %"]]))
    pre = [statistics.mean(r["prefill_tok_s"] for r in measured[p]) for p in PATHS]
    dec = [statistics.mean(r["decode_tok_s"] for r in measured[p]) for p in PATHS]
    print(f"\nplain / repack: prefill {pre[1] / pre[0]:.2f}x, decode {dec[1] / dec[0]:.2f}x; "
          f"process round trip {100 * cost['share']:.4f} % of a model call")
    write_json(args.json, {"machine": info, "rates": measured, "process": cost})


if __name__ == "__main__":
    main()
