"""A fault-injecting, OpenAI-compatible mock server (stdlib only) for reliability tests and benchmarks.

It answers ``POST /v1/chat/completions`` (non-streaming) and ``GET /v1/models`` the way the real API
does, closely enough for the ``openai`` client and ``instructor`` to accept the answers. By default
every chat completion gets a minimal *valid* instance of the JSON schema the client asked for,
wherever the client put the schema:

* ``response_format={"type": "json_schema", "json_schema": {"name": ..., "schema": {...}}}``
  (instructor ``Mode.JSON_SCHEMA``): the answer is ``choices[0].message.content``;
* ``tools=[{"type": "function", "function": {"name": ..., "parameters": {...}}}]`` (``Mode.TOOLS``):
  the answer is ``choices[0].message.tool_calls[0].function.arguments``;
* otherwise (``response_format={"type": "json_object"}``, ``Mode.JSON``, or plain chat): best effort,
  the largest JSON schema found in the messages' text, else ``{}``, in ``message.content``.

A :class:`FaultSchedule` makes a seeded, per-request decision to misbehave instead: HTTP 429 / 500
/ 503, a connection dropped without a response, a response slower than the client's timeout,
truncated / invalid / wrongly shaped JSON, or a merely slow answer. :meth:`MockOpenAIServer.stats`
counts what was served, so tests can check that retries and token usage add up.

Run it by hand (or for a benchmark) with::

    python -m summariser.testing.mock_openai --port 8765 --latency 0.2 --fault-rate 0.3 --seed 1
"""

from __future__ import annotations

import argparse
import copy
import json
import math
import random
import signal
import socket
import sys
import threading
import time
from collections import deque
from collections.abc import Callable, Iterable, Mapping, Sequence
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from typing import Any

__all__ = [
    "ERROR_FAULTS",
    "SCRIPT_ONLY_FAULTS",
    "FAULT_TYPES",
    "FaultSchedule",
    "MockOpenAIServer",
    "Responder",
    "UnsatisfiableSchema",
    "instance_from_schema",
    "schema_from_request",
]

#: Every fault the schedule can pick, in the order its cumulative rates are laid out.
FAULT_TYPES: tuple[str, ...] = (
    "rate_limit",  # 429 with Retry-After
    "server_error",  # 500
    "unavailable",  # 503
    "reset",  # connection closed without any response
    "timeout",  # answers correctly, but only after FaultSchedule.timeout_sleep_s
    "truncated_json",  # 200, answer text cut in half
    "invalid_json",  # 200, answer text "not json {"
    "wrong_shape",  # 200, answer text '{"foo": 1}'
    "slow",  # answers correctly after FaultSchedule.slow_s
)

#: Faults a script may name but random schedules never draw: the request itself is refused.
SCRIPT_ONLY_FAULTS: tuple[str, ...] = (
    "context_length",  # 400 context_length_exceeded, as when a re-ask outgrows the window
)

#: Faults of random schedules that produce no completion at all (the responder is not called).
ERROR_FAULTS: frozenset[str] = frozenset({"rate_limit", "server_error", "unavailable", "reset"})

INVALID_JSON_TEXT = "not json {"
WRONG_SHAPE_TEXT = '{"foo": 1}'

#: A responder gets the request body and returns the answer: a ``str`` is used verbatim as the
#: answer text, anything else (dict, list, ...) is JSON-encoded. The answer goes where the request's
#: mode expects it (``message.content``, or the tool call's ``arguments`` when tools were sent).
Responder = Callable[[dict[str, Any]], Any]


# --------------------------------------------------------------------------------------------
# Minimal instances of JSON schemas
# --------------------------------------------------------------------------------------------


class UnsatisfiableSchema(ValueError):
    """The schema has no finite instance this generator can build (e.g. required self-reference)."""


_FORMAT_EXAMPLES: dict[str, str] = {
    "date-time": "1970-01-01T00:00:00Z",
    "date": "1970-01-01",
    "time": "00:00:00",
    "duration": "P0D",
    "email": "mock@example.com",
    "uri": "http://example.com/",
    "url": "http://example.com/",
    "uuid": "00000000-0000-0000-0000-000000000000",
    "ipv4": "127.0.0.1",
    "ipv6": "::1",
    "hostname": "example.com",
}


