"""The runner, the report writers, compare() and the eval command, all with fake brief functions."""

from __future__ import annotations

import itertools
import json
import xml.etree.ElementTree as ET
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from summariser.schemas.brief import Brief, Casualty, Meta, Usage

from summariser.config import Config
from summariser.errors import ConfigError, ExtractionFailed
from summariser.evaluation import command
from summariser.evaluation.compare import compare, load_thresholds
from summariser.evaluation.gold import EvalCase, GoldCase, GoldFigure, load_cases
from summariser.evaluation.oracle import oracle_brief
from summariser.evaluation.reports import REPORT_FILES, to_html, to_json, to_junit, to_markdown, write_reports
from summariser.evaluation.runner import METRICS, EvalReport, run_eval

EVALS = Path(__file__).resolve().parents[1] / "evals"
CASES = load_cases(EVALS)
BY_TEXT = {c.text: c for c in CASES}


def meta(cached: bool = False) -> Meta:
    return Meta(model="fake-model", backend="fake", strategy="focused", prompt_version="v1",
                prompt_hash="p123", schema_hash="s456", cached=cached,
                usage=Usage(prompt_tokens=100, completion_tokens=20), latency_s=0.5)


def oracle_fn(text: str) -> Brief:
    return oracle_brief(BY_TEXT[text]).model_copy(update={"meta": meta()})


def ticking_clock() -> Callable[[], float]:
    """Each call advances one second: every case takes exactly 1.0 s."""
    ticks = itertools.count()
    return lambda: float(next(ticks))


def with_invented_number(text: str) -> Brief:
    b = oracle_fn(text)
    fake = Casualty(kind="killed", count=98_765, evidence="98,765 killed")
    return b.model_copy(update={"casualties": [*b.casualties, fake]})


@pytest.fixture
def oracle_report() -> EvalReport:
    return run_eval(CASES, oracle_fn, clock=ticking_clock())


# --- runner ------------------------------------------------------------------------------------------


def test_oracle_run_is_perfect_and_has_every_metric(oracle_report: EvalReport) -> None:
    assert set(oracle_report.splits) == {"dev", "test", "all"}
    for data in oracle_report.splits.values():
        assert set(data["metrics"]) == set(METRICS)
    m = oracle_report.metrics("all")
    assert m["passed"] == m["cases"] == len(CASES)
    for name in ("figure_f1", "figure_required_recall", "conflict_accuracy", "grounding_rate"):
        assert m[name] == 1.0, name
    assert m["invented_numbers"] == m["trap_hits"] == m["errors"] == 0
    assert m["latency_p50_s"] == m["latency_p95_s"] == 1.0
    assert m["prompt_tokens"] == 100 * len(CASES) and m["completion_tokens"] == 20 * len(CASES)
    assert m["cost_usd"] is None  # no prices given
    assert oracle_report.run["model"] == "fake-model" and oracle_report.run["prompt_hash"] == "p123"


def test_errors_and_bad_output_are_recorded_not_raised() -> None:
    cases = CASES[:4]

    def flaky(text: str) -> Any:
        case = BY_TEXT[text]
        if case is cases[0]:
            raise ExtractionFailed("model never produced valid JSON", attempts=3, last_output="{",
                                   usage=Usage(prompt_tokens=300, completion_tokens=60))
        if case is cases[1]:
            return {"headline": "missing required fields"}
        if case is cases[2]:
            return oracle_fn(text).model_dump_json()  # JSON text is accepted and validated
        return oracle_fn(text)

    report = run_eval(cases, flaky)
    first, second, third, fourth = report.results
    assert first.error and first.error.startswith("ExtractionFailed: model never produced valid JSON")
    assert first.failures == [f"error: {first.error}"] and first.prompt_tokens == 300
    assert second.error and second.error.startswith("schema:") and not second.schema_valid
    assert third.passed and fourth.passed
    m = report.metrics("all")
    assert m["errors"] == 2 and m["schema_validity"] == 0.5 and m["passed"] == 2
    # A failed case still counts against recall: its required gold figures were not found.
    assert any(f.required for f in cases[0].gold.figures) and m["figure_required_recall"] < 1.0


def test_fatal_errors_abort_the_run() -> None:
    def broken(text: str) -> Brief:
        raise ConfigError("no model")

    with pytest.raises(ConfigError):
        run_eval(CASES[:2], broken, fatal=(ConfigError,))


