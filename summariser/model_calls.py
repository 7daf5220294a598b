"""The model-call runner of one article: every call through the answer cache, with its
attempts, usage and cut answers accounted for."""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass, field
from typing import Protocol

from summariser.backends.base import Backend, LLMRequest
from summariser.cache import call_key
from summariser.errors import BackendError, ExtractionFailed
from summariser.schemas.brief import (
    Usage,
)

log = logging.getLogger(__name__)


class AnswerStore(Protocol):
    def get_answer(self, key: str) -> dict | None: ...
    def set_answer(self, key: str, parsed: str, truncated: bool) -> None: ...


@dataclass
class Run:
    """Accounting for one article: calls, attempts and usage summed over every model call.

    With `answers`, each call's validated answer is stored under the exact request (messages,
    response schema, output cap, model, sampling): the same request again is answered from the
    store, costs no tokens and counts in `cached_calls`.
    """

    backend: Backend
    answers: AnswerStore | None = None
    identity: tuple[str, str, dict] | None = None  # (backend, model, sampling) as the brief key has them
    whole_article: str | None = None  # set when the strategy sees one part of a longer article
    calls: int = 0
    cached_calls: int = 0
    attempts: int = 0
    usage: Usage = field(default_factory=Usage)
    warnings: list[str] = field(default_factory=list)

    def _answer_key(self, request: LLMRequest) -> str:
        name, model, sampling = self.identity or (
            self.backend.name, self.backend.model, self.backend.sampling())
        return call_key(backend=name, model=model, sampling=sampling, messages=request.messages,
                        response_schema=request.response_model.model_json_schema(),
                        max_tokens=request.max_tokens)

    def ask(self, request: LLMRequest):  # type: ignore[no-untyped-def]
        self.calls += 1
        key = self._answer_key(request) if self.answers is not None else None
        if self.answers is not None and key is not None:
            stored = self.answers.get_answer(key)
            if stored is not None:
                try:
                    parsed = request.response_model.model_validate_json(stored["parsed"])
                except ValueError:
                    parsed = None
                if parsed is not None:
                    self.cached_calls += 1
                    if stored.get("truncated"):
                        self._warn_truncated(request)
                    log.info("%s call: answered from the cache", request.task)
                    return parsed
        started = time.perf_counter()
        try:
            result = self.backend.complete(request)
        except (ExtractionFailed, BackendError) as exc:
            self.attempts += exc.attempts or 0
            self.usage = self.usage + (exc.usage or Usage())
            log.info("%s call failed after %s attempt(s), %.1fs: %s", request.task, exc.attempts,
                     time.perf_counter() - started, exc)
            # What escapes summarise() is recorded per article (errors.jsonl): let it account for
            # every call this article made, not only the one that failed.
            exc.attempts, exc.usage = self.attempts, self.usage
            raise
        self.attempts += result.attempts
        self.usage = self.usage + result.usage
        if result.truncated:
            self._warn_truncated(request)
        log.info("%s call: %d attempt(s), %d+%d tokens, %.1fs%s", request.task, result.attempts,
                 result.usage.prompt_tokens, result.usage.completion_tokens,
                 time.perf_counter() - started, " (cut at cap)" if result.truncated else "")
        log.debug("%s answer: %s", request.task, result.raw)
        if self.answers is not None and key is not None:
            self.answers.set_answer(key, result.parsed.model_dump_json(), result.truncated)
        return result.parsed

    def _warn_truncated(self, request: LLMRequest) -> None:
        self.warnings.append(f"The {request.task} answer was cut at its token cap; "
                             "what it had not reached is missing.")


def approx_tokens(text: str) -> int:
    return len(text) // 4 + 1


