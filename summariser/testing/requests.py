"""Where a chat-completion request put its response schema, and what it costs in tokens."""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from typing import Any

from summariser.testing.schema_instances import instance_from_schema


def _message_texts(messages: Any) -> Iterable[str]:
    if not isinstance(messages, list):
        return
    for message in messages:
        if not isinstance(message, Mapping):
            continue
        content = message.get("content")
        if isinstance(content, str):
            yield content
        elif isinstance(content, list):  # content parts: [{"type": "text", "text": ...}, ...]
            for part in content:
                if isinstance(part, Mapping) and isinstance(part.get("text"), str):
                    yield part["text"]


def _looks_like_schema(value: Any) -> bool:
    return isinstance(value, dict) and (
        "properties" in value or "$defs" in value or "definitions" in value or value.get("type") == "object"
    )


def _schema_in_text(text: str) -> dict[str, Any] | None:
    """The longest JSON object in ``text`` that looks like a JSON schema, if any."""
    decoder = json.JSONDecoder()
    best: tuple[int, dict[str, Any]] | None = None
    pos = text.find("{")
    while pos != -1:
        try:
            value, end = decoder.raw_decode(text, pos)
        except ValueError:
            pos = text.find("{", pos + 1)
            continue
        if _looks_like_schema(value) and (best is None or end - pos > best[0]):
            best = (end - pos, value)
        pos = text.find("{", end)
    return best[1] if best else None


def schema_from_request(body: Mapping[str, Any]) -> tuple[str, dict[str, Any] | None, str | None]:
    """Find the JSON schema a chat-completion request asks for: ``(mode, schema, name)``.

    ``mode`` is ``"tools"`` (answer as a tool call named ``name``), ``"json_schema"``
    (``response_format`` json_schema; ``name`` is its name), ``"json"`` (``response_format``
    json_object; schema searched for in the messages) or ``"text"`` (no response format; schema
    searched for in the messages). ``schema`` is ``None`` when none was found.
    """
    tools = body.get("tools")
    if isinstance(tools, list) and tools:
        functions = [t.get("function", {}) for t in tools if isinstance(t, Mapping)]
        chosen = functions[0] if functions else {}
        choice = body.get("tool_choice")
        if isinstance(choice, Mapping):
            wanted = choice.get("function", {}).get("name")
            chosen = next((f for f in functions if f.get("name") == wanted), chosen)
        return "tools", chosen.get("parameters"), chosen.get("name", "function")
    response_format = body.get("response_format")
    if isinstance(response_format, Mapping) and response_format.get("type") == "json_schema":
        spec = response_format.get("json_schema", {})
        return "json_schema", spec.get("schema"), spec.get("name")
    mode = (
        "json"
        if isinstance(response_format, Mapping) and response_format.get("type") == "json_object"
        else "text"
    )
    best: dict[str, Any] | None = None
    best_len = -1
    for text in _message_texts(body.get("messages")):
        found = _schema_in_text(text)
        if found is not None and len(json.dumps(found)) > best_len:
            best, best_len = found, len(json.dumps(found))
    return mode, best, None


def default_answer(body: Mapping[str, Any]) -> str:
    """The default responder's answer text: a minimal valid instance of the requested schema."""
    _, schema, _ = schema_from_request(body)
    if schema is None:
        return "{}"
    return json.dumps(instance_from_schema(schema))


def prompt_tokens_for(body: Mapping[str, Any]) -> int:
    """Deterministic prompt-token estimate: total characters of the messages' text // 4."""
    return sum(len(text) for text in _message_texts(body.get("messages"))) // 4


