"""One side of benchmarks/release_speed.py: briefs articles with one release of the package.

Run by release_speed.py with PYTHONPATH set to that release's source tree, so it imports only
what every release has: ``summariser.summarise``, ``summariser.config.Config`` and llama_cpp.
It reads one JSON request per line on stdin and answers one JSON line on stdout:

    {"op": "calibrate"}                  -> llama.cpp's prefill and decode rates on this model
    {"op": "brief", "id": .., "text": ..} -> wall time, per-call tokens and the brief

Per-call token counts come from llama.cpp's own perf counters, read around every
``Llama.create_chat_completion`` (the one call every release makes), so the prefix cache counts
as free, as in BENCHMARKS.md question 1.
"""

from __future__ import annotations

import json
import os
import sys
import time
from typing import Any

import llama_cpp
import llama_cpp.llama as llama_module

CALLS: list[dict[str, Any]] = []
MODELS: list[Any] = []


def _snapshot(llm: Any) -> tuple[int, float, int, float]:
    data = llama_cpp.llama_perf_context(llm._ctx.ctx)
    return int(data.n_p_eval), float(data.t_p_eval_ms), int(data.n_eval), float(data.t_eval_ms)


def _record(llm: Any, before: tuple[int, float, int, float], prompt_tokens: int) -> None:
    after = _snapshot(llm)
    CALLS.append({"prompt_tokens": prompt_tokens, "prefill_tokens": after[0] - before[0],
                  "prefill_s": (after[1] - before[1]) / 1000, "decode_tokens": after[2] - before[2],
                  "decode_s": (after[3] - before[3]) / 1000})


def _instrument(path: str) -> None:
    """Count every chat completion, and load every model on the CPU path asked for (releases
    before the CPU-path choice load with llama.cpp's defaults, i.e. repack)."""
    original_call = llama_cpp.Llama.create_chat_completion

    def create_chat_completion(self: Any, *args: Any, **kwargs: Any) -> Any:
        if self not in MODELS:
            MODELS.append(self)
        before = _snapshot(self)
        out = original_call(self, *args, **kwargs)
        if not kwargs.get("stream"):
            _record(self, before, int(out["usage"]["prompt_tokens"]))
            return out

        def stream() -> Any:
            try:
                yield from out
            finally:
                _record(self, before, 0)

        return stream()

    llama_cpp.Llama.create_chat_completion = create_chat_completion  # type: ignore[method-assign]
    if path in ("repack", "plain"):
        original_defaults = llama_module.llama_cpp.llama_model_default_params

        def defaults() -> Any:
            params = original_defaults()
            params.use_extra_bufts = path == "repack"
            return params

        llama_module.llama_cpp.llama_model_default_params = defaults


def calibrate(llm: Any, prompt: list[int], decode: int = 64) -> dict[str, float]:
    """The same calibration as benchmarks/floor.py: a whole-prompt prefill, a 16- and a 64-token
    suffix prefill at that depth, then `decode` single-token evaluations; the KV cache is left
    empty."""

    def timed(batches: list[list[int]]) -> float:
        t0 = time.perf_counter()
        for batch in batches:
            llm.eval(batch)
            llama_cpp.llama_synchronize(llm._ctx.ctx)
        return time.perf_counter() - t0

    llm.reset()
    t_long = timed([prompt])
    t16 = timed([prompt[:16]])
    t64 = timed([prompt[16:80]])
    t_decode = timed([[tok] for tok in prompt[80:80 + decode]])
    llm.reset()
    per_token = max((t64 - t16) / 48, 0.0)
    return {"depth": len(prompt), "prefill_long": len(prompt) / t_long,
            "short_fixed_s": max(t16 - 16 * per_token, 0.0), "short_per_token_s": per_token,
            "decode": decode / t_decode}


def main() -> int:
    _instrument(os.environ.get("RELEASE_CPU_PATH", "auto"))
    from summariser import summarise
    from summariser.config import Config

    config = Config.from_env()
    out = sys.stdout
    sys.stdout = sys.stderr  # anything the package prints must not mix with the answers
    for line in sys.stdin:
        request = json.loads(line)
        if request["op"] == "calibrate":
            llm = MODELS[0]
            prompt = llm.tokenize(request["text"].encode("utf-8"), add_bos=True, special=False)
            answer: dict[str, Any] = calibrate(llm, list(prompt))
        else:
            CALLS.clear()
            started = time.perf_counter()
            brief = summarise(request["text"], config)
            wall = time.perf_counter() - started
            answer = {"id": request["id"], "wall_s": wall, "calls": list(CALLS),
                      "brief": json.loads(brief.model_dump_json(exclude={"meta"}))}
        out.write(json.dumps(answer) + "\n")
        out.flush()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
