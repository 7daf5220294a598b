"""The fault-injecting mock OpenAI server: schemas, modes, faults, accounting, concurrency."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from collections import Counter
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any, Literal

import instructor
import openai
import pytest
from instructor.core import IncompleteOutputException, InstructorRetryException
from pydantic import BaseModel, Field, ValidationError
from summariser.schemas.llm import FigureDecision, Overview, SingleBrief

from summariser.testing import (
    FAULT_TYPES,
    FaultSchedule,
    MockOpenAIServer,
    UnsatisfiableSchema,
    instance_from_schema,
    schema_from_request,
)
from summariser.testing.mock_openai import default_answer

MESSAGES = [
    {"role": "system", "content": "You brief conflict news."},
    {"role": "user", "content": "Shelling killed 12 civilians in Kharkiv on Monday, officials said."},
]


@pytest.fixture
def server() -> Iterator[MockOpenAIServer]:
    with MockOpenAIServer() as srv:
        yield srv


def _client(server: MockOpenAIServer, **kwargs: Any) -> openai.OpenAI:
    kwargs.setdefault("max_retries", 0)
    return openai.OpenAI(base_url=server.base_url, api_key="test", **kwargs)


def _ask(client: openai.OpenAI, model: type[BaseModel] = FigureDecision) -> Any:
    """One raw chat completion asking for ``model``'s schema the JSON_SCHEMA way."""
    return client.chat.completions.create(
        model="mock",
        messages=MESSAGES,  # type: ignore[arg-type]
        response_format={
            "type": "json_schema",
            "json_schema": {"name": model.__name__, "schema": model.model_json_schema()},
        },
    )


def _scripted(*script: str | None, **kwargs: Any) -> FaultSchedule:
    return FaultSchedule(seed=0, rates={}, script=list(script), **kwargs)


# ---- instance_from_schema --------------------------------------------------------------------


class Leaf(BaseModel):
    label: Literal["a", "b"]
    weight: float = Field(gt=0, lt=1)
    count: int = Field(ge=3)
    tags: list[str] = Field(min_length=2)


class Node(BaseModel):
    name: str = Field(min_length=4)
    leaves: list[Leaf] = Field(min_length=1)
    child: Node | None  # required but nullable: a self-reference must end in null
    kind: Literal["x"] = "x"
    mode: Literal["fast", "slow"]
    note: str | None = None
    pair: tuple[int, str]


@pytest.mark.parametrize("model", [Overview, FigureDecision, SingleBrief, Node])
def test_instance_from_schema_validates_against_pydantic_models(model: type[BaseModel]) -> None:
    instance = instance_from_schema(model.model_json_schema())
    model.model_validate(instance)


def test_instance_from_schema_details() -> None:
    node = instance_from_schema(Node.model_json_schema())
    assert node["name"] == "xxxx" and node["child"] is None and node["mode"] == "fast"
    assert node["leaves"] == [{"label": "a", "weight": 0.5, "count": 3, "tags": ["", ""]}]
    assert node["pair"] == [0, ""]
    assert "note" not in node and "kind" not in node  # only required properties

    schema = {
        "$defs": {"Point": {"type": "object", "properties": {"x": {"type": "integer"}}, "required": ["x"]}},
        "type": "object",
        "required": ["p", "q", "r", "s", "t", "u", "v", "w"],
        "properties": {
            "p": {"$ref": "#/$defs/Point"},
            "q": {"anyOf": [{"type": "null"}, {"$ref": "#/$defs/Point"}]},
            "r": {"oneOf": [{"const": "k"}, {"type": "string"}]},
            "s": {"type": ["null", "number"], "minimum": 2.5},
            "t": {"type": "string", "default": "dflt"},
            "u": {
                "allOf": [
                    {"$ref": "#/$defs/Point"},
                    {"properties": {"y": {"type": "boolean"}}, "required": ["y"]},
                ]
            },
            "v": {"type": "string", "format": "date-time"},
            "w": {"type": "array", "items": {"type": "integer", "maximum": -2}, "minItems": 2},
        },
    }
    assert instance_from_schema(schema) == {
        "p": {"x": 0},
        "q": {"x": 0},
        "r": "k",
        "s": 2.5,
        "t": "dflt",
        "u": {"x": 0, "y": False},
        "v": "1970-01-01T00:00:00Z",
        "w": [-2, -2],
    }
    assert instance_from_schema({}) is None
    assert instance_from_schema({"type": "null"}) is None
    assert instance_from_schema({"enum": [3, 4]}) == 3


