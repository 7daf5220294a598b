"""The backend interface: one method, complete(request) -> result.

A backend turns a chat request plus a pydantic response model into a validated instance of that
model, with the raw text and the token usage summed over every attempt it made. Transient
failures (rate limits, 5xx, timeouts) are retried inside the backend; output that does not
validate is re-asked a bounded number of times; when attempts run out the backend raises
ExtractionFailed (bad output) or BackendError (unreachable / kept failing).
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any, Protocol, runtime_checkable

from pydantic import BaseModel, ValidationError

from summariser.errors import ExtractionFailed
from summariser.schemas.brief import Usage
from summariser.schemas.llm import StopRule

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
    truncated: bool = False  # output hit its token cap or a loop was cut; `parsed` was salvaged


@dataclass
class Generation:
    """One raw model call: the text, what it cost, and whether it was cut short."""

    raw: str
    usage: Usage
    truncated: bool = False
    # The backend stopped where the response model's StopRule says nothing after is read:
    # `raw` is the answer up to there, closed (base.stopped_answer).
    stopped: bool = False


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


def _structure(raw: str) -> Iterator[tuple[int, str]]:
    """(index, character) of each character of the JSON text `raw` that is not inside a string,
    with each string's opening and closing quotes (escapes inside strings are skipped)."""
    in_string = escaped = False
    for i, ch in enumerate(raw):
        if in_string:
            if escaped:
                escaped = False
            elif ch == "\\":
                escaped = True
            elif ch == '"':
                in_string = False
                yield i, ch
            continue
        if ch == '"':
            in_string = True
        yield i, ch


def close_truncated_json(raw: str) -> str | None:
    """Cut a JSON text that stopped mid-way back to its last complete value and close it.

    '{"a": [1, 2], "b": "unfinis' -> '{"a": [1, 2]}'. Returns None when nothing complete is left.
    Used only on output that hit its token cap: re-asking would hit the same cap again.
    """
    stack: list[str] = []
    last_good: tuple[int, list[str]] | None = None  # (cut position, open brackets there)
    for i, ch in _structure(raw):
        if ch in "{[":
            stack.append("}" if ch == "{" else "]")
        elif ch in "}]":
            if not stack:
                return None
            stack.pop()
            # Cut only where what came before is whole: after a list item, or after a member of
            # the top-level object. Cutting inside an item would leave it half-filled.
            if not stack or stack[-1] == "]" or len(stack) == 1:
                last_good = (i + 1, list(stack))
        elif ch == "," and stack and (stack[-1] == "]" or len(stack) == 1):
            last_good = (i, list(stack))
    if last_good is None:
        return None
    cut, still_open = last_good
    return raw[:cut].rstrip().rstrip(",") + "".join(reversed(still_open))


def stop_rule(model: type[BaseModel]) -> StopRule | None:
    """`model`'s StopRule (schemas.llm), or None when its answers are read to the end."""
    rule = getattr(model, "answer_stops", None)
    return rule if isinstance(rule, StopRule) else None


def stopped_answer(raw: str, rule: StopRule, *,
                   anywhere: bool = False) -> str | None:
    """The answer so far, closed as a JSON object, once `rule` says nothing after this point is
    read; None while it does not (yet). `raw` is the streamed output so far: a rule fires as the
    string it waits for closes, at the end of `raw`, so only the tail is looked at first (which
    spares a scan of the whole answer at every streamed token). `anywhere`: `raw` is a whole
    (or cut) answer, and the point may lie anywhere in it."""
    before_key, after_value = rule.before_key, rule.after_value
    tail = raw if anywhere else raw[-64:]
    if before_key is not None and f'"{before_key}"' in tail:
        at = top_level_key_at(raw, before_key)
        if at is not None:
            return raw[:at].rstrip().rstrip(",").rstrip() + "}"
    if after_value is not None and json.dumps(after_value[1]) in tail:
        key, value = after_value
        at = top_level_key_at(raw, key)
        if at is not None:
            hit = re.compile(rf'"{re.escape(key)}"\s*:\s*{re.escape(json.dumps(value))}')
            found = hit.match(raw, at)
            if found:
                return raw[:found.end()] + "}"
    return None


