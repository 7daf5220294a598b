"""Backends: the OpenAI-compatible one over real HTTP against the fault-injecting mock server on
127.0.0.1, the replaying fake, and the embedded one's loop detector and stream handling."""

from __future__ import annotations

import json
import random
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import httpx2
import openai
import pytest
from helpers import ARTICLE, GOOD_OVERVIEW, http_responder_for
from summariser.schemas.brief import Usage
from summariser.schemas.llm import FigureDecision, Overview

from summariser import BackendError, Config, ConfigError, ExtractionFailed, summarise
from summariser.backends import get_backend, identity, llama, llama_engine, openai_compat
from summariser.backends.base import Generation, LLMRequest, complete_with_reask, parse_json_model
from summariser.backends.fake import FakeBackend
from summariser.backends.llama import LlamaBackend, repeating_tail
from summariser.backends.openai_compat import OpenAIBackend, RateGate, retry_after_seconds
from summariser.testing import FaultSchedule, MockOpenAIServer

_real_model = llama._model  # conftest replaces it in unit tests; one test loads a fake llm inline

REQUEST = LLMRequest(
    messages=[{"role": "system", "content": "You classify numbers in conflict news."},
              {"role": "user",
               "content": "Shelling killed 12 civilians in Kharkiv, officials said. Number: 12"}],
    response_model=FigureDecision, max_tokens=60, task="figure")
FIGURE = {"kind": "killed", "group": "civilians", "reported_by": "officials", "scope": "incident"}


@pytest.fixture
def fast_backoff(monkeypatch: pytest.MonkeyPatch) -> None:
    """Exponential backoff between transient retries, shrunk to milliseconds."""
    monkeypatch.setattr(openai_compat, "MAX_BACKOFF_S", 0.01)


@pytest.fixture
def server() -> Iterator[MockOpenAIServer]:
    with MockOpenAIServer(responder=lambda body: FIGURE) as srv:
        yield srv


def _backend(server: MockOpenAIServer, **settings: Any) -> OpenAIBackend:
    mode = settings.pop("mode", "json_schema")
    config = Config(backend="openai", base_url=server.base_url, model="mock", **settings)
    return OpenAIBackend(config, mode=mode)


def _server_usage(server: MockOpenAIServer) -> Usage:
    stats = server.stats()
    return Usage(prompt_tokens=stats["prompt_tokens"], completion_tokens=stats["completion_tokens"])


# --- OpenAIBackend over HTTP -------------------------------------------------------------------


@pytest.mark.parametrize("mode", ["json_schema", "tools", "json"])
def test_success_in_every_mode(server: MockOpenAIServer, mode: str) -> None:
    result = _backend(server, mode=mode).complete(REQUEST)
    assert result.parsed.model_dump() == FIGURE
    assert result.attempts == 1
    assert result.usage == _server_usage(server) and result.usage.prompt_tokens > 0
    (body,) = server.requests
    assert body["model"] == "mock" and body["max_tokens"] == 60 and body["temperature"] == 0.0


def test_429_waits_for_retry_after_then_succeeds(server: MockOpenAIServer) -> None:
    server.faults = FaultSchedule(script=["rate_limit", None], retry_after_s=0.8)
    backend = _backend(server)
    started = time.monotonic()
    result = backend.complete(REQUEST)
    elapsed = time.monotonic() - started
    assert result.parsed.model_dump() == FIGURE
    assert elapsed >= 0.8  # more than any backoff of ours: the Retry-After was honoured
    assert server.stats()["status"] == {429: 1, 200: 1}
    assert result.attempts == 1  # the 429 generated nothing


@pytest.mark.parametrize("fault", ["server_error", "unavailable", "reset", "timeout"])
def test_transient_failure_then_success(server: MockOpenAIServer, fault: str, fast_backoff: None) -> None:
    server.faults = FaultSchedule(script=[fault, None], timeout_sleep_s=2.0)
    backend = _backend(server, request_timeout_s=0.5)
    started = time.monotonic()
    result = backend.complete(REQUEST)
    assert time.monotonic() - started < 1.9  # a timeout is cut at 0.5 s, not waited out
    assert result.parsed.model_dump() == FIGURE
    assert server.stats()["requests"] == 2
    assert server.stats()["faults"][fault] == 1