def test_instance_from_schema_rejects_impossible_schemas() -> None:
    loop = {"$defs": {"A": {"type": "object", "properties": {"a": {"$ref": "#/$defs/A"}}, "required": ["a"]}}}
    with pytest.raises(UnsatisfiableSchema):
        instance_from_schema({"$ref": "#/$defs/A", **loop})
    with pytest.raises(UnsatisfiableSchema):
        instance_from_schema({"$ref": "#/$defs/Missing"})


def test_schema_from_request_finds_the_schema_in_every_mode() -> None:
    schema = FigureDecision.model_json_schema()
    tools = [
        {"type": "function", "function": {"name": "Other", "parameters": {}}},
        {"type": "function", "function": {"name": "Pick", "parameters": schema}},
    ]
    forced = {"type": "function", "function": {"name": "Pick"}}
    assert schema_from_request({"tools": tools, "tool_choice": forced}) == ("tools", schema, "Pick")
    json_schema = {"type": "json_schema", "json_schema": {"name": "F", "schema": schema}}
    assert schema_from_request({"response_format": json_schema}) == ("json_schema", schema, "F")
    text = f"Answer with JSON {{like this}} matching:\n{json.dumps(schema, indent=2)}\nThanks {{}}."
    embedded = {"response_format": {"type": "json_object"}, "messages": [{"role": "system", "content": text}]}
    assert schema_from_request(embedded) == ("json", schema, None)
    assert schema_from_request({"messages": [{"role": "user", "content": "hi {"}]}) == ("text", None, None)


# ---- instructor round trips ------------------------------------------------------------------


@pytest.mark.parametrize(
    "mode",
    [instructor.Mode.JSON_SCHEMA, instructor.Mode.TOOLS, instructor.Mode.JSON, instructor.Mode.MD_JSON],
)
@pytest.mark.parametrize("model", [Overview, FigureDecision, SingleBrief])
def test_instructor_round_trip(
    server: MockOpenAIServer, mode: instructor.Mode, model: type[BaseModel]
) -> None:
    with _client(server) as raw:
        client = instructor.from_openai(raw, mode=mode)
        parsed, completion = client.create_with_completion(
            model="mock", response_model=model, messages=MESSAGES, max_retries=0
        )
    assert isinstance(parsed, model)
    assert completion.usage.total_tokens == server.stats()["total_tokens"]
    body = server.requests[-1]
    if mode is instructor.Mode.TOOLS:
        assert body["tool_choice"] == {"type": "function", "function": {"name": model.__name__}}
        assert completion.choices[0].message.tool_calls[0].function.name == model.__name__
    elif mode is instructor.Mode.JSON_SCHEMA:
        assert body["response_format"]["json_schema"]["name"] == model.__name__
    elif mode is instructor.Mode.JSON:
        assert body["response_format"] == {"type": "json_object"}


def test_responder_drives_an_instructor_reask_and_usage_adds_up(server: MockOpenAIServer) -> None:
    calls: list[dict[str, Any]] = []

    def responder(body: dict[str, Any]) -> Any:
        calls.append(body)
        if len(calls) == 1:
            return '{"kind": "eaten", "group": "civilians", "reported_by": "x", "scope": "incident"}'
        return {"kind": "killed", "group": "civilians", "reported_by": "officials", "scope": "incident"}

    server.responder = responder
    with _client(server) as raw:
        client = instructor.from_openai(raw, mode=instructor.Mode.JSON_SCHEMA)
        parsed, completion = client.create_with_completion(
            model="mock", response_model=FigureDecision, messages=MESSAGES, max_retries=1
        )
    assert parsed.reported_by == "officials"
    assert len(calls) == 2 and len(calls[1]["messages"]) > len(calls[0]["messages"])  # the reask
    stats = server.stats()
    assert stats["requests"] == stats["ok"] == 2
    assert completion.usage.total_tokens == stats["total_tokens"]  # instructor sums over attempts


# ---- faults, as the openai client sees them --------------------------------------------------


def test_rate_limit(server: MockOpenAIServer) -> None:
    server.faults = _scripted("rate_limit", retry_after_s=0)
    with _client(server) as client, pytest.raises(openai.RateLimitError) as caught:
        _ask(client)
    assert caught.value.status_code == 429
    assert caught.value.response.headers["retry-after"] == "0"
    assert caught.value.code == "rate_limit_exceeded"


@pytest.mark.parametrize("fault,status", [("server_error", 500), ("unavailable", 503)])
def test_server_errors(server: MockOpenAIServer, fault: str, status: int) -> None:
    server.faults = _scripted(fault)
    with _client(server) as client, pytest.raises(openai.InternalServerError) as caught:
        _ask(client)
    assert caught.value.status_code == status


