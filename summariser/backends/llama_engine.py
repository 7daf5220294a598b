"""llama.cpp itself: one loaded model and its generation loop (JSON-schema-constrained).

This module runs where the model lives: inside the model's child process by default
(summariser.backends.llama_process), or in the caller's process when isolation is "inline".
llama.cpp reuses the longest common token prefix with the previous call, which is why prompts put
the fixed instructions first and the article next (see summariser.prompting). Output is streamed
so that a generation that starts repeating itself is cut as soon as the loop shows, instead of
running to the cap.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from summariser.backends.base import Generation, Message, stopped_answer
from summariser.backends.cpu import PathChoice, llama_system_info
from summariser.config import LLAMA_N_UBATCH
from summariser.errors import ConfigError
from summariser.schemas.brief import Usage
from summariser.schemas.llm import StopRule


@dataclass
class PerfCounters:
    """What llama.cpp itself measured: tokens actually evaluated and the time it took."""

    prefill_tokens: int = 0
    prefill_s: float = 0.0
    decode_tokens: int = 0
    decode_s: float = 0.0

    def add(self, other: PerfCounters) -> None:
        """Add another call's counters to these."""
        self.prefill_tokens += other.prefill_tokens
        self.prefill_s += other.prefill_s
        self.decode_tokens += other.decode_tokens
        self.decode_s += other.decode_s


def repeating_tail(text: str, min_period: int = 6, max_period: int = 120, repeats: int = 4) -> bool:
    """True when the end of `text` is one chunk repeated `repeats` times in a row (a decode loop).

    JSON legitimately repeats short keys, so the chunk must be at least `min_period` characters
    and repeat back to back, which normal prose and well-formed briefs do not do.
    """
    n = len(text)
    for period in range(min_period, max_period + 1):
        if period * repeats > n:
            break
        unit = text[n - period:]
        if all(text[n - (k + 1) * period: n - k * period] == unit for k in range(1, repeats)):
            return True
    return False


def _llama_class() -> Any:
    try:
        from summariser.backends.fast_grammar import GrammarFirstLlama
    except ImportError:
        raise ConfigError(
            "The embedded model needs llama-cpp-python: pip install 'summariser[local]' "
            "(or use a remote model with --base-url / OPENAI_API_KEY)."
        ) from None
    return GrammarFirstLlama


def _load(path: Path, n_ctx: int, n_threads: int, choice: PathChoice) -> Any:
    cls = _llama_class()
    import llama_cpp.llama as llama_module

    # Llama() builds its llama_model_params from llama_model_default_params() and loads the model
    # in its constructor, with no argument for use_extra_bufts: set the field on the defaults it
    # reads, for this one load.
    original = llama_module.llama_cpp.llama_model_default_params

    def defaults() -> Any:
        params = original()
        params.use_extra_bufts = choice.use_extra_bufts
        return params

    llama_module.llama_cpp.llama_model_default_params = defaults
    try:
        # use_mmap=False: llama.cpp's CPU backend repacks the Q4_K weights into an anonymous
        # buffer of its own, so a memory-mapped file is paged in *and* copied (peak RSS was
        # the model +1,151 MB; read into memory once it is about +450 MB, at the same speed).
        # GrammarFirstLlama: the same tokens as Llama, with the grammar checked against the
        # best token first instead of the whole vocabulary (summariser.backends.fast_grammar).
        return cls(model_path=str(path), n_ctx=n_ctx, n_threads=n_threads, n_batch=512,
                   n_ubatch=LLAMA_N_UBATCH, use_mmap=False, verbose=False, seed=0)
    finally:
        llama_module.llama_cpp.llama_model_default_params = original


class LlamaEngine:
    """A loaded model: generate() one constrained completion at a time (not thread-safe)."""

    def __init__(self, path: Path, n_ctx: int, n_threads: int, choice: PathChoice):
        _llama_class()  # a clear ConfigError before anything else when llama-cpp is missing
        self.info = llama_system_info()
        self.choice = choice
        self.llm = _load(path, n_ctx, n_threads, choice)

    def close(self) -> None:
        """Free the model now (llama-cpp-python's __del__ runs too late at interpreter exit)."""
        close = getattr(self.llm, "close", None)
        if close is not None:
            close()

    def forget(self) -> None:
        """Drop the reusable prefix: the next call evaluates its whole prompt from the start.

        llama.cpp reuses the longest prefix shared with the previous call and re-evaluates at
        least the last prompt token. On the repacked CPU path a token evaluated alone gets very
        slightly different numbers from the same token inside a batch, so the same prompt can
        give another greedy answer after a different previous call (seen on AMD Zen 3). Calls
        that must be compared token for token start from this clean state.
        """
        self.llm.reset()

    def count_tokens(self, text: str) -> int:
        """Tokens of `text` in this model's vocabulary."""
        return len(self.llm.tokenize(text.encode("utf-8"), add_bos=False, special=False))

    def generate(self, messages: list[Message], schema: dict[str, Any], max_tokens: int,
                 temperature: float,
                 stop: StopRule | None = None,
                 ) -> tuple[Generation, PerfCounters]:
        """One completion under `schema`, and what llama.cpp spent on it.

        With `stop` (the response model's StopRule), generation ends as soon as
        the rule says nothing after is read, and the answer is closed there. The grammar still
        holds the whole schema, so every token before the stop is the one it would be without.
        """
        before = _perf_snapshot(self.llm)
        started = time.perf_counter()
        stream = self.llm.create_chat_completion(
            messages=messages,
            response_format={"type": "json_object", "schema": schema},
            max_tokens=max_tokens,
            temperature=temperature,
            stream=True,
        )
        parts: list[str] = []
        n_out = 0
        looped = False
        stopped: str | None = None
        for chunk in stream:
            delta = chunk["choices"][0]["delta"].get("content")
            if not delta:
                continue
            parts.append(delta)
            n_out += 1
            if stop is not None and '"' in delta:  # a rule can only fire as a string closes
                stopped = stopped_answer("".join(parts), stop)
                if stopped is not None:
                    break
            if n_out % 8 == 0 and repeating_tail("".join(parts[-60:])):
                looped = True  # stop paying for a loop; the caller salvages what came before
                break
        close = getattr(stream, "close", None)
        if close is not None:
            close()
        raw = "".join(parts) if stopped is None else stopped
        total_in_context = int(getattr(self.llm, "n_tokens", 0))
        prompt_tokens = max(0, total_in_context - n_out)
        after = _perf_snapshot(self.llm)
        perf = PerfCounters()
        if before is not None and after is not None:
            perf.prefill_tokens = after[0] - before[0]
            perf.prefill_s = (after[1] - before[1]) / 1000.0
            perf.decode_tokens = after[2] - before[2]
            perf.decode_s = (after[3] - before[3]) / 1000.0
        else:
            perf.decode_s = time.perf_counter() - started
        gen = Generation(raw=raw, usage=Usage(prompt_tokens=prompt_tokens, completion_tokens=n_out),
                         truncated=stopped is None and (looped or n_out >= max_tokens),
                         stopped=stopped is not None)
        return gen, perf


def _perf_snapshot(llm: Any) -> tuple[int, float, int, float] | None:
    """(prompt tokens evaluated, prompt ms, tokens decoded, decode ms) so far, from llama.cpp."""
    try:
        import llama_cpp

        data = llama_cpp.llama_perf_context(llm._ctx.ctx)
        return int(data.n_p_eval), float(data.t_p_eval_ms), int(data.n_eval), float(data.t_eval_ms)
    except Exception:  # perf API differs across llama-cpp-python versions: timing is optional
        return None