def instance_from_schema(schema: Any, root: Mapping[str, Any] | None = None) -> Any:
    """Build a minimal value that validates against a JSON schema (as pydantic writes them).

    Handles ``$ref`` into ``$defs``/``definitions`` (JSON pointers from ``root``, default: the
    schema itself), ``allOf`` (merged), ``anyOf``/``oneOf`` (first non-null option that can be
    built), ``default`` (used as is), ``const``/``enum`` (first value), and the types string (empty,
    or ``minLength`` x's, or an example for well-known formats), integer/number (0 moved into
    ``minimum``/``maximum``), boolean (false), null, array (``minItems`` items, else empty) and object
    (every ``required`` property, recursively). A bare ``{}``/``true`` schema gives ``None``.

    Raises :class:`UnsatisfiableSchema` when no finite instance exists (a required, non-nullable
    self-reference) or a ``$ref`` cannot be resolved.
    """
    base = root if root is not None else (schema if isinstance(schema, Mapping) else {})
    return _instance(schema, base, ())


def _resolve_ref(root: Mapping[str, Any], ref: str) -> Any:
    if not ref.startswith("#"):
        raise UnsatisfiableSchema(f"only local $refs are supported, got {ref!r}")
    node: Any = root
    for raw in ref[1:].lstrip("/").split("/") if ref not in ("#", "#/") else []:
        part = raw.replace("~1", "/").replace("~0", "~")
        if isinstance(node, Mapping) and part in node:
            node = node[part]
        elif isinstance(node, list) and part.isdigit() and int(part) < len(node):
            node = node[int(part)]
        else:
            raise UnsatisfiableSchema(f"cannot resolve $ref {ref!r}")
    return node


def _is_null_schema(node: Any) -> bool:
    return isinstance(node, Mapping) and (node.get("type") == "null" or node.get("const", 0) is None)


def _merge_all_of(node: Mapping[str, Any], root: Mapping[str, Any], stack: tuple[str, ...]) -> dict:
    merged: dict[str, Any] = {k: v for k, v in node.items() if k != "allOf"}
    properties: dict[str, Any] = dict(merged.get("properties", {}))
    required: list[str] = list(merged.get("required", []))
    for sub in node["allOf"]:
        while isinstance(sub, Mapping) and "$ref" in sub:
            if sub["$ref"] in stack:
                raise UnsatisfiableSchema(f"recursive $ref {sub['$ref']!r} inside allOf")
            sub = {**_resolve_ref(root, sub["$ref"]), **{k: v for k, v in sub.items() if k != "$ref"}}
        if not isinstance(sub, Mapping):
            continue
        if "allOf" in sub:
            sub = _merge_all_of(sub, root, stack)
        for key, value in sub.items():
            if key == "properties":
                properties.update(value)
            elif key == "required":
                required.extend(r for r in value if r not in required)
            else:
                merged.setdefault(key, value)
    if properties:
        merged["properties"] = properties
    if required:
        merged["required"] = required
    return merged


def _bound(inclusive: Any, exclusive: Any, lower: bool) -> tuple[float, bool] | None:
    """The tighter of an inclusive and an exclusive bound, as ``(value, is_exclusive)``."""
    if isinstance(exclusive, bool):  # draft 4: a flag on minimum/maximum
        inclusive, exclusive = (None, inclusive) if exclusive else (inclusive, None)
    bounds = [(float(b), ex) for b, ex in ((inclusive, False), (exclusive, True)) if _is_num(b)]
    if not bounds:
        return None
    pick = max if lower else min
    return pick(bounds, key=lambda b: (b[0], b[1] if lower else not b[1]))


