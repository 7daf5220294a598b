"""Tests for summariser.numbers: count parsing, number finding and categories."""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from summariser import numbers
from summariser.numbers import QUALIFIERS, ParsedCount, find_numbers, parse_count, stated_values

E = "exact"
V = "vague"


def pc(count: int | None, low: int | None, high: int | None, qualifier: str) -> ParsedCount:
    return ParsedCount(count, low, high, qualifier)


def ex(v: int) -> ParsedCount:
    return ParsedCount(v, v, v, E)


PARSE_CASES: list[tuple[str, ParsedCount | None]] = [
    # digits and separators
    ("700", ex(700)),
    ("14,000", ex(14_000)),
    ("1 200", ex(1_200)),
    ("1\u00a0200", ex(1_200)),
    ("1,234,567", ex(1_234_567)),
    ("1.5 million", ex(1_500_000)),
    ("2 million", ex(2_000_000)),
    ("3.2bn", ex(3_200_000_000)),
    ("1.2m", ex(1_200_000)),
    ("10k", ex(10_000)),
    ("2,500-strong", ex(2_500)),
    # number words
    ("two", ex(2)),
    ("one", ex(1)),
    ("twelve", ex(12)),
    ("twenty-four", ex(24)),
    ("Twenty four", ex(24)),
    ("a hundred thousand", ex(100_000)),
    ("A hundred thousand", ex(100_000)),
    ("one million", ex(1_000_000)),
    ("two million", ex(2_000_000)),
    ("a dozen", ex(12)),
    ("two dozen", ex(24)),
    ("half a million", ex(500_000)),
    ("one hundred and fifteen", ex(115)),
    ("two thousand five hundred", ex(2_500)),
    ("three hundred", ex(300)),
    # qualifiers
    ("at least 700", pc(700, 700, None, "at_least")),
    ("At least 700", pc(700, 700, None, "at_least")),
    ("more than 14,000", pc(14_000, 14_000, None, "more_than")),
    ("over 300", pc(300, 300, None, "more_than")),
    ("upwards of 50", pc(50, 50, None, "more_than")),
    ("well over 1,000", pc(1_000, 1_000, None, "more_than")),
    ("more than a dozen", pc(12, 12, None, "more_than")),
    ("nearly one million", pc(1_000_000, None, 1_000_000, "nearly")),
    ("almost 40", pc(40, None, 40, "nearly")),
    ("about 110", pc(110, None, None, "about")),
    ("around 20", pc(20, None, None, "about")),
    ("some 20", pc(20, None, None, "about")),
    ("roughly 300", pc(300, None, None, "about")),
    ("approximately 5,000", pc(5_000, None, None, "about")),
    ("an estimated 1.5 million", pc(1_500_000, None, None, "about")),
    ("up to 500", pc(500, None, 500, "up_to")),
    ("as many as 30", pc(30, None, 30, "up_to")),
    ("no fewer than 9", pc(9, 9, None, "at_least")),
    # ranges
    ("between 115 and 120", pc(None, 115, 120, E)),
    ("115-120", pc(None, 115, 120, E)),
    ("115\u2013120", pc(None, 115, 120, E)),
    ("115 to 120", pc(None, 115, 120, E)),
    ("two or three", pc(None, 2, 3, E)),
    ("2 to 3 million", pc(None, 2_000_000, 3_000_000, E)),
    ("between 2 and 3 million", pc(None, 2_000_000, 3_000_000, E)),
    # vague quantities
    ("dozens", pc(None, 24, 99, V)),
    ("Dozens", pc(None, 24, 99, V)),
    ("scores of people", pc(None, 40, 99, V)),
    ("hundreds", pc(None, 200, 999, V)),
    ("Hundreds of civilians", pc(None, 200, 999, V)),
    ("several hundred", pc(None, 200, 999, V)),
    ("thousands", pc(None, 2_000, 9_999, V)),
    ("many thousands", pc(None, 2_000, 9_999, V)),
    ("tens of thousands", pc(None, 20_000, 99_999, V)),
    ("hundreds of thousands", pc(None, 200_000, 999_999, V)),
    ("millions", pc(None, 2_000_000, 9_999_999, V)),
    ("many millions", pc(None, 2_000_000, 9_999_999, V)),
    ("tens of millions", pc(None, 20_000_000, 99_999_999, V)),
    ("a few", pc(None, 2, 9, V)),
    ("several", pc(None, 2, 9, V)),
    # the first number of a real sentence
    ("at least 700 people have been killed", pc(700, 700, None, "at_least")),
    ("about 110 of the fatalities", pc(110, None, None, "about")),
    ("A hundred thousand people have been driven to flee", ex(100_000)),
    ("more than 14,000 people \u2013- nearly half are children -- have been displaced",
     pc(14_000, 14_000, None, "more_than")),
    ("255 people killed", ex(255)),
    ("dozens of its soldiers have been killed", pc(None, 24, 99, V)),
    ("killing four civilians and wounding six others", ex(4)),
    ("killed 200 militants", ex(200)),
    ("The war, which has killed hundreds of thousands of people and displaced many millions",
     pc(None, 200_000, 999_999, V)),
    # not numbers
    ("", None),
    ("twin", None),
    ("M5", None),
    ("Al-Qaeda's", None),
    ("COVID-19", None),
    ("F-16", None),
    ("someone often", None),
    ("half", None),
    ("10:30", None),
]