@pytest.mark.parametrize(("fault", "words"), [("unavailable", "HTTP 503"), ("server_error", "HTTP 500"),
                                              ("reset", "Could not reach")])
def test_exhausted_retries_raise_backend_error(server: MockOpenAIServer, fault: str, words: str,
                                               fast_backoff: None) -> None:
    server.faults = FaultSchedule(rates={fault: 1.0})
    with pytest.raises(BackendError) as info:
        _backend(server, max_transient_retries=2).complete(REQUEST)
    message = str(info.value)
    assert words in message and server.base_url in message
    assert "\n" not in message and "Traceback" not in message
    assert server.stats()["requests"] == 3  # 1 + max_transient_retries


def test_exhausted_rate_limits_raise_backend_error(server: MockOpenAIServer) -> None:
    server.faults = FaultSchedule(rates={"rate_limit": 1.0}, retry_after_s=0.01)
    with pytest.raises(BackendError, match="RateLimitError"):
        _backend(server, max_transient_retries=1).complete(REQUEST)
    assert server.stats()["requests"] == 2


def test_unreachable_endpoint_is_a_backend_error(fast_backoff: None) -> None:
    backend = OpenAIBackend(Config(backend="openai", base_url="http://127.0.0.1:9/v1", model="x",
                                   max_transient_retries=1))
    with pytest.raises(BackendError, match="Could not reach http://127.0.0.1:9/v1"):
        backend.complete(REQUEST)


def test_invalid_json_and_wrong_shape_are_reasked(server: MockOpenAIServer) -> None:
    server.faults = FaultSchedule(script=["invalid_json", "wrong_shape", None])
    result = _backend(server).complete(REQUEST)
    assert result.parsed.model_dump() == FIGURE
    assert result.attempts == 3
    assert result.usage == _server_usage(server)
    first, _, third = server.requests
    assert len(third["messages"]) > len(first["messages"])  # the re-ask carries the bad answers


@pytest.mark.parametrize("fault", ["invalid_json", "wrong_shape"])
def test_never_valid_is_extraction_failed_with_attempts_and_usage(server: MockOpenAIServer,
                                                                  fault: str) -> None:
    server.faults = FaultSchedule(rates={fault: 1.0})
    with pytest.raises(ExtractionFailed) as info:
        _backend(server, max_validation_retries=2).complete(REQUEST)
    exc = info.value
    assert exc.attempts == 3
    assert server.stats()["requests"] == 3  # bad output is re-asked, never retried as transient
    assert exc.usage == _server_usage(server) and exc.usage.completion_tokens > 0
    assert exc.last_output in ("not json {", '{"foo": 1}')


def test_a_reask_that_outgrows_the_context_is_extraction_failed(server: MockOpenAIServer) -> None:
    # The model answered badly; the re-ask carries that answer back and no longer fits. The
    # output never validated: ExtractionFailed (the pipeline carries on), not "endpoint down".
    server.faults = FaultSchedule(script=["invalid_json", "context_length"])
    with pytest.raises(ExtractionFailed) as info:
        _backend(server, max_validation_retries=2).complete(REQUEST)
    assert "context window" in str(info.value)
    assert info.value.attempts == 1 and server.stats()["requests"] == 2  # no transient retry
    assert info.value.usage == _server_usage(server)


def test_a_first_request_longer_than_the_context_is_a_backend_error(server: MockOpenAIServer) -> None:
    server.faults = FaultSchedule(script=["context_length"])
    with pytest.raises(BackendError):
        _backend(server).complete(REQUEST)
    assert server.stats()["requests"] == 1


@pytest.mark.parametrize(("message", "body", "expected"), [
    ("This model's maximum context length is 4096 tokens.",
     {"code": "context_length_exceeded", "type": "invalid_request_error"}, True),  # OpenAI, vLLM
    ("the request exceeds the available context size, try increasing it",
     {"code": 400, "type": "exceed_context_size_error"}, True),  # llama.cpp's llama-server
    ("the request exceeds the available context size", None, True),
    ("'messages' must be a list", {"code": None, "type": "invalid_request_error"}, False),
])
def test_every_server_dialect_of_context_exceeded_is_recognised(message: str, body: Any,
                                                                 expected: bool) -> None:
    from summariser.backends.openai_compat import _context_exceeded

    response = httpx2.Response(400, request=httpx2.Request("POST", "http://127.0.0.1/v1/chat/completions"))
    assert _context_exceeded(openai.BadRequestError(message, response=response, body=body)) is expected


