"""The narrative scorers: control-change direction, parties, prose verdicts, invented names."""

from __future__ import annotations

import pytest
from summariser.schemas.brief import ControlChange

from summariser.evaluation.gold import ForbiddenClaim, GoldControlChange, GoldNarrative
from summariser.evaluation.narrative import (
    control_verdict,
    invented_words,
    name_words,
    party_matches,
    prose_verdict,
    score_control,
)

GOLD = GoldControlChange(place=["Lyman"], gained_by=["Ukraine", "Ukrainian forces"],
                         lost_by=["Russia", "Russian troops"], evidence="x")


def change(gained: str | None, lost: str | None, place: str = "Lyman") -> ControlChange:
    return ControlChange(place=place, gained_by=gained, lost_by=lost, evidence="x")


@pytest.mark.parametrize(("gained", "lost", "verdict"), [
    ("Ukrainian forces", "Russian troops", "right"),
    ("Ukraine's army", None, "right"),              # the side, whatever body of it is named
    ("the Ukrainian military", "Russia", "right"),  # demonym for country
    (None, "Russian Defense Ministry", "right"),
    ("Russian Defense Ministry", "Ukraine's Defense Ministry", "inverted"),
    ("Russia", None, "inverted"),
    (None, "Ukrainian troops", "inverted"),
    ("Wagner", "Ukraine", "inverted"),
    ("Wagner", None, "wrong"),
    ("Ukraine", "Wagner", "right"),                 # the loser's name varies; the direction holds
])
def test_control_direction(gained: str | None, lost: str | None, verdict: str) -> None:
    assert control_verdict(change(gained, lost), GOLD) == verdict


def test_party_matching_keeps_sides_of_one_country_apart() -> None:
    assert party_matches("Somali government", ["Somali military"])
    assert not party_matches("Syrian rebels", ["Syrian army"])
    assert not party_matches("Syrian army", ["Syrian rebels"])
    assert not party_matches(None, ["Syrian army"])


def test_score_control_counts_missed_and_spurious() -> None:
    score = score_control([change("Russia", "Ukraine"), change("Ukraine", "Russia", place="Izium")], [GOLD])
    assert [v for _, _, v in score.verdicts] == ["inverted"]
    assert [c.place for c in score.spurious] == ["Izium"]
    assert score.count("inverted") == 1 and score.required == 1
    none = score_control([], [GOLD])
    assert none.count("missed") == 1
    assert score_control([change("Ukraine", "Russia")], None).scored is False  # not labelled


ARTICLE = ("Ukrainian forces entered Lyman on Saturday after Russian troops withdrew, the "
           "Russian Defence Ministry said. Residents of the Donetsk region fled to Sloviansk.")
NARRATIVE = GoldNarrative(about=["Lyman"], must_not=[
    ForbiddenClaim(pattern=r"russia\w* (forces |troops )?(take|took|capture)", why="Russia withdrew")])


@pytest.mark.parametrize(("text", "verdict"), [
    ("Ukrainian forces retake Lyman after Russian withdrawal", "ok"),
    ("", "empty"),
    ("Russian troops capture Lyman", "claims: Russia withdrew"),
    ("Fighting continues in the east", "off-topic"),
    ("Ukrainian forces and the Free Valley Front enter Lyman", "invented name: Free, Valley, Front"),
])
def test_prose_verdicts(text: str, verdict: str) -> None:
    assert prose_verdict(text, NARRATIVE, ARTICLE) == verdict


def test_name_words_skip_sentence_openers_but_not_multiword_names() -> None:
    assert name_words("Shelling hit Lyman. Residents fled.") == ["Lyman"]
    assert name_words("Free Valley Front fighters shelled Lyman") == ["Free", "Valley", "Front", "Lyman"]


def test_other_forms_of_an_article_word_are_not_invented() -> None:
    text = "U.S.-backed forces of Syria and the defence ministry said the ASG's fighters fled."
    assert invented_words("Syrian troops", text, whole_name=True) == []
    assert invented_words("US-backed Ministry", text, whole_name=True) == []
    assert invented_words("ASG", text, whole_name=True) == []
    assert invented_words("Mercy Corps", text, whole_name=True) == ["Mercy", "Corps"]
    assert invented_words("HTS", text, whole_name=True, accepted=frozenset({"hts"})) == []


def test_a_capture_in_the_prose_of_an_article_without_one_is_wrong() -> None:
    text = "Mexican police capture Aguililla from the cartel"
    gold = GoldNarrative(about=["Aguililla"])
    article = "Gunmen of a cartel killed 13 police officers in an ambush in Aguililla."
    assert prose_verdict(text, gold, article, accepted=frozenset({"mexican"}),
                         no_control_change=True).startswith("claims a change of control")
    assert prose_verdict(text, gold, article, accepted=frozenset({"mexican"})) == "ok"  # not labelled
    assert prose_verdict("Cartel gunmen kill 13 police in Aguililla", gold, article,
                         no_control_change=True) == "ok"


@pytest.mark.parametrize(("text", "claims"), [
    ("Mexican police capture Aguililla", True),
    ("Rebels seize the strategic town", True),
    ("Islamist rebels take control of Babolin", True),
    ("Hama falls to rebels", True),
    ("Troops capture 5 militants in a raid", False),
    ("Police seize weapons after the ambush", False),
    ("Gunmen kill 13 police officers", False),
])
def test_control_claims_need_a_place(text: str, claims: bool) -> None:
    from summariser.evaluation.narrative import CONTROL_CLAIM

    assert bool(CONTROL_CLAIM.search(text)) is claims


def test_floors_are_the_lowest_measured_rate_rounded_down() -> None:
    from summariser.evaluation.floors import floors

    def report(**metrics: float | None) -> dict:
        return {"splits": {"all": {"metrics": metrics}}}

    table = floors([report(figure_f1=0.849, headline_accuracy=0.54, invented_names=1),
                    report(figure_f1=0.861, headline_accuracy=None, invented_names=0)])
    assert table["figure_f1"] == 0.84  # the lower run, rounded down, never up
    assert "headline_accuracy" not in table  # not measured by every run: no floor
    assert "invented_names" not in table  # counts are gated against the baseline, not floored


def test_score_control_pairs_each_prediction_with_the_gold_change_it_gets_right() -> None:
    took = GoldControlChange(place=["Kiwanja"], gained_by=["M23"], lost_by=[], required=False,
                             evidence="x")
    left = GoldControlChange(place=["Kiwanja"], gained_by=[], lost_by=["M23"], required=False,
                             evidence="x")
    score = score_control([change(None, "M23 fighters", place="Kiwanja")], [took, left])
    assert [(g.lost_by, v) for g, _, v in score.verdicts] == [([], "missed"), (["M23"], "right")]