def read_part(model: type[BaseModel], raw: str) -> str | None:
    """The part of a cut answer that its caller reads, closed, when the cut came after the
    model's StopRule point (the answer lacks nothing that is read); else None."""
    rule = stop_rule(model)
    return None if rule is None else stopped_answer(raw, rule, anywhere=True)


def top_level_key_at(raw: str, key: str) -> int | None:
    """Where the member key `key` of the top-level object starts in the JSON text `raw`
    (complete or not), or None. Keys of nested objects and string values do not count."""
    stack: list[str] = []
    opened: int | None = None  # where the string being read began
    last = ""  # the last character outside strings that is not a space
    for i, ch in _structure(raw):
        if ch == '"' and opened is None:
            opened = i
            continue
        if ch == '"' and opened is not None:
            if stack == ["}"] and last in "{," and raw[opened + 1:i] == key:
                return opened
            opened = None
        elif ch in "{[":
            stack.append("}" if ch == "{" else "]")
        elif ch in "}]" and stack:
            stack.pop()
        if not ch.isspace():
            last = ch
    return None


def fill_missing(model: type[BaseModel], data: Any) -> Any:
    """Give fields a cut-short answer never reached their empty value ("" / [] / None), so the
    complete part of it can still be used. Top level only: a half-written item was cut off."""
    if not isinstance(data, dict):
        return data
    for name, info in model.model_fields.items():
        if name in data or not info.is_required():
            continue
        annotation = str(info.annotation)
        if annotation.startswith("list"):
            data[name] = []
        elif "None" in annotation:
            data[name] = None
        elif annotation == "<class 'str'>":
            data[name] = ""
    return data


def salvage_truncated(model: type[BaseModel], raw: str) -> BaseModel | None:
    """The complete part of an answer cut at its token cap, closed and validated.

    None when nothing complete is left; a ValueError (ValidationError, JSONDecodeError) when
    the complete part does not validate. Every backend salvages cut output this way.
    """
    closed = close_truncated_json(raw)
    if closed is None:
        return None
    return model.model_validate(fill_missing(model, json.loads(closed)))


def complete_with_reask(
    generate: Callable[[list[Message]], Generation],
    request: LLMRequest,
    max_validation_retries: int,
) -> LLMResult:
    """Call `generate`, validate, re-ask with the validation error up to N times.

    `generate(messages) -> Generation` does one model call (with its own transient-error
    retries). Usage is summed over all attempts, successful or not. Output cut short by its token
    cap (or a detected loop) is not re-asked, which would pay for the same cut again; it is
    closed at its last complete value and accepted if that validates. So is output the backend
    stopped where the response model's StopRule says the rest is not read.
    """
    messages = list(request.messages)
    usage = Usage()
    raw = ""
    last_error: Exception | None = None
    attempt = 0
    for attempt in range(1, max_validation_retries + 2):
        gen = generate(messages)
        raw = gen.raw
        usage = usage + gen.usage
        try:
            parsed = parse_json_model(request.response_model, raw)
            return LLMResult(parsed=parsed, raw=raw, usage=usage, attempts=attempt)
        except (ValidationError, json.JSONDecodeError, ValueError) as exc:
            last_error = exc
        if gen.truncated or gen.stopped:
            # Cut short (re-asking would pay for the same cut again), or stopped where nothing
            # after is read: the complete part before the cut is the answer.
            whole = None if gen.stopped else read_part(request.response_model, raw)
            try:
                salvaged = salvage_truncated(request.response_model, whole or raw)
            except ValueError as exc:  # ValidationError and JSONDecodeError among them
                last_error, salvaged = exc, None
            if salvaged is not None:
                return LLMResult(parsed=salvaged, raw=raw, usage=usage, attempts=attempt,
                                 truncated=gen.truncated and whole is None)
            break
        messages = messages + reask_message(raw, last_error)
    raise ExtractionFailed(
        f"The model's {request.task} output did not validate after {attempt} attempt(s)"
        f"{' (cut at its token cap)' if gen.truncated else ''}: {str(last_error)[:300]}",
        attempts=attempt,
        last_output=raw,
        usage=usage,
    )
