"""The mock OpenAI-compatible server object (see summariser.testing.mock_openai): its lifecycle,
its counters and request log, and how each chat completion is served: which fault it gets and
what answer. The HTTP plumbing is summariser.testing.handler; the error responses are
summariser.testing.error_responses."""

from __future__ import annotations

import copy
import json
import socket
import threading
import time
from collections import deque
from collections.abc import Callable, Mapping
from types import TracebackType
from typing import Any

from summariser.testing.error_responses import error_body, error_response
from summariser.testing.faults import (
    ERROR_FAULTS,
    FAULT_TYPES,
    INVALID_JSON_TEXT,
    SCRIPT_ONLY_FAULTS,
    WRONG_SHAPE_TEXT,
    FaultSchedule,
)
from summariser.testing.handler import _Handler, _HTTPServer
from summariser.testing.requests import default_answer, prompt_tokens_for, schema_from_request

#: A responder gets the request body and returns the answer: a ``str`` is used verbatim as the
#: answer text, anything else (dict, list, ...) is JSON-encoded. The answer goes where the request's
#: mode expects it (``message.content``, or the tool call's ``arguments`` when tools were sent).
Responder = Callable[[dict[str, Any]], Any]


class MockOpenAIServer:
    """An OpenAI-compatible chat-completions server on 127.0.0.1 with injectable faults.

    Use it as a context manager (or call :meth:`start` / :meth:`stop`) and point a client at
    :attr:`base_url`::

        with MockOpenAIServer(faults=FaultSchedule(1, {"rate_limit": 0.2})) as server:
            client = openai.OpenAI(base_url=server.base_url, api_key="test", max_retries=0)

    Args:
        latency_s: delay added to every request that gets an HTTP response (errors included;
            dropped connections excluded).
        faults: which requests misbehave; ``None`` = none.
        responder: replaces the default answer (a minimal valid instance of the requested schema).
            Called with the request body for every request that gets a 200 (so not for 429 / 5xx /
            reset). A ``str`` is the answer text verbatim, anything else is JSON-encoded. The
            ``truncated_json`` fault cuts the responder's answer; ``invalid_json`` and
            ``wrong_shape`` replace it. If it raises, the client gets a 500 (counted as
            ``responder_errors``).
        port: port to bind (0 = an ephemeral one).
        model: model id reported by ``/v1/models`` (completions echo the request's model).
        log_size: how many request bodies :attr:`requests` keeps (the most recent ones).
    """

    host = "127.0.0.1"

    def __init__(
        self,
        latency_s: float = 0.0,
        faults: FaultSchedule | None = None,
        responder: Responder | None = None,
        *,
        port: int = 0,
        model: str = "mock",
        log_size: int = 1000,
    ) -> None:
        self.latency_s = latency_s
        self._faults = faults or FaultSchedule()
        self.responder = responder
        self.model = model
        self.started_at = time.time()
        self._requested_port = port
        self._lock = threading.Lock()
        self._stopping = threading.Event()
        self._connections: set[socket.socket] = set()
        self._log: deque[dict[str, Any]] = deque(maxlen=log_size)
        self._seq = 0
        self._stats: dict[str, Any] = {}
        self.reset_stats()
        self._httpd: _HTTPServer | None = None
        self._thread: threading.Thread | None = None

    @property
    def faults(self) -> FaultSchedule:
        """The fault schedule. Assigning a new one restarts the request sequence at 0 for it."""
        return self._faults

    @faults.setter
    def faults(self, schedule: FaultSchedule | None) -> None:
        with self._lock:
            self._faults = schedule or FaultSchedule()
            self._seq = 0

    # ---- lifecycle ------------------------------------------------------------------------

    def start(self) -> MockOpenAIServer:
        """Bind and serve in a background thread (idempotent)."""
        if self._httpd is not None:
            return self
        self._stopping.clear()
        httpd = _HTTPServer((self.host, self._requested_port), _Handler)
        httpd.mock = self
        self._httpd = httpd
        self._thread = threading.Thread(
            target=httpd.serve_forever, kwargs={"poll_interval": 0.05}, name="mock-openai", daemon=True
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop serving, wake any sleeping request and close open client connections."""
        httpd, self._httpd = self._httpd, None
        if httpd is None:
            return
        self._stopping.set()
        httpd.shutdown()
        httpd.server_close()
        with self._lock:
            connections = list(self._connections)
        for conn in connections:
            try:
                conn.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
        if self._thread is not None:
            self._thread.join(timeout=5)
            self._thread = None

    def __enter__(self) -> MockOpenAIServer:
        return self.start()

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.stop()

    @property
    def port(self) -> int:
        """The bound port (after :meth:`start`)."""
        if self._httpd is None:
            raise RuntimeError("server not started")
        return int(self._httpd.server_address[1])

    @property
    def base_url(self) -> str:
        """``http://127.0.0.1:PORT/v1``, for ``openai.OpenAI(base_url=...)``."""
        return f"http://{self.host}:{self.port}/v1"

    # ---- accounting -----------------------------------------------------------------------

    def stats(self) -> dict[str, Any]:
        """A snapshot of the counters (a copy; safe to call from any thread).

        Keys: ``requests`` (chat-completion requests received = sequence numbers handed out),
        ``ok`` (answered with the responder's intact answer: no fault, or ``slow``/``timeout``),
        ``faults`` (fault type -> count, every type present), ``status`` (HTTP status -> count for
        chat completions), ``prompt_tokens``/``completion_tokens``/``total_tokens`` (summed over
        every 200 body sent, corrupted ones included; a ``timeout`` answer counts even if the
        client had already given up), ``responder_errors``, ``bad_requests``, ``other_requests``.
        """
        with self._lock:
            snapshot = copy.deepcopy(self._stats)
        snapshot["total_tokens"] = snapshot["prompt_tokens"] + snapshot["completion_tokens"]
        return snapshot

    def reset_stats(self) -> None:
        """Zero the counters and forget logged requests (the fault sequence keeps counting)."""
        with self._lock:
            self._stats = {
                "requests": 0,
                "ok": 0,
                "faults": dict.fromkeys(FAULT_TYPES, 0),
                "status": {},
                "prompt_tokens": 0,
                "completion_tokens": 0,
                "responder_errors": 0,
                "bad_requests": 0,
                "other_requests": 0,
            }
            self._log.clear()

    @property
    def requests(self) -> list[dict[str, Any]]:
        """The most recent chat-completion request bodies, oldest first (a copy)."""
        with self._lock:
            return list(self._log)

    def _bump(self, key: str, amount: int = 1) -> None:
        with self._lock:
            self._stats[key] += amount

    def _track(self, conn: socket.socket, *, add: bool) -> None:
        with self._lock:
            if add:
                self._connections.add(conn)
            else:
                self._connections.discard(conn)

    def _sleep(self, seconds: float) -> None:
        if seconds > 0:
            self._stopping.wait(seconds)

    # ---- chat completions -----------------------------------------------------------------

    def _serve_chat(self, handler: _Handler, body: dict[str, Any]) -> None:
        with self._lock:
            seq = self._seq
            self._seq += 1
            schedule = self._faults
            self._stats["requests"] += 1
            self._log.append(body)
        fault = schedule.decide(seq)
        if fault is not None:
            with self._lock:
                self._stats["faults"][fault] = self._stats["faults"].get(fault, 0) + 1

        if fault == "reset":
            handler.drop_connection()
            return
        if fault in ERROR_FAULTS or fault in SCRIPT_ONLY_FAULTS:
            self._sleep(self.latency_s)
            status, headers, payload = error_response(fault, schedule)
            self._record_status(status)
            handler.send_json(status, payload, headers)
            return

        mode, _schema, tool_name = schema_from_request(body)
        try:
            answer = self.responder(body) if self.responder is not None else default_answer(body)
        except Exception as exc:  # a broken responder is a test bug: make it loud but keep serving
            self._bump("responder_errors")
            self._record_status(500)
            handler.send_json(500, error_body(f"mock responder failed: {exc!r}", "server_error", None))
            return
        text = answer if isinstance(answer, str) else json.dumps(answer)

        finish_reason = "stop"
        if fault == "truncated_json":
            text = text[: len(text) // 2]
            finish_reason = schedule.truncated_finish_reason
        elif fault == "invalid_json":
            text = INVALID_JSON_TEXT
        elif fault == "wrong_shape":
            text = WRONG_SHAPE_TEXT

        delay = self.latency_s
        if fault == "slow":
            delay += schedule.slow_s
        elif fault == "timeout":
            delay += schedule.timeout_sleep_s
        self._sleep(delay)

        payload = self._completion(body, seq, mode, tool_name, text, finish_reason)
        with self._lock:
            if fault in (None, "slow", "timeout"):
                self._stats["ok"] += 1
            self._stats["prompt_tokens"] += payload["usage"]["prompt_tokens"]
            self._stats["completion_tokens"] += payload["usage"]["completion_tokens"]
            self._stats["status"][200] = self._stats["status"].get(200, 0) + 1
        handler.send_json(200, payload, {"x-request-id": payload["id"]})

    def _record_status(self, status: int) -> None:
        with self._lock:
            self._stats["status"][status] = self._stats["status"].get(status, 0) + 1

    def _completion(
        self,
        body: Mapping[str, Any],
        seq: int,
        mode: str,
        tool_name: str | None,
        text: str,
        finish_reason: str,
    ) -> dict[str, Any]:
        message: dict[str, Any] = {"role": "assistant", "content": text, "refusal": None}
        if mode == "tools":
            message["content"] = None
            message["tool_calls"] = [
                {
                    "id": f"call_mock_{seq}",
                    "type": "function",
                    "function": {"name": tool_name or "function", "arguments": text},
                }
            ]
            if finish_reason == "stop":
                # The real API says "stop" when tool_choice forces one function, else "tool_calls".
                forced = isinstance(body.get("tool_choice"), Mapping)
                finish_reason = "stop" if forced else "tool_calls"
        prompt_tokens = prompt_tokens_for(body)
        completion_tokens = max(1, len(text) // 4)
        return {
            "id": f"chatcmpl-mock-{seq}",
            "object": "chat.completion",
            "created": int(time.time()),
            "model": str(body.get("model") or self.model),
            "system_fingerprint": "fp_mock",
            "choices": [{"index": 0, "message": message, "finish_reason": finish_reason, "logprobs": None}],
            "usage": {
                "prompt_tokens": prompt_tokens,
                "completion_tokens": completion_tokens,
                "total_tokens": prompt_tokens + completion_tokens,
            },
        }