CUT = "The overview answer was cut at its token cap; what it had not reached is missing."
OVERVIEW_REQUEST = LLMRequest(messages=REQUEST.messages, response_model=Overview, max_tokens=120,
                              task="overview")


def _salvaged_good_overview(parsed: Any) -> None:
    """GOOD_OVERVIEW's JSON cut in half stops inside its second place: what came before it is
    kept whole, what it never reached is empty."""
    assert parsed.topic == "armed conflict"
    assert [a.name for a in parsed.actors] == ["UNHCR", "Wagner Group"]
    assert [p.name for p in parsed.places] == ["Kharkiv"]
    assert (parsed.control_changes, parsed.headline, parsed.summary) == ([], "", "")


def test_output_cut_at_max_tokens_is_closed_at_its_last_complete_item() -> None:
    faults = FaultSchedule(script=["truncated_json"], truncated_finish_reason="length")
    with MockOpenAIServer(responder=lambda body: GOOD_OVERVIEW, faults=faults) as srv:
        result = _backend(srv).complete(OVERVIEW_REQUEST)
        assert srv.stats()["requests"] == 1  # not re-asked: it would be cut again
        assert result.usage == _server_usage(srv)
    assert result.truncated and result.attempts == 1
    assert json.dumps(GOOD_OVERVIEW).startswith(result.raw) and result.raw != json.dumps(GOOD_OVERVIEW)
    _salvaged_good_overview(result.parsed)


def test_output_cut_after_everything_that_is_read_is_not_flagged_as_cut() -> None:
    # The overview's own headline and summary are not read (schemas.llm.StopRule): a cut inside
    # them loses nothing, so the brief must not warn that something is missing.
    long_tail = {**GOOD_OVERVIEW, "summary": "A summary the pipeline never reads. " * 40}
    faults = FaultSchedule(script=["truncated_json"], truncated_finish_reason="length")
    with MockOpenAIServer(responder=lambda body: long_tail, faults=faults) as srv:
        result = _backend(srv).complete(OVERVIEW_REQUEST)
        assert srv.stats()["requests"] == 1
    assert json.dumps(long_tail).startswith(result.raw) and '"summary"' in result.raw
    assert not result.truncated and result.attempts == 1
    assert result.parsed.model_dump(exclude={"headline", "summary"}) == Overview.model_validate(
        GOOD_OVERVIEW).model_dump(exclude={"headline", "summary"})


def test_output_cut_with_nothing_usable_is_extraction_failed(server: MockOpenAIServer) -> None:
    # Half a FigureDecision lacks its required "scope": nothing complete validates.
    server.faults = FaultSchedule(script=["truncated_json"], truncated_finish_reason="length")
    with pytest.raises(ExtractionFailed) as info:
        _backend(server).complete(REQUEST)
    assert info.value.attempts == 1 and server.stats()["requests"] == 1
    assert info.value.usage == _server_usage(server)
    last = info.value.last_output
    assert last and json.dumps(FIGURE).startswith(last) and last != json.dumps(FIGURE)


