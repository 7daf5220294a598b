"""Tests for summariser.page_noise: which lines of a text input are article body."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from summariser.page_noise import body_spans

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
