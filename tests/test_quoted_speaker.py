"""A quoted "we have taken X" credits the side that says it (narrative.sides.quoted_speaker)."""

from __future__ import annotations

import pytest

from summariser.narrative import control
from summariser.text import Sentence

NAMES = ["Russian Defence Ministry", "RSF", "M23", "army", "Ukraine"]


def _gained(place: str, text: str) -> str | None:
    reading = control.read(place, Sentence(0, len(text), text), NAMES)
    return None if reading is None else reading.gained_by


@pytest.mark.parametrize(("text", "speaker"), [
    ('"Our units have liberated the town of Kupiansk," the Russian Defence Ministry said.',
     "Russian Defence Ministry"),
    ('"We have taken Kupiansk," said the Russian Defence Ministry.', "Russian Defence Ministry"),
    ('The RSF said: "We have taken Kupiansk and the army fled."', "RSF"),
    ("\u201cOur forces have fully liberated Kupiansk,\u201d the Russian Defence Ministry said on Friday.",
     "Russian Defence Ministry"),
])
def test_the_speaker_of_a_quoted_we_took_it_is_the_gainer(text: str, speaker: str) -> None:
    assert _gained("Kupiansk", text) == speaker


@pytest.mark.parametrize("text", [
    # a speaker who is no side, a quotation about someone else, "we" outside any quotation
    '"We have taken Kupiansk," a commander told Reuters.',
    '"They have taken Kupiansk," the Russian Defence Ministry said.',
    'We have taken Kupiansk, the Russian Defence Ministry said.',
    '"We will take Kupiansk," the Russian Defence Ministry said.',
])
def test_no_speaker_where_the_quote_is_not_the_sides_own_we(text: str) -> None:
    assert _gained("Kupiansk", text) is None