@pytest.mark.parametrize(("phrase", "expected"), PARSE_CASES)
def test_parse_count(phrase: str, expected: ParsedCount | None) -> None:
    assert parse_count(phrase) == expected


# The two tables of summariser.numbers' docstring: phrase -> count, low, high, qualifier, and
# vague phrases -> their bounds.
CONVENTION_ROW = re.compile(r'^\s+"([^"]+)"\s+(\S+)\s+(\S+)\s+(\S+)\s+(\w+)\s*$', re.M)
VAGUE_ROW = re.compile(r'^\s+((?:"[^"]+"(?:, )?)+)(?: \(.*?\))?\s+([\d,e]+) \.\. ([\d,]+)\s*$', re.M)


def _number(text: str) -> int:
    return int(float(text.replace(",", "")))


def _documented_conventions() -> list[tuple[str, ParsedCount]]:
    def cell(text: str) -> int | None:
        return None if text == "None" else _number(text)

    return [(phrase, pc(cell(c), cell(lo), cell(hi), q))
            for phrase, c, lo, hi, q in CONVENTION_ROW.findall(numbers.__doc__ or "")]


def _documented_vague_bounds() -> list[tuple[str, int, int]]:
    """The vague table with its shorthand spelled out: "several/a few dozen" is "several dozen"
    and "a few dozen", "several m." is "several million", "scores" counts only in "scores of"."""
    found: list[tuple[str, int, int]] = []
    for phrases, low, high in VAGUE_ROW.findall(numbers.__doc__ or ""):
        for phrase in re.findall(r'"([^"]+)"', phrases):
            phrase = "scores of" if phrase == "scores" else phrase.replace(" m.", " million")
            either = re.fullmatch(r"(\S+)/(.+) (\S+)", phrase)
            spelled = [f"{either[1]} {either[3]}", f"{either[2]} {either[3]}"] if either else [phrase]
            found += [(s, _number(low), _number(high)) for s in spelled]
    return found


def test_parse_count_does_what_the_docstring_table_says() -> None:
    documented = _documented_conventions()
    assert {value.qualifier for _, value in documented} == set(QUALIFIERS)  # every qualifier shown
    for phrase, value in documented:
        assert parse_count(phrase) == value, phrase


def test_vague_quantities_have_the_documented_bounds() -> None:
    documented = _documented_vague_bounds()
    assert len({(low, high) for _, low, high in documented}) == 11  # every band of the table read
    for phrase, low, high in documented:
        assert parse_count(phrase) == pc(None, low, high, V), phrase


# (text, mention text, category, noun) for the first mention of each text
MENTION_CASES = [
    ("at least 700 people have been killed", "at least 700", "count", "people"),
    ("about 110 of the fatalities", "about 110", "count", "fatalities"),
    ("A hundred thousand people have been driven to flee", "A hundred thousand", "count", "people"),
    ("more than 14,000 people \u2013- nearly half", "more than 14,000", "count", "people"),
    ("255 people killed", "255", "count", "people"),
    ("dozens of its soldiers have been killed", "dozens", "count", "soldiers"),
    ("24 civilians died", "24", "count", "civilians"),
    ("about 20 fighters", "about 20", "count", "fighters"),
    ("the town's 4,000 inhabitants", "4,000", "count", "inhabitants"),
    ("killed 200 militants", "200", "count", "militants"),
    ("a 2,500-strong force", "2,500", "count", "force"),
    ("1.5 million Syrians", "1.5 million", "count", "Syrians"),
    ("in 2016", "2016", "year", None),
    ("since 2011", "2011", "year", None),
    ("mid-2016", "2016", "year", None),
    ("the 2011 uprising", "2011", "year", "uprising"),
    ("2000 people fled", "2000", "count", "people"),
    ("on 12 March", "12", "date", "March"),
    ("on March 12", "12", "date", None),
    ("at 10:30 local time", "10:30", "time", "time"),
    ("at 10am", "10", "time", None),
    ("for three days", "three", "duration", "days"),
    ("72 hours", "72", "duration", "hours"),
    ("eight years ago", "eight", "duration", "years"),
    ("40 years", "40", "duration", "years"),
    ("70 days", "70", "duration", "days"),
    ("the two-month war", "two", "duration", "month"),
    ("four miles away", "four", "distance", "miles"),
    ("seven kilometres", "seven", "distance", "kilometres"),
    ("620km", "620", "distance", "km"),
    ("50% of homes", "50", "percentage", None),
    ("12 per cent", "12", "percentage", None),
    ("$5m in aid", "5m", "money", None),
    ("2 million dollars", "2 million", "money", "dollars"),
    ("the fourth largest city", "fourth", "ordinal", "city"),
    ("Syria's second city", "second", "ordinal", "city"),
    ("the 2nd battalion", "2", "ordinal", "battalion"),
    ("aged 12", "12", "age", None),
    ("a 12-year-old boy", "12", "age", "boy"),
    ("20 tonnes of aid", "20", "other", "tonnes"),
    ("four may have died", "four", "count", None),
]


