"""Changes of control named by a noun (narrative.nominal, read through narrative.control)."""

from __future__ import annotations

import pytest

from summariser.narrative import control
from summariser.text import Sentence

NAMES = ["M23", "M23 rebels", "Russian forces", "Russia", "HTS", "Taliban", "army", "the army",
         "Ukrainian forces", "Ukraine", "federal troops", "Hamas", "RSF"]


def _read(place: str, text: str) -> tuple[str | None, str | None] | None:
    reading = control.read(place, Sentence(0, len(text), text), NAMES)
    return None if reading is None else (reading.gained_by, reading.lost_by)


@pytest.mark.parametrize(("place", "text", "sides"), [
    ("Goma", "The capture of Goma by M23 rebels has displaced hundreds of thousands.", ("M23 rebels", None)),
    ("Avdiivka", "The fall of Avdiivka to Russian forces was Moscow's biggest gain in months.",
     ("Russian forces", None)),
    ("Kunduz", "The loss of Kunduz to the Taliban is a major blow.", ("Taliban", None)),
    ("Avdiivka", "Russia's capture of Avdiivka last week alarmed Kyiv.", ("Russia", None)),
    ("Kherson", "The liberation of the city of Kherson by Ukrainian forces was celebrated.",
     ("Ukrainian forces", None)),
    ("Mekelle", "After the withdrawal of federal troops from Mekelle, looting began.",
     (None, "federal troops")),
    ("Sinja", "After the army's withdrawal from Sinja, the town was exposed.", (None, "army")),
    ("Kherson", "Ukraine's recapture of Kherson from Russian forces was a blow.",
     ("Ukraine", "Russian forces")),
    ("Kherson", "The recapture of Kherson from Russian forces by Ukraine was a blow.",
     ("Ukraine", "Russian forces")),
    ("Avdiivka", "Russia announced the capture of Avdiivka.", ("Russia", None)),
    ("Raqqa", "The fall of Raqqa, the de facto capital of Islamic State, to Russian forces ended it.",
     ("Russian forces", None)),
    ("Sinja", "The army's loss of Sinja to the RSF shocked Khartoum.", ("RSF", "army")),
])
def test_a_noun_that_says_the_place_changed_hands_gives_its_sides(
        place: str, text: str, sides: tuple[str | None, str | None]) -> None:
    assert _read(place, text) == sides


@pytest.mark.parametrize(("place", "text"), [
    ("Pokrovsk", "Fears of the fall of Pokrovsk to Russian forces grew in Kyiv."),
    ("Sumy", "Kyiv vowed to prevent the capture of Sumy by Russian forces."),
    ("Pokrovsk", "The fall of Pokrovsk to Russian forces would open the road to Kramatorsk."),
    ("Kabul", "Since the fall of Kabul to the Taliban in August 2021, aid has dried up."),
    ("Gaza", "Hamas's seizure of Gaza in 2007 led to a blockade."),
    ("Goma", "The capture of 50 soldiers by M23 near Goma was confirmed."),
    ("Goma", "The loss of life in Goma was heavy, the army said."),
    ("Goma", "The fall of Goma was a turning point."),  # no side named: not a change to report
    ("Bukavu", "The army denied the capture of Bukavu by M23 rebels."),
    ("Goma", "The capture of Goma by late January forced the army to regroup."),
    ("Kabul", "A decade after the fall of Kabul to the Taliban, aid is scarce."),
    ("Kabul", "The Taliban's 2021 takeover of Kabul shocked the world."),
    ("Kabul", "The fall of Kabul to the Taliban three years ago ended the war."),
    ("Pokrovsk", "Analysts warned that the fall of Pokrovsk to Russian forces is a matter of time."),
    ("Goma", "Talks focused on the withdrawal of M23 rebels from Goma."),
    ("Luanda", "After the withdrawal of M23's delegation from Luanda, talks ended."),
    ("Kherson", "Russia's withdrawal from Kherson, if confirmed, would be a blow."),
    ("Kherson", "The army's failed recapture of Kherson cost thousands of lives."),
])
def test_a_noun_of_a_fear_an_aim_another_year_or_no_side_reports_no_change(place: str, text: str) -> None:
    assert _read(place, text) is None