def test_a_cut_generation_is_closed_not_reasked() -> None:
    """The embedded and fake backends' path: a generation that hit its cap is salvaged."""
    text = json.dumps(GOOD_OVERVIEW)
    calls: list[int] = []

    def generate(messages: list[dict[str, str]]) -> Generation:
        calls.append(len(messages))
        return Generation(text[: len(text) // 2], Usage(prompt_tokens=50, completion_tokens=60),
                          truncated=True)

    result = complete_with_reask(generate, OVERVIEW_REQUEST, max_validation_retries=2)
    assert result.truncated and result.attempts == 1 and len(calls) == 1
    assert result.usage == Usage(prompt_tokens=50, completion_tokens=60)
    _salvaged_good_overview(result.parsed)

    with pytest.raises(ExtractionFailed, match="cut at its token cap") as info:
        complete_with_reask(lambda messages: Generation('{"topic": "armed con', Usage(), truncated=True),
                            OVERVIEW_REQUEST, max_validation_retries=2)
    assert info.value.attempts == 1


def test_a_cut_overview_over_http_is_briefed_and_flagged() -> None:
    faults = FaultSchedule(script=["truncated_json"], truncated_finish_reason="length")
    with MockOpenAIServer(responder=http_responder_for(), faults=faults) as srv:
        brief = summarise(ARTICLE, Config(backend="openai", base_url=srv.base_url, model="mock",
                                          use_cache=False))
    assert CUT in brief.warnings
    assert sorted((c.kind, c.count) for c in brief.casualties) == [("injured", 30), ("killed", 12)]
    assert [p.name for p in brief.locations] == ["Kharkiv"]  # the places the cut answer reached
    # Headline and summary come from the article itself, so a cut answer does not lose them.
    assert brief.headline == "Shelling hits Kharkiv as thousands flee"
    assert brief.summary.startswith("Russian shelling killed at least 12 civilians in Kharkiv")



def test_server_refusing_json_schema_falls_back_to_tools(fast_backoff: None) -> None:
    def respond(body: dict[str, Any]) -> Any:
        if (body.get("response_format") or {}).get("type") == "json_schema":
            # What llama-cpp-python's server says (as an HTTP 500) about response_format json_schema.
            raise ValueError("response_format.type: Input should be 'text' or 'json_object', "
                             "input: 'json_schema'")
        return FIGURE

    with MockOpenAIServer(responder=respond) as srv:
        backend = _backend(srv)
        assert backend.complete(REQUEST).parsed.model_dump() == FIGURE
        assert backend.mode == "tools"
        assert srv.stats()["requests"] == 2  # no transient retries of a refusal
        assert "tools" in srv.requests[-1]
        backend.complete(REQUEST)
        assert srv.stats()["requests"] == 3  # the fallback sticks


def test_rate_gate_holds_every_thread_until_it_opens() -> None:
    gate = RateGate()
    gate.close_for(0.3)
    opens_at = gate._deadline()
    done: list[float] = []
    threads = [threading.Thread(target=lambda: (gate.wait(), done.append(time.monotonic())))
               for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(5)
    assert len(done) == 4
    assert min(done) >= opens_at


class _Clock:
    """Stands in for the time module inside openai_compat: sleeping moves a virtual clock, so
    when the gate lets a waiter go is exact, however loaded the machine."""

    def __init__(self, on_sleep: Callable[[float], None] = lambda now: None) -> None:
        self.now = 1000.0
        self.sleeps: list[float] = []
        self.on_sleep = on_sleep

    def monotonic(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds
        self.on_sleep(self.now)


def test_rate_gate_lets_a_waiter_go_exactly_when_it_opens(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(openai_compat, "_SHARED_UNTIL", None)
    clock = _Clock()
    monkeypatch.setattr(openai_compat, "time", clock)
    gate = RateGate()
    gate.close_for(2.5)
    gate.wait()
    # It looks again at least once a second (a later 429 may extend the pause), and leaves as
    # soon as the pause is over: not before, not a poll later.
    assert clock.sleeps == [1.0, 1.0, 0.5] and clock.now == 1002.5
    gate.wait()
    assert clock.sleeps == [1.0, 1.0, 0.5]  # an open gate does not wait


def test_a_later_429_extends_the_pause_of_those_already_waiting(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(openai_compat, "_SHARED_UNTIL", None)
    gate = RateGate()
    clock = _Clock(on_sleep=lambda now: gate.close_for(3.0) if now == 1001.0 else None)
    monkeypatch.setattr(openai_compat, "time", clock)
    gate.close_for(2.0)  # until 1002; one second in, another 429 says wait until 1004
    gate.wait()
    assert clock.now == 1004.0 and clock.sleeps == [1.0, 1.0, 1.0, 1.0]


def test_shared_rate_gate_holds_forked_processes_too(monkeypatch: pytest.MonkeyPatch) -> None:
    import multiprocessing

    monkeypatch.setattr(openai_compat, "_SHARED_UNTIL", None)
    openai_compat.share_rate_gate()
    ctx = multiprocessing.get_context("fork")
    closed_until = ctx.Queue()

    def worker_gets_a_429() -> None:
        gate = RateGate()  # the worker process's own gate
        gate.close_for(0.4)
        closed_until.put(gate._deadline())

    started = time.monotonic()
    child = ctx.Process(target=worker_gets_a_429)
    child.start()
    child.join(5)
    assert child.exitcode == 0
    deadline = closed_until.get(timeout=5)
    assert deadline >= started + 0.4  # this test's pause, not one left by an earlier test
    # A 429 in a worker process (its own RateGate) closed the parent's RateGate, to the instant.
    assert RateGate()._deadline() == deadline
    RateGate().wait()
    assert time.monotonic() >= deadline


def test_a_429_makes_concurrent_threads_wait_together(server: MockOpenAIServer) -> None:
    arrivals: list[float] = []  # when each answered request reached the server (server side)

    def respond(body: dict[str, Any]) -> dict[str, str]:
        arrivals.append(time.monotonic())
        return FIGURE

    server.responder = respond
    server.faults = FaultSchedule(script=["rate_limit"], retry_after_s=0.5)
    backend = _backend(server)
    finished: list[float] = []
    errors: list[BaseException] = []

    def call() -> None:
        try:
            backend.complete(REQUEST)
            finished.append(time.monotonic())
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)

    started = time.monotonic()
    first = threading.Thread(target=call)
    first.start()
    deadline = started + 5
    # _deadline(), not _until: after a batch with worker processes in this same test process,
    # every gate shares one pause (share_rate_gate) and _until stays 0. A pause an earlier test
    # left there has long passed: only this test's 429 closes the gate past started + 0.5.
    while backend.gate._deadline() < started + 0.5 and time.monotonic() < deadline:
        time.sleep(0.005)
    gate_opens = backend.gate._deadline()
    assert gate_opens >= started + 0.5, "the 429 did not close the gate"
    others = [threading.Thread(target=call) for _ in range(3)]
    for t in others:
        t.start()
    for t in [first, *others]:
        t.join(10)
    assert not errors
    assert len(finished) == 4
    assert min(finished) >= gate_opens - 0.02
    assert server.stats()["status"] == {429: 1, 200: 4}
    # Nobody went ahead while the gate was closed: not one request reached the server early.
    assert len(arrivals) == 4 and min(arrivals) >= gate_opens


def test_summarise_over_http_end_to_end() -> None:
    with MockOpenAIServer(responder=http_responder_for()) as srv:
        config = Config(backend="openai", base_url=srv.base_url, model="mock", use_cache=False)
        brief = summarise(ARTICLE, config)
        stats = srv.stats()
    assert sorted((c.kind, c.count) for c in brief.casualties) == [("injured", 30), ("killed", 12)]
    assert [(d.count, d.qualifier) for d in brief.displacement] == [(2000, "about")]
    for fig in [*brief.casualties, *brief.displacement]:
        assert fig.span is not None and ARTICLE[fig.span[0]:fig.span[1]] == fig.evidence
    assert [a.name for a in brief.actors] == ["UNHCR"]
    assert brief.meta is not None
    assert (brief.meta.backend, brief.meta.model) == ("openai", "mock")
    assert brief.meta.calls == stats["requests"] == 5
    assert brief.meta.attempts == 5
    assert brief.meta.usage == Usage(prompt_tokens=stats["prompt_tokens"],
                                     completion_tokens=stats["completion_tokens"])


def test_openai_backend_needs_a_key_or_a_base_url() -> None:
    with pytest.raises(ConfigError, match="OPENAI_API_KEY"):
        OpenAIBackend(Config(backend="openai", model="gpt-4o-mini"))


def test_retry_after_header_parsing() -> None:
    class Response:
        def __init__(self, headers: dict[str, str]):
            self.headers = headers

    class Err(Exception):
        def __init__(self, headers: dict[str, str]):
            self.response = Response(headers)

    assert retry_after_seconds(Err({"retry-after": "2"})) == 2.0
    assert retry_after_seconds(Err({"retry-after-ms": "250", "retry-after": "9"})) == 0.25
    assert retry_after_seconds(Err({"retry-after": "Wed, 21 Oct 2015 07:28:00 GMT"})) is None
    assert retry_after_seconds(Err({})) is None
    assert retry_after_seconds(ValueError()) is None


def _http_error(cls: type[openai.APIStatusError], status: int,
                headers: dict[str, str] | None = None) -> openai.APIStatusError:
    request = httpx2.Request("POST", "http://127.0.0.1:9/v1/chat/completions")
    return cls("failed", response=httpx2.Response(status, headers=headers, request=request), body=None)


def _after_failure(exc: BaseException, attempt: int) -> Any:
    """What tenacity hands the wait function: the failed attempt's number and its outcome."""
    return SimpleNamespace(attempt_number=attempt, outcome=SimpleNamespace(exception=lambda: exc))


# Attempt number -> the range its jittered backoff falls in: doubling from 0.5 s, capped at 30 s.
BACKOFF_RANGES = {1: (0.25, 0.5), 2: (0.5, 1.0), 3: (1.0, 2.0), 4: (2.0, 4.0), 5: (4.0, 8.0),
                  6: (8.0, 16.0), 7: (15.0, 30.0), 8: (15.0, 30.0), 12: (15.0, 30.0)}


@pytest.mark.parametrize("attempt", sorted(BACKOFF_RANGES))
def test_backoff_doubles_per_attempt_with_jitter_and_a_cap(attempt: int,
                                                           monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(openai_compat, "random", random.Random(attempt))
    backend = OpenAIBackend(Config(backend="openai", base_url="http://127.0.0.1:9/v1", model="m"))
    low, high = BACKOFF_RANGES[attempt]
    waits = [backend._wait(_after_failure(_http_error(openai.InternalServerError, 500), attempt))
             for _ in range(200)]
    assert all(low <= w <= high for w in waits), (min(waits), max(waits))
    assert max(waits) - min(waits) > 0.8 * (high - low)  # jittered over the whole range
    assert backend.gate._deadline() == 0.0  # a 5xx pauses only the thread that got it


@pytest.mark.parametrize(("headers", "attempt", "paused"), [
    ({"retry-after": "2"}, 1, (2.0, 2.0)),  # as long as the server says
    ({"retry-after": "120"}, 1, (30.0, 30.0)),  # but never past the cap
    ({"retry-after-ms": "250"}, 4, (0.25, 0.25)),
    ({}, 3, (1.0, 2.0)),  # no hint: the attempt's jittered backoff
])
def test_a_429_closes_the_gate_for_retry_after_up_to_the_cap(
        headers: dict[str, str], attempt: int, paused: tuple[float, float],
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(openai_compat, "_SHARED_UNTIL", None)
    monkeypatch.setattr(openai_compat, "random", random.Random(3))
    backend = OpenAIBackend(Config(backend="openai", base_url="http://127.0.0.1:9/v1", model="m"))
    before = time.monotonic()
    wait = backend._wait(_after_failure(_http_error(openai.RateLimitError, 429, headers), attempt))
    after = time.monotonic()
    assert wait == 0.0  # the gate does the waiting, for every thread at once
    assert before + paused[0] <= backend.gate._deadline() <= after + paused[1]


def test_openai_sampling_names_what_changes_the_output() -> None:
    backend = OpenAIBackend(Config(backend="openai", base_url="http://127.0.0.1:9/v1", model="m",
                                   temperature=0.3))
    assert backend.sampling() == {"temperature": 0.3, "mode": "json_schema",
                                  "base_url": "http://127.0.0.1:9/v1"}


@pytest.mark.parametrize("config", [
    Config(backend="openai", base_url="http://127.0.0.1:9/v1", model="m", temperature=0.3),
    Config(backend="openai", api_key="k", model="gpt-x"),
    Config(backend="fake", model="m", temperature=0.7),
], ids=["openai-local", "openai-remote", "fake"])
def test_the_cache_identity_before_a_backend_exists_is_the_backends_own(config: Config) -> None:
    # The brief cache is looked up before any backend is made (a hit must load no model), and
    # the calls' answers are stored with the backend's own identity: the two must agree.
    backend = get_backend(config)
    assert identity(config) == (backend.name, backend.model, backend.sampling())


def test_a_gguf_file_is_named_by_its_file_name_in_the_cache_identity(tmp_path: Path) -> None:
    name, model, sampling = identity(Config(model_path=str(tmp_path / "my-model.Q4.gguf")))
    assert (name, model) == ("llama", "my-model.Q4.gguf")
    assert sampling["grammar"] == "json_schema" and "cpu_path" in sampling


# --- get_backend and the fake ------------------------------------------------------------------


def test_get_backend_picks_by_config() -> None:
    assert isinstance(get_backend(Config(backend="fake", model="m")), FakeBackend)
    assert isinstance(get_backend(Config(backend="openai", base_url="http://127.0.0.1:9/v1", model="m")),
                      OpenAIBackend)


def test_unit_tests_cannot_load_the_embedded_model() -> None:
    with pytest.raises(AssertionError, match="embedded model"):
        get_backend(Config(backend="llama"))


def test_fake_replays_items_in_order_and_records_requests() -> None:
    fake = FakeBackend().enqueue(FigureDecision(**FIGURE), dict(FIGURE, kind="injured"),
                                 lambda request: dict(FIGURE, kind=f"{'missing' if request.task else ''}"),
                                 RuntimeError("boom"))
    kinds = [fake.complete(REQUEST).parsed.kind for _ in range(3)]  # type: ignore[attr-defined]
    assert kinds == ["killed", "injured", "missing"]
    with pytest.raises(RuntimeError, match="boom"):
        fake.complete(REQUEST)
    assert fake.history == [REQUEST] * 4
    with pytest.raises(AssertionError, match="no response queued"):
        fake.complete(REQUEST)


def test_parse_json_model_accepts_a_fenced_block() -> None:
    raw = "```json\n" + '{"kind": "none", "group": "mixed", "reported_by": "", "scope": "incident"}' + "\n```"
    assert parse_json_model(FigureDecision, raw).kind == "none"  # type: ignore[attr-defined]


# --- the embedded backend without a model --------------------------------------------------------


def test_repeating_tail_detects_a_decode_loop() -> None:
    assert repeating_tail('{"summary": "The army said' + " the army said that" * 6)
    assert repeating_tail("x" * 10 + "abcdefgh" * 4)


def test_repeating_tail_ignores_normal_json_and_prose() -> None:
    normal = ('[{"kind": "killed", "group": "civilians"}, {"kind": "injured", "group": "civilians"}, '
              '{"kind": "missing", "group": "civilians"}, {"kind": "killed", "group": "mixed"}]')
    assert not repeating_tail(normal)
    assert not repeating_tail('{"a": 1, "a": 2, "a": 3, "a": 4, "a": 5}')
    assert not repeating_tail("abcdefgh" * 3)  # three repeats are not yet a loop
    assert not repeating_tail("Shelling killed 12 civilians in Kharkiv on Monday, officials said.")
    assert not repeating_tail("")


class _LoopingLlama:
    """Stands in for llama_cpp.Llama: streams a JSON prefix, then one chunk forever."""

    def __init__(self) -> None:
        self.n_tokens = 0
        self.streamed: list[int] = []

    def create_chat_completion(self, **kwargs: Any) -> Iterator[dict[str, Any]]:
        assert kwargs["stream"] is True and kwargs["response_format"]["type"] == "json_object"
        count = 0
        self.streamed.append(0)

        def chunks() -> Iterator[dict[str, Any]]:
            nonlocal count
            prefix = '{"kind": "killed", "group": "civilians", "reported_by": "'
            for piece in [prefix, *(["again and "] * 10_000)]:
                count += 1
                self.streamed[-1] = count
                self.n_tokens += 1
                yield {"choices": [{"delta": {"content": piece}}]}

        return chunks()


def test_embedded_backend_cuts_a_looping_generation(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    fake_llm = _LoopingLlama()
    monkeypatch.setattr(llama_engine, "_perf_snapshot", lambda llm: None)
    monkeypatch.setattr(llama, "resolve_model_path", lambda config: tmp_path / "model.gguf")
    monkeypatch.setattr(llama_engine, "_load", lambda path, n_ctx, n_threads, choice: fake_llm)
    monkeypatch.setattr(llama, "_model", _real_model)
    backend = LlamaBackend(Config(backend="llama", max_validation_retries=1, llama_isolation="inline"))
    with pytest.raises(ExtractionFailed) as info:
        backend.complete(REQUEST)
    # Cut soon after the loop showed, and not re-asked (that would pay for the same loop again).
    assert len(fake_llm.streamed) == 1 and fake_llm.streamed[0] < 100
    assert info.value.attempts == 1
    assert info.value.usage.completion_tokens == fake_llm.streamed[0]
