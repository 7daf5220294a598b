"""Embedded backend: llama.cpp in-process (llama-cpp-python), JSON-schema-constrained decoding.

No key, no network. The model is loaded once per process and kept; llama.cpp reuses the longest
common token prefix with the previous call, which is why prompts put the fixed instructions
first and the article next (see summariser.prompting). Output is streamed so that a generation
that starts repeating itself is cut as soon as the loop shows, instead of running to the cap.
"""

from __future__ import annotations

import atexit
import os
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from summariser.backends.base import Generation, LLMRequest, LLMResult, Message, complete_with_reask
from summariser.config import LLAMA_N_UBATCH, Config
from summariser.errors import ConfigError
from summariser.schemas.brief import Usage

_LOADED: dict[tuple[str, int, int], Any] = {}
_LOAD_LOCK = threading.Lock()


@atexit.register
def _close_loaded() -> None:
    """Free models before interpreter teardown: llama-cpp-python's __del__ runs too late and
    prints a TypeError traceback at exit (its C bindings are already gone)."""
    with _LOAD_LOCK:
        for llm in _LOADED.values():
            try:
                llm.close()
            except Exception:  # nothing useful to do at exit
                pass
        _LOADED.clear()


@dataclass
class PerfCounters:
    """What llama.cpp itself measured: tokens actually evaluated and the time it took."""

    prefill_tokens: int = 0
    prefill_s: float = 0.0
    decode_tokens: int = 0
    decode_s: float = 0.0


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


def resolve_model_path(config: Config) -> Path:
    from summariser import weights

    if config.model_path is not None:
        return weights.check_gguf(Path(config.model_path))
    return weights.ensure_model(config.model)


def _load(path: Path, n_ctx: int, n_threads: int) -> Any:
    try:
        from summariser.backends.fast_grammar import GrammarFirstLlama
    except ImportError:
        raise ConfigError(
            "The embedded model needs llama-cpp-python: pip install 'summariser[local]' "
            "(or use a remote model with --base-url / OPENAI_API_KEY)."
        ) from None
    key = (str(path), n_ctx, n_threads)
    with _LOAD_LOCK:
        if key not in _LOADED:
            # use_mmap=False: llama.cpp's CPU backend repacks the Q4_K weights into an anonymous
            # buffer of its own, so a memory-mapped file is paged in *and* copied (peak RSS was
            # the model +1,151 MB; read into memory once it is about +450 MB, at the same speed).
            # GrammarFirstLlama: the same tokens as Llama, with the grammar checked against the
            # best token first instead of the whole vocabulary (summariser.backends.fast_grammar).
            _LOADED[key] = GrammarFirstLlama(
                model_path=str(path), n_ctx=n_ctx, n_threads=n_threads, n_batch=512,
                n_ubatch=LLAMA_N_UBATCH, use_mmap=False, verbose=False, seed=0,
            )
        return _LOADED[key]


class LlamaBackend:
    """In-process llama.cpp. Calls are serialised: one model, one context, one prefix cache."""

    name = "llama"

    def __init__(self, config: Config):
        self.config = config
        self.path = resolve_model_path(config)
        self.model = config.model if config.model_path is None else self.path.name
        self.n_threads = config.n_threads or max(1, os.cpu_count() or 1)
        self.llm = _load(self.path, config.n_ctx, self.n_threads)
        self._lock = threading.Lock()
        self.perf = PerfCounters()

    def sampling(self) -> dict[str, Any]:
        return {"temperature": self.config.temperature, "n_ctx": self.config.n_ctx,
                "n_ubatch": LLAMA_N_UBATCH, "grammar": "json_schema"}

    def count_tokens(self, text: str) -> int:
        return len(self.llm.tokenize(text.encode("utf-8"), add_bos=False, special=False))

    def complete(self, request: LLMRequest) -> LLMResult:
        schema = request.response_model.model_json_schema()

        def generate(messages: list[Message]) -> Generation:
            with self._lock:
                return self._generate(messages, schema, request.max_tokens)

        return complete_with_reask(generate, request, self.config.max_validation_retries)

    def _generate(self, messages: list[Message], schema: dict[str, Any], max_tokens: int) -> Generation:
        before = _perf_snapshot(self.llm)
        started = time.perf_counter()
        stream = self.llm.create_chat_completion(
            messages=messages,
            response_format={"type": "json_object", "schema": schema},
            max_tokens=max_tokens,
            temperature=self.config.temperature,
            stream=True,
        )
        parts: list[str] = []
        n_out = 0
        looped = False
        for chunk in stream:
            delta = chunk["choices"][0]["delta"].get("content")
            if not delta:
                continue
            parts.append(delta)
            n_out += 1
            if n_out % 8 == 0 and repeating_tail("".join(parts[-60:])):
                looped = True  # stop paying for a loop; the caller salvages what came before
                break
        close = getattr(stream, "close", None)
        if close is not None:
            close()
        raw = "".join(parts)
        total_in_context = int(getattr(self.llm, "n_tokens", 0))
        prompt_tokens = max(0, total_in_context - n_out)
        after = _perf_snapshot(self.llm)
        if before is not None and after is not None:
            self.perf.prefill_tokens += after[0] - before[0]
            self.perf.prefill_s += (after[1] - before[1]) / 1000.0
            self.perf.decode_tokens += after[2] - before[2]
            self.perf.decode_s += (after[3] - before[3]) / 1000.0
        else:
            self.perf.decode_s += time.perf_counter() - started
        return Generation(raw=raw, usage=Usage(prompt_tokens=prompt_tokens, completion_tokens=n_out),
                          truncated=looped or n_out >= max_tokens)


def _perf_snapshot(llm: Any) -> tuple[int, float, int, float] | None:
    """(prompt tokens evaluated, prompt ms, tokens decoded, decode ms) so far, from llama.cpp."""
    try:
        import llama_cpp

        data = llama_cpp.llama_perf_context(llm._ctx.ctx)
        return int(data.n_p_eval), float(data.t_p_eval_ms), int(data.n_eval), float(data.t_eval_ms)
    except Exception:  # perf API differs across llama-cpp-python versions: timing is optional
        return None