def test_percentiles_and_cost() -> None:
    config = Config(price_per_1k_prompt=1.0, price_per_1k_completion=2.0)
    report = run_eval(CASES[:3], oracle_fn, estimate_cost=config.estimate_cost, clock=ticking_clock())
    m = report.metrics("all")
    assert m["cost_usd"] == pytest.approx((300 * 1.0 + 60 * 2.0) / 1000)
    assert m["cache_hits"] == 0 and "Estimated cost: $0.4200." in to_markdown(report)
    cached = run_eval(CASES[:3], lambda t: oracle_fn(t).model_copy(update={"meta": meta(cached=True)}))
    assert cached.metrics("all")["cache_hits"] == 3 and "Cache hits: 3 of 3 cases" in to_markdown(cached)


# --- report writers ----------------------------------------------------------------------------------


def test_markdown_has_summary_and_case_tables() -> None:
    report = run_eval(CASES, with_invented_number, clock=ticking_clock())
    md = to_markdown(report)
    assert "| Split | Cases | Pass | Fig P | Fig R | Fig F1 | Req R |" in md
    for split in ("dev", "test", "all"):
        assert f"\n| {split} | " in md
    for case in CASES:
        assert f"\n| {case.id} | {case.split} | FAIL |" in md
    assert "invented number(s) 98765" in md


def test_json_report_has_every_case_with_matches(oracle_report: EvalReport) -> None:
    data = json.loads(to_json(oracle_report))
    assert data["format"] == "summariser-eval/1"
    assert [c["id"] for c in data["cases"]] == [c.id for c in CASES]
    seed = next(c for c in data["cases"] if c["id"] == "seed-002")
    assert {m["predicted"]["count"] for m in seed["figures"]["matches"]} >= {255, 24, 4, 14000}
    assert seed["figures"]["all"]["precision"] == 1.0
    assert data["splits"]["all"]["metrics"]["figure_f1"] == 1.0


def test_junit_lists_each_case_and_why_it_failed() -> None:
    def mixed(text: str) -> Any:
        case = BY_TEXT[text]
        if case.id == "seed-000":
            raise RuntimeError("backend exploded")
        if case.id == "seed-002":
            return oracle_fn(text).model_copy(update={"casualties": [], "displacement": []})
        return oracle_fn(text)

    root = ET.fromstring(to_junit(run_eval(CASES, mixed)))
    testcases = root.findall(".//testcase")
    assert len(testcases) == len(CASES)
    by_name = {tc.get("name"): tc for tc in testcases}
    error = by_name["seed-000"].find("error")
    assert error is not None and "backend exploded" in error.get("message", "")
    failure = by_name["seed-002"].find("failure")
    assert failure is not None and "missed required killed 255" in failure.get("message", "")
    assert by_name["seed-003"].find("failure") is None
    assert root.get("failures") == "1" and root.get("errors") == "1"


HOSTILE = ('Militants <script>alert("x")</script> killed 5 people in <img src=x onerror=alert(1)> Kessra, '
           "police said.")


def test_html_escapes_article_and_model_output() -> None:
    gold = GoldCase(id="hostile", is_conflict_report=True,
                    figures=[GoldFigure(kind="killed", count=5, accept=(5, 5), evidence="killed 5 people")])
    case = EvalCase(id="hostile", split="dev", text=HOSTILE, gold=gold, path=Path("hostile.txt"))
    evil = Brief(is_conflict_report=True, headline="<script>alert(2)</script>", summary="<b onclick=x()>",
                 casualties=[Casualty(kind="killed", count=5, reported_by="<img src=y onerror=z()>",
                                      evidence="killed 5 people")])
    page = to_html(run_eval([case], lambda text: evil))
    lowered = page.lower()
    assert "<script" not in lowered and "<img" not in lowered and "<b onclick" not in lowered
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in page
    assert '<mark class="gold pred">killed 5 people</mark>' in page


def test_html_marks_misses_and_false_positives_on_real_cases() -> None:
    page = to_html(run_eval(CASES, with_invented_number))
    assert "<script" not in page.lower() and "<img" not in page.lower()  # dorvan-live-noise has both
    assert "FALSE POSITIVE" in page and 'class="fp"' in page
    missed = to_html(run_eval(CASES[:3], lambda t: oracle_fn(t).model_copy(update={"casualties": []})))
    assert "MISSED (required)" in missed


def test_write_reports_writes_all_four(tmp_path: Path, oracle_report: EvalReport) -> None:
    paths = write_reports(oracle_report, tmp_path / "out")
    assert {p.name for p in paths.values()} == set(REPORT_FILES.values())
    assert all(p.stat().st_size > 0 for p in paths.values())


