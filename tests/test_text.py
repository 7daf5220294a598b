"""Tests for summariser.text: decoding, sentences, lines and normalisation."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from summariser.errors import InputError
from summariser.text import (
    decode_article,
    line_spans,
    normalise_for_match,
    split_sentences,
    validate_article,
)

# --- decoding and validation -----------------------------------------------------------------


def test_decode_utf8_and_bom() -> None:
    assert decode_article("Idlib – 24 killed".encode()) == "Idlib – 24 killed"
    assert decode_article(b"\xef\xbb\xbfHello") == "Hello"
    assert decode_article(b"") == ""


@pytest.mark.parametrize(("data", "fragment"), [
    (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "binary"),
    ("caf\u00e9".encode("latin-1"), "not UTF-8 text"),
    ("hello".encode("utf-16"), "UTF-16"),
    (bytes(range(1, 32)) * 4, "binary"),
])
def test_decode_rejects(data: bytes, fragment: str) -> None:
    with pytest.raises(InputError, match=fragment):
        decode_article(data)


def test_decode_error_says_what_to_do() -> None:
    with pytest.raises(InputError, match="convert it first"):
        decode_article(b"abc \xff\xfe def")


def test_validate_article() -> None:
    text = "  At least 24 people were killed.\n"
    assert validate_article(text) is text
    for bad in ("", "   \n\t "):
        with pytest.raises(InputError, match="empty"):
            validate_article(bad)
    with pytest.raises(InputError, match="binary"):
        validate_article("abc\x00def")


# --- sentences -------------------------------------------------------------------------------

SENTENCE_CASES = [
    ("At least 24 people died. Dozens were hurt.", ["At least 24 people died.", "Dozens were hurt."]),
    ("Mr. Smith and Dr. Jones met in St. Petersburg. They talked.",
     ["Mr. Smith and Dr. Jones met in St. Petersburg.", "They talked."]),
    ("U.S. forces left. Russia stayed.", ["U.S. forces left.", "Russia stayed."]),
    ("The U.S. Army said 1.5 million fled. It was 2.5 km away.",
     ["The U.S. Army said 1.5 million fled.", "It was 2.5 km away."]),
    ("\u201cWe will stay,\u201d he said. \u201cNever!\u201d She left?  Yes.",
     ["\u201cWe will stay,\u201d he said.", "\u201cNever!\u201d", "She left?", "Yes."]),
    ('"Leave now." he said.', ['"Leave now." he said.']),
    ("Headline without stop\nBody line one. Body two.",
     ["Headline without stop", "Body line one.", "Body two."]),
    ("John F. Kennedy spoke.", ["John F. Kennedy spoke."]),
    ("Wait... Then it came.", ["Wait...", "Then it came."]),
    ("", []),
    ("  \n \n ", []),
]


@pytest.mark.parametrize(("text", "expected"), SENTENCE_CASES)
def test_split_sentences(text: str, expected: list[str]) -> None:
    sentences = split_sentences(text)
    assert [s.text for s in sentences] == expected
    for s in sentences:
        assert text[s.start:s.end] == s.text


def test_split_sentences_window_offsets_index_original() -> None:
    text = "Title\n\nFirst one. Second one.\nThird."
    start = text.index("First")
    end = text.index("\nThird")
    sentences = split_sentences(text, start, end)
    assert [(s.text, text[s.start:s.end]) for s in sentences] == [
        ("First one.", "First one."), ("Second one.", "Second one.")]
    assert split_sentences(text, 50, 10) == []
    assert split_sentences(text, -5, 10_000)[-1].text == "Third."


def test_line_spans_are_the_stripped_non_blank_lines() -> None:
    text = "  Title  \r\n\r\n \u2028 Body one.\x0cBody two. \n"
    assert [text[s:e] for s, e in line_spans(text)] == ["Title", "Body one.", "Body two."]
    assert line_spans(" \n\t\n") == []


# --- normalisation ---------------------------------------------------------------------------


def test_normalise_for_match_folds_typography() -> None:
    text = "more than 14,000 people \u2013- nearly\u00a0half \u201care\u201d children\u2019s"
    norm, index = normalise_for_match(text)
    assert norm == 'more than 14,000 people - nearly half "are" children\'s'
    assert len(index) == len(norm) + 1
    assert index[-1] == len(text)
    dash = norm.index("-")
    assert text[index[dash]] == "\u2013"


def test_normalise_composes_and_drops_invisible() -> None:
    text = "Cafe\u0301 \ufb01ghters\u200b here   now"
    norm, index = normalise_for_match(text)
    assert norm == "Caf\u00e9 fighters here now"
    assert index[norm.index("\u00e9")] == text.index("e\u0301")


# --- properties ------------------------------------------------------------------------------

_FAST = settings(max_examples=200, deadline=None)


@_FAST
@given(st.text())
def test_split_sentences_spans_valid(text: str) -> None:
    last = 0
    for s in split_sentences(text):
        assert 0 <= s.start < s.end <= len(text)
        assert text[s.start:s.end] == s.text == s.text.strip()
        assert s.start >= last
        last = s.end


@_FAST
@given(st.text())
def test_normalise_map_is_monotonic(text: str) -> None:
    norm, index = normalise_for_match(text)
    assert len(index) == len(norm) + 1
    assert index == sorted(index)
    assert all(0 <= i <= len(text) for i in index)
    assert "  " not in norm and "--" not in norm


@_FAST
@given(st.binary(max_size=200))
def test_decode_article_only_raises_input_error(data: bytes) -> None:
    try:
        decode_article(data)
    except InputError:
        pass
