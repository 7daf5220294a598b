"""The eval harness: gold cases (evals/), scorers, a runner, reports and a regression gate.

    from summariser.evaluation import load_cases, run_eval, write_reports, compare
    report = run_eval(load_cases("evals", split="dev"), lambda text: summarise(text, config))
    write_reports(report, "reports/eval")
    problems = compare(report, "baseline.json", "evals/thresholds.toml")

The click command lives in summariser.evaluation.command (imported separately, so using the
harness as a library does not need the CLI).
"""

from summariser.evaluation.compare import compare, load_thresholds
from summariser.evaluation.gold import EvalCase, GoldCase, GoldError, load_cases
from summariser.evaluation.reports import write_reports
from summariser.evaluation.runner import CaseResult, EvalReport, run_eval

__all__ = [
    "CaseResult", "EvalCase", "EvalReport", "GoldCase", "GoldError", "compare", "load_cases",
    "load_thresholds", "run_eval", "write_reports",
]