# --- compare -----------------------------------------------------------------------------------------


def test_compare_with_itself_and_the_shipped_thresholds(oracle_report: EvalReport) -> None:
    baseline = json.loads(to_json(oracle_report))
    assert compare(oracle_report, baseline, EVALS / "thresholds.toml") == []


def test_shipped_thresholds_gate_invented_numbers_and_conflict_accuracy() -> None:
    limits = load_thresholds(EVALS / "thresholds.toml")
    assert limits["max"]["invented_numbers"] == 0
    assert limits["min"]["conflict_accuracy"] > 0
    # The floors are the measured values of the committed baselines (the lowest over the CPU
    # paths and kernel families), and grounding and schema validity must be perfect; an invented
    # (ungrounded) figure in every case trips those too, and the invented-number gate must be
    # among what fails.
    from summariser.evaluation.compare import load_report
    from summariser.evaluation.floors import floors

    measured = floors([load_report(p) for p in sorted(EVALS.glob("baseline-*.json"))])
    assert limits["min"] == measured
    assert limits["min"]["grounding_rate"] == limits["min"]["schema_validity"] == 1.0
    problems = compare(run_eval(CASES, with_invented_number), None, limits)
    assert f"all: invented_numbers = {len(CASES)} is above the maximum 0" in problems


def to_json_dict(report: EvalReport) -> dict[str, Any]:
    return json.loads(to_json(report))


def _baseline_with(report: EvalReport, **changes: float) -> dict[str, Any]:
    """The report's JSON with `changes` applied to every split's metrics."""
    baseline = to_json_dict(report)
    for split in baseline["splits"].values():
        split["metrics"].update(changes)
    return baseline


def test_compare_flags_a_drop_beyond_tolerance(oracle_report: EvalReport) -> None:
    limits = {"tolerance": {"rate": 0.02, "count": 0}}
    # The oracle is the best possible run, so the worse run is derived from it.
    worse = _baseline_with(oracle_report, figure_f1=0.95, invented_numbers=1)
    problems = compare(worse, to_json_dict(oracle_report), limits)
    assert "all: figure_f1 fell from 1 to 0.95 (baseline tolerance 0.02)" in problems
    assert "dev: invented_numbers rose from 0 to 1 (baseline tolerance 0)" in problems
    assert len(problems) == 6  # two metrics, three splits


def test_compare_passes_within_tolerance(oracle_report: EvalReport) -> None:
    slightly_better_baseline = _baseline_with(oracle_report, figure_f1=1.015, actor_recall=1.02)
    assert compare(oracle_report, slightly_better_baseline, {"tolerance": {"rate": 0.02}}) == []
    strict = {"tolerance": {"rate": 0.02, "figure_f1": 0.01}}
    assert compare(oracle_report, slightly_better_baseline, strict) == [
        f"{s}: figure_f1 fell from 1.015 to 1 (baseline tolerance 0.01)" for s in ("dev", "test", "all")]


def test_compare_absolute_floors_and_unmeasured_metrics(oracle_report: EvalReport) -> None:
    assert compare(oracle_report, None, {"min": {"figure_recall": 0.5}}) == []
    assert compare(oracle_report, None, {"min": {"pass_rate": 1.01}}) == [
        "all: pass_rate = 1 is below the minimum 1.01"]
    no_figures = run_eval(CASES[:1], lambda t: oracle_fn(t).model_copy(
        update={"casualties": [], "displacement": []}))
    assert compare(no_figures, None, {"min": {"group_accuracy": 0.5}}) == [
        "all: group_accuracy was not measured (minimum 0.5)"]
    # A partial run (--limit, one split) may have no case that measures a metric; what it
    # measures is still held to the floors.
    assert compare(no_figures, None, {"min": {"group_accuracy": 0.5}}, partial=True) == []
    assert compare(no_figures, None, {"min": {"pass_rate": 1.0}}, partial=True) == [
        "all: pass_rate = 0 is below the minimum 1"]  # its one case misses its figures


def test_compare_refuses_a_baseline_over_other_cases(oracle_report: EvalReport) -> None:
    other = run_eval(CASES[:2], oracle_fn)
    assert compare(other, to_json_dict(oracle_report), {}) == [
        "baseline: no split covers the same cases as this run, so nothing was compared "
        "(run the same --split without --limit, or refresh the baseline)"]


