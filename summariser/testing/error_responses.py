"""The mock server's error responses, in the real API's shapes: the ``{"error": {...}}`` body the
HTTP handler and the server both send, and the status, headers and body of each error fault."""

from __future__ import annotations

from typing import Any

from summariser.testing.faults import FaultSchedule


def error_body(message: str, kind: str, code: str | None) -> dict[str, Any]:
    """The API's ``{"error": {...}}`` body."""
    return {"error": {"message": message, "type": kind, "param": None, "code": code}}


def error_response(fault: str, schedule: FaultSchedule) -> tuple[int, dict[str, str], dict[str, Any]]:
    """(HTTP status, headers, body) of an error fault: 429 for rate_limit, 400 for context_length,
    500 for server_error, 503 for any other (unavailable)."""
    if fault == "rate_limit":
        wait = schedule.retry_after_s
        retry_after = str(int(wait)) if float(wait).is_integer() else f"{wait:g}"
        return (
            429,
            {"Retry-After": retry_after, "retry-after-ms": str(int(wait * 1000))},
            error_body(
                "Rate limit reached for requests (mock). Please try again later.",
                "requests",
                "rate_limit_exceeded",
            ),
        )
    if fault == "context_length":
        return (
            400,
            {},
            error_body(
                "This model's maximum context length is 4096 tokens. However, you requested "
                "4903 tokens (mock).", "invalid_request_error", "context_length_exceeded"
            ),
        )
    if fault == "server_error":
        return (
            500,
            {},
            error_body(
                "The server had an error while processing your request (mock).", "server_error", None
            ),
        )
    return (
        503,
        {},
        error_body(
            "The engine is currently overloaded, please try again later (mock).", "server_error", None
        ),
    )