def _is_num(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _number(node: Mapping[str, Any], integer: bool) -> int | float:
    low = _bound(node.get("minimum"), node.get("exclusiveMinimum"), lower=True)
    high = _bound(node.get("maximum"), node.get("exclusiveMaximum"), lower=False)
    if integer:
        lo_i = None if low is None else (math.floor(low[0]) + 1 if low[1] else math.ceil(low[0]))
        hi_i = None if high is None else (math.ceil(high[0]) - 1 if high[1] else math.floor(high[0]))
        value = 0
        if lo_i is not None and value < lo_i:
            value = lo_i
        if hi_i is not None and value > hi_i:
            value = hi_i
        return value

    def fits(v: float) -> bool:
        return (low is None or v > low[0] or (v == low[0] and not low[1])) and (
            high is None or v < high[0] or (v == high[0] and not high[1])
        )

    if fits(0.0):
        return 0.0
    if low is not None and not low[1] and fits(low[0]):
        return low[0]
    if high is not None and not high[1] and fits(high[0]):
        return high[0]
    if low is not None and high is not None:
        return (low[0] + high[0]) / 2
    return low[0] + 1.0 if low is not None else high[0] - 1.0  # type: ignore[index]


def _instance(node: Any, root: Mapping[str, Any], stack: tuple[str, ...]) -> Any:
    if node is True or node is None:
        return None
    if node is False:
        raise UnsatisfiableSchema("schema `false` has no instance")
    if not isinstance(node, Mapping):
        raise UnsatisfiableSchema(f"not a schema: {node!r}")
    if "$ref" in node:
        ref = node["$ref"]
        if ref in stack:
            raise UnsatisfiableSchema(f"required recursive $ref {ref!r} has no finite instance")
        target = _resolve_ref(root, ref)
        siblings = {k: v for k, v in node.items() if k != "$ref"}
        merged = {**target, **siblings} if isinstance(target, Mapping) else target
        return _instance(merged, root, (*stack, ref))
    if "default" in node:
        return copy.deepcopy(node["default"])
    if "const" in node:
        return copy.deepcopy(node["const"])
    if node.get("enum"):
        return copy.deepcopy(node["enum"][0])
    if "allOf" in node:
        return _instance(_merge_all_of(node, root, stack), root, stack)
    for key in ("anyOf", "oneOf"):
        if key in node:
            options = node[key]
            for option in options:
                if _is_null_schema(option):
                    continue
                if isinstance(option, Mapping) and option.get("$ref") in stack:
                    continue  # a nullable self-reference: prefer null below
                try:
                    return _instance(option, root, stack)
                except UnsatisfiableSchema:
                    continue
            if any(_is_null_schema(o) for o in options):
                return None
            raise UnsatisfiableSchema(f"no buildable option in {key}")

    kind = node.get("type")
    if isinstance(kind, list):
        non_null = [k for k in kind if k != "null"]
        kind = non_null[0] if non_null else "null"
    if kind is None:
        if "properties" in node or "required" in node:
            kind = "object"
        elif "items" in node or "prefixItems" in node:
            kind = "array"
        else:
            return None

    if kind == "null":
        return None
    if kind == "boolean":
        return False
    if kind == "integer":
        return _number(node, integer=True)
    if kind == "number":
        return _number(node, integer=False)
    if kind == "string":
        fmt = node.get("format")
        if fmt in _FORMAT_EXAMPLES:
            return _FORMAT_EXAMPLES[fmt]
        return "x" * int(node.get("minLength", 0))
    if kind == "array":
        count = int(node.get("minItems", 0))
        prefix = list(node.get("prefixItems", []))
        items: list[Any] = []
        for i in range(count):
            sub = prefix[i] if i < len(prefix) else node.get("items", {})
            items.append(_instance(sub, root, stack))
        return items
    if kind == "object":
        properties = node.get("properties", {})
        return {name: _instance(properties.get(name, True), root, stack) for name in node.get("required", [])}
    raise UnsatisfiableSchema(f"unknown type {kind!r}")


# --------------------------------------------------------------------------------------------
# Where a request put its schema
# --------------------------------------------------------------------------------------------


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


# --------------------------------------------------------------------------------------------
# Faults
# --------------------------------------------------------------------------------------------


class FaultSchedule:
    """A seeded, per-request decision about which fault (if any) to inject.

    ``decide(seq)`` depends only on ``seed``, ``rates``, ``script`` and the request's sequence
    number ``seq`` (0, 1, 2... in the order the server received chat-completion requests), never on
    timing or on earlier calls, so it is deterministic and thread-safe. Under concurrency the
    arrival order is not deterministic, but the multiset of faults over N requests is.

    Args:
        seed: random seed.
        rates: fault type -> probability per request (keys from :data:`FAULT_TYPES`; sum <= 1).
        script: explicit decisions for the first ``len(script)`` requests (``None`` = no fault);
            requests after the script fall back to ``rates``.
        timeout_sleep_s: how long a ``"timeout"`` request stalls before answering (set the client's
            timeout below this).
        slow_s: extra delay of a ``"slow"`` answer.
        retry_after_s: the ``Retry-After`` value sent with 429s (also sent as ``retry-after-ms``).
            The openai client only honours values > 0; with 0 it uses its own backoff.
        truncated_finish_reason: ``finish_reason`` of a ``"truncated_json"`` answer. ``"stop"``
            (default) makes it a plain unparseable answer (instructor re-asks it like any
            validation error); ``"length"`` is what a real max_tokens cut looks like, and instructor
            then raises ``IncompleteOutputException`` at once, without re-asking.
    """

    def __init__(
        self,
        seed: int = 0,
        rates: Mapping[str, float] | None = None,
        *,
        script: Sequence[str | None] | None = None,
        timeout_sleep_s: float = 3.0,
        slow_s: float = 0.5,
        retry_after_s: float = 0.0,
        truncated_finish_reason: str = "stop",
    ) -> None:
        self.seed = seed
        self.rates: dict[str, float] = dict(rates or {})
        self.script: tuple[str | None, ...] = tuple(script or ())
        for name in self.rates:
            if name not in FAULT_TYPES:
                raise ValueError(f"unknown fault {name!r}; choose from {', '.join(FAULT_TYPES)}")
        for name in (s for s in self.script if s is not None):
            if name not in FAULT_TYPES + SCRIPT_ONLY_FAULTS:
                raise ValueError(f"unknown fault {name!r}; choose from "
                                 f"{', '.join(FAULT_TYPES + SCRIPT_ONLY_FAULTS)}")
        if any(r < 0 for r in self.rates.values()) or sum(self.rates.values()) > 1 + 1e-9:
            raise ValueError(f"fault rates must be >= 0 and sum to <= 1, got {self.rates}")
        self.timeout_sleep_s = timeout_sleep_s
        self.slow_s = slow_s
        self.retry_after_s = retry_after_s
        self.truncated_finish_reason = truncated_finish_reason

    @classmethod
    def uniform(
        cls, seed: int, total_rate: float, faults: Iterable[str] = FAULT_TYPES, **kwargs: Any
    ) -> FaultSchedule:
        """A schedule that spreads ``total_rate`` evenly over ``faults``."""
        names = list(faults)
        rates = {name: total_rate / len(names) for name in names} if names and total_rate else {}
        return cls(seed, rates, **kwargs)

    def decide(self, seq: int) -> str | None:
        """The fault for request number ``seq`` (0-based), or ``None`` for a normal answer."""
        if seq < len(self.script):
            return self.script[seq]
        if not self.rates:
            return None
        draw = random.Random(f"{self.seed}:{seq}").random()
        cumulative = 0.0
        for name in FAULT_TYPES:
            cumulative += self.rates.get(name, 0.0)
            if draw < cumulative:
                return name
        return None

    def preview(self, count: int, start: int = 0) -> list[str | None]:
        """The decisions for requests ``start`` .. ``start + count - 1``."""
        return [self.decide(seq) for seq in range(start, start + count)]

    def __repr__(self) -> str:
        return f"FaultSchedule(seed={self.seed!r}, rates={self.rates!r}, script={list(self.script)!r})"


# --------------------------------------------------------------------------------------------
# The server
# --------------------------------------------------------------------------------------------


def _error_body(message: str, kind: str, code: str | None) -> dict[str, Any]:
    return {"error": {"message": message, "type": kind, "param": None, "code": code}}


class _HTTPServer(ThreadingHTTPServer):
    """ThreadingHTTPServer that does not wait for keep-alive connections and stays quiet."""

    daemon_threads = True
    block_on_close = False
    allow_reuse_address = True
    request_queue_size = 256
    mock: MockOpenAIServer

    def handle_error(self, request: Any, client_address: Any) -> None:
        """Ignore clients that went away (timeouts, resets); report anything else."""
        exc = sys.exc_info()[1]
        if isinstance(exc, OSError):
            return
        super().handle_error(request, client_address)


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive, like the real API
    server: _HTTPServer

    def setup(self) -> None:
        super().setup()
        try:  # headers and body go out as separate writes: without this, Nagle adds ~40 ms
            self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        except OSError:
            pass
        self.server.mock._track(self.connection, add=True)

    def finish(self) -> None:
        try:
            super().finish()
        finally:
            self.server.mock._track(self.connection, add=False)

    def log_message(self, format: str, *args: Any) -> None:
        """Silence the per-request log lines."""

    def _path(self) -> str:
        return self.path.split("?", 1)[0].rstrip("/")

    def send_json(self, status: int, payload: Any, headers: Mapping[str, str] | None = None) -> None:
        """Write one JSON response; a client that already left is ignored."""
        data = json.dumps(payload).encode()
        try:
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            for key, value in (headers or {}).items():
                self.send_header(key, value)
            self.end_headers()
            self.wfile.write(data)
            self.wfile.flush()
        except OSError:
            self.close_connection = True

    def drop_connection(self) -> None:
        """Close the socket abruptly with no response at all."""
        self.close_connection = True
        try:
            self.connection.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass

    def do_GET(self) -> None:
        """``GET /v1/models``."""
        mock = self.server.mock
        mock._bump("other_requests")
        if self._path() in ("/v1/models", "/models"):
            created = int(mock.started_at)
            self.send_json(
                200,
                {
                    "object": "list",
                    "data": [{"id": mock.model, "object": "model", "created": created, "owned_by": "mock"}],
                },
            )
        else:
            self.send_json(404, _error_body(f"unknown path {self.path}", "invalid_request_error", None))

    def do_POST(self) -> None:
        """``POST /v1/chat/completions``."""
        mock = self.server.mock
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length) if length else b""
        if self._path() not in ("/v1/chat/completions", "/chat/completions"):
            mock._bump("other_requests")
            self.send_json(404, _error_body(f"unknown path {self.path}", "invalid_request_error", None))
            return
        try:
            body = json.loads(raw)
            if not isinstance(body, dict):
                raise ValueError("body is not a JSON object")
        except ValueError as exc:
            mock._bump("bad_requests")
            self.send_json(400, _error_body(f"invalid JSON body: {exc}", "invalid_request_error", None))
            return
        mock._serve_chat(self, body)


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
            status, headers, payload = self._error_response(fault, schedule)
            self._record_status(status)
            handler.send_json(status, payload, headers)
            return

        mode, _schema, tool_name = schema_from_request(body)
        try:
            answer = self.responder(body) if self.responder is not None else default_answer(body)
        except Exception as exc:  # a broken responder is a test bug: make it loud but keep serving
            self._bump("responder_errors")
            self._record_status(500)
            handler.send_json(500, _error_body(f"mock responder failed: {exc!r}", "server_error", None))
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

    def _error_response(
        self, fault: str, schedule: FaultSchedule
    ) -> tuple[int, dict[str, str], dict[str, Any]]:
        if fault == "rate_limit":
            wait = schedule.retry_after_s
            retry_after = str(int(wait)) if float(wait).is_integer() else f"{wait:g}"
            return (
                429,
                {"Retry-After": retry_after, "retry-after-ms": str(int(wait * 1000))},
                _error_body(
                    "Rate limit reached for requests (mock). Please try again later.",
                    "requests",
                    "rate_limit_exceeded",
                ),
            )
        if fault == "context_length":
            return (
                400,
                {},
                _error_body(
                    "This model's maximum context length is 4096 tokens. However, you requested "
                    "4903 tokens (mock).", "invalid_request_error", "context_length_exceeded"
                ),
            )
        if fault == "server_error":
            return (
                500,
                {},
                _error_body(
                    "The server had an error while processing your request (mock).", "server_error", None
                ),
            )
        return (
            503,
            {},
            _error_body(
                "The engine is currently overloaded, please try again later (mock).", "server_error", None
            ),
        )

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


