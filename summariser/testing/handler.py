"""The mock server's HTTP side: the threading socket server and the request handler that routes
``GET /v1/models`` and ``POST /v1/chat/completions`` to its MockOpenAIServer (which decides the
faults and builds the answers, summariser.testing.server)."""

from __future__ import annotations

import json
import socket
import sys
from collections.abc import Mapping
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import TYPE_CHECKING, Any

from summariser.testing.error_responses import error_body

if TYPE_CHECKING:
    from summariser.testing.server import MockOpenAIServer


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
            self.send_json(404, error_body(f"unknown path {self.path}", "invalid_request_error", None))

    def do_POST(self) -> None:
        """``POST /v1/chat/completions``."""
        mock = self.server.mock
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length) if length else b""
        if self._path() not in ("/v1/chat/completions", "/chat/completions"):
            mock._bump("other_requests")
            self.send_json(404, error_body(f"unknown path {self.path}", "invalid_request_error", None))
            return
        try:
            body = json.loads(raw)
            if not isinstance(body, dict):
                raise ValueError("body is not a JSON object")
        except ValueError as exc:
            mock._bump("bad_requests")
            self.send_json(400, error_body(f"invalid JSON body: {exc}", "invalid_request_error", None))
            return
        mock._serve_chat(self, body)
