""""The town", "the city" read back to the place they stand for (narrative.coref.place_pointer)
when a change of control is read (narrative.parts._readings)."""

from __future__ import annotations

import pytest
from summariser.schemas.brief import Actor

from summariser.narrative import coref, parts
from summariser.text import Sentence

ACTORS = [Actor(name=n, type="non-state armed group", role="other")
          for n in ("M23", "Tigrayan forces", "Russia", "RSF")]
NAMES = ["M23", "M23 rebels", "Tigrayan forces", "federal troops", "Russia", "RSF", "army"]


def _sentences(texts: list[str]) -> list[Sentence]:
    sentences, at = [], 0
    for text in texts:
        sentences.append(Sentence(at, at + len(text), text))
        at += len(text) + 1
    return sentences


def _sides(place: str, texts: list[str], others: tuple[str, ...] = (),
           names: tuple[str, ...] = ()) -> tuple[str | None, str | None] | None:
    sentences = _sentences(texts)
    change = parts._latest(parts._readings(place, sentences, [*NAMES, *names], ACTORS, False, None, others),
                           None, None)
    return None if change is None else (change.gained_by, change.lost_by)


def test_the_town_is_the_one_place_the_sentence_before_names() -> None:
    texts = ["Heavy fighting raged around Sake, 25 km west of Goma, for much of the week.",
             "On Thursday M23 rebels captured the town, residents said."]
    assert _sides("Sake", texts) == ("M23 rebels", None)
    assert _sides("Goma", texts) is None  # Goma only says where Sake is


def test_the_city_after_the_place_in_its_own_sentence_stands_for_it() -> None:
    text = "Following the withdrawal of federal troops from Mekelle, Tigrayan forces took over the city."
    assert _sides("Mekelle", [text]) == ("Tigrayan forces", "federal troops")


@pytest.mark.parametrize("texts", [
    # two places before: which city?
    ["Fighting spread from Bukavu to Goma on Monday.", "M23 rebels captured the city on Tuesday."],
    # the pointer's own sentence names another place
    ["Shelling hit Sake on Monday.", "M23 rebels captured the town of Minova."],
    ["Shelling hit Sake on Monday.", "M23 rebels captured the town near Goma."],
    # not the place: its hall, a possessive, the sentence before last
    ["Shelling hit Sake on Monday.", "M23 rebels captured the town hall."],
    ["Shelling hit Sake on Monday.", "M23 rebels seized the town's airport."],
    ["Shelling hit Sake on Monday.", "Aid stopped.", "M23 rebels captured the town."],
])
def test_the_town_stands_for_no_place_where_it_is_not_the_only_fit(texts: list[str]) -> None:
    assert _sides("Sake" if "Sake" in texts[0] else "Bukavu", texts) is None


def test_a_place_of_the_brief_makes_the_town_ambiguous() -> None:
    texts = ["Fighting raged around Sake and Kirotshe.", "M23 rebels captured the town."]
    assert _sides("Sake", texts) == ("M23 rebels", None)  # Kirotshe: no gazetteer city
    assert _sides("Sake", texts, ("Sake", "Kirotshe")) is None  # but a place of the brief


def test_pointer_spans_skip_names_and_possessives() -> None:
    assert coref.pointer_spans("They took the strategic town on Monday.") == [(24, 28)]
    assert coref.pointer_spans("They took the town of Sake and the city's port.") == []


def test_his_fighters_are_the_side_named_before_and_a_clan_word_stays_with_its_noun() -> None:
    texts = ["Ukrainian forces had held Bakhmut for months.",
             "On Saturday, Wagner chief Yevgeny Prigozhin said his fighters had taken the city."]
    assert _sides("Bakhmut", texts, names=("Wagner",)) == ("Wagner", None)
    text = ("Somaliland's forces withdrew from Las Anod after months of fighting with SSC-Khatumo "
            "clan militias, who took control of the city.")
    assert _sides("Las Anod", [text]) == ("SSC-Khatumo clan militias", "Somaliland's forces")


def _ahead_sides(place: str, texts: list[str],
                 places: tuple[str, ...]) -> tuple[str | None, str | None] | None:
    sentences = _sentences(texts)
    ahead = coref.ahead(texts, [p for p in places if coref.settlement(p, "town")])
    change = parts._latest(parts._readings(place, sentences, NAMES, ACTORS, True, None, places, ahead),
                           None, None)
    return None if change is None else (change.gained_by, change.lost_by)


