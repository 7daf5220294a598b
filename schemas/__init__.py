"""Pydantic schemas: the public brief (v1) and the small models the LLM fills."""

from .brief import (
    SCHEMA_VERSION,
    Actor,
    Brief,
    Casualty,
    ControlChange,
    Count,
    Displacement,
    Location,
    Meta,
    Usage,
)

__all__ = [
    "SCHEMA_VERSION", "Actor", "Brief", "Casualty", "ControlChange", "Count", "Displacement",
    "Location", "Meta", "Usage",
]
