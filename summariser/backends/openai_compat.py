"""OpenAI-compatible backend (OpenAI, vLLM, Ollama, llama.cpp's server...) via openai + instructor.

instructor validates the output against the response model and re-asks with the validation
error (bounded). An answer cut at max_tokens is not re-asked (it would be cut again): it is
closed at its last complete item and returned flagged as truncated. Transient failures are
retried here with tenacity: 429 (honouring Retry-After), 5xx, timeouts and connection errors,
with bounded exponential backoff and jitter. A 429 closes a gate shared by every thread using
this backend, so a concurrent batch backs off as a whole instead of each worker hammering the
endpoint on its own schedule.
"""

from __future__ import annotations

import logging
import multiprocessing
import random
import threading
import time
from typing import Any

import instructor
import openai
from instructor.core.exceptions import IncompleteOutputException, InstructorRetryException
from tenacity import RetryCallState, Retrying, retry_if_exception, stop_after_attempt

from summariser.backends.base import LLMRequest, LLMResult, read_part, salvage_truncated
from summariser.config import Config
from summariser.errors import BackendError, ConfigError, ExtractionFailed
from summariser.schemas.brief import Usage

_MODES = {"json_schema": instructor.Mode.JSON_SCHEMA, "tools": instructor.Mode.TOOLS,
          "json": instructor.Mode.JSON}
# Servers that refuse response_format "json_schema" (llama-cpp-python's server up to 0.3.x answers
# it with an HTTP 500 validation error) still constrain output to a schema given as a forced tool.
FALLBACK_MODE = "tools"
MAX_BACKOFF_S = 30.0

log = logging.getLogger(__name__)


# Set by share_rate_gate() before a batch forks worker processes: the 429 pause then holds
# for every process (CLOCK_MONOTONIC is one clock for the whole machine).
_SHARED_UNTIL: Any = None


def share_rate_gate() -> None:
    """Make every RateGate of this process and of processes forked from it share one pause."""
    global _SHARED_UNTIL
    if _SHARED_UNTIL is None:
        _SHARED_UNTIL = multiprocessing.get_context("fork").Value("d", 0.0)


class RateGate:
    """Shared pause: after a 429, nobody sends until the Retry-After moment has passed."""

    def __init__(self) -> None:
        self._until = 0.0
        self._lock = threading.Lock()

    def close_for(self, seconds: float) -> None:
        shared = _SHARED_UNTIL
        if shared is not None:
            with shared.get_lock():
                shared.value = max(shared.value, time.monotonic() + seconds)
            return
        with self._lock:
            self._until = max(self._until, time.monotonic() + seconds)

    def _deadline(self) -> float:
        shared = _SHARED_UNTIL
        if shared is not None:
            return float(shared.value)
        with self._lock:
            return self._until

    def wait(self) -> None:
        while True:
            delay = self._deadline() - time.monotonic()
            if delay <= 0:
                return
            time.sleep(min(delay, 1.0))


def _transient(exc: BaseException) -> bool:
    return isinstance(exc, openai.RateLimitError | openai.APITimeoutError | openai.APIConnectionError |
                      openai.InternalServerError) or (
        isinstance(exc, openai.APIStatusError) and exc.status_code >= 500)


def retry_after_seconds(exc: BaseException) -> float | None:
    """Seconds the server asked us to wait (Retry-After or retry-after-ms), if it said."""
    response = getattr(exc, "response", None)
    headers = getattr(response, "headers", None) or {}
    try:
        if headers.get("retry-after-ms"):
            return float(headers["retry-after-ms"]) / 1000.0
        if headers.get("retry-after"):
            return float(headers["retry-after"])
    except (TypeError, ValueError):
        return None
    return None


class _FormatRejected(Exception):
    """The server refused the request's response_format (internal: triggers the mode fallback)."""


def _rejects_response_format(exc: BaseException | None) -> bool:
    if not isinstance(exc, openai.APIStatusError) or exc.status_code not in (400, 422, 500):
        return False
    text = str(exc)
    return "response_format" in text and "json_schema" in text


def openai_identity(config: Config, mode: str = "json_schema") -> tuple[str, str, dict[str, Any]]:
    """(name, model, sampling) for cache keys, from the config and the requested mode: the one
    definition, behind OpenAIBackend.sampling() and the brief cache's key before a client is
    made. The mode is the one asked for: a server that refuses it answers in the fallback mode
    every time, so keying on the request keeps a lookup and the store that follows it equal."""
    return OpenAIBackend.name, config.model, {
        "temperature": config.temperature, "mode": mode,
        "base_url": config.base_url or "https://api.openai.com/v1"}