# --------------------------------------------------------------------------------------------
# Command line
# --------------------------------------------------------------------------------------------


def main(argv: Sequence[str] | None = None) -> int:
    """Serve until interrupted; prints the base URL first and the stats (JSON, stderr) on exit."""
    parser = argparse.ArgumentParser(prog="python -m summariser.testing.mock_openai", description=__doc__)
    parser.add_argument("--port", type=int, default=0, help="port on 127.0.0.1 (0 = ephemeral)")
    parser.add_argument("--latency", type=float, default=0.0, help="seconds added to every response")
    parser.add_argument("--fault-rate", type=float, default=0.0, help="total probability of a fault")
    parser.add_argument(
        "--faults",
        default=",".join(FAULT_TYPES),
        help="comma-separated fault types the rate is spread over (default: all)",
    )
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--timeout-sleep", type=float, default=3.0, help="stall of a 'timeout' fault")
    parser.add_argument("--slow", type=float, default=0.5, help="extra delay of a 'slow' fault")
    parser.add_argument("--retry-after", type=float, default=0.0, help="Retry-After seconds on 429s")
    args = parser.parse_args(argv)

    names = [n.strip() for n in args.faults.split(",") if n.strip()]
    schedule = FaultSchedule.uniform(
        args.seed,
        args.fault_rate,
        names,
        timeout_sleep_s=args.timeout_sleep,
        slow_s=args.slow,
        retry_after_s=args.retry_after,
    )
    server = MockOpenAIServer(latency_s=args.latency, faults=schedule, port=args.port)
    done = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: done.set())
    with server:
        print(server.base_url, flush=True)
        try:
            while not done.wait(0.5):
                pass
        except KeyboardInterrupt:
            pass
    print(json.dumps(server.stats(), indent=2), file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
