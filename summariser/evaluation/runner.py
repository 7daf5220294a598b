"""Run a brief function over eval cases and aggregate the scores per split.

The runner takes any `brief_fn(text) -> Brief` so tests (and other pipelines) can be measured
without a model; the eval command passes `lambda text: summarise(text, config)`.
"""

from __future__ import annotations

import math
import time
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any

from pydantic import ValidationError

from summariser.evaluation.case_scoring import CaseScore, score_case
from summariser.evaluation.figure_scoring import ATTRIBUTES, KINDS
from summariser.evaluation.gold import SPLITS, EvalCase
from summariser.evaluation.matching import Tally
from summariser.schemas.brief import Brief

BriefFn = Callable[[str], Any]  # returns a Brief (or its dict / JSON form, validated here)
REPORT_FORMAT = "summariser-eval/1"

# name -> direction: +1 higher is better, -1 lower is better, 0 informational (never gated
# against the baseline; can still get an absolute [max]/[min] in thresholds.toml).
METRICS: dict[str, int] = {
    "cases": 0, "passed": 0, "pass_rate": +1, "errors": -1, "schema_validity": +1,
    "figure_precision": +1, "figure_recall": +1, "figure_f1": +1, "figure_required_recall": +1,
    **{f"{k}_{m}": +1 for k in KINDS for m in ("precision", "recall", "f1")},
    **{f"{a}_accuracy": +1 for a in ATTRIBUTES},
    "actor_precision": +1, "actor_recall": +1, "actor_required_recall": +1,
    "place_precision": +1, "place_recall": +1, "place_required_recall": +1,
    "conflict_accuracy": +1, "grounding_rate": +1, "ungrounded_figures": -1,
    "invented_numbers": -1, "trap_hits": -1,
    # The narrative (summariser.evaluation.narrative).
    "control_right_rate": +1, "control_inverted": -1, "control_spurious": -1, "control_missed": 0,
    "control_status_accuracy": +1, "actor_type_accuracy": +1, "actor_role_accuracy": +1,
    "place_country_accuracy": +1, "place_role_accuracy": +1,
    "headline_accuracy": +1, "summary_accuracy": +1, "wrong_headlines": -1, "wrong_summaries": -1,
    "invented_names": -1,
    "latency_p50_s": 0, "latency_p95_s": 0, "prompt_tokens": 0, "completion_tokens": 0,
    "cache_hits": 0, "cost_usd": 0,
}


@dataclass
class CaseResult:
    """One case run: what came back, how long it took, and its score."""

    case: EvalCase
    brief: Brief | None
    score: CaseScore
    latency_s: float
    error: str | None = None  # "ExtractionFailed: ..." when brief_fn raised or returned junk
    schema_valid: bool = True
    cached: bool = False
    prompt_tokens: int = 0
    completion_tokens: int = 0

    @property
    def failures(self) -> list[str]:
        """Why the case fails; an error alone explains everything else it would list."""
        if self.error is not None:
            return [f"error: {self.error}"]
        return self.score.failures()

    @property
    def passed(self) -> bool:
        """No failure reason at all."""
        return not self.failures

    def to_dict(self) -> dict[str, Any]:
        """Everything about the case, for the JSON report (the article text is not repeated)."""
        s = self.score
        figures = s.figures
        return {
            "id": self.case.id,
            "split": self.case.split,
            "article": str(self.case.path),
            "passed": self.passed,
            "failures": self.failures,
            "error": self.error,
            "schema_valid": self.schema_valid,
            "latency_s": self.latency_s,
            "cached": self.cached,
            "usage": {"prompt_tokens": self.prompt_tokens, "completion_tokens": self.completion_tokens},
            "is_conflict_report": {
                "gold": self.case.gold.is_conflict_report,
                "predicted": self.brief.is_conflict_report if self.brief else None,
                "correct": s.conflict_correct,
            },
            "figures": {
                "all": figures.tally().to_dict(),
                **{k: figures.tally(k).to_dict() for k in KINDS},
                "attributes": {k: list(v) for k, v in figures.attribute_tally().items()},
                "matches": [m.to_dict() for m in figures.matches],
                "missed": [{"gold_index": i, "gold": g.model_dump(mode="json")} for i, g in figures.missed],
                "false_positives": [p.to_dict() for p in figures.false_positives],
                "ignored": [p.to_dict() for p in figures.ignored],
                "trap_hits": [{"predicted": p.to_dict(), "trap": t.model_dump(mode="json")}
                              for p, t in figures.trap_hits],
            },
            "actors": s.actors.to_dict(),
            "places": s.places.to_dict(),
            "grounding": {"grounded": s.grounded, "total": len(s.predicted_figures),
                          "ungrounded": [p.path for p in s.ungrounded]},
            "invented": [{"path": p.path, "values": v, "evidence": p.evidence} for p, v in s.invented],
            "narrative": s.narrative.to_dict(),
            "brief": self.brief.model_dump(mode="json") if self.brief else None,
        }


