"""The backend interface: one method, complete(request) -> result.

A backend turns a chat request plus a pydantic response model into a validated instance of that
model, with the raw text and the token usage summed over every attempt it made. Transient
failures (rate limits, 5xx, timeouts) are retried inside the backend; output that does not
validate is re-asked a bounded number of times; when attempts run out the backend raises
ExtractionFailed (bad output) or BackendError (unreachable / kept failing).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Protocol, runtime_checkable

from pydantic import BaseModel, ValidationError

from summariser.errors import ExtractionFailed
from summariser.schemas.brief import Usage

Message = dict[str, str]


@dataclass(frozen=True)
class LLMRequest:
    messages: list[Message]
    response_model: type[BaseModel]
    max_tokens: int
    task: str = "generic"  # what the call is for ("overview", "figure", "single"): logs and fakes


@dataclass
class LLMResult:
    parsed: BaseModel
    raw: str
    usage: Usage = field(default_factory=Usage)
    attempts: int = 1


@runtime_checkable
class Backend(Protocol):
    name: str
    model: str

    def sampling(self) -> dict[str, Any]:
        """Parameters that change the output (go into the cache key)."""
        ...

    def complete(self, request: LLMRequest) -> LLMResult: ...


def reask_message(raw: str, error: Exception) -> list[Message]:
    """The two messages appended when output fails validation: what was said, what was wrong."""
    return [
        {"role": "assistant", "content": raw},
        {
            "role": "user",
            "content": (
                "That answer is not valid JSON for the schema. Fix these errors and answer again "
                f"with JSON only:\n{error}"
            ),
        },
    ]


def parse_json_model(model: type[BaseModel], raw: str) -> BaseModel:
    """Validate raw model output, tolerating a fenced ```json block around it."""
    text = raw.strip()
    if text.startswith("```"):
        text = text.strip("`")
        if text.startswith("json"):
            text = text[4:]
    return model.model_validate_json(text)


def complete_with_reask(
    generate: Callable[[list[Message]], tuple[str, Usage]],
    request: LLMRequest,
    max_validation_retries: int,
) -> LLMResult:
    """Call `generate`, validate, re-ask with the validation error up to N times.

    `generate(messages) -> (raw_text, usage)` does one model call (with its own transient-error
    retries). Usage is summed over all attempts, successful or not.
    """
    messages = list(request.messages)
    usage = Usage()
    raw = ""
    last_error: Exception | None = None
    for attempt in range(1, max_validation_retries + 2):
        raw, call_usage = generate(messages)
        usage = usage + call_usage
        try:
            parsed = parse_json_model(request.response_model, raw)
        except (ValidationError, json.JSONDecodeError, ValueError) as exc:
            last_error = exc
            messages = messages + reask_message(raw, exc)
            continue
        return LLMResult(parsed=parsed, raw=raw, usage=usage, attempts=attempt)
    raise ExtractionFailed(
        f"The model's {request.task} output did not validate after "
        f"{max_validation_retries + 1} attempts: {str(last_error)[:300]}",
        attempts=max_validation_retries + 1,
        last_output=raw,
        usage=usage,
    )
