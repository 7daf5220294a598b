"""Backends: one interface (Backend.complete), three implementations chosen by Config.backend."""

from __future__ import annotations

from summariser.backends.base import Backend, LLMRequest, LLMResult
from summariser.config import Config


def get_backend(config: Config) -> Backend:
    """The backend a Config names. Imports lazily: llama-cpp-python is an optional extra."""
    if config.backend == "openai":
        from summariser.backends.openai_compat import OpenAIBackend

        return OpenAIBackend(config)
    if config.backend == "fake":
        from summariser.backends.fake import FakeBackend

        return FakeBackend(model=config.model)
    from summariser.backends.llama import LlamaBackend

    return LlamaBackend(config)


__all__ = ["Backend", "LLMRequest", "LLMResult", "get_backend"]