def test_reset_is_a_connection_error(server: MockOpenAIServer) -> None:
    server.faults = _scripted("reset")
    with _client(server) as client:
        with pytest.raises(openai.APIConnectionError) as caught:
            _ask(client)
        assert not isinstance(caught.value, openai.APITimeoutError)
        assert FigureDecision.model_validate_json(_ask(client).choices[0].message.content)  # next one is fine
    assert server.stats()["faults"]["reset"] == 1 and server.stats()["status"] == {200: 1}


def test_timeout_and_stop_wakes_the_stalled_request() -> None:
    srv = MockOpenAIServer(faults=_scripted("timeout", timeout_sleep_s=5.0)).start()
    try:
        with _client(srv, timeout=0.3) as client, pytest.raises(openai.APITimeoutError):
            _ask(client)
    finally:
        started = time.monotonic()
        srv.stop()
    assert time.monotonic() - started < 2.0


def test_timeout_fault_still_answers_a_patient_client(server: MockOpenAIServer) -> None:
    server.faults = _scripted("timeout", timeout_sleep_s=0.2)
    with _client(server, timeout=5.0) as client:
        started = time.monotonic()
        FigureDecision.model_validate_json(_ask(client).choices[0].message.content)
    assert time.monotonic() - started >= 0.2


def test_slow(server: MockOpenAIServer) -> None:
    server.faults = _scripted("slow", slow_s=0.2)
    with _client(server) as client:
        started = time.monotonic()
        content = _ask(client).choices[0].message.content
    assert time.monotonic() - started >= 0.2
    FigureDecision.model_validate_json(content)


