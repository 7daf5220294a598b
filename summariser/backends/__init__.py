"""Backends: one interface (Backend.complete), three implementations chosen by Config.backend."""

from __future__ import annotations

from typing import Any

from summariser.backends.base import Backend, LLMRequest, LLMResult
from summariser.config import Config


def identity(config: Config) -> tuple[str, str, dict[str, Any]]:
    """(backend name, model, sampling) as the cache keys name the backend a Config names,
    without making it (a cache hit loads no model). Each backend module defines its identity
    once; the backend object's `name`, `model` and `sampling()` come from the same function."""
    if config.backend == "openai":
        from summariser.backends.openai_compat import openai_identity

        return openai_identity(config)
    if config.backend == "fake":
        from summariser.backends.fake import fake_identity

        return fake_identity(config)
    from summariser.backends.llama import llama_identity

    return llama_identity(config)


def get_backend(config: Config) -> Backend:
    """The backend a Config names. Imports lazily: llama-cpp-python is an optional extra."""
    if config.backend == "openai":
        from summariser.backends.openai_compat import OpenAIBackend

        return OpenAIBackend(config)
    if config.backend == "fake":
        from summariser.backends.fake import FakeBackend

        return FakeBackend(model=config.model, temperature=config.temperature)
    from summariser.backends.llama import LlamaBackend

    return LlamaBackend(config)


__all__ = ["Backend", "LLMRequest", "LLMResult", "get_backend", "identity"]
