"""All settings in one place, resolved in one documented order:
explicit argument > environment variable > default.

Environment variables: SUMMARISER_BACKEND (llama | openai | fake), SUMMARISER_MODEL,
OPENAI_API_KEY, OPENAI_BASE_URL, SUMMARISER_MODEL_PATH (any GGUF file),
SUMMARISER_HOME (user directory: assembled weights and cache live below it),
SUMMARISER_CACHE_DIR, SUMMARISER_STRATEGY (focused | single), SUMMARISER_CPU_PATH (auto | repack |
plain: llama.cpp's CPU code path), SUMMARISER_LLAMA_ISOLATION (process | inline: where the
embedded model runs).
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, SecretStr

from summariser.errors import ConfigError

BackendName = Literal["llama", "openai", "fake"]
CpuPathName = Literal["auto", "repack", "plain"]
Isolation = Literal["process", "inline"]
Strategy = Literal["focused", "single"]

DEFAULT_LOCAL_MODEL = "qwen2.5-coder-1.5b-instruct-q4_k_m"
# llama.cpp micro-batch: it sizes the compute buffers. 128 instead of 512 takes about 90 MB off a
# batch's peak RSS at the same speed (BENCHMARKS.md, question 5). Part of the cache key: another
# size may round differently.
LLAMA_N_UBATCH = 128


def user_dir() -> Path:
    """Where assembled weights and the cache live; moved with SUMMARISER_HOME."""
    env = os.environ.get("SUMMARISER_HOME")
    if env:
        return Path(env).expanduser()
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "summariser"


class Config(BaseModel):
    """Everything summarise(), the batch runner and the eval need to know."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    backend: BackendName = "llama"
    model: str = DEFAULT_LOCAL_MODEL
    base_url: str | None = None
    api_key: SecretStr | None = Field(default=None, repr=False)
    model_path: Path | None = None
    strategy: Strategy = "focused"
    temperature: float = 0.0
    max_validation_retries: int = 2
    max_transient_retries: int = 5
    request_timeout_s: float = 120.0
    use_cache: bool = True
    cache_dir: Path | None = None
    cache_size_limit_bytes: int = 2**30
    n_ctx: int = 8192
    n_threads: int | None = None
    # The longest article briefed (characters, after HTML is converted to text). Longer input is
    # an InputError (in a batch: one error record) instead of hours of model time: 300,000
    # characters is ~75,000 tokens, ten parts of the default context, ~30 minutes on 2 cores.
    max_article_chars: int = Field(default=300_000, gt=0)
    # llama.cpp's CPU code path (summariser.backends.cpu): auto picks the fastest safe one.
    cpu_path: CpuPathName = "auto"
    # The embedded model in a child process (a native crash costs one article) or inline.
    llama_isolation: Isolation = "process"
    price_per_1k_prompt: float | None = None
    price_per_1k_completion: float | None = None

    @classmethod
    def from_env(cls, **overrides: Any) -> Config:
        """Build a Config: explicit overrides (None means "not given") beat the environment."""
        env = os.environ
        values: dict[str, Any] = {}
        if env.get("SUMMARISER_BACKEND"):
            if env["SUMMARISER_BACKEND"] not in ("llama", "openai"):
                # "fake" exists for tests that pass a FakeBackend object; from the environment it
                # would only fail later, with nothing queued.
                raise ConfigError("SUMMARISER_BACKEND must be 'llama' or 'openai'.")
            values["backend"] = env["SUMMARISER_BACKEND"]
        if env.get("SUMMARISER_MODEL"):
            values["model"] = env["SUMMARISER_MODEL"]
        if env.get("OPENAI_BASE_URL"):
            values["base_url"] = env["OPENAI_BASE_URL"]
        if env.get("OPENAI_API_KEY"):
            values["api_key"] = env["OPENAI_API_KEY"]
        if env.get("SUMMARISER_MODEL_PATH"):
            values["model_path"] = Path(env["SUMMARISER_MODEL_PATH"])
        if env.get("SUMMARISER_CACHE_DIR"):
            values["cache_dir"] = Path(env["SUMMARISER_CACHE_DIR"])
        if env.get("SUMMARISER_STRATEGY"):
            values["strategy"] = env["SUMMARISER_STRATEGY"]
        if env.get("SUMMARISER_CPU_PATH"):
            values["cpu_path"] = env["SUMMARISER_CPU_PATH"]
        if env.get("SUMMARISER_LLAMA_ISOLATION"):
            values["llama_isolation"] = env["SUMMARISER_LLAMA_ISOLATION"]
        if env.get("SUMMARISER_MAX_ARTICLE_CHARS"):
            values["max_article_chars"] = env["SUMMARISER_MAX_ARTICLE_CHARS"]
        values.update({k: v for k, v in overrides.items() if v is not None})
        # A base URL or an explicit remote model name implies the OpenAI-compatible backend
        # unless a backend was chosen explicitly.
        if "backend" not in values and (values.get("base_url") or values.get("api_key")):
            values["backend"] = "openai"
        if values.get("backend") == "openai" and "model" not in values:
            raise ConfigError(
                "Name the remote model with --model or SUMMARISER_MODEL (e.g. gpt-4o-mini)."
            )
        try:
            return cls(**values)
        except ValueError as exc:  # pydantic ValidationError is a ValueError
            raise ConfigError(f"Invalid setting: {exc}") from exc

    @property
    def resolved_cache_dir(self) -> Path:
        return self.cache_dir or (user_dir() / "cache")

    def estimate_cost(self, prompt_tokens: int, completion_tokens: int) -> float | None:
        """Dollar cost for priced models; None when no price is configured (local models)."""
        if self.price_per_1k_prompt is None or self.price_per_1k_completion is None:
            return None
        return (prompt_tokens * self.price_per_1k_prompt
                + completion_tokens * self.price_per_1k_completion) / 1000.0