@dataclass
class EvalReport:
    """All case results plus per-split metrics ("dev", "test", "all": those with cases)."""

    results: list[CaseResult]
    splits: dict[str, dict[str, Any]] = field(default_factory=dict)
    run: dict[str, Any] = field(default_factory=dict)

    def metrics(self, split: str = "all") -> dict[str, Any]:
        """The flat metric dict of one split."""
        return self.splits[split]["metrics"]

    def to_dict(self) -> dict[str, Any]:
        """The JSON report: every number, per split and per case."""
        return {
            "format": REPORT_FORMAT,
            "run": self.run,
            "splits": self.splits,
            "cases": [r.to_dict() for r in self.results],
        }


def _as_brief(obj: Any) -> Brief:
    # Re-validating a Brief instance catches ones built with model_construct() or mutated
    # after validation: the eval must check what consumers would receive, not trust the type.
    if isinstance(obj, Brief):
        return Brief.model_validate(obj.model_dump())
    if isinstance(obj, str | bytes):
        return Brief.model_validate_json(obj)
    return Brief.model_validate(obj)


def run_case(case: EvalCase, brief_fn: BriefFn, *, fatal: tuple[type[BaseException], ...] = (),
             clock: Callable[[], float] = time.perf_counter) -> CaseResult:
    """Run and score one case. Exceptions other than `fatal` ones are recorded, not raised."""
    start = clock()
    brief: Brief | None = None
    error: str | None = None
    schema_valid = True
    tokens = (0, 0)
    try:
        raw = brief_fn(case.text)
    except fatal:
        raise
    except Exception as exc:  # any failure of the system under test is a result, not a crash
        error = f"{type(exc).__name__}: {exc}"
        usage = getattr(exc, "usage", None)  # ExtractionFailed carries what failed attempts cost
        if usage is not None:
            tokens = (getattr(usage, "prompt_tokens", 0), getattr(usage, "completion_tokens", 0))
    else:
        try:
            brief = _as_brief(raw)
        except (ValidationError, ValueError, TypeError) as exc:
            schema_valid = False
            detail = " ".join(str(exc).splitlines()[:3])  # the count plus the first error
            error = f"schema: output does not validate against Brief: {detail}"
    latency = clock() - start
    cached = False
    if brief is not None and brief.meta is not None:
        cached = brief.meta.cached
        tokens = (brief.meta.usage.prompt_tokens, brief.meta.usage.completion_tokens)
    return CaseResult(
        case=case, brief=brief, score=score_case(case, brief), latency_s=latency, error=error,
        schema_valid=schema_valid and error is None, cached=cached,
        prompt_tokens=tokens[0], completion_tokens=tokens[1],
    )


