"""Minimal valid instances of JSON schemas: the mock server's default answer."""

from __future__ import annotations

import copy
import math
from collections.abc import Mapping
from typing import Any


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


