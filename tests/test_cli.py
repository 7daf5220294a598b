"""The `summariser` command through click's CliRunner, with an injected fake model."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from helpers import ARTICLE, KILLED_SENTENCE, RecordingFake, responder_for
from summariser.schemas.brief import Brief

from summariser import core
from summariser.cli import main
from summariser.html import html_to_text

HTML = f"""<!doctype html>
<html><head><title>Shelling hits Kharkiv</title><script>var tracking = 1;</script></head>
<body><nav><a href="/">Home</a> <a href="/world">World</a></nav>
<article>{"".join(f"<p>{line}</p>" for line in ARTICLE.split(chr(10))[:6] if line)}</article>
<footer>Copyright 2024 Example News</footer></body></html>
"""


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


def _inject(monkeypatch: pytest.MonkeyPatch, article: str = ARTICLE) -> RecordingFake:
    fake = RecordingFake(responder=responder_for(article))
    monkeypatch.setattr(core, "_backend_for", lambda config: fake)
    return fake


def _invoke(runner: CliRunner, *args: str, input: str | bytes | None = None) -> Result:
    return runner.invoke(main, list(args), input=input, catch_exceptions=False)


def _one_sentence_error(result: Result) -> str:
    text = result.output.strip()
    assert "Traceback" not in text
    assert len(text.splitlines()) == 1, text
    assert text.startswith("Error: ")
    return text


@pytest.fixture
def article_file(tmp_path: Path) -> Path:
    path = tmp_path / "article.txt"
    path.write_text(ARTICLE, encoding="utf-8")
    return path


def test_brief_prints_the_readable_brief(runner: CliRunner, article_file: Path,
                                         monkeypatch: pytest.MonkeyPatch) -> None:
    fake = _inject(monkeypatch)
    result = _invoke(runner, "brief", str(article_file))
    assert result.exit_code == 0, result.output
    out = result.output
    assert out.startswith("Shelling hits Kharkiv as thousands flee")  # the article's title
    assert "at least 12 killed" in out
    assert f'"{KILLED_SENTENCE}"' in out
    assert "2,000" in out and "UNHCR" in out
    assert fake.history, "the fake model was not used"


def test_brief_json_is_a_valid_brief(runner: CliRunner, article_file: Path,
                                     monkeypatch: pytest.MonkeyPatch) -> None:
    _inject(monkeypatch)
    result = _invoke(runner, "brief", str(article_file), "--json")
    assert result.exit_code == 0, result.output
    brief = Brief.model_validate_json(result.output)
    assert {c.count for c in brief.casualties} == {12, 30}
    for fig in brief.casualties:
        assert fig.span is not None and ARTICLE[fig.span[0]:fig.span[1]] == fig.evidence
    assert json.loads(result.output)["meta"]["backend"] == "fake"


def test_stdin_dash(runner: CliRunner, monkeypatch: pytest.MonkeyPatch) -> None:
    _inject(monkeypatch)
    result = _invoke(runner, "brief", "-", "--json", input=ARTICLE.encode())
    assert result.exit_code == 0, result.output
    assert {c.count for c in Brief.model_validate_json(result.output).casualties} == {12, 30}


def test_html_file_is_reduced_to_text(runner: CliRunner, tmp_path: Path,
                                      monkeypatch: pytest.MonkeyPatch) -> None:
    text = html_to_text(HTML)
    fake = _inject(monkeypatch, text)
    page = tmp_path / "page.html"
    page.write_text(HTML, encoding="utf-8")
    result = _invoke(runner, "brief", str(page), "--json")
    assert result.exit_code == 0, result.output
    brief = Brief.model_validate_json(result.output)
    assert KILLED_SENTENCE in [c.evidence for c in brief.casualties]
    for fig in brief.casualties:
        assert fig.span is not None and text[fig.span[0]:fig.span[1]] == fig.evidence
    sent = "\n".join(m["content"] for r in fake.history for m in r.messages)
    assert KILLED_SENTENCE in sent
    assert "<p>" not in sent and "tracking" not in sent and "<nav>" not in sent
    # The page's <title> first, then its paragraphs; its menu and footer are not the article.
    assert text.startswith("Shelling hits Kharkiv\n\nShelling hits Kharkiv as thousands flee\n\n"
                           "KYIV (Reuters) - Russian shelling killed at least 12 civilians")
    for gone in ("Home", "World", "Copyright", "Example News"):
        assert gone not in text


def test_html_brief_headline_is_the_pages_title(runner: CliRunner, tmp_path: Path,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    _inject(monkeypatch, html_to_text(HTML))
    page = tmp_path / "page.html"
    page.write_text(HTML, encoding="utf-8")
    result = _invoke(runner, "brief", str(page))
    assert result.exit_code == 0, result.output
    assert result.output.startswith("Shelling hits Kharkiv as thousands flee")


def test_an_html_page_without_text_exits_2_with_one_sentence(runner: CliRunner, tmp_path: Path,
                                                             monkeypatch: pytest.MonkeyPatch) -> None:
    fake = _inject(monkeypatch)
    page = tmp_path / "blank.html"
    page.write_text("<!doctype html><html><head><title></title><script>x()</script></head>"
                    "<body><nav></nav></body></html>", encoding="utf-8")
    result = _invoke(runner, "brief", str(page))
    assert result.exit_code == 2, result.output
    assert "blank.html" in _one_sentence_error(result) and "empty" in result.output
    assert fake.history == []


def test_missing_file_exits_2_with_one_sentence(runner: CliRunner, tmp_path: Path,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    fake = _inject(monkeypatch)
    result = _invoke(runner, "brief", str(tmp_path / "nope.txt"))
    assert result.exit_code == 2
    assert "nope.txt" in _one_sentence_error(result)
    assert fake.history == []


@pytest.mark.parametrize(("name", "data"), [
    ("empty.txt", b""),
    ("blank.txt", b"  \n\n\t  \n"),
    ("binary.bin", bytes(range(256)) * 8),
    ("latin1.txt", "Caf\u00e9 attack: 12 killed in M\u00e1laga, police said.".encode("latin-1")),
    ("utf16.txt", "Shelling killed 12 civilians.".encode("utf-16")),
])
def test_unusable_files_exit_2(runner: CliRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                               name: str, data: bytes) -> None:
    fake = _inject(monkeypatch)
    path = tmp_path / name
    path.write_bytes(data)
    result = _invoke(runner, "brief", str(path))
    assert result.exit_code == 2, result.output
    _one_sentence_error(result)
    assert fake.history == []


def test_openai_backend_without_model_or_endpoint_exits_2(runner: CliRunner, article_file: Path) -> None:
    result = _invoke(runner, "brief", str(article_file), "--backend", "openai")
    assert result.exit_code == 2
    assert "--model" in _one_sentence_error(result)

    result = _invoke(runner, "brief", str(article_file), "--backend", "openai", "--model", "gpt-4o-mini")
    assert result.exit_code == 2
    assert "OPENAI_API_KEY" in _one_sentence_error(result)


def test_unreachable_endpoint_exits_1(runner: CliRunner, article_file: Path,
                                      monkeypatch: pytest.MonkeyPatch) -> None:
    from summariser.backends import openai_compat

    monkeypatch.setattr(openai_compat, "MAX_BACKOFF_S", 0.01)
    result = _invoke(runner, "brief", str(article_file), "--base-url", "http://127.0.0.1:9/v1",
                     "--model", "x", "--no-cache")
    assert result.exit_code == 1
    assert "127.0.0.1:9" in _one_sentence_error(result)


def test_cache_stats_and_clear(runner: CliRunner, article_file: Path, cache_dir: Path,
                               monkeypatch: pytest.MonkeyPatch) -> None:
    fake = _inject(monkeypatch)
    assert _invoke(runner, "brief", str(article_file)).exit_code == 0
    calls = len(fake.history)
    assert _invoke(runner, "brief", str(article_file)).exit_code == 0
    assert len(fake.history) == calls  # served from the cache

    stats = json.loads(_invoke(runner, "cache", "stats").output)
    assert stats["entries"] == 1
    assert Path(stats["directory"]) == cache_dir

    cleared = _invoke(runner, "cache", "clear")
    assert cleared.exit_code == 0 and "Removed 1" in cleared.output
    assert json.loads(_invoke(runner, "cache", "stats").output)["entries"] == 0

    other = cache_dir.parent / "elsewhere"
    stats = json.loads(_invoke(runner, "cache", "stats", "--cache-dir", str(other)).output)
    assert stats["entries"] == 0 and Path(stats["directory"]) == other


def test_no_cache_flag_asks_the_model_every_time(runner: CliRunner, article_file: Path,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    fake = _inject(monkeypatch)
    _invoke(runner, "brief", str(article_file), "--no-cache")
    calls = len(fake.history)
    _invoke(runner, "brief", str(article_file), "--no-cache")
    assert len(fake.history) == 2 * calls > 0


def test_version(runner: CliRunner) -> None:
    result = _invoke(runner, "--version")
    assert result.exit_code == 0 and "0.1.0" in result.output
