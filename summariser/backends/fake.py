"""An offline backend that replays prepared responses: tests and dry runs never touch a model.

    fake = FakeBackend()
    fake.enqueue(Overview(...), {"kind": "killed", ...}, '{"broken": ', RuntimeError("boom"))
    brief = summarise(text, backend=fake)
    fake.history  # every LLMRequest it was asked, in order

Each queued item is one model call: a pydantic instance, a dict, a raw JSON string (validated,
and re-asked like a real model when invalid), an exception to raise, or a callable
`fn(request) -> item` for answers that depend on the question.
"""

from __future__ import annotations

import json
from collections import deque
from collections.abc import Callable
from typing import Any

from pydantic import BaseModel

from summariser.backends.base import Generation, LLMRequest, LLMResult, Message, complete_with_reask
from summariser.config import Config
from summariser.schemas.brief import Usage

Responder = Callable[[LLMRequest], Any]


def fake_identity(config: Config) -> tuple[str, str, dict[str, Any]]:
    """(name, model, sampling) for cache keys: the one definition, behind FakeBackend.sampling().
    The fake stands in for a model run at the config's temperature, so that tests of the cache
    key see what a real backend's key would."""
    return FakeBackend.name, config.model, {"temperature": config.temperature}


class FakeBackend:
    name = "fake"

    def __init__(self, model: str = "fake-model", max_validation_retries: int = 2,
                 responder: Responder | None = None, temperature: float = 0.0):
        self.model = model
        self.temperature = temperature
        self.max_validation_retries = max_validation_retries
        self.responder = responder
        self.queue: deque[Any] = deque()
        self.history: list[LLMRequest] = []

    def enqueue(self, *items: Any) -> FakeBackend:
        self.queue.extend(items)
        return self

    def sampling(self) -> dict[str, Any]:
        return fake_identity(Config(backend="fake", model=self.model, temperature=self.temperature))[2]

    def complete(self, request: LLMRequest) -> LLMResult:
        self.history.append(request)

        def generate(messages: list[Message]) -> Generation:
            if self.queue:
                item = self.queue.popleft()
            elif self.responder is not None:
                item = self.responder(LLMRequest(messages, request.response_model,
                                                 request.max_tokens, request.task))
            else:
                raise AssertionError(
                    f"FakeBackend has no response queued for a {request.task!r} call"
                )
            if callable(item) and not isinstance(item, BaseModel):
                item = item(request)
            if isinstance(item, BaseException):
                raise item
            if isinstance(item, BaseModel):
                raw = item.model_dump_json()
            elif isinstance(item, dict | list):
                raw = json.dumps(item)
            else:
                raw = str(item)
            prompt_chars = sum(len(m["content"]) for m in messages)
            return Generation(raw, Usage(prompt_tokens=prompt_chars // 4, completion_tokens=len(raw) // 4))

        return complete_with_reask(generate, request, self.max_validation_retries)
