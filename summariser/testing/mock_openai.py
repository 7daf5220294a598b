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
import json
import signal
import sys
import threading
from collections.abc import Sequence

from summariser.testing.faults import ERROR_FAULTS, FAULT_TYPES, SCRIPT_ONLY_FAULTS, FaultSchedule
from summariser.testing.requests import default_answer, prompt_tokens_for, schema_from_request
from summariser.testing.schema_instances import UnsatisfiableSchema, instance_from_schema
from summariser.testing.server import MockOpenAIServer, Responder

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
    "default_answer",
    "prompt_tokens_for",
]


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
