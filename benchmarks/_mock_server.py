"""Serve the mock OpenAI server (with the benchmark responder) in its own process.

    python benchmarks/_mock_server.py --latency 0.2

Prints the base URL on the first line of stdout; on SIGTERM prints its stats as JSON on the next
line and exits. Used by benchmarks/concurrency.py so that the server does not share the client's
interpreter lock, as a real endpoint would not.
"""

from __future__ import annotations

import argparse
import json
import signal
import threading

from _common import mock_responder

from summariser.testing.mock_openai import MockOpenAIServer


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--latency", type=float, default=0.2)
    parser.add_argument("--port", type=int, default=0)
    args = parser.parse_args()
    done = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: done.set())
    with MockOpenAIServer(latency_s=args.latency, responder=mock_responder, port=args.port) as server:
        print(server.base_url, flush=True)
        done.wait()
        stats = server.stats()
    print(json.dumps(stats), flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
