"""Test helpers: a fault-injecting, OpenAI-compatible mock server for reliability tests and benchmarks.

Names are loaded lazily so that ``python -m summariser.testing.mock_openai`` does not import the
module twice (runpy warns when the package already imported it).
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from summariser.testing.mock_openai import (
        FAULT_TYPES,
        FaultSchedule,
        MockOpenAIServer,
        UnsatisfiableSchema,
        instance_from_schema,
        schema_from_request,
    )

__all__ = [
    "FAULT_TYPES",
    "FaultSchedule",
    "MockOpenAIServer",
    "UnsatisfiableSchema",
    "instance_from_schema",
    "schema_from_request",
]


def __getattr__(name: str) -> Any:
    if name in __all__:
        return getattr(importlib.import_module("summariser.testing.mock_openai"), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