def test_truncated_json(server: MockOpenAIServer) -> None:
    server.faults = _scripted(None, "truncated_json")
    with _client(server) as client:
        whole = _ask(client).choices[0].message.content
        cut = _ask(client).choices[0]
    assert cut.finish_reason == "stop"
    assert cut.message.content == whole[: len(whole) // 2]
    with pytest.raises(json.JSONDecodeError):
        json.loads(cut.message.content)


@pytest.mark.parametrize("mode", [instructor.Mode.JSON_SCHEMA, instructor.Mode.TOOLS])
def test_truncated_json_through_instructor(server: MockOpenAIServer, mode: instructor.Mode) -> None:
    # finish_reason "stop": an unparseable answer, which instructor re-asks (2 requests).
    server.faults = _scripted("truncated_json")
    with _client(server) as raw:
        client = instructor.from_openai(raw, mode=mode)
        with pytest.raises(InstructorRetryException):
            client.create(model="mock", response_model=FigureDecision, messages=MESSAGES, max_retries=0)
        assert client.create(model="mock", response_model=FigureDecision, messages=MESSAGES, max_retries=0)
        # finish_reason "length" (a real max_tokens cut): instructor gives up without re-asking.
        server.faults = _scripted("truncated_json", truncated_finish_reason="length")
        server.reset_stats()
        with pytest.raises(IncompleteOutputException):
            client.create(model="mock", response_model=FigureDecision, messages=MESSAGES, max_retries=2)
    assert server.stats()["requests"] == 1


@pytest.mark.parametrize("fault,text", [("invalid_json", "not json {"), ("wrong_shape", '{"foo": 1}')])
def test_bad_content(server: MockOpenAIServer, fault: str, text: str) -> None:
    server.faults = _scripted(fault)
    with _client(server) as client:
        completion = _ask(client)
    assert completion.choices[0].message.content == text
    assert completion.choices[0].finish_reason == "stop"
    with pytest.raises(ValidationError):
        FigureDecision.model_validate_json(completion.choices[0].message.content)


def test_openai_client_retries_transient_faults(server: MockOpenAIServer) -> None:
    server.faults = _scripted("rate_limit", "unavailable", None, retry_after_s=0.01)
    with _client(server, max_retries=2) as client:
        completion = _ask(client)
    stats = server.stats()
    assert stats["requests"] == 3 and stats["ok"] == 1
    assert stats["status"] == {429: 1, 503: 1, 200: 1}
    assert completion.usage.total_tokens == stats["total_tokens"]  # failed attempts cost nothing


# ---- the schedule, the counters --------------------------------------------------------------


def test_fault_schedule_is_deterministic_and_honours_rates() -> None:
    rates = {"rate_limit": 0.2, "invalid_json": 0.1, "slow": 0.05}
    first = FaultSchedule(7, rates).preview(4000)
    assert first == FaultSchedule(7, rates).preview(4000)
    assert first != FaultSchedule(8, rates).preview(4000)
    assert FaultSchedule(7, rates).decide(123) == first[123]  # no hidden state: any order, any thread
    counts = Counter(first)
    for name, rate in rates.items():
        assert abs(counts[name] / 4000 - rate) < 0.03
    assert set(counts) == {*rates, None}
    scripted = FaultSchedule(7, rates, script=["reset", None])
    assert scripted.preview(4) == ["reset", None, first[2], first[3]]
    assert FaultSchedule.uniform(1, 0.9).rates == dict.fromkeys(FAULT_TYPES, 0.1)
    with pytest.raises(ValueError):
        FaultSchedule(1, {"gremlins": 0.1})
    with pytest.raises(ValueError):
        FaultSchedule(1, {"rate_limit": 0.7, "reset": 0.6})


def test_server_follows_the_schedule_and_counts(server: MockOpenAIServer) -> None:
    rates = {"rate_limit": 0.2, "server_error": 0.1, "invalid_json": 0.1, "wrong_shape": 0.1}
    server.faults = FaultSchedule(3, rates)
    expected = server.faults.preview(40)
    seen: list[str | None] = []
    client_tokens = 0
    with _client(server) as client:
        for _ in expected:
            try:
                completion = _ask(client)
            except openai.RateLimitError:
                seen.append("rate_limit")
                continue
            except openai.InternalServerError:
                seen.append("server_error")
                continue
            client_tokens += completion.usage.total_tokens
            content = completion.choices[0].message.content
            seen.append({"not json {": "invalid_json", '{"foo": 1}': "wrong_shape"}.get(content))
    assert seen == expected
    stats = server.stats()
    counts = Counter(expected)
    assert stats["requests"] == 40
    assert stats["ok"] == counts[None]
    assert stats["faults"] == {name: counts[name] for name in FAULT_TYPES}
    assert stats["requests"] == stats["ok"] + sum(stats["faults"].values())
    assert sum(stats["status"].values()) == 40 and stats["status"][429] == counts["rate_limit"]
    assert stats["total_tokens"] == client_tokens
    server.reset_stats()
    assert server.stats()["requests"] == 0 and server.requests == []


def test_models_endpoint_and_bad_requests(server: MockOpenAIServer) -> None:
    with _client(server) as client:
        assert [m.id for m in client.models.list()] == ["mock"]
    request = urllib.request.Request(server.base_url + "/chat/completions", data=b"{nope", method="POST")
    with pytest.raises(urllib.error.HTTPError) as caught:
        urllib.request.urlopen(request, timeout=5)
    assert caught.value.code == 400
    caught.value.close()
    stats = server.stats()
    assert stats["bad_requests"] == 1 and stats["other_requests"] == 1 and stats["requests"] == 0


def test_64_concurrent_requests_with_latency() -> None:
    # Served in parallel, not one after another, shown on the server's side: each of the 64
    # answers is held until all 64 requests are being served at once. A server that handled
    # them in turn would never get there (the barrier breaks and the requests fail).
    all_inside = threading.Barrier(64)
    warm = threading.Event()

    def respond(body: dict[str, Any]) -> str:
        if warm.is_set():
            all_inside.wait(timeout=30)
        return default_answer(body)

    with MockOpenAIServer(latency_s=0.05, responder=respond) as srv, _client(srv, timeout=60) as client:
        barrier = threading.Barrier(64)

        def one(_: int) -> str:
            barrier.wait(timeout=10)
            return _ask(client).choices[0].message.content

        _ask(client)  # warm the client up (lazy imports) first
        warm.set()
        with ThreadPoolExecutor(max_workers=64) as pool:
            answers = list(pool.map(one, range(64)))
    assert len(answers) == 64 and all(FigureDecision.model_validate_json(a) for a in answers)
    assert srv.stats()["ok"] == 65 and srv.stats()["responder_errors"] == 0


def test_command_line_server() -> None:
    proc = subprocess.Popen(
        [sys.executable, "-m", "summariser.testing.mock_openai", "--port", "0", "--latency", "0.01"]
        + ["--fault-rate", "0.5", "--faults", "invalid_json", "--seed", "1"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )
    try:
        assert proc.stdout is not None
        base_url = proc.stdout.readline().strip()
        assert base_url.startswith("http://127.0.0.1:") and base_url.endswith("/v1")
        with openai.OpenAI(base_url=base_url, api_key="test", max_retries=0) as client:
            for _ in range(10):
                _ask(client)
    finally:
        proc.send_signal(signal.SIGTERM)
        _, err = proc.communicate(timeout=10)
    stats = json.loads(err)
    expected = FaultSchedule(1, {"invalid_json": 0.5}).preview(10)
    assert stats["requests"] == 10 and stats["faults"]["invalid_json"] == expected.count("invalid_json")