@pytest.mark.parametrize(("texts", "expected"), [
    (["M23 rebels captured a small town in the east of the country on Friday, residents said.",
      "Aid convoys were turned back.",
      "Fighting had broken out in Kanyabayonga, north of Goma, on Thursday."],
     {"Kanyabayonga": ("M23 rebels", None), "Goma": None}),  # the first new name only
    (["RSF fighters on Sunday seized two small towns after driving out the army.",
      "Thousands fled the towns of Umm Rawaba and Er Rahad toward El Obeid."],
     {"Umm Rawaba": ("RSF fighters", None), "Er Rahad": ("RSF fighters", None), "El Obeid": None}),
])
def test_a_town_the_lead_does_not_name_is_the_one_the_next_sentences_name(
        texts: list[str], expected: dict[str, tuple[str | None, str | None] | None]) -> None:
    assert {p: _ahead_sides(p, texts, tuple(expected)) for p in expected} == expected


def test_another_village_is_none_the_article_named_before() -> None:
    texts = ["Russia says it captured Pervomaiske",
             "Russia said it had captured another village on Tuesday, near Pervomaiske.",
             "The ministry said the village of Nevelske had been liberated."]
    places = ("Pervomaiske", "Nevelske")
    assert _ahead_sides("Nevelske", texts, places) == ("Russia", None)


@pytest.mark.parametrize("texts", [
    # a town named before: "a town" may be that one
    ["M23 rebels seize Kalehe", "M23 rebels captured a town on Friday.", "Shelling hit Minova."],
    # two towns, one name
    ["M23 rebels captured two towns on Friday.", "Shelling hit Minova."],
    # the name comes too late
    ["M23 rebels captured a town on Friday.", "Aid stopped.", "Roads closed.", "Rain fell.",
     "Shelling hit Minova."],
    # no phrase for a place: its size, its elder, a definite town
    ["M23 rebels captured a town of 60,000 people.", "Shelling hit Minova."],
    ["M23 rebels captured a village elder.", "Shelling hit Minova."],
    # no side named
    ["The photographs captured a town on Friday.", "Shelling hit Minova."],
])
def test_a_town_stands_for_no_place_where_more_than_one_fits_or_none(texts: list[str]) -> None:
    assert _ahead_sides("Minova", texts, ("Kalehe", "Minova")) is None


def test_an_area_is_no_town() -> None:
    assert not coref.settlement("North Kivu", "other")  # a province by the gazetteer
    assert not coref.settlement("Gezira state", "other")  # by its last word
    assert not coref.settlement("Sudan", "town")
    assert not coref.settlement("Kanyabayonga", "region")
    assert coref.settlement("Kanyabayonga", "town")
    assert coref.indefinite_spans("They took two towns and a village elder.") == [(14, 19, 2, "two", "towns")]


def test_a_sentence_that_names_the_place_outranks_a_town_before_it() -> None:
    texts = ["RSF fighters said they had seized another town on Monday.",
             "It came two days after RSF fighters seized Wad Madani from the army."]
    sentences = _sentences(texts)
    ahead = coref.ahead(texts, ["Wad Madani"])
    assert ahead == {0: ["Wad Madani"]}
    readings = parts._readings("Wad Madani", sentences, NAMES, ACTORS, True, None, ("Wad Madani",), ahead)
    assert [s.text for s, _ in readings] == [texts[1]]


@pytest.mark.parametrize("texts", [
    # a photo caption between the headline and the story
    ["M23 rebels seize another town",
     "Police patrol a street in downtown Kiwanja, Congo, Saturday, Jan. 5, 2013.",
     "Fighting had broken out in Minova."],
    # a capital of a million people is no "town"
    ["M23 rebels captured a town on Friday.", "Leaders met in Kinshasa.", "Shelling hit Minova."],
])
def test_a_town_is_no_city_a_caption_or_a_capital_names(texts: list[str]) -> None:
    places = ("Kiwanja", "Kinshasa", "Minova")
    assert _ahead_sides("Minova", texts, places) == ("M23 rebels", None)
    assert _ahead_sides("Kiwanja", texts, places) is None
    assert _ahead_sides("Kinshasa", texts, places) is None