class OpenAIBackend:
    name = "openai"

    def __init__(self, config: Config, mode: str = "json_schema", client: openai.OpenAI | None = None):
        if config.base_url is None and config.api_key is None:
            raise ConfigError(
                "A remote model needs OPENAI_API_KEY, or --base-url (OPENAI_BASE_URL) for a local "
                "OpenAI-compatible server."
            )
        self.config = config
        _, self.model, self._sampling = openai_identity(config, mode)
        self.mode = mode
        # The openai client's own retries are off: tenacity below owns retrying, so attempts and
        # waits are counted in one place. A local server needs no key; openai insists on one.
        key = config.api_key.get_secret_value() if config.api_key else "not-needed"
        self._raw = client or openai.OpenAI(api_key=key, base_url=config.base_url, max_retries=0,
                                            timeout=config.request_timeout_s)
        self._local = threading.local()
        self.client = self._instructor(mode)
        self.gate = RateGate()

    def _instructor(self, mode: str) -> Any:
        client = instructor.from_openai(self._raw, mode=_MODES[mode])
        # One "attempt" is one answer the model generated (instructor re-asks included), counted
        # per thread: requests that failed at the HTTP level (429, 5xx, timeouts) are not attempts.
        client.on("completion:response", self._count_answer)
        return client

    def _count_answer(self, *_: Any, **__: Any) -> None:
        self._local.answers = getattr(self._local, "answers", 0) + 1

    def sampling(self) -> dict[str, Any]:
        return dict(self._sampling)

    def _wait(self, state: RetryCallState) -> float:
        exc = state.outcome.exception() if state.outcome else None
        cause = _cause(exc)
        hinted = retry_after_seconds(cause) if cause is not None else None
        backoff = min(MAX_BACKOFF_S, 0.5 * 2 ** (state.attempt_number - 1)) * random.uniform(0.5, 1.0)
        if isinstance(cause, openai.RateLimitError):
            delay = min(MAX_BACKOFF_S, hinted if hinted is not None else backoff)
            self.gate.close_for(delay)
            return 0.0  # the gate does the waiting, for every thread at once
        return backoff

    def complete(self, request: LLMRequest) -> LLMResult:
        try:
            return self._complete(request)
        except _FormatRejected:
            log.warning("%s refuses response_format json_schema; using mode %r instead",
                        self.config.base_url or "the endpoint", FALLBACK_MODE)
            self.mode = FALLBACK_MODE
            self.client = self._instructor(FALLBACK_MODE)
            return self._complete(request)

    def _complete(self, request: LLMRequest) -> LLMResult:
        usage = Usage()
        self._local.answers = 0
        retrying = Retrying(
            stop=stop_after_attempt(self.config.max_transient_retries + 1),
            wait=self._wait,
            retry=retry_if_exception(lambda e: (cause := _cause(e)) is not None
                                     and _transient(cause) and not _rejects_response_format(cause)),
            reraise=True,
        )
        try:
            for attempt in retrying:
                with attempt:
                    self.gate.wait()
                    try:
                        parsed, completion = self.client.create_with_completion(
                            model=self.model,
                            response_model=request.response_model,
                            messages=request.messages,  # type: ignore[arg-type]
                            max_tokens=request.max_tokens,
                            temperature=self.config.temperature,
                            max_retries=self.config.max_validation_retries,
                        )
                    except InstructorRetryException as exc:
                        usage = usage + _usage(exc.total_usage)
                        raise
                    except IncompleteOutputException as exc:  # cut by max_tokens: not re-asked
                        completion = getattr(exc, "last_completion", None)
                        usage = usage + _usage(getattr(completion, "usage", None))
                        return self._salvage(request, _raw_text(completion), usage)
                    usage = usage + _usage(getattr(completion, "usage", None))
                    raw = _raw_text(completion)
                    return LLMResult(parsed=parsed, raw=raw, usage=usage,
                                     attempts=max(1, self._local.answers))
        except InstructorRetryException as exc:
            cause = _cause(exc)
            if self.mode == "json_schema" and _rejects_response_format(cause):
                raise _FormatRejected from None
            if _context_exceeded(cause) and self._local.answers:
                # The model answered, the answer did not validate, and the re-ask (which carries
                # the bad answer back) no longer fits the endpoint's context: the output never
                # validated, like any other exhausted re-ask, not an endpoint failure.
                raise ExtractionFailed(
                    f"The model's {request.task} output did not validate, and re-asking would "
                    f"exceed the endpoint's context window: {str(cause)[:200]}",
                    attempts=self._local.answers, last_output=_raw_text(exc.last_completion),
                    usage=usage,
                ) from None
            if cause is not None and _transient(cause) or isinstance(cause, openai.APIError):
                # Answers read before the endpoint gave out (re-asks) cost tokens too.
                raise BackendError(_describe(cause, self.config), attempts=self._local.answers,
                                   usage=usage) from None
            raise ExtractionFailed(
                f"The model's {request.task} output did not validate after {exc.n_attempts} "
                f"attempts: {str(exc)[:300]}",
                attempts=self._local.answers or int(exc.n_attempts or 1),
                last_output=_raw_text(exc.last_completion),
                usage=usage,
            ) from None
        except openai.APIError as exc:
            if self.mode == "json_schema" and _rejects_response_format(exc):
                raise _FormatRejected from None
            raise BackendError(_describe(exc, self.config), attempts=self._local.answers,
                               usage=usage) from None
        raise BackendError("unreachable")  # pragma: no cover - Retrying always returns or raises

    def _salvage(self, request: LLMRequest, raw: str, usage: Usage) -> LLMResult:
        """An answer cut at max_tokens, closed at its last complete item (the pipeline flags it
        in the brief's warnings, unless the cut came after all that is read); re-asking would
        only be cut again."""
        attempts = max(1, self._local.answers)
        whole = read_part(request.response_model, raw)
        try:
            salvaged = salvage_truncated(request.response_model, whole or raw)
        except ValueError:  # what is complete does not validate either
            salvaged = None
        if salvaged is None:
            raise ExtractionFailed(
                f"The model's {request.task} output was cut off at max_tokens "
                f"({request.max_tokens}) before it was complete.",
                attempts=attempts, last_output=raw, usage=usage,
            )
        return LLMResult(parsed=salvaged, raw=raw, usage=usage, attempts=attempts,
                         truncated=whole is None)


