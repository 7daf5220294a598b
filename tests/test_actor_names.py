"""Names the model lists that are no actor of their own (narrative.actor_names)."""

from __future__ import annotations

import pytest

from summariser.narrative import actor_names


@pytest.mark.parametrize(("name", "other"), [
    ("Cuban-inspired ELN group", "ELN"),
    ("M23 rebels", "M23"),
    ("Syrian army", "army"),
    ("UN-backed Somali government", "Somali government"),
    ("the Sudanese army", "the army"),
])
def test_a_name_with_only_descriptive_words_around_another_restates_it(name: str, other: str) -> None:
    assert actor_names.restates(name, other)


@pytest.mark.parametrize(("name", "other"), [
    ("Islamic State West Africa Province", "Islamic State"),  # a longer proper name
    ("Russian forces", "Russia"),  # another word
    ("ELN", "ELN"),  # the same name is no restatement
    ("Syrian Democratic Forces", "Syrian army"),
    ("army", "Syrian army"),  # the shorter is not a restatement of the longer
])
def test_another_proper_name_or_word_form_is_not_a_restatement(name: str, other: str) -> None:
    assert not actor_names.restates(name, other)


@pytest.mark.parametrize(("name", "reason"), [
    ("Saudi-led", "an adjective"), ("Iranian-backed", "an adjective"),
    ("Moscow", "a place"), ("Kinshasa", "a place"),
])
def test_a_lone_adjective_or_a_place_is_no_actor(name: str, reason: str) -> None:
    assert actor_names.not_an_actor(name) == reason


@pytest.mark.parametrize("name", ["Saudi-led coalition", "Russia", "Islamic State", "Fano", "Wagner",
                                  "Amhara region", "Rakhine State", "M23", "Amhara region forces", "Hamas"])
def test_a_group_a_country_or_a_force_may_be_an_actor(name: str) -> None:
    assert actor_names.not_an_actor(name) is None


def test_the_brief_keeps_one_actor_for_a_restated_name_and_none_for_a_fragment() -> None:
    from summariser.schemas.llm import Overview, OverviewActor

    from summariser.narrative import parts
    article = ("The ELN, a Cuban-inspired ELN group, attacked a base in Saravena, Colombia. "
               "A Saudi-led coalition was not involved. Officials in Moscow were silent.")
    ov = Overview(topic="armed conflict", headline="", summary="", places=[], control_changes=[],
                  actors=[OverviewActor(name=n, type="non-state armed group", role="attacker")
                          for n in ("ELN", "Cuban-inspired ELN group", "Saudi-led", "Moscow")])
    warnings: list[str] = []
    found = parts.actors(ov, article, warnings, [])
    assert [(a.name, a.aliases) for a in found if a.name in ("ELN", "Saudi-led", "Moscow")] == \
        [("ELN", ["Cuban-inspired ELN group"])]
    assert any("'Saudi-led': an adjective" in w for w in warnings)


def test_a_name_may_run_across_a_hard_wrap_but_never_across_a_paragraph_break() -> None:
    from summariser.schemas.llm import Overview, OverviewActor, OverviewPlace

    from summariser.narrative import parts
    article = ("Clashes in the north\n\n0 people died in Kessra on Monday.\n\n1 people were killed "
               "in Kessra. Assad's\narmy shelled the town of Babolin.")
    ov = Overview(topic="armed conflict", headline="", summary="", control_changes=[],
                  places=[OverviewPlace(name=n, type="town") for n in ("Monday. 1", "Kessra")],
                  actors=[OverviewActor(name=n, type="state forces", role="attacker")
                          for n in ("Monday. 1 people", "Assad's army")])
    warnings: list[str] = []
    assert [p.name for p in parts.places(ov, article, warnings)] == ["Kessra", "Babolin"]
    assert [a.name for a in parts.actors(ov, article, warnings, [])] == ["Assad's army"]
    assert "Dropped place 'Monday. 1': not named in the article." in warnings
