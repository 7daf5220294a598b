"""Seeded, per-request faults the mock server injects (HTTP errors, drops, bad JSON, delays)."""

from __future__ import annotations

import random
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

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


