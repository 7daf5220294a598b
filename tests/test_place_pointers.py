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


def _sides(place: str, texts: list[str], others: tuple[str, ...] = (),
           names: tuple[str, ...] = ()) -> tuple[str | None, str | None] | None:
    sentences, at = [], 0
    for text in texts:
        sentences.append(Sentence(at, at + len(text), text))
        at += len(text) + 1
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