def run_eval(cases: Sequence[EvalCase], brief_fn: BriefFn, *,
             estimate_cost: Callable[[int, int], float | None] | None = None,
             fatal: tuple[type[BaseException], ...] = (),
             on_result: Callable[[CaseResult], None] | None = None,
             clock: Callable[[], float] = time.perf_counter) -> EvalReport:
    """Run `brief_fn` on every case and aggregate.

    `fatal` exceptions (a missing model file, a bad setting) abort the run: they would fail
    every case the same way. `estimate_cost(prompt_tokens, completion_tokens)` prices the run
    (Config.estimate_cost); `on_result` sees each case as it finishes (progress output).
    """
    started = datetime.now(timezone.utc)
    results = []
    for case in cases:
        result = run_case(case, brief_fn, fatal=fatal, clock=clock)
        results.append(result)
        if on_result is not None:
            on_result(result)
    report = EvalReport(results=results, run=_run_info(results, started))
    for split in (*SPLITS, "all"):
        chosen = [r for r in results if split in ("all", r.case.split)]
        if chosen:
            report.splits[split] = summarise_split(chosen, estimate_cost)
    return report


def _run_info(results: Iterable[CaseResult], started: datetime) -> dict[str, Any]:
    info: dict[str, Any] = {"started_at": started.isoformat(timespec="seconds")}
    metas = [r.brief.meta for r in results if r.brief is not None and r.brief.meta is not None]
    for key in ("model", "backend", "strategy", "prompt_version", "prompt_hash", "schema_hash"):
        values = sorted({str(getattr(m, key)) for m in metas})
        # Several values mean the run mixed configurations (e.g. stale cache entries): show all.
        info[key] = values[0] if len(values) == 1 else (values or None)
    return info


def percentile(values: Sequence[float], q: float) -> float | None:
    """Linear-interpolated percentile (q in 0..100), None for no values."""
    if not values:
        return None
    ordered = sorted(values)
    pos = (len(ordered) - 1) * q / 100
    lo, hi = math.floor(pos), math.ceil(pos)
    return ordered[lo] + (ordered[hi] - ordered[lo]) * (pos - lo)


def _ratio(num: int, den: int) -> float | None:
    return num / den if den else None


def summarise_split(results: Sequence[CaseResult],
                    estimate_cost: Callable[[int, int], float | None] | None = None) -> dict[str, Any]:
    """Micro-averaged metrics over `results` (counts summed first, then rates derived)."""
    n = len(results)
    scores = [r.score for r in results]
    figures = sum((s.figures.tally() for s in scores), Tally())
    per_kind = {k: sum((s.figures.tally(k) for s in scores), Tally()) for k in KINDS}
    actors = sum((s.actors.tally for s in scores), Tally())
    places = sum((s.places.tally for s in scores), Tally())
    attrs = {a: [0, 0] for a in ATTRIBUTES}
    for s in scores:
        for a, (ok, scored) in s.figures.attribute_tally().items():
            attrs[a][0] += ok
            attrs[a][1] += scored
    narrative = _narrative_metrics(scores)
    predicted = sum(len(s.predicted_figures) for s in scores)
    ungrounded = sum(len(s.ungrounded) for s in scores)
    prompt = sum(r.prompt_tokens for r in results)
    completion = sum(r.completion_tokens for r in results)
    latencies = [r.latency_s for r in results]
    passed = sum(1 for r in results if r.passed)
    metrics: dict[str, Any] = {
        "cases": n,
        "passed": passed,
        "pass_rate": passed / n,
        "errors": sum(1 for r in results if r.error is not None),
        "schema_validity": sum(1 for r in results if r.schema_valid) / n,
        "figure_precision": figures.precision(),
        "figure_recall": figures.recall(),
        "figure_f1": figures.f1(),
        "figure_required_recall": figures.required_recall(),
    }
    for k, t in per_kind.items():
        metrics.update({f"{k}_precision": t.precision(), f"{k}_recall": t.recall(), f"{k}_f1": t.f1()})
    metrics.update({f"{a}_accuracy": _ratio(*attrs[a]) for a in ATTRIBUTES})
    metrics.update({
        "actor_precision": actors.precision(),
        "actor_recall": actors.recall(),
        "actor_required_recall": actors.required_recall(),
        "place_precision": places.precision(),
        "place_recall": places.recall(),
        "place_required_recall": places.required_recall(),
        "conflict_accuracy": sum(1 for s in scores if s.conflict_correct) / n,
        # Nothing predicted means nothing ungrounded.
        "grounding_rate": 1.0 if predicted == 0 else (predicted - ungrounded) / predicted,
        "ungrounded_figures": ungrounded,
        "invented_numbers": sum(s.invented_count for s in scores),
        "trap_hits": sum(len(s.figures.trap_hits) for s in scores),
        **narrative["metrics"],
        "latency_p50_s": percentile(latencies, 50),
        "latency_p95_s": percentile(latencies, 95),
        "prompt_tokens": prompt,
        "completion_tokens": completion,
        "cache_hits": sum(1 for r in results if r.cached),
        "cost_usd": estimate_cost(prompt, completion) if estimate_cost is not None else None,
    })
    return {
        "cases": [r.case.id for r in results],
        "metrics": metrics,
        "counts": {
            "figures": figures.to_dict(), **{k: t.to_dict() for k, t in per_kind.items()},
            "actors": actors.to_dict(), "places": places.to_dict(),
            "attributes": {a: list(v) for a, v in attrs.items()},
            "predicted_figures": predicted,
            **narrative["counts"],
        },
        "confusion": confusions(scores),
    }


