"""Embedded backend: llama.cpp (llama-cpp-python), JSON-schema-constrained decoding, no network.

By default the model runs in a child process (summariser.backends.llama_process), so that a
native crash becomes a ModelCrashed error for the article in flight instead of the end of the
run; `isolation="inline"` (SUMMARISER_LLAMA_ISOLATION=inline) loads it in this process instead,
for benchmarks that need the llama.cpp object itself. Which CPU code path llama.cpp uses is
decided from the CPU's flags (summariser.backends.cpu; SUMMARISER_CPU_PATH forces one).
One model per (file, context, threads, path) per process is loaded once and kept.
"""

from __future__ import annotations

import atexit
import os
import threading
from pathlib import Path
from typing import Any

from summariser.backends import cpu
from summariser.backends.base import (
    Generation,
    LLMRequest,
    LLMResult,
    Message,
    complete_with_reask,
    stop_rule,
)
from summariser.backends.llama_engine import LlamaEngine, PerfCounters, repeating_tail
from summariser.backends.llama_process import ModelCrashed, ModelProcess, ModelSpec
from summariser.config import LLAMA_N_UBATCH, Config
from summariser.schemas.llm import StopRule

__all__ = ["LlamaBackend", "ModelCrashed", "PerfCounters", "repeating_tail", "resolve_model_path"]

_LOADED: dict[tuple[str, int, int, str, str], Any] = {}
_LOAD_LOCK = threading.Lock()


@atexit.register
def _close_loaded() -> None:
    """Free models (and stop model processes) before interpreter teardown: llama-cpp-python's
    __del__ runs too late and prints a TypeError traceback at exit."""
    with _LOAD_LOCK:
        for model in _LOADED.values():
            try:
                model.close()
            except Exception:  # nothing useful to do at exit
                pass
        _LOADED.clear()


def resolve_model_path(config: Config) -> Path:
    """The GGUF file to load: SUMMARISER_MODEL_PATH, else the embedded weights (assembled)."""
    from summariser import weights

    if config.model_path is not None:
        return weights.check_gguf(Path(config.model_path))
    return weights.ensure_model(config.model)


def llama_identity(config: Config) -> tuple[str, str, dict[str, Any]]:
    """(name, model, sampling) of the embedded model for cache keys, from the config alone: the
    one definition, behind LlamaBackend's attributes and the brief cache's key before any model
    is loaded. A GGUF file is named by its file name. The CPU path and the build's kernel family
    are in the sampling because repacked and plain kernels, and AVX-512 and AVX2 ones, give
    slightly different greedy tokens: a cache shared between machines must not serve one
    machine's answers as another's."""
    model = config.model if config.model_path is None else Path(config.model_path).name
    return LlamaBackend.name, model, {
        "temperature": config.temperature, "n_ctx": config.n_ctx, "n_ubatch": LLAMA_N_UBATCH,
        "grammar": "json_schema", "cpu_path": cpu.resolve(config.cpu_path).path,
        "cpu_kernels": cpu.loaded_kernels()}


def _model(path: Path, config: Config, n_threads: int) -> LlamaEngine | ModelProcess:
    choice = cpu.resolve(config.cpu_path)
    key = (str(path), config.n_ctx, n_threads, choice.path, config.llama_isolation)
    with _LOAD_LOCK:
        if key not in _LOADED:
            if config.llama_isolation == "inline":
                _LOADED[key] = LlamaEngine(path, config.n_ctx, n_threads, choice)
            else:
                _LOADED[key] = ModelProcess(ModelSpec(str(path), config.n_ctx, n_threads, choice))
        return _LOADED[key]


class LlamaBackend:
    """The embedded model. Calls are serialised: one model, one context, one prefix cache."""

    name = "llama"

    def __init__(self, config: Config):
        self.config = config
        self.path = resolve_model_path(config)
        _, self.model, self._sampling = llama_identity(config)
        self.n_threads = config.n_threads or max(1, os.cpu_count() or 1)
        self.engine = _model(self.path, config, self.n_threads)
        self._lock = threading.Lock()
        self.perf = PerfCounters()

    @property
    def cpu_choice(self) -> cpu.PathChoice:
        """The CPU path the model was loaded with, and why."""
        return self.engine.choice if isinstance(self.engine, LlamaEngine) else self.engine.spec.choice

    @property
    def llm(self) -> Any:
        """The llama_cpp.Llama object (inline isolation only: benchmarks use it directly)."""
        if not isinstance(self.engine, LlamaEngine):
            raise AttributeError("the model runs in a child process; use isolation='inline' for .llm")
        return self.engine.llm

    def sampling(self) -> dict[str, Any]:
        return dict(self._sampling)

    def count_tokens(self, text: str) -> int:
        if isinstance(self.engine, LlamaEngine):
            return self.engine.count_tokens(text)
        return int(self.engine.call("count_tokens", text))

    def complete(self, request: LLMRequest) -> LLMResult:
        schema = request.response_model.model_json_schema()
        stop = stop_rule(request.response_model)

        def generate(messages: list[Message]) -> Generation:
            with self._lock:
                return self._generate(messages, schema, request.max_tokens, stop)

        return complete_with_reask(generate, request, self.config.max_validation_retries)

    def _generate(self, messages: list[Message], schema: dict[str, Any], max_tokens: int,
                  stop: StopRule | None = None) -> Generation:
        args = (messages, schema, max_tokens, self.config.temperature, stop)
        if isinstance(self.engine, LlamaEngine):
            gen, perf = self.engine.generate(*args)
        else:
            gen, perf = self.engine.call("generate", *args, during="answering a model call")
        self.perf.add(perf)
        return gen