@pytest.mark.parametrize(("text", "mention", "category", "noun"), MENTION_CASES)
def test_first_mention(text: str, mention: str, category: str, noun: str | None) -> None:
    first = find_numbers(text)[0]
    assert (first.text, first.category, first.noun) == (mention, category, noun)
    assert text[first.start:first.end] == first.text


def test_killing_four_wounding_six() -> None:
    found = find_numbers("killing four civilians and wounding six others")
    assert [(m.text, m.value.count, m.noun) for m in found] == [
        ("four", 4, "civilians"), ("six", 6, "others")]


def test_hundreds_of_thousands_and_many_millions() -> None:
    text = "The war, which has killed hundreds of thousands of people and displaced many millions"
    found = find_numbers(text)
    assert [(m.text, m.value.low, m.value.high, m.noun) for m in found] == [
        ("hundreds of thousands", 200_000, 999_999, "people"),
        ("many millions", 2_000_000, 9_999_999, None),
    ]


@pytest.mark.parametrize("text", [
    "twin bombings", "the M5 highway", "Al-Qaeda's fighters", "COVID-19", "an F-16 jet",
    "flight MH17", "a 2S19 howitzer", "5G masts", "someone often", "",
])
def test_no_numbers(text: str) -> None:
    assert find_numbers(text) == []


def test_from_to_is_a_change_not_a_range() -> None:
    found = find_numbers("the toll rose from 100 to 200")
    assert [m.value for m in found] == [ex(100), ex(200)]


def test_between_range_span_covers_between() -> None:
    (m,) = find_numbers("between 115 and 120 people")
    assert m.text == "between 115 and 120"
    assert m.value == pc(None, 115, 120, E)
    assert m.noun == "people"


def test_mentions_sorted_and_disjoint() -> None:
    text = ("Hundreds of Syrian civilians fled on 12 March 2020, after at least 24 were killed "
            "and 1 200 wounded in 3 days, 20km from the M5.")
    found = find_numbers(text)
    assert [m.text for m in found] == [
        "Hundreds", "12", "2020", "at least 24", "1 200", "3", "20"]
    for a, b in zip(found, found[1:], strict=False):
        assert a.end <= b.start


def test_stated_values() -> None:
    text = "At least 24 people were killed and between 115 and 120 wounded; dozens fled in 2016."
    assert stated_values(text) == {24, 115, 120, 99, 2016}
    assert stated_values(text, {"count"}) == {24, 115, 120, 99}


def test_huge_digit_runs_do_not_raise() -> None:
    assert find_numbers("9" * 10_000) == []
    assert parse_count("1" + ",000" * 20) is None


@settings(max_examples=200, deadline=None)
@given(st.text())
def test_find_numbers_spans_are_valid(text: str) -> None:
    found = find_numbers(text)
    last_end = 0
    for m in found:
        assert 0 <= m.start <= m.end <= len(text)
        assert text[m.start:m.end] == m.text
        assert m.start >= last_end
        last_end = m.end
        assert m.value.qualifier in QUALIFIERS


_NUMBERISH = st.lists(
    st.sampled_from([
        "at least", "more than", "nearly", "about", "up to", "between", "and", "to", "-",
        "dozens", "hundreds", "of", "thousands", "tens", "a", "hundred", "thousand", "million",
        "two", "twenty", "four", "700", "14,000", "1.5", "1 200", "people", "killed", "in",
        "2016", "March", "12", ",", ".", "M5", "COVID-19", "km", "%", "$", "years", "aged",
        "half", "many", "millions", "\u2013", "  ", "\n", "\u00e9", "\u017f", "\u0130",
    ]),
    max_size=12,
).map(" ".join)


@settings(max_examples=200, deadline=None)
@given(_NUMBERISH)
def test_find_numbers_on_numberish_text(text: str) -> None:
    for m in find_numbers(text):
        assert text[m.start:m.end] == m.text
        v = m.value
        if v.qualifier == "vague":
            assert v.count is None and v.low is not None and v.high is not None
        if v.low is not None and v.high is not None:
            assert v.low <= v.high
    parse_count(text)
    stated_values(text)


@settings(max_examples=200, deadline=None)
@given(st.text())
def test_parse_count_never_raises(text: str) -> None:
    result = parse_count(text)
    assert result is None or result.qualifier in QUALIFIERS
