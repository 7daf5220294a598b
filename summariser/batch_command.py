"""`summariser batch INPUT --out DIR`: the nightly runner's command line.

Exit codes: 0 every input is briefed; 1 some inputs are in errors.jsonl (or the run stopped on
a systemic failure); 2 usage error (bad INPUT, bad option, bad settings, folder in use).

Tests (and other embedders) replace the model by passing a :class:`BatchHooks` as the click
context object: ``CliRunner().invoke(batch_command, args, obj=BatchHooks(brief_fn=fake))``.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, NoReturn

import click

from summariser.batch import (
    BatchLocked,
    BatchResult,
    BriefFn,
    IsCached,
    TerminalProgress,
    effective_concurrency,
    run_batch,
)
from summariser.config import Config
from summariser.errors import ConfigError, InputError

if TYPE_CHECKING:
    from summariser.schemas.brief import Brief


@dataclass
class BatchHooks:
    """Replacements for the real model calls; None means "use the real one"."""

    brief_fn: BriefFn | None = None
    is_cached: IsCached | None = None


def _real_brief_fn(config: Config) -> BriefFn:
    # Imported here so `--help` and dry runs never import the model stack.
    try:
        from summariser.core import summarise
    except ImportError as exc:
        raise click.ClickException(f"cannot load the summariser ({exc})") from exc

    def brief_fn(text: str) -> Brief:
        return summarise(text, config)

    return brief_fn


def _real_is_cached(config: Config) -> IsCached | None:
    if not config.use_cache:
        return lambda text: False  # with --no-cache every article goes to the model
    try:
        from summariser.core import is_cached
    except ImportError:  # older core without is_cached: report "cached: unknown"
        return None
    return lambda text: is_cached(text, config)


def _summary(result: BatchResult) -> str:
    c = result.counts
    if result.status == "dry_run":
        cached = f"{c.cached} of them cached" if result.cached_known else "cached: unknown"
        lines = [
            f"Dry run: {c.inputs} inputs; {c.briefed} would be briefed ({cached}; "
            f"{c.retried} are retries of earlier failures), {c.skipped_done} already done, "
            f"{c.input_problems} unreadable.",
        ]
        if c.deferred:
            lines.append(f"{c.deferred} more are left for later runs by --limit.")
        return "\n".join(lines)
    lines = [
        f"{c.briefed} briefed ({c.cached} from cache), {c.errors} errors, "
        f"{c.skipped_done} skipped (already done) in {result.wall_time_s:.1f} s."
    ]
    if c.retried:
        lines.append(f"Retried {c.retried} earlier failures, {c.recovered} now briefed.")
    tokens = c.prompt_tokens + c.completion_tokens
    cost = ("" if result.cost_estimate_usd is None
            else f", estimated cost ${result.cost_estimate_usd:.4f}")
    lines.append(f"Tokens: {tokens}{cost}.")
    if result.status != "complete" and result.status_detail:
        lines.append(f"Stopped early: {result.status_detail}")
    by_class = ", ".join(f"{k} {v}" for k, v in sorted(result.final_errors_by_class.items()))
    lines.append(f"Output now: {result.final_briefs} briefs, {result.final_errors} errors"
                 + (f" ({by_class})" if by_class else "") + ".")
    return "\n".join(lines)


@click.command("batch")
@click.argument("input_path", metavar="INPUT", type=click.Path(path_type=Path))
@click.option("--out", "out_dir", required=True, type=click.Path(path_type=Path),
              help="Output folder: briefs.jsonl, errors.jsonl, report.md, report.json.")
@click.option("--concurrency", type=click.IntRange(min=1), default=1, show_default=True,
              help="Articles in flight at once (remote backend; the local model runs one).")
@click.option("--workers", type=click.IntRange(min=1), default=None,
              help="Processes sharing the --concurrency (remote backend). Default: one per 8 "
                   "requests in flight, up to the number of cores.")
@click.option("--limit", type=click.IntRange(min=1), default=None,
              help="Brief at most N articles this run (already-done ones don't count).")
@click.option("--dry-run", is_flag=True, help="Count what would run, what is done and cached.")
@click.option("--model", default=None, help="Model name (env SUMMARISER_MODEL).")
@click.option("--backend", type=click.Choice(["llama", "openai", "fake"]), default=None,
              help="Backend (env SUMMARISER_BACKEND).")
@click.option("--base-url", default=None, help="OpenAI-compatible endpoint (env OPENAI_BASE_URL).")
@click.option("--no-cache", is_flag=True, help="Neither read nor write the brief cache.")
@click.option("--strategy", type=click.Choice(["focused", "single"]), default=None,
              help="Extraction strategy (env SUMMARISER_STRATEGY).")
@click.pass_context
def batch_command(ctx: click.Context, input_path: Path, out_dir: Path, concurrency: int,
                  workers: int | None, limit: int | None, dry_run: bool, model: str | None,
                  backend: str | None, base_url: str | None, no_cache: bool, strategy: str | None) -> None:
    """Brief every article in INPUT (a folder of .txt/.md/.html files or a JSONL feed) into
    --out. Re-running the same command resumes: done articles are skipped, failed ones retried."""
    from summariser.inputs import open_source

    if out_dir.exists() and not out_dir.is_dir():
        raise click.UsageError(f"--out {out_dir} exists and is not a folder.")
    try:
        source = open_source(input_path, exclude=out_dir)
    except InputError as exc:
        raise click.UsageError(str(exc)) from exc
    try:
        config = Config.from_env(model=model, backend=backend, base_url=base_url,
                                 use_cache=False if no_cache else None, strategy=strategy)
    except ConfigError as exc:
        raise click.UsageError(str(exc)) from exc

    hooks = ctx.find_object(BatchHooks) or BatchHooks()
    used = effective_concurrency(concurrency, config)
    if used != concurrency:
        click.echo(f"Note: the {config.backend} backend runs one article at a time; "
                   f"--concurrency {concurrency} ignored.", err=True)

    brief_fn: BriefFn
    if hooks.brief_fn is not None:
        brief_fn = hooks.brief_fn
    elif dry_run:
        brief_fn = _never_called
    else:
        brief_fn = _real_brief_fn(config)
    is_cached = hooks.is_cached if hooks.is_cached is not None else (
        _real_is_cached(config) if dry_run else None)

    try:
        result = run_batch(source, out_dir, brief_fn, concurrency=used, workers=workers, limit=limit,
                           dry_run=dry_run, is_cached=is_cached, config=config,
                           progress=None if dry_run else TerminalProgress(sys.stderr))
    except BatchLocked as exc:
        raise click.UsageError(str(exc)) from exc
    click.echo(_summary(result))
    if result.exit_code:
        ctx.exit(result.exit_code)


def _never_called(text: str) -> NoReturn:  # pragma: no cover - a dry run never briefs
    raise AssertionError("a dry run does not brief")
