"""Tests for summariser.text, summariser.html and summariser.page_noise: decoding, HTML, sentences,
page noise and normalisation."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from summariser.errors import InputError
from summariser.html import html_to_text, looks_like_html
from summariser.page_noise import body_spans
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


# --- HTML ------------------------------------------------------------------------------------

PAGE = """<!DOCTYPE html>
<html><head><title>Site title</title><style>p { color: red; }</style>
<script>var killed = 999; document.write("<p>999 dead</p>");</script></head>
<body>
<header><a href="/">Home</a> <a href="/world">World</a></header>
<nav><ul><li>Politics</li><li>Sport</li></ul></nav>
<article>
<h1>Syria: 24 civilians killed in Idlib</h1>
<p>At least 24 civilians   were killed &amp; 60 wounded in
   air strikes on Idlib, the Syrian Observatory said&nbsp;on Tuesday.</p>
<figure><img src="x.jpg"><figcaption>Smoke rises over Idlib (Reuters)</figcaption></figure>
<p>&ldquo;We have nowhere to go,&rdquo; said Umm Ahmed, 40.<br>She fled with her children.</p>
<noscript>Enable JavaScript</noscript>
<aside>Related: 300 killed elsewhere</aside>
<form><input name="q"><button>Search</button></form>
</article>
<footer>&copy; 2020 News Corp</footer>
</body></html>"""


def test_html_to_text_keeps_article_drops_boilerplate() -> None:
    text = html_to_text(PAGE)
    assert text.splitlines() == [
        "Syria: 24 civilians killed in Idlib",
        "At least 24 civilians were killed & 60 wounded in air strikes on Idlib, the Syrian "
        "Observatory said on Tuesday.",
        "\u201cWe have nowhere to go,\u201d said Umm Ahmed, 40.",
        "She fled with her children.",
    ]
    for gone in ("999", "color", "Home", "Politics", "Smoke", "JavaScript", "300", "Search",
                 "News Corp", "Site title"):
        assert gone not in text


@pytest.mark.parametrize(("html", "text"), [
    ("<p>unclosed <b>bold <i>italic", "unclosed bold italic"),
    ("<div><nav>menu</div><p>Body survives.</p>", "Body survives."),  # the unclosed nav still goes
    ("<p>a</p></div></div></span><p>b", "a\nb"),  # stray end tags change nothing
    ("<<<>>>&&&;;<p", "<<<>>>&&&;;<p"),  # not markup: kept as the text it is
    ("<script>never closed", ""),  # an unclosed script is still no text
    ("&#99999999; &#x110000; &bogus; &amp", "\ufffd \ufffd &bogus; &"),  # no code point: U+FFFD
])
def test_html_to_text_broken_markup(html: str, text: str) -> None:
    assert html_to_text(html) == text


def test_looks_like_html() -> None:
    assert looks_like_html(PAGE)
    assert looks_like_html("<p>One.</p><p>Two.</p><div>Three</div>")
    assert not looks_like_html("At least 24 people were killed.\nIf a < b and b > c, fine.")
    assert not looks_like_html("")


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


# --- page noise ------------------------------------------------------------------------------

NO_COMMENT_PAGE = "\n".join([
    "Syria: Turkish troops and Syrian army clash in Idlib",
    "By Euronews",
    "Last updated: 04/02/2020",
    "",
    "Turkey and Syria's armies clashed in Idlib on Monday, in one of the most serious "
    "confrontations between the two countries in nine years of war, officials said.",
    "At least 700 people have been killed since December, according to the Syrian "
    "Observatory for Human Rights, about 110 of the fatalities civilians.",
    "Surprise offensive",
    "A hundred thousand people have been driven to flee in the past week alone, the United "
    "Nations said, adding that the situation was deteriorating fast.",
    "Russian and Turkish ministers talk",
    "The two countries' foreign ministers spoke by phone on Monday evening, and agreed to "
    "keep talking in the days ahead, a ministry statement said.",
    "Photo: Smoke rises over Saraqeb after an air strike (Reuters)",
    "Share this article",
    "Advertisement",
    "12,345 views",
    "More No Comment",
    "Russian troops patrol Syrian city of Manbij",
    "Death toll from intense storms and flooding in Brazil rises to 44",
    "Hundreds of Syrian civilians flee fighting south of Idlib province",
    "Protesters clash with police in Hong Kong",
    "Pope Francis visits Iraq",
    "Floods hit Indonesian capital Jakarta",
    "Lebanese protesters block roads in Beirut",
    "Migrants stranded at Greek border",
    "Volcano erupts in Philippines",
    "Fires rage across Australia",
    "Tens of thousands march in Paris against pension reform",
    "Earthquake hits eastern Turkey killing 22",
    "Snow blankets Jerusalem",
    "Thousands rally in Sudan",
    "\u00a9 2020 euronews",
    "",
])


def _body_lines(text: str) -> list[str]:
    return [text[s:e] for s, e in body_spans(text)]


def test_body_spans_more_no_comment_case() -> None:
    body = _body_lines(NO_COMMENT_PAGE)
    joined = "\n".join(body)
    for kept in (
        "Turkey and Syria's armies clashed in Idlib on Monday",
        "At least 700 people have been killed since December",
        "A hundred thousand people have been driven to flee",
        "The two countries' foreign ministers spoke by phone",
        "Syria: Turkish troops and Syrian army clash in Idlib",
    ):
        assert any(line.startswith(kept) for line in body), kept
    for gone in (
        "More No Comment", "Death toll from intense storms", "Hundreds of Syrian civilians flee",
        "Earthquake hits eastern Turkey", "Thousands rally in Sudan", "Tens of thousands march",
        "Photo:", "Share this article", "Advertisement", "12,345 views", "\u00a9 2020",
    ):
        assert gone not in joined, gone


def test_body_spans_are_stripped_lines() -> None:
    text = ("  Title here  \r\n\r\n  At least 24 people were killed in the attack on Tuesday, "
            "officials said.  \n")
    spans = body_spans(text)
    assert [text[s:e] for s, e in spans] == [
        "Title here", "At least 24 people were killed in the attack on Tuesday, officials said."]


def test_body_spans_comments_and_related() -> None:
    text = "\n".join([
        "Home", "World", "Middle East",
        "Airstrike kills 24 in Idlib",
        "At least 24 civilians were killed in an airstrike on a market in Idlib on Tuesday, "
        "rescuers said.",
        "Read more: Why Idlib matters",
        "Ten things to know about Syria",
        "The strike came a day after talks collapsed in Geneva, leaving the ceasefire in tatters "
        "across the province.",
        "We use cookies to improve your experience. Accept all",
        "(Photo by Omar Haj Kadour/AFP)",
        "Civilians flee Idlib. (Omar Haj Kadour/AFP)",
        "Copyright 2020 Example News. All rights reserved.",
        "3 comments",
        "This is terrible, 500 people must have died here and nobody cares at all, honestly.",
        "Log in to comment",
    ])
    body = _body_lines(text)
    assert body == [
        "Airstrike kills 24 in Idlib",
        "At least 24 civilians were killed in an airstrike on a market in Idlib on Tuesday, "
        "rescuers said.",
        "The strike came a day after talks collapsed in Geneva, leaving the ceasefire in tatters "
        "across the province.",
    ]


def test_body_spans_link_run_after_first_paragraph() -> None:
    text = "\n".join([
        "Title of the story",
        "Fighting continued on Tuesday in the north of the country, witnesses told reporters.",
        "Syria war",
        "Refugee crisis",
        "Idlib offensive explained",
        "Turkey",
    ])
    assert _body_lines(text) == text.splitlines()[:2]


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
_LINEY = st.lists(
    st.one_of(
        st.text(max_size=40),
        st.sampled_from([
            "More No Comment", "Read more", "Comments", "Photo: x", "Related", "Advertisement",
            "At least 24 people were killed in the attack on the market on Tuesday, they said.",
            "Short headline", "", "  ", "Mr. Smith said. U.S. forces left.",
        ]),
    ),
    max_size=15,
).map("\n".join)


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
@given(_LINEY)
def test_body_spans_valid(text: str) -> None:
    last = 0
    for s, e in body_spans(text):
        assert 0 <= s < e <= len(text)
        assert s >= last
        assert text[s:e] == text[s:e].strip()
        last = e


@_FAST
@given(st.text())
def test_body_spans_never_raises(text: str) -> None:
    for s, e in body_spans(text):
        assert 0 <= s < e <= len(text)


@_FAST
@given(st.text())
def test_html_to_text_never_raises(text: str) -> None:
    assert isinstance(html_to_text(text), str)
    assert isinstance(html_to_text("<p>" + text + "</div><script>" + text), str)
    looks_like_html(text)


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
