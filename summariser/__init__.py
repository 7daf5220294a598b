"""summariser: grounded, verifiable briefs from news articles about armed conflict.

    from summariser import summarise
    brief = summarise(article_text)          # embedded local model, no key, no network
    for c in brief.casualties:
        print(c.kind, c.count, c.reported_by, c.evidence, c.span)
"""

from summariser.config import Config
from summariser.core import is_cached, summarise
from summariser.errors import (
    BackendError,
    ConfigError,
    ExtractionFailed,
    InputError,
    ModelFileError,
    SummariserError,
)
from summariser.schemas.brief import Brief

__all__ = [
    "BackendError", "Brief", "Config", "ConfigError", "ExtractionFailed", "InputError",
    "ModelFileError", "SummariserError", "is_cached", "summarise",
]
__version__ = "0.1.0"