def test_thresholds_reject_unknown_names() -> None:
    with pytest.raises(ValueError, match="figure_f2"):
        load_thresholds({"min": {"figure_f2": 0.5}})
    with pytest.raises(ValueError, match="limits"):
        load_thresholds({"limits": {}})


# --- the command -------------------------------------------------------------------------------------


@pytest.fixture
def clean_env(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("SUMMARISER_BACKEND", "SUMMARISER_MODEL", "SUMMARISER_STRATEGY", "SUMMARISER_MODEL_PATH",
                 "OPENAI_API_KEY", "OPENAI_BASE_URL", "SUMMARISER_CACHE_DIR"):
        monkeypatch.delenv(name, raising=False)


def use_brief_fn(monkeypatch: pytest.MonkeyPatch, fn: Callable[[str], Any]) -> list[Config]:
    seen: list[Config] = []

    def factory(config: Config) -> Callable[[str], Any]:
        seen.append(config)
        return fn

    monkeypatch.setattr(command, "_brief_fn_factory", factory)
    return seen


@pytest.mark.usefixtures("clean_env")
def test_command_runs_writes_reports_and_passes(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    configs = use_brief_fn(monkeypatch, oracle_fn)
    result = CliRunner().invoke(command.eval_command, [
        "--cases", str(EVALS), "--report-dir", str(tmp_path), "--split", "dev", "--strategy", "single",
        "--no-cache", "--backend", "fake"])
    assert result.exit_code == 0, result.output
    n_dev = sum(c.split == "dev" for c in CASES)
    assert f"| dev | {n_dev} | {n_dev} |" in result.stdout and "| test |" not in result.stdout
    assert {p.name for p in tmp_path.iterdir()} == set(REPORT_FILES.values())
    (config,) = configs
    assert (config.strategy, config.use_cache, config.backend) == ("single", False, "fake")


@pytest.mark.usefixtures("clean_env")
def test_command_json_limit_and_baseline(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    use_brief_fn(monkeypatch, oracle_fn)
    args = ["--cases", str(EVALS), "--report-dir", str(tmp_path), "--limit", "3", "--json"]
    first = CliRunner().invoke(command.eval_command, args)
    assert first.exit_code == 0, first.output
    assert len(json.loads(first.stdout)["cases"]) == 3
    again = CliRunner().invoke(command.eval_command, [*args, "--baseline", str(tmp_path / "eval.json")])
    assert again.exit_code == 0, again.output
    # Against a baseline that scored better, the same run is a regression.
    better = json.loads((tmp_path / "eval.json").read_text())
    for split in better["splits"].values():
        split["metrics"]["figure_f1"] = 1.05
    (tmp_path / "better.json").write_text(json.dumps(better))
    worse = CliRunner().invoke(command.eval_command, [*args, "--baseline", str(tmp_path / "better.json")])
    assert worse.exit_code == 1, worse.output
    assert "REGRESSION: all: figure_f1 fell from 1.05 to 1 (baseline tolerance 0.02)" in worse.output


@pytest.mark.usefixtures("clean_env")
def test_command_exits_1_on_threshold_failure(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    use_brief_fn(monkeypatch, with_invented_number)
    result = CliRunner().invoke(command.eval_command, ["--cases", str(EVALS), "--report-dir", str(tmp_path)])
    assert result.exit_code == 1
    assert f"REGRESSION: all: invented_numbers = {len(CASES)} is above the maximum 0" in result.output
    assert "| all |" in result.stdout  # the report is still printed and written
    assert (tmp_path / "eval.junit.xml").is_file()


@pytest.mark.usefixtures("clean_env")
def test_command_errors_are_click_errors(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    missing = CliRunner().invoke(command.eval_command, ["--cases", str(tmp_path / "nope")])
    assert missing.exit_code == 1 and "No eval cases in" in missing.output

    def broken(text: str) -> Brief:
        raise ConfigError("Name the remote model with --model.")

    use_brief_fn(monkeypatch, broken)
    failed = CliRunner().invoke(command.eval_command, ["--cases", str(EVALS), "--report-dir", str(tmp_path)])
    assert failed.exit_code == 1 and "Error: Name the remote model with --model." in failed.output
    bad = tmp_path / "bad.toml"
    bad.write_text("[min]\nfigure_f2 = 1\n")
    typo = CliRunner().invoke(command.eval_command, ["--cases", str(EVALS), "--thresholds", str(bad)])
    assert typo.exit_code == 1 and "figure_f2" in typo.output