def _context_exceeded(exc: BaseException | None) -> bool:
    """A 400 saying the request is longer than the model's context window: OpenAI, vLLM and
    llama-cpp-python say "maximum context length" (code context_length_exceeded); llama.cpp's
    own server says "exceeds the available context size" (type exceed_context_size_error)."""
    if not isinstance(exc, openai.BadRequestError):
        return False
    body = getattr(exc, "body", None)
    tags = {body.get("code"), body.get("type")} if isinstance(body, dict) else set()
    text = str(exc).casefold()
    return bool(tags & {"context_length_exceeded", "exceed_context_size_error"}) or \
        "maximum context length" in text or "exceeds the available context size" in text


def _cause(exc: BaseException | None) -> BaseException | None:
    """instructor wraps API errors in InstructorRetryException; look through it."""
    if isinstance(exc, InstructorRetryException) and exc.__cause__ is not None:
        return exc.__cause__
    return exc


def _describe(exc: BaseException, config: Config) -> str:
    where = config.base_url or "the OpenAI API"
    if isinstance(exc, openai.APIConnectionError | openai.APITimeoutError):
        return f"Could not reach {where} ({type(exc).__name__}); check --base-url and that the server is up."
    if isinstance(exc, openai.AuthenticationError):
        return f"{where} refused the API key (401); check OPENAI_API_KEY."
    if isinstance(exc, openai.NotFoundError):
        return f"{where} does not know model {config.model!r} (404); check --model."
    status = getattr(exc, "status_code", None)
    http = f", HTTP {status}" if status else ""
    return f"{where} kept failing ({type(exc).__name__}{http}); try again later."


def _usage(raw: Any) -> Usage:
    if raw is None:
        return Usage()
    get = raw.get if isinstance(raw, dict) else lambda k, d=0: getattr(raw, k, d)
    return Usage(prompt_tokens=int(get("prompt_tokens", 0) or 0),
                 completion_tokens=int(get("completion_tokens", 0) or 0))


def _raw_text(completion: Any) -> str:
    try:
        message = completion.choices[0].message
        if message.content:
            return str(message.content)
        if message.tool_calls:
            return str(message.tool_calls[0].function.arguments)
    except (AttributeError, IndexError, TypeError):
        pass
    return ""
