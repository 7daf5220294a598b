"""Floors for thresholds.toml from measured runs: the lowest value each rate reached.

    python -m summariser.evaluation.floors reports/eval/eval.json reports/eval-plain/eval.json
    python -m summariser.evaluation.floors --split test A.json B.json C.json

prints a `[min]` table for every higher-is-better rate measured on the "all" split (or the split
named by --split) of every report given, each the minimum over the reports rounded *down* to two
decimals, so a floor is never above what a run measured and every run given passes it (one per
CPU path and kernel family: greedy tokens differ slightly between llama.cpp's kernels). Counts
are gated against the baseline instead.
"""

from __future__ import annotations

import math
import sys
from collections.abc import Sequence
from typing import Any

from summariser.evaluation.compare import load_report
from summariser.evaluation.runner import METRICS

# Rates that describe the run, not the brief's quality, get no floor.
_NOT_FLOORED = frozenset({"pass_rate"})


def floors(reports: Sequence[dict[str, Any]], split: str = "all") -> dict[str, float]:
    """metric -> floor over `split` of `reports` (rates only; unmeasured ones left out)."""
    out: dict[str, float] = {}
    for metric, direction in METRICS.items():
        if direction <= 0 or metric in _NOT_FLOORED:
            continue
        values = [r["splits"][split]["metrics"].get(metric) for r in reports]
        if any(v is None for v in values):
            continue
        out[metric] = math.floor(min(values) * 100 + 1e-9) / 100
    return out


def main(argv: Sequence[str] | None = None) -> int:
    """Print the [min] table for the reports named on the command line."""
    paths = list(sys.argv[1:] if argv is None else argv)
    split = "all"
    if paths[:1] == ["--split"] and len(paths) > 1:
        split, paths = paths[1], paths[2:]
    if not paths:
        print(__doc__)
        return 2
    table = floors([load_report(p) for p in paths], split)
    print("[min]")
    for metric, value in table.items():
        print(f"{metric} = {value:.2f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
