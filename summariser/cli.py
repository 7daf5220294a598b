"""The `summariser` command: a thin click group over the library.

Exit codes: 0 success; 1 the work ran but something failed (a batch with error records, an eval
that regressed, a brief that could not be made); 2 bad usage or input (missing file, empty or
binary text, bad option, missing key). Errors print one sentence, never a traceback.
"""

from __future__ import annotations

import json
import logging
import sys
from pathlib import Path

import click

from summariser.config import Config
from summariser.errors import ConfigError, InputError, SummariserError


class InputProblem(click.ClickException):
    exit_code = 2


def config_options(f):  # type: ignore[no-untyped-def]
    """Options shared by every command that talks to a model."""
    options = [
        click.option("--backend", type=click.Choice(["llama", "openai"]), default=None,
                     help="llama (embedded, default) or openai (any OpenAI-compatible endpoint)."),
        click.option("--model", default=None, help="Model name (SUMMARISER_MODEL)."),
        click.option("--base-url", default=None, help="OpenAI-compatible endpoint (OPENAI_BASE_URL)."),
        click.option("--model-path", type=click.Path(dir_okay=False, path_type=Path), default=None,
                     help="Any GGUF file for the embedded backend (SUMMARISER_MODEL_PATH)."),
        click.option("--strategy", type=click.Choice(["focused", "single"]), default=None,
                     help="focused: many narrow questions (small models); single: one call."),
        click.option("--cache-dir", type=click.Path(file_okay=False, path_type=Path), default=None),
        click.option("--no-cache", is_flag=True, help="Neither read nor write the brief cache."),
    ]
    for option in reversed(options):
        f = option(f)
    return f


def make_config(backend: str | None, model: str | None, base_url: str | None, model_path: Path | None,
                strategy: str | None, cache_dir: Path | None, no_cache: bool) -> Config:
    try:
        return Config.from_env(backend=backend, model=model, base_url=base_url, model_path=model_path,
                               strategy=strategy, cache_dir=cache_dir,
                               use_cache=False if no_cache else None)
    except ConfigError as exc:
        raise InputProblem(str(exc)) from None


def read_article(path: str) -> str:
    """Text from a file or stdin ("-"); HTML is reduced to its article text."""
    from summariser.html import html_to_text, looks_like_html
    from summariser.text import decode_article

    if path == "-":
        data = sys.stdin.buffer.read()
        name = "standard input"
    else:
        p = Path(path)
        if not p.is_file():
            raise InputProblem(f"{path}: no such file.")
        data = p.read_bytes()
        name = path
    try:
        text = decode_article(data)
    except InputError as exc:
        raise InputProblem(f"{name}: {exc}") from None
    if path.lower().endswith((".html", ".htm")) or looks_like_html(text):
        text = html_to_text(text)
    return text


@click.group()
@click.version_option(package_name="summariser")
@click.option("-v", "--verbose", count=True, help="Log each model call (-v) and its answer (-vv) to stderr.")
def main(verbose: int) -> None:
    """Grounded conflict briefs from news articles."""
    if verbose:
        logging.basicConfig(level=logging.DEBUG if verbose > 1 else logging.INFO,
                            format="%(asctime)s %(name)s %(message)s", stream=sys.stderr,
                            force=True)


@main.command("brief")
@click.argument("path")
@config_options
@click.option("--json", "as_json", is_flag=True, help="Print the brief as JSON.")
def brief_command(path: str, as_json: bool, **opts: object) -> None:
    """Brief one article: a text, Markdown or HTML file, or - for stdin."""
    from summariser.core import summarise
    from summariser.render import render_text

    config = make_config(**opts)  # type: ignore[arg-type]
    text = read_article(path)
    try:
        brief = summarise(text, config)
    except InputError as exc:
        raise InputProblem(f"{path}: {exc}") from None
    except ConfigError as exc:
        raise InputProblem(str(exc)) from None
    except SummariserError as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(brief.model_dump_json(indent=2) if as_json else render_text(brief))


@main.group("cache")
def cache_group() -> None:
    """Inspect or clear the brief cache."""


@cache_group.command("stats")
@click.option("--cache-dir", type=click.Path(file_okay=False, path_type=Path), default=None)
def cache_stats(cache_dir: Path | None) -> None:
    from summariser.cache import BriefCache

    config = make_config(None, None, None, None, None, cache_dir, False)
    cache = BriefCache(config.resolved_cache_dir, config.cache_size_limit_bytes)
    click.echo(json.dumps(cache.stats(), indent=2))


@cache_group.command("clear")
@click.option("--cache-dir", type=click.Path(file_okay=False, path_type=Path), default=None)
def cache_clear(cache_dir: Path | None) -> None:
    from summariser.cache import BriefCache

    config = make_config(None, None, None, None, None, cache_dir, False)
    cache = BriefCache(config.resolved_cache_dir, config.cache_size_limit_bytes)
    briefs, answers = cache.clear()
    click.echo(f"Removed {briefs} cached briefs and {answers} model answers "
               f"from {config.resolved_cache_dir}.")


@main.command("model")
@click.argument("name", required=False, default=None)
@click.option("--cpu-path", "show_cpu_path", is_flag=True,
              help="Also say which llama.cpp CPU path and kernels this machine gets, and why.")
def model_command(name: str | None, show_cpu_path: bool) -> None:
    """Assemble and verify the embedded model weights; print the GGUF path."""
    from summariser import weights
    from summariser.config import DEFAULT_LOCAL_MODEL

    try:
        path = weights.ensure_model(name or DEFAULT_LOCAL_MODEL)
        config = Config.from_env()
    except SummariserError as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(str(path))
    if show_cpu_path:
        from summariser.backends import cpu

        choice = cpu.resolve(config.cpu_path)
        click.echo(f"cpu path: {choice.path} ({choice.reason})")
        click.echo(f"cpu kernels: {cpu.loaded_kernels()} "
                   "(the widest SIMD family this llama.cpp was built with)")


def _register() -> None:
    from summariser.batch_command import batch_command
    from summariser.evaluation.command import eval_command

    main.add_command(batch_command)
    main.add_command(eval_command)


_register()

if __name__ == "__main__":  # `python -m summariser.cli ...` must not silently do nothing
    main()
