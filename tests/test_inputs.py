"""Batch input reading: folders and JSONL feeds become one record per entry, nothing skipped."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from summariser.errors import InputError
from summariser.inputs import (
    Article,
    FolderSource,
    InputProblem,
    JsonlSource,
    open_source,
    published_day,
    sanitise_id,
)

ARTICLE = "Shelling killed 5 civilians in Kharkiv on Monday, officials said."


def write_jsonl(path: Path, rows: list[object]) -> Path:
    """Rows are dicts (dumped) or raw str/bytes lines written as given."""
    out = bytearray()
    for row in rows:
        if isinstance(row, bytes):
            out += row + b"\n"
        elif isinstance(row, str):
            out += row.encode() + b"\n"
        else:
            out += json.dumps(row).encode() + b"\n"
    path.write_bytes(bytes(out))
    return path


def by_id(records: list[Article | InputProblem]) -> dict[str, Article | InputProblem]:
    return {r.id: r for r in records}


# ----------------------------------------------------------------------------------------------
# folder


def test_folder_reads_txt_md_html_sorted_with_path_ids(tmp_path: Path) -> None:
    (tmp_path / "b.txt").write_text(ARTICLE)
    (tmp_path / "a.md").write_text("# Title\n\n" + ARTICLE)
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "c.html").write_text(
        "<html><body><nav><a href='/'>Home</a> <a href='/world'>World</a></nav><h1>Strike</h1><p>"
        + ARTICLE + "</p><footer>Copyright 2024 Example News</footer></body></html>")
    (tmp_path / "sub" / "d.HTM").write_text("<html><body><p>" + ARTICLE + "</p></body></html>")

    records = list(open_source(tmp_path))

    assert [r.id for r in records] == ["a", "b", "sub/c", "sub/d"]
    assert all(isinstance(r, Article) for r in records)
    html = by_id(records)["sub/c"]
    assert isinstance(html, Article)
    assert html.text == "Strike\n\n" + ARTICLE  # the title first; menu and footer left out
    assert html.source == "sub/c.html"
    plain = by_id(records)["sub/d"]
    assert isinstance(plain, Article) and plain.text == ARTICLE


def test_html_files_are_each_one_article_or_one_clear_problem(tmp_path: Path) -> None:
    # A fragment trafilatura finds no article in is kept as its plain text; a page with no
    # visible text at all is an empty article, said so.
    (tmp_path / "fragment.html").write_text("<p>" + ARTICLE)
    (tmp_path / "scripts-only.html").write_text("<html><body><script>render()</script></body></html>")
    (tmp_path / "empty.htm").write_text("")

    records = by_id(list(open_source(tmp_path)))

    assert set(records) == {"fragment", "scripts-only", "empty"}
    fragment = records["fragment"]
    assert isinstance(fragment, Article) and fragment.text == ARTICLE
    for id_ in ("scripts-only", "empty"):
        problem = records[id_]
        assert isinstance(problem, InputProblem), id_
        assert problem.error_class == "InputError" and "empty text" in problem.message


def test_folder_ignores_other_files_and_hidden_entries_but_counts_them(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text(ARTICLE)
    (tmp_path / "photo.jpg").write_bytes(b"\xff\xd8\xff")
    (tmp_path / ".DS_Store").write_bytes(b"\x00\x01")
    (tmp_path / ".git").mkdir()
    (tmp_path / ".git" / "notes.txt").write_text(ARTICLE)

    source = open_source(tmp_path)
    records = list(source)

    assert [r.id for r in records] == ["a"]
    assert source.ignored.count == 3
    assert source.count() == 1


def test_folder_excludes_the_output_folder(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text(ARTICLE)
    out = tmp_path / "out"
    out.mkdir()
    (out / "report.md").write_text("# Batch run report\n")

    records = list(open_source(tmp_path, exclude=out))

    assert [r.id for r in records] == ["a"]


def test_folder_problems_binary_invalid_utf8_empty_and_duplicate(tmp_path: Path) -> None:
    (tmp_path / "bin.txt").write_bytes(b"\x00\x01\x02\x03binary\x00\x00" * 20)
    (tmp_path / "latin1.txt").write_bytes("Déjà vu in Zaporizhzhia".encode("latin-1"))
    (tmp_path / "empty.md").write_text("   \n\n")
    (tmp_path / "dup.md").write_text(ARTICLE)
    (tmp_path / "dup.txt").write_text(ARTICLE)  # same id "dup"; sorts after dup.md

    records = by_id(list(open_source(tmp_path)))

    for id_ in ("bin", "latin1", "empty"):
        problem = records[id_]
        assert isinstance(problem, InputProblem), id_
        assert problem.error_class == "InputError"
    assert isinstance(records["dup"], Article)
    dup = records["dup@dup.txt"]
    assert isinstance(dup, InputProblem)
    assert dup.duplicate_of == "dup"
    assert "duplicate id" in dup.message
    assert len(records) == 5  # one record per file, nothing skipped


@pytest.mark.parametrize(
    ("relative", "expected"),
    [
        ("2024/03/strike on Kharkiv", "2024/03/strike_on_Kharkiv"),
        ("../../etc/passwd", "etc/passwd"),
        (".hidden", "hidden"),
        ("a//b", "a/b"),
        ("", "article"),
        ("Харків — удар", "Харків_удар"),
    ],
)
def test_sanitise_id(relative: str, expected: str) -> None:
    assert sanitise_id(relative) == expected


# ----------------------------------------------------------------------------------------------
# JSONL


def test_jsonl_good_lines_carry_metadata(tmp_path: Path) -> None:
    feed = write_jsonl(tmp_path / "feed.jsonl", [
        {"id": "a1", "text": ARTICLE, "url": "https://example.org/a1", "title": "Strike",
         "published": "2024-03-04T08:00:00Z"},
        {"id": 42, "text": ARTICLE},
    ])

    records = list(open_source(feed))

    assert records[0] == Article("a1", ARTICLE, url="https://example.org/a1", title="Strike",
                                 published="2024-03-04T08:00:00Z", source="feed.jsonl:1")
    assert records[1].id == "42"


def test_jsonl_bad_lines_each_become_one_problem(tmp_path: Path) -> None:
    feed = write_jsonl(tmp_path / "feed.jsonl", [
        {"id": "ok", "text": ARTICLE},                 # 1
        "{not json",                                   # 2
        {"id": "no-text", "title": "x"},               # 3
        {"id": "num-text", "text": 12},                # 4
        {"id": "empty", "text": "  \n "},              # 5
        {"id": "ok", "text": ARTICLE + " Again."},     # 6 duplicate
        {"text": ARTICLE},                             # 7 no id -> line-7
        "",                                            # 8 blank: not an entry
        "[1, 2]",                                      # 9 not an object
        b'{"id": "bad-bytes", "text": "\xff\xfe"}',    # 10 invalid UTF-8
        {"id": ["x"], "text": ARTICLE},                # 11 unusable id
        {"id": "nul", "text": "\x00\x01\x02" * 50},    # 12 binary junk in text
    ])

    source = open_source(feed)
    records = list(source)
    got = by_id(records)

    assert len(records) == 11 and len(got) == 11  # one per non-blank line, ids unique
    assert source.ignored.count == 1
    assert isinstance(got["ok"], Article) and got["ok"].text == ARTICLE
    assert isinstance(got["line-7"], Article)
    problems = {r.id: r for r in records if isinstance(r, InputProblem)}
    assert set(problems) == {"line-2", "no-text", "num-text", "empty", "ok@line-6", "line-9",
                             "line-10", "line-11", "nul"}
    assert "not valid JSON" in problems["line-2"].message
    assert "no 'text'" in problems["no-text"].message
    assert "must be a string" in problems["num-text"].message
    assert "empty" in problems["empty"].message
    assert problems["ok@line-6"].duplicate_of == "ok"
    assert "duplicate id" in problems["ok@line-6"].message
    assert "UTF-8" in problems["line-10"].message
    assert all(p.error_class == "InputError" for p in problems.values())


def test_jsonl_problem_line_still_claims_its_id(tmp_path: Path) -> None:
    # An id whose first line failed must not come back as a brief from a later line: the id
    # would then be both a failure and a success.
    feed = write_jsonl(tmp_path / "feed.jsonl", [{"id": "a"}, {"id": "a", "text": ARTICLE}])

    records = list(open_source(feed))

    assert [type(r).__name__ for r in records] == ["InputProblem", "InputProblem"]
    assert [r.id for r in records] == ["a", "a@line-2"]


def test_jsonl_explicit_id_that_looks_like_a_line_ref(tmp_path: Path) -> None:
    feed = write_jsonl(tmp_path / "feed.jsonl", [{"id": "line-2", "text": ARTICLE},
                                                 {"text": ARTICLE}])

    ids = [r.id for r in open_source(feed)]

    assert len(set(ids)) == 2


@settings(max_examples=60, deadline=None)
@given(st.lists(st.one_of(st.none(), st.sampled_from(["a", "b", "line-1", "line-3", "a@line-2"]),
                          st.integers(0, 3)), max_size=12))
def test_jsonl_ids_are_unique_and_stable(tmp_path_factory: pytest.TempPathFactory,
                                         ids: list[object]) -> None:
    path = tmp_path_factory.mktemp("feed") / "feed.jsonl"
    write_jsonl(path, [{"text": ARTICLE} if i is None else {"id": i, "text": ARTICLE} for i in ids])

    first = [r.id for r in JsonlSource(path)]
    second = [r.id for r in JsonlSource(path)]

    assert len(first) == len(ids) == len(set(first))
    assert first == second  # resume depends on the same input giving the same ids


def test_jsonl_count_counts_lines(tmp_path: Path) -> None:
    feed = tmp_path / "feed.jsonl"
    feed.write_bytes(b'{"text": "a"}\n{"text": "b"}')  # no final newline
    assert JsonlSource(feed).count() == 2


# ----------------------------------------------------------------------------------------------
# source selection and dates


def test_open_source_rejects_missing_path_and_non_feed_file(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="does not exist"):
        open_source(tmp_path / "nope")
    single = tmp_path / "article.txt"
    single.write_text(ARTICLE)
    with pytest.raises(InputError, match="not a JSONL feed"):
        open_source(single)
    assert isinstance(open_source(tmp_path), FolderSource)


@pytest.mark.parametrize(
    ("value", "day"),
    [
        ("2024-03-04", "2024-03-04"),
        ("2024-03-04T23:30:00+02:00", "2024-03-04"),
        ("Mon, 04 Mar 2024 08:00:00 GMT", "2024-03-04"),
        ("yesterday", None),
        ("", None),
        (None, None),
    ],
)
def test_published_day(value: str | None, day: str | None) -> None:
    assert published_day(value) == day


def test_input_folder_cannot_be_the_output_folder(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="output folder"):
        open_source(tmp_path, exclude=tmp_path)


def test_a_failing_text_helper_is_that_files_problem(tmp_path: Path,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    import summariser.html

    def boom(html: str) -> str:
        raise RuntimeError("parser bug")

    monkeypatch.setattr(summariser.html, "html_to_text", boom)
    (tmp_path / "a.html").write_text("<html><body><p>" + ARTICLE + "</p></body></html>")
    (tmp_path / "b.txt").write_text(ARTICLE)

    records = by_id(list(open_source(tmp_path)))

    assert isinstance(records["a"], InputProblem) and records["a"].error_class == "RuntimeError"
    assert isinstance(records["b"], Article)
