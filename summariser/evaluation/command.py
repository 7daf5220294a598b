"""`summariser eval`: run the gold cases through summarise(), write reports, gate on regressions.

Registered into the main CLI group with `main.add_command(eval_command)`.
Tests replace `_brief_fn_factory` to run the command without a model.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import click

from summariser.config import Config
from summariser.errors import ConfigError, ModelFileError, SummariserError
from summariser.evaluation.compare import compare, load_report, load_thresholds
from summariser.evaluation.gold import load_cases
from summariser.evaluation.reports import to_json, to_markdown, write_reports
from summariser.evaluation.runner import BriefFn, CaseResult, run_eval


def _summarise_with(config: Config) -> BriefFn:
    # Imported at call time: loading the command (and its tests) must not depend on the
    # pipeline, which only a real run needs.
    from summariser import summarise

    def brief_fn(text: str) -> object:
        return summarise(text, config)

    return brief_fn


# config -> brief function; module-level so tests can swap in a fake without a model.
_brief_fn_factory: Callable[[Config], BriefFn] = _summarise_with

# Errors that would fail every case identically: stop at the first instead of recording N.
_FATAL = (ConfigError, ModelFileError)


def _default_thresholds(cases_dir: Path, split: str) -> Path | None:
    """The split's own floors (thresholds-test.toml for a --split test run) where the cases
    folder has them, else its thresholds.toml, else none."""
    for name in (f"thresholds-{split}.toml", "thresholds.toml"):
        if (cases_dir / name).is_file():
            return cases_dir / name
    return None


def _cpu_label(config: Config) -> str | None:
    """"<cpu path>-<kernels>" of the embedded model's runs ("repack-avx2"); None for other backends."""
    if config.backend != "llama":
        return None
    from summariser.evaluation.machine_baseline import this_machine

    return this_machine(config.cpu_path)


def _machine_baseline(cpu_label: str | None, cases_dir: Path) -> dict[str, Any] | None:
    """The report measured on this machine's CPU path and kernels, or None (said on stderr)."""
    from summariser.evaluation.machine_baseline import pick

    if cpu_label is None:
        raise click.UsageError("--machine-baseline is for the embedded model (--backend llama): "
                               "CPU kernels do not change a remote model's answers.")
    chosen = pick(cases_dir, cpu_label)
    click.echo(chosen.note, err=True)
    return load_report(chosen.path) if chosen.path is not None else None


def _progress(result: CaseResult) -> None:
    verdict = "pass" if result.passed else "FAIL"
    click.echo(f"  {result.case.id:<32} {verdict:<4} {result.latency_s:6.1f}s", err=True)


@click.command("eval")
@click.option("--model", help="Model name (local GGUF name or remote model id).")
@click.option("--backend", type=click.Choice(["llama", "openai", "fake"]), help="LLM backend.")
@click.option("--base-url", help="OpenAI-compatible endpoint URL.")
@click.option("--strategy", type=click.Choice(["focused", "single"]), help="Extraction strategy.")
@click.option("--split", type=click.Choice(["dev", "test", "all"]), default="all", show_default=True,
              help="Which gold cases to run.")
@click.option("--cases", "cases_dir", type=click.Path(file_okay=False, path_type=Path),
              default=Path("evals"), show_default=True,
              help="Eval data folder (holds manifest.json and cases/).")
@click.option("--report-dir", type=click.Path(file_okay=False, path_type=Path),
              default=Path("reports/eval"), show_default=True, help="Where the reports are written.")
@click.option("--baseline", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="A previous eval.json to compare against.")
@click.option("--machine-baseline", is_flag=True,
              help="Compare against CASES/baseline-<cpu path>-<kernels>.json, the baseline measured "
                   "on this machine's llama.cpp CPU path and kernel family (embedded model only).")
@click.option("--thresholds", "thresholds_path", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="Thresholds file  [default: CASES/thresholds-SPLIT.toml when present, else "
                   "CASES/thresholds.toml]")
@click.option("--json", "as_json", is_flag=True, help="Print the JSON report instead of Markdown.")
@click.option("--no-cache", is_flag=True, help="Ignore cached briefs (measure real latency and cost).")
@click.option("--limit", type=click.IntRange(min=1), help="Run only the first N cases (by id).")
def eval_command(model: str | None, backend: str | None, base_url: str | None, strategy: str | None,
                 split: str, cases_dir: Path, report_dir: Path, baseline: Path | None,
                 machine_baseline: bool, thresholds_path: Path | None, as_json: bool, no_cache: bool,
                 limit: int | None) -> None:
    """Measure the summariser on the gold eval cases; exit 1 on a regression."""
    if not (cases_dir / "manifest.json").is_file():
        raise click.ClickException(
            f"No eval cases in {cases_dir} (expected {cases_dir / 'manifest.json'}). "
            "Run from the repository root or pass --cases DIR."
        )
    if baseline is not None and machine_baseline:
        raise click.UsageError("--baseline and --machine-baseline name two baselines; pass one.")
    if thresholds_path is None:
        thresholds_path = _default_thresholds(cases_dir, split)
    # Everything a typo can break is read before the (slow) run, not after it.
    try:
        cases = load_cases(cases_dir, split=split, limit=limit)
        thresholds = load_thresholds(thresholds_path)
        baseline_report = load_report(baseline) if baseline is not None else None
    except ValueError as exc:  # GoldError, bad TOML/JSON, unknown metric names
        raise click.ClickException(str(exc)) from exc
    try:
        config = Config.from_env(model=model, backend=backend, base_url=base_url, strategy=strategy,
                                 use_cache=False if no_cache else None)
        cpu_label = _cpu_label(config)
        if machine_baseline:
            baseline_report = _machine_baseline(cpu_label, cases_dir)
        click.echo(f"Running {len(cases)} case(s) with {config.backend}:{config.model} "
                   f"({config.strategy})", err=True)
        report = run_eval(cases, _brief_fn_factory(config), estimate_cost=config.estimate_cost,
                          fatal=_FATAL, on_result=_progress)
    except SummariserError as exc:
        raise click.ClickException(str(exc)) from exc
    if cpu_label is not None:
        report.run["cpu"] = cpu_label  # which baseline file such a run can become
    paths = write_reports(report, report_dir)
    click.echo(to_json(report) if as_json else to_markdown(report), nl=False)
    click.echo(f"Reports: {', '.join(str(p) for p in paths.values())}", err=True)
    if thresholds_path is None:
        click.echo("No thresholds file: only the baseline (if any) gates this run.", err=True)
    regressions = compare(report, baseline_report, thresholds,
                          partial=limit is not None or split != "all")
    for problem in regressions:
        click.echo(f"REGRESSION: {problem}", err=True)
    if regressions:
        click.get_current_context().exit(1)