def _narrative_metrics(scores: Sequence[CaseScore]) -> dict[str, dict[str, Any]]:
    """Rates and counts of the narrative verdicts over cases (micro-averaged)."""
    control = [s.narrative.control for s in scores if s.narrative.control.scored]
    required = sum(c.required for c in control)
    right = sum(c.count("right") for c in control)
    status = [sum(c.status[i] for c in control) for i in (0, 1)]
    labels = [s.narrative.labels for s in scores]
    pairs = {name: [sum(getattr(lab, name)[i] for lab in labels) for i in (0, 1)]
             for name in ("actor_type", "actor_role", "place_country", "place_role")}
    heads = [s.narrative.headline for s in scores if s.narrative.headline is not None]
    sums = [s.narrative.summary for s in scores if s.narrative.summary is not None]
    metrics = {
        "control_right_rate": _ratio(right, required),
        "control_inverted": sum(c.count("inverted") for c in control),
        "control_spurious": sum(len(c.spurious) for c in control),
        "control_missed": sum(c.count("missed") for c in control),
        "control_status_accuracy": _ratio(*status),
        **{f"{name}_accuracy": _ratio(*pair) for name, pair in pairs.items()},
        "headline_accuracy": _ratio(sum(v == "ok" for v in heads), len(heads)),
        "summary_accuracy": _ratio(sum(v == "ok" for v in sums), len(sums)),
        "wrong_headlines": sum(v != "ok" for v in heads),
        "wrong_summaries": sum(v != "ok" for v in sums),
        "invented_names": sum(len(s.narrative.invented) for s in scores),
    }
    verdicts = {v: sum(c.count(v) for c in control) for v in ("inverted", "wrong", "missed")}
    counts = {"control_changes": {"required": required, "right": right, **verdicts,
                                  "spurious": metrics["control_spurious"]},
              "labels": pairs, "headlines": [sum(v == "ok" for v in heads), len(heads)],
              "summaries": [sum(v == "ok" for v in sums), len(sums)]}
    return {"metrics": metrics, "counts": counts}


def confusions(scores: Sequence[CaseScore]) -> dict[str, dict[str, dict[str, int]]]:
    """gold -> predicted -> count for figure kind, group and scope (over figures whose number and
    evidence agree with a gold figure) and actor type (over matched required actors)."""
    table: dict[str, Counter[tuple[str, str]]] = {n: Counter() for n in ("kind", "group", "scope")}
    for s in scores:
        for name, pairs in s.figures.confusion().items():
            table[name].update(pairs)
    table["actor_type"] = sum((s.narrative.labels.type_confusion for s in scores), Counter())
    out: dict[str, dict[str, dict[str, int]]] = {}
    for name, counter in table.items():
        rows: dict[str, dict[str, int]] = {}
        for (gold, pred), n in sorted(counter.items()):
            rows.setdefault(gold, {})[pred] = n
        out[name] = rows
    return out
