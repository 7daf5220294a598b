"""One base exception, subclasses by cause; every message says what to do next."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from summariser.schemas.brief import Usage


class SummariserError(Exception):
    """Base class for every error this package raises on purpose."""


class InputError(SummariserError):
    """The article cannot be briefed as given (empty, binary, not UTF-8, missing file...)."""


class ConfigError(SummariserError):
    """Settings are missing or contradictory (no API key for a remote model, bad option...)."""


class ModelFileError(SummariserError):
    """Model weights are missing, incomplete or fail their size/hash check."""


class BackendError(SummariserError):
    """The LLM backend could not be reached or kept failing with transient errors.

    Like ExtractionFailed it carries what the failure cost, where known: ``attempts`` (model
    calls made, failed ones included) and ``usage`` (tokens the endpoint reported).
    """

    def __init__(self, message: str, *, attempts: int | None = None, usage: Usage | None = None):
        super().__init__(message)
        self.attempts = attempts
        self.usage = usage


class ExtractionFailed(SummariserError):
    """The model's output never validated within the allowed attempts.

    Carries what a caller needs to account for the failure: how many attempts were made, the
    last raw output and the token usage summed over every attempt (failed ones cost money too).
    """

    def __init__(self, message: str, *, attempts: int, last_output: str | None, usage: Usage):
        super().__init__(message)
        self.attempts = attempts
        self.last_output = last_output
        self.usage = usage
