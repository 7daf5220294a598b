"""Gating: compare a report with a baseline report and with absolute thresholds.

thresholds.toml:

    [tolerance]          # allowed slack against the baseline
    rate = 0.02          # a rate (0..1, higher is better) may drop this much
    count = 0            # a count (invented numbers, errors...) may rise this much
    figure_f1 = 0.03     # per-metric override
    [min]                # absolute floors, checked on the "all" split
    figure_f1 = 0.5
    [max]                # absolute ceilings, checked on the "all" split
    invented_numbers = 0
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from summariser.evaluation.runner import METRICS, REPORT_FORMAT, EvalReport

try:
    import tomllib
except ModuleNotFoundError:  # Python 3.10: the project still allows it
    tomllib = None  # type: ignore[assignment]

# Lower-is-better metrics are counts; their tolerance is in units, not a fraction.
COUNT_METRICS = frozenset(k for k, d in METRICS.items() if d < 0)
_EPS = 1e-9  # float noise must not turn an equal score into a regression


def load_thresholds(source: Mapping[str, Any] | Path | str | None) -> dict[str, Any]:
    """Read and check a thresholds file (or pass a dict through the same checks).

    Unknown metric names are an error: a misspelt floor would otherwise never gate anything.
    """
    if source is None:
        return {}
    if isinstance(source, Mapping):
        data = dict(source)
    else:
        path = Path(source)
        if path.suffix == ".json":
            data = json.loads(path.read_text(encoding="utf-8"))
        else:
            if tomllib is None:
                raise ValueError(f"Reading {path} needs Python 3.11+ (tomllib); use a .json thresholds file.")
            data = tomllib.loads(path.read_text(encoding="utf-8"))
    unknown_sections = set(data) - {"tolerance", "min", "max"}
    if unknown_sections:
        raise ValueError(f"thresholds: unknown section(s) {sorted(unknown_sections)}; "
                         "use tolerance, min, max")
    for section in ("tolerance", "min", "max"):
        names = set(data.get(section, {})) - ({"rate", "count"} if section == "tolerance" else set())
        unknown = names - set(METRICS)
        if unknown:
            raise ValueError(f"thresholds [{section}]: unknown metric(s) {sorted(unknown)}")
    return data


def load_report(source: Mapping[str, Any] | Path | str) -> dict[str, Any]:
    """A JSON report (e.g. a stored baseline) as a dict, checking its format marker."""
    if isinstance(source, Mapping):
        data = dict(source)
    else:
        data = json.loads(Path(source).read_text(encoding="utf-8"))
    if data.get("format") != REPORT_FORMAT:
        raise ValueError(f"not a {REPORT_FORMAT} report (format={data.get('format')!r})")
    return data


def tolerance_for(metric: str, thresholds: Mapping[str, Any]) -> float:
    """Allowed slack for `metric`: its own entry, else the rate/count default, else 0."""
    tol = thresholds.get("tolerance", {})
    if metric in tol:
        return float(tol[metric])
    return float(tol.get("count" if metric in COUNT_METRICS else "rate", 0.0))


def _fmt(value: float) -> str:
    return f"{value:.3f}".rstrip("0").rstrip(".") if isinstance(value, float) else str(value)


def compare(report: EvalReport | Mapping[str, Any],
            baseline_json: Mapping[str, Any] | Path | str | None,
            thresholds: Mapping[str, Any] | Path | str | None, *, partial: bool = False) -> list[str]:
    """Every regression, one sentence each; empty when the run may pass.

    Against the baseline: each gated metric (see runner.METRICS) of each split run over the
    same cases in both reports may move the wrong way by at most its tolerance. Absolute
    [min]/[max] thresholds are checked on the "all" split. `partial`: the run covers only some
    cases (--limit, one split), so a floor whose metric none of them measures (no labelled control
    change among three cases) is not a failure; a measured value under its floor still is.
    """
    current = report.to_dict() if isinstance(report, EvalReport) else load_report(report)
    limits = load_thresholds(thresholds)
    problems: list[str] = []
    if baseline_json is not None:
        problems += _against_baseline(current, load_report(baseline_json), limits)
    if "all" in current["splits"]:
        problems += _against_limits(current["splits"]["all"]["metrics"], limits, partial=partial)
    return problems


def _against_baseline(current: Mapping[str, Any], baseline: Mapping[str, Any],
                      limits: Mapping[str, Any]) -> list[str]:
    problems: list[str] = []
    compared = 0
    for split, now in current["splits"].items():
        before = baseline["splits"].get(split)
        # A split over other cases (a --limit run, new gold) is a different exam, not a regression.
        if before is None or sorted(before["cases"]) != sorted(now["cases"]):
            continue
        compared += 1
        for metric, direction in METRICS.items():
            cur, base = now["metrics"].get(metric), before["metrics"].get(metric)
            if direction == 0 or cur is None or base is None:
                continue
            tol = tolerance_for(metric, limits)
            if direction > 0 and cur < base - tol - _EPS:
                problems.append(f"{split}: {metric} fell from {_fmt(base)} to {_fmt(cur)} "
                                f"(baseline tolerance {_fmt(tol)})")
            elif direction < 0 and cur > base + tol + _EPS:
                problems.append(f"{split}: {metric} rose from {_fmt(base)} to {_fmt(cur)} "
                                f"(baseline tolerance {_fmt(tol)})")
    if compared == 0:
        problems.append("baseline: no split covers the same cases as this run, so nothing was compared "
                        "(run the same --split without --limit, or refresh the baseline)")
    return problems


def _against_limits(metrics: Mapping[str, Any], limits: Mapping[str, Any], *,
                    partial: bool = False) -> list[str]:
    problems: list[str] = []
    for metric, floor in limits.get("min", {}).items():
        value = metrics.get(metric)
        if value is None:
            if floor > 0 and not partial:
                problems.append(f"all: {metric} was not measured (minimum {_fmt(floor)})")
        elif value < floor - _EPS:
            problems.append(f"all: {metric} = {_fmt(value)} is below the minimum {_fmt(floor)}")
    for metric, ceiling in limits.get("max", {}).items():
        value = metrics.get(metric)
        if value is not None and value > ceiling + _EPS:
            problems.append(f"all: {metric} = {_fmt(value)} is above the maximum {_fmt(ceiling)}")
    return problems
